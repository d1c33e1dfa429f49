"""The columns only frictionless reads (a time, a yearmonth, an array, a text's format) are checked
by frictionless's own cell reader when its pass over the data does not run: the same verdicts in
every mode and at every size."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from conftest import ROOT, in_batches, one_table_package
from peacetalks.checks.check_frictionless_cells import fields_read_by_frictionless
from peacetalks.model.read_package import read_package
from peacetalks.run.validate import validate_package

pytestmark = pytest.mark.usefixtures("frictionless_as_users_run_it")


FIELDS = [
    {"name": "id", "type": "string"},
    {"name": "at", "type": "time", "constraints": {"minimum": "09:00:00", "required": True}},
    {"name": "month", "type": "yearmonth", "constraints": {"enum": ["2025-01", "2025-02"]}},
    {"name": "tags", "type": "array", "constraints": {"minLength": 2}},
    {"name": "page", "type": "string", "format": "uri"},
    {"name": "mail", "type": "string", "format": "email", "constraints": {"maxLength": 40}},
]
ROWS = """id,at,month,tags,page,mail
a,10:00:00,2025-01,"[1, 2]",https://example.org/a,a@example.org
b,08:00:00,2025-01,"[1, 2]",https://example.org/b,b@example.org
c,xx,2025-03,"[1, 2]",https://example.org/c,
d,10:00:00,2025-02,[1],example.org/d,not-an-address
e,,,,,
"""
FOUND = [
    ("t.csv", 3, "at", "range"),
    ("t.csv", 4, "at", "type"),
    ("t.csv", 4, "month", "enum"),
    ("t.csv", 5, "mail", "type"),
    ("t.csv", 5, "page", "type"),
    ("t.csv", 5, "tags", "length"),
    ("t.csv", 6, "at", "required"),  # ours: frictionless's reader is not asked about `required`
]


def table_package(root, fields: list[dict], rows: str):
    return one_table_package(root, [{**field, "description": field["name"]} for field in fields], rows)


def found(root, **options) -> list[tuple]:
    return [(p.file, p.line, p.column, p.rule) for p in validate_package(root, **options).problems]


@pytest.mark.parametrize("mode", ["auto", "full", "descriptor", "off"])
def test_the_same_problems_whether_frictionless_s_pass_or_its_reader_finds_them(tmp_path, mode):
    # "auto" and "full": frictionless's pass over the data (a small package); the others: its reader, in ours.
    assert found(table_package(tmp_path, FIELDS, ROWS), frictionless=mode) == FOUND


def test_and_worded_the_same(tmp_path):
    root = table_package(tmp_path, FIELDS, ROWS)
    by_pass, by_reader = (validate_package(root, frictionless=mode).problems for mode in ("full", "off"))
    assert by_pass == by_reader
    assert [(p.line, p.message, p.hint) for p in by_reader if p.column == "at"] == [
        (3, "below the minimum", 'minimum: "09:00:00"'),
        (4, "not a valid time", "write the time as HH:MM:SS"),
        (6, "a value is required", None),
    ]


def test_a_large_package_is_checked_by_the_reader_not_by_frictionless_s_pass(tmp_path, monkeypatch):
    from peacetalks.checks import check_frictionless

    monkeypatch.setattr(check_frictionless, "FULL_CHECK_MAX_BYTES", 100)  # every package is large
    started = []
    monkeypatch.setattr(check_frictionless, "start_data_pass", lambda package: started.append(package))
    assert found(table_package(tmp_path, FIELDS, ROWS)) == FOUND
    assert started == []


def test_a_table_checked_in_batches_gets_the_same_problems(tmp_path, monkeypatch):

    header, *rows = ROWS.splitlines()
    many = [header] + [row.replace(row.split(",")[0], f"{row.split(',')[0]}{n}", 1) for n in range(40) for row in rows]
    root = table_package(tmp_path, FIELDS, "\n".join(many) + "\n")
    in_batches(monkeypatch, 300)  # a few rows a batch
    # Every copy of a bad row is found, on its own line, with the rule and column of the original's.
    problems = [(file, (line - 2) % len(rows) + 2, column, rule) for file, line, column, rule in found(root, frictionless="off")]
    assert sorted(problems) == sorted(FOUND * 40)


@pytest.mark.parametrize("mode", ["auto", "off"])
def test_a_bound_frictionless_cannot_compare_with_the_cell_is_a_located_problem(tmp_path, mode):
    fields = [{"name": "id", "type": "string"}, {"name": "at", "type": "time", "constraints": {"minimum": "09:00:00"}}]
    root = table_package(tmp_path, fields, "id,at\na,10:00:00\nb,10:00:00Z\nc,xx\n")
    problems = validate_package(root, frictionless=mode).problems
    if mode == "auto":
        # Frictionless's pass crashes on that cell, and reports nothing else; its reader, in ours, takes over.
        crash = problems.pop(0)
        assert (crash.file, crash.line, crash.rule) == ("datapackage.json", None, "frictionless:crash")
    [compare, kind] = problems
    assert (compare.file, compare.line, compare.column, compare.rule, compare.value) == ("t.csv", 3, "at", "range", "10:00:00Z")
    assert "could not compare" in compare.message and "offset-naive and offset-aware" in compare.message
    assert (kind.file, kind.line, kind.column, kind.rule, kind.value) == ("t.csv", 4, "at", "type", "xx")


def test_missing_values_are_not_read(tmp_path):
    fields = [{"name": "id", "type": "string"}, {"name": "at", "type": "time"}, {"name": "page", "type": "string", "format": "uri"}]
    table_package(tmp_path, fields, "id,at,page\na,NA,NA\nb,,\n")
    descriptor = (tmp_path / "datapackage.json").read_text(encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(descriptor.replace('"primaryKey"', '"missingValues": ["NA"], "primaryKey"'))
    # "NA" is missing; "" is not, so it is read (and is neither a time nor a uri), as frictionless reads it.
    expected = [("t.csv", 3, "at", "type"), ("t.csv", 3, "page", "type")]
    assert found(tmp_path, frictionless="off") == expected
    assert found(tmp_path, frictionless="full") == expected


def test_the_columns_given_to_the_reader():
    package, _ = read_package(ROOT)
    [sources] = [r for r in package.resources if r.name == "sources"]
    assert fields_read_by_frictionless(sources) == [{"name": "url", "type": "string", "format": "uri", "missingValues": [""]}]
    fields = {f["name"]: f for f in FIELDS}
    fields["anything"] = {"name": "anything", "type": "any"}
    fields["one_of"] = {"name": "one_of", "type": "any", "constraints": {"enum": ["1", "x"], "unique": True}}
    fields["items"] = {"name": "items", "type": "list", "itemType": "integer", "delimiter": ";", "missingValues": ["-"], "title": "Items"}
    table = dataclasses.replace(sources, schema={"fields": list(fields.values()), "missingValues": ["", "NA"]})
    missing = {"missingValues": ["", "NA"]}
    assert fields_read_by_frictionless(table) == [
        {"name": "at", "type": "time", **missing, "constraints": {"minimum": "09:00:00"}},  # `required` is ours
        {"name": "month", "type": "yearmonth", **missing, "constraints": {"enum": ["2025-01", "2025-02"]}},
        {"name": "tags", "type": "array", **missing, "constraints": {"minLength": 2}},
        {"name": "page", "type": "string", "format": "uri", **missing},
        {"name": "mail", "type": "string", "format": "email", **missing},  # its maxLength is ours
        {"name": "one_of", "type": "any", **missing, "constraints": {"enum": ["1", "x"]}},
        {"name": "items", "type": "list", "delimiter": ";", "itemType": "integer", "missingValues": ["-"]},  # its own
    ]


@pytest.mark.parametrize("mode", ["full", "off"])
def test_a_field_s_own_missing_values_and_item_type_are_read_as_frictionless_reads_them(tmp_path, mode):
    fields = [
        {"name": "id", "type": "string"},
        {"name": "at", "type": "time", "missingValues": ["-"]},
        {"name": "items", "type": "list", "itemType": "integer"},
    ]
    root = table_package(tmp_path, fields, 'id,at,items\na,-,"1,2"\nb,,"1,x"\n')
    # "-" is the field's missing value, "" is not (it is the schema's); "x" is not an integer.
    assert found(root, frictionless=mode) == [("t.csv", 3, "at", "type"), ("t.csv", 3, "items", "type")]


@pytest.mark.parametrize("mode", ["full", "off"])
def test_a_cell_we_already_reported_gets_no_second_problem_from_the_reader(tmp_path, mode):
    fields = [
        {"name": "id", "type": "string"},
        {"name": "page", "type": "string", "format": "uri", "constraints": {"pattern": "h.*"}},
        {"name": "at", "type": "time", "constraints": {"unique": True}},
    ]
    root = table_package(tmp_path, fields, "id,page,at\na,zz,xx\nb,-x,xx\n")
    assert found(root, frictionless=mode) == [
        ("t.csv", 2, "at", "type"),
        ("t.csv", 2, "page", "pattern"),
        ("t.csv", 3, "at", "unique"),  # not a type problem besides
        ("t.csv", 3, "page", "formula"),
        ("t.csv", 3, "page", "pattern"),
    ]


def test_frictionless_s_pass_that_stops_at_its_limit_is_completed_by_the_reader(tmp_path, monkeypatch):
    from peacetalks.checks import check_frictionless

    monkeypatch.setattr(check_frictionless, "ERROR_LIMIT", 5)  # the child reads the real limit: in this process
    monkeypatch.setattr(check_frictionless, "start_data_pass", lambda package: None)
    fields = [{"name": "id", "type": "string"}, {"name": "at", "type": "time"}]
    rows = "".join(f"r{n},xx\n" for n in range(8))
    root = table_package(tmp_path, fields, "id,at\n" + rows)
    assert found(root, frictionless="full") == [("t.csv", line, "at", "type") for line in range(2, 10)]


def test_the_real_package_does_not_import_frictionless_into_the_validator():
    """Frictionless's pass runs in a process of its own; its import in ours cost about 0.19 s."""
    code = "import sys; from peacetalks.run.validate import validate_package; v = validate_package(sys.argv[1]);"
    code += "print(v.valid, 'frictionless' in sys.modules)"
    for mode in ("auto", "off"):  # "off": sources.url, the one column the reader would read, is empty
        out = subprocess.run(
            [sys.executable, "-c", code.replace("(sys.argv[1])", f"(sys.argv[1], frictionless={mode!r})"), str(ROOT)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert out.split() == ["True", "False"]


@pytest.mark.parametrize("mode", ["full", "off"])
def test_an_array_s_item_constraints_are_read_as_frictionless_reads_them(tmp_path, mode):
    # a KeyError on the item's `minimum` (not a constraint of the field), and the
    # items' `required` dropped as if it were the field's own (which is ours)
    fields = [
        {"name": "id", "type": "string"},
        {"name": "low", "type": "array", "arrayItem": {"type": "integer", "constraints": {"minimum": 5}}},
        {"name": "some", "type": "array", "arrayItem": {"type": "integer", "constraints": {"required": True}}},
    ]
    root = table_package(tmp_path, fields, 'id,low,some\na,[5],[1]\nb,[1],[null]\n')
    assert found(root, frictionless=mode) == [("t.csv", 3, "low", "range"), ("t.csv", 3, "some", "required")]


ITEM_PATTERN_ROWS = '''id,codes
a,"[""ab"", ""c""]"
b,"[""ab"", ""A1""]"
c,"[""A1"", 5]"
d,"[""xyz"", null]"
e,"[""A1"", ""xyzw""]"
f,"[""A1""]"
g,"[""ab1"", ""c""]"
'''


def test_an_items_pattern_is_matched_the_same_in_every_mode(tmp_path):
    # By our checks alone (RE2 for this one), never by frictionless's reader or pass (Python's `re`,
    # which one item can hold for hours): the same problems, worded the same, whichever mode.
    # Items are matched only in an array with no problem of its own (c: 5 is not text; f: one item
    # is too few), and an item's other constraint does not hide its pattern (e). The whole item must
    # match, as Table Schema says: frictionless's `^[a-z]+|[0-9]$` passed "ab1" (g).
    item = {"type": "string", "constraints": {"pattern": "[a-z]+|[0-9]", "maxLength": 3}}
    fields = [{"name": "id", "type": "string"}, {"name": "codes", "type": "array", "constraints": {"minLength": 2}, "arrayItem": item}]
    root = table_package(tmp_path, fields, ITEM_PATTERN_ROWS)
    by_mode = {mode: validate_package(root, frictionless=mode).problems for mode in ("auto", "full", "descriptor", "off")}
    expected = [(3, "pattern"), (4, "pattern"), (4, "type"), (6, "length"), (6, "pattern"), (7, "length"), (8, "pattern")]
    assert [(p.line, p.rule) for p in by_mode["off"]] == expected
    assert by_mode["auto"] == by_mode["full"] == by_mode["descriptor"] == by_mode["off"]
    pattern, item_type = by_mode["off"][0], by_mode["off"][2]
    assert pattern.message == "an item fails the items' `pattern`"
    assert pattern.hint == 'frictionless: array item constraint "pattern" is "[a-z]+|[0-9]"'
    assert (item_type.message, item_type.hint) == ("an item is not of the items' type", 'frictionless: array item type is "string/default"')


def test_an_items_pattern_python_cannot_get_through_does_not_hang_the_reader(tmp_path):
    # (a+)+ against 40 a's and a "!": Python's `re` takes hours, in this process where nothing could
    # stop it (`--frictionless off`, or any package over 20 MB).
    item = {"type": "string", "constraints": {"pattern": "(a+)+"}}
    rows = 'id,codes\na,"[""aa""]"\nb,"[""' + "a" * 40 + '!""]"\n'
    root = table_package(tmp_path, [{"name": "id", "type": "string"}, {"name": "codes", "type": "array", "arrayItem": item}], rows)
    launch = "import sys; from peacetalks.cli import main; main(sys.argv[1:], prog_name='peacetalks')"
    for mode in ("off", "descriptor"):
        command = [sys.executable, "-c", launch, "validate", "--format", "json", "--frictionless", mode, str(root)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)  # a hang fails here
        problems = json.loads(result.stdout)["problems"]
        assert [(p["file"], p["line"], p["column"], p["rule"]) for p in problems] == [("t.csv", 3, "codes", "pattern")]


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"type": "list", "itemType": "foo"}, "itemType"),
        ({"type": "array", "arrayItem": {"type": "nonsense"}}, "nonsense"),
    ],
)
def test_a_field_frictionless_cannot_build_a_reader_for_is_a_located_schema_problem(tmp_path, options, said):
    # frictionless raised while the tables were checked (an internal error), or
    # with `--frictionless off` the column went unchecked without a word
    import json

    table_package(tmp_path, [{"name": "id", "type": "string"}, {"name": "v", **options}], "id,v\na,x\n")
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps(json.loads(descriptor.read_text(encoding="utf-8")), indent=2), encoding="utf-8")
    line = next(n for n, text in enumerate(descriptor.read_text(encoding="utf-8").splitlines(), start=1) if '"name": "v"' in text) - 1
    for mode in ("auto", "off"):
        [problem] = [p for p in validate_package(tmp_path, frictionless=mode).problems if not p.rule.startswith("frictionless:")]
        assert (problem.file, problem.line, problem.rule, problem.column) == ("datapackage.json", line, "schema", "v")  # the field's `{`
        assert "frictionless cannot read this field" in problem.message and said in problem.message


@pytest.mark.parametrize(
    ("pattern", "said"),
    [("[", "not a valid regular expression (unterminated character set"), ("a{2000}", "RE2 (Invalid regular expression: invalid")],
)
def test_an_items_pattern_the_checks_cannot_use_is_a_located_schema_problem(tmp_path, pattern, said):
    # Our checks match it, on RE2, not frictionless's reader (`item_pattern`): held to what they can
    # use, at its own line, as a field's pattern is; and the table is not checked against it.
    import json

    options = {"type": "array", "arrayItem": {"type": "string", "constraints": {"pattern": pattern}}}
    table_package(tmp_path, [{"name": "id", "type": "string"}, {"name": "v", **options}], 'id,v\na,"[""x""]"\n')
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps(json.loads(descriptor.read_text(encoding="utf-8")), indent=2), encoding="utf-8")
    line = next(n for n, text in enumerate(descriptor.read_text(encoding="utf-8").splitlines(), start=1) if '"pattern"' in text)
    for mode in ("auto", "off"):
        [problem] = validate_package(tmp_path, frictionless=mode).problems
        located = (problem.file, problem.line, problem.rule, problem.column, problem.value)
        assert located == ("datapackage.json", line, "schema", "v", pattern)
        assert problem.message.startswith("the items of field 'v': ") and said in problem.message


def test_an_unknown_text_format_is_a_located_schema_problem(tmp_path):
    table_package(tmp_path, [{"name": "id", "type": "string"}, {"name": "v", "type": "string", "format": "hostname"}], "id,v\na,x\n")
    [problem] = validate_package(tmp_path, frictionless="off").problems
    assert (problem.rule, problem.column, problem.value) == ("schema", "v", "hostname")
    assert problem.hint == "one of binary, default, email, uri, uuid"


@pytest.mark.parametrize("mode", ["auto", "off"])
def test_missing_values_written_as_objects_are_missing_values(tmp_path, mode):
    # Data Package 2: {"value": ..., "label": ...}; dropped, "NA" would be a bad time and a bad integer
    fields = [
        {"name": "id", "type": "string"},
        {"name": "at", "type": "time", "missingValues": [{"value": "NA", "label": "not asked"}]},
        {"name": "n", "type": "integer", "missingValues": [{"value": "NA", "label": "not asked"}]},
    ]
    assert found(table_package(tmp_path, fields, "id,at,n\na,NA,NA\nb,xx,1\n"), frictionless=mode) == [("t.csv", 3, "at", "type")]


def test_a_file_that_does_not_decode_in_its_declared_encoding_is_reported_at_that_line(tmp_path):
    # The file is read in the encoding declared, as frictionless reads it: the bytes of `é` are
    # not ASCII, which is reported once, at their line, with nothing read from the file after it.
    fields = [{"name": "id", "type": "string"}, {"name": "at", "type": "time"}]
    table_package(tmp_path, fields, "id,at\né,10:00:00\nb,25:00:00\n")
    descriptor = (tmp_path / "datapackage.json").read_text(encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(descriptor.replace('"path": "t.csv"', '"path": "t.csv", "encoding": "ascii"'))
    assert found(tmp_path, frictionless="full") == [("t.csv", 2, None, "encoding")]


def test_a_file_in_a_declared_encoding_has_its_time_column_checked(tmp_path):
    fields = [{"name": "id", "type": "string"}, {"name": "at", "type": "time"}]
    table_package(tmp_path, fields, "id,at\né,10:00:00\nb,25:00:00\n")
    (tmp_path / "t.csv").write_bytes("id,at\né,10:00:00\nb,25:00:00\n".encode("cp1252"))
    descriptor = (tmp_path / "datapackage.json").read_text(encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(descriptor.replace('"path": "t.csv"', '"path": "t.csv", "encoding": "cp1252"'))
    for mode in ("full", "descriptor"):
        assert found(tmp_path, frictionless=mode) == [("t.csv", 3, "at", "type")]


def test_an_item_that_is_not_text_fails_its_pattern_in_every_mode(tmp_path):
    # JSON can write a lone surrogate ("\ud800"), which no file can hold and pyarrow cannot encode:
    # an internal error. It fails the pattern; the other items are matched.
    item = {"type": "string", "constraints": {"pattern": "[a-z]+"}}
    rows = 'id,codes\na,"[""\\ud800""]"\nb,"[""ab"", ""\\ud800x""]"\nc,"[""ab""]"\nd,"[""A""]"\n'
    fields = [{"name": "id", "type": "string"}, {"name": "codes", "type": "array", "arrayItem": item}]
    root = table_package(tmp_path, fields, rows)
    for mode in ("auto", "off"):
        assert found(root, frictionless=mode) == [("t.csv", line, "codes", "pattern") for line in (2, 3, 5)]


def test_only_the_tables_with_an_items_pattern_are_read_again_beside_frictionless_s_pass(tmp_path, monkeypatch):
    # one such table made every table with a time or a uri be read again
    import peacetalks.read.read_tables

    item = {"type": "string", "constraints": {"pattern": "[a-z]+"}}
    fields = [{"name": "id", "type": "string"}, {"name": "codes", "type": "array", "arrayItem": item}]
    root = table_package(tmp_path, fields, 'id,codes\na,"[""A""]"\n')
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    other_fields = [{"name": "id", "type": "string", "description": "id"}, {"name": "at", "type": "time", "description": "at"}]
    other = {"name": "u", "path": "u.csv", "schema": {"fields": other_fields, "primaryKey": ["id"]}}
    descriptor["resources"].append(other)
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (root / "u.csv").write_text("id,at\na,xx\n", encoding="utf-8")
    read = []
    real_read_table = peacetalks.read.read_tables.read_table

    def counted(root, name, path, fields=()):
        read.append(name)
        return real_read_table(root, name, path, fields)

    monkeypatch.setattr(peacetalks.read.read_tables, "read_table", counted)
    assert found(root, frictionless="auto") == [("t.csv", 2, "codes", "pattern"), ("u.csv", 2, "at", "type")]
    assert read.count("t") == 2 and read.count("u") == 1  # t: our checks, then its items' pattern; u: our checks


@pytest.mark.parametrize("mode", ["auto", "off"])
def test_an_item_on_which_python_s_re_backtracks_is_stopped_and_said_so(tmp_path, monkeypatch, mode):
    # pandas matches `(a+)+\s?` with Python's `re` (for its `\s`), in a process of its own under a
    # time limit: it would hang `validate` on 40 a's and a "!"
    from peacetalks.checks import match_with_python
    from peacetalks.model.read_patterns import BACKTRACKING_HINT

    monkeypatch.setattr(match_with_python, "VALUE_LIMIT_SECONDS", 0.2)
    item = {"type": "string", "constraints": {"pattern": r"(a+)+\s?"}}
    stuck = "a" * 40 + "!"
    # an item that plainly fails outweighs one stopped, before or after it
    rows = (
        f'id,codes\na,"[""aa""]"\nb,"[""aa"", ""{stuck}""]"\nc,"[""b""]"\n'
        f'd,"[""b"", ""{stuck}""]"\ne,"[""{stuck}"", ""b""]"\n'
    )
    fields = [{"name": "id", "type": "string"}, {"name": "codes", "type": "array", "arrayItem": item}]
    problems = validate_package(table_package(tmp_path, fields, rows), frictionless=mode).problems
    assert [(p.line, p.column, p.rule) for p in problems] == [(line, "codes", "pattern") for line in (3, 4, 5, 6)]
    stopped, *failed = problems
    assert stopped.message == "whether an item matches the items' `pattern` is unknown: matching it was stopped after 0.2 s"
    assert stopped.hint == rf"items' pattern: (a+)+\s?; {BACKTRACKING_HINT}"
    assert [p.message for p in failed] == ["an item fails the items' `pattern`"] * 3
