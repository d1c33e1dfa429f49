"""The validator on the real package and on copies broken by one rule each.

Each broken copy has its hashes recomputed, so that the rule under test (and
not the integrity check) is what must catch it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

from conftest import ROOT, in_batches, line_of, one_table_package, rehash, replace_in
from peacetalks.model.read_package import read_package
from peacetalks.run.validate import check_keys, key_codes, validate_package


def problems_of(root, **options):
    return [(p.file, p.line, p.column, p.rule) for p in validate_package(root, **options).problems]


def test_real_package_is_valid():
    outcome = validate_package(ROOT)
    assert outcome.problems == []
    assert outcome.tables["actors"] > 30 and len(outcome.tables) == 9


def test_duplicate_primary_key(package_dir):
    actors = package_dir / "data/actors.csv"
    replace_in(actors, "\nrussia,Russia,", "\nukraine,Russia,")
    rehash(package_dir)
    line = line_of(actors, "ukraine,Russia,")
    assert ("data/actors.csv", line, "actor_id", "primary-key") in problems_of(package_dir)


def test_duplicate_composite_key(package_dir):
    participants = package_dir / "data/meeting_participants.csv"
    replace_in(participants, "berlin_talks,jared_kushner,", "berlin_talks,steve_witkoff,")
    rehash(package_dir)
    line = line_of(participants, "berlin_talks,steve_witkoff,led_delegation,Led the talks for the US.") + 1
    assert ("data/meeting_participants.csv", line, "meeting_id, actor_id", "primary-key") in problems_of(package_dir)


def test_dangling_foreign_key_to_another_table(package_dir):
    positions = package_dir / "data/proposal_positions.csv"
    replace_in(positions, "draft_document,negotiators,", "draft_document,ghost_negotiators,")
    rehash(package_dir)
    line = line_of(positions, "ghost_negotiators")
    found = validate_package(package_dir).problems
    assert [(p.file, p.line, p.column, p.rule, p.value) for p in found] == [
        ("data/proposal_positions.csv", line, "actor_id", "foreign-key", "ghost_negotiators")
    ]


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("ukriane", "did you mean 'ukraine'?"),  # a typo of an actor's id
        ("mystery_actor", None),  # nothing close
    ],
)
def test_a_dangling_foreign_key_suggests_the_key_it_may_have_meant(package_dir, typed, hint):
    positions = package_dir / "data/proposal_positions.csv"
    replace_in(positions, "security_guarantees,ukraine,beneficiary", f"security_guarantees,{typed},beneficiary")
    rehash(package_dir)
    [problem] = validate_package(package_dir, frictionless="off").problems
    assert (problem.rule, problem.value, problem.hint) == ("foreign-key", typed, hint)


def test_the_suggestions_stop_after_a_few_values_and_skip_long_keys(monkeypatch):
    # a column of wrong keys against 5,000 parent keys took minutes (12 ms a value)
    from peacetalks.checks import check_links

    monkeypatch.setattr(check_links, "HINT_VALUES", 2)
    hint = check_links.close_keys(pd.DataFrame({"id": ["witkoff", "kushner", "x" * 101]}), ["id"])
    assert [hint(v) for v in ("witkof", "kushne", "witkoff_")] == ["did you mean 'witkoff'?", "did you mean 'kushner'?", None]
    assert hint("x" * 100) is None  # the long key is not offered


def test_keys_that_differ_in_their_digits_alone_are_not_suggested():
    from peacetalks.checks.check_links import close_keys

    hint = close_keys(pd.DataFrame({"id": ["article_1", "article_2", "witkoff"]}), ["id"])
    assert (hint("article_1003"), hint("witkof")) == (None, "did you mean 'witkoff'?")


def test_a_key_that_differs_only_in_spaces_or_capitals_is_not_offered_as_the_fix():
    """with `russia ` (a stray space) as the key, every row holding
    `russia` was told "did you mean 'russia '?", to copy the slip."""
    from peacetalks.checks.check_links import close_keys

    hint = close_keys(pd.DataFrame({"id": ["russia ", "Peace_deal", "witkoff"]}), ["id"])
    assert hint("russia") == "the table it points at has 'russia ', which differs from it only in spaces around it: fix whichever is wrong"
    assert hint("peace_deal") == "the table it points at has 'Peace_deal', which differs from it only in capitals: fix whichever is wrong"
    assert hint("witkof") == "did you mean 'witkoff'?"


def test_dangling_self_reference(package_dir):
    proposals = package_dir / "data/proposals.csv"
    replace_in(proposals, ",security_guarantees,stated,,berlin_talks_article", ",security_guarantee,stated,,berlin_talks_article")
    rehash(package_dir)
    line = line_of(proposals, ",security_guarantee,stated,,berlin_talks_article")
    assert ("data/proposals.csv", line, "parent_proposal_id", "foreign-key") in problems_of(package_dir)


def test_cycle_in_parent_links(package_dir):
    proposals = package_dir / "data/proposals.csv"
    # peace_deal becomes a component of one of its own components.
    old = "invasion of Ukraine in 2022.,,stated,,berlin_talks_article"
    replace_in(proposals, old, old.replace(",,stated", ",security_guarantees,stated"))
    rehash(package_dir)
    cycles = [p for p in validate_package(package_dir).problems if p.rule == "cycle"]
    assert len(cycles) == 1
    assert (cycles[0].file, cycles[0].line, cycles[0].column) == ("data/proposals.csv", 2, "parent_proposal_id")
    assert "peace_deal → security_guarantees → peace_deal" in cycles[0].message


def test_bad_enum_value(package_dir):
    statuses = package_dir / "data/statuses.csv"
    replace_in(statuses, ",progress,volodymyr_zelensky,certain,", ",progress,volodymyr_zelensky,sure,")
    rehash(package_dir)
    line = line_of(statuses, ",sure,")
    (problem,) = validate_package(package_dir).problems
    assert (problem.file, problem.line, problem.column, problem.rule, problem.value) == (
        "data/statuses.csv",
        line,
        "certainty",
        "enum",
        "sure",
    )
    assert "certain, probable, possible, expected" in problem.hint


def test_bad_number(package_dir):
    statuses = package_dir / "data/statuses.csv"
    replace_in(statuses, ",90,percent,", ",90%,percent,")
    rehash(package_dir)
    line = line_of(statuses, "90%")
    assert problems_of(package_dir) == [("data/statuses.csv", line, "value", "type")]


def test_value_without_unit_breaks_together_rule(package_dir):
    statuses = package_dir / "data/statuses.csv"
    replace_in(statuses, ",90,percent,true,", ",90,,true,")
    rehash(package_dir)
    line = line_of(statuses, ",90,,true,")
    assert problems_of(package_dir) == [("data/statuses.csv", line, "unit", "together")]


def test_status_with_two_subjects(package_dir):
    statuses = package_dir / "data/statuses.csv"
    replace_in(
        statuses, "security_guarantees_progress,security_guarantees,,", "security_guarantees_progress,security_guarantees,berlin_talks,"
    )
    rehash(package_dir)
    line = line_of(statuses, "security_guarantees_progress")
    assert problems_of(package_dir) == [("data/statuses.csv", line, "proposal_id, meeting_id", "exactly-one")]


def test_quote_not_verbatim_shows_closest_passage(package_dir):
    positions = package_dir / "data/proposal_positions.csv"
    # A spreadsheet re-typed the typographic quotes as straight ones.
    replace_in(positions, '"“We’re trying to get it done, and', '"""We’re trying to get it done, and')
    rehash(package_dir)
    line = line_of(positions, '"""We’re trying')
    (problem,) = validate_package(package_dir).problems
    assert (problem.file, problem.line, problem.column, problem.rule) == ("data/proposal_positions.csv", line, "quote", "quote-verbatim")
    assert "closest passage: “We’re trying to get it done" in problem.hint
    assert "typographic quotes" in problem.hint


def test_tampered_source_text(package_dir):
    article = package_dir / "data/sources/berlin_talks_article.txt"
    replace_in(article, "about 90 per cent", "about 95 per cent")
    found = problems_of(package_dir)
    assert ("data/sources.csv", 2, "sha256", "source-hash") in found
    # The quote that held "90" no longer matches either: both are reported.
    assert (
        "data/statuses.csv",
        line_of(package_dir / "data/statuses.csv", "about 90 per cent of the issues"),
        "quote",
        "quote-verbatim",
    ) in found


def test_missing_column(package_dir):
    meetings = package_dir / "data/meetings.csv"
    lines = meetings.read_text(encoding="utf-8").split("\n")
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    at = rows[0].index("duration")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:at] + r[at + 1 :] for r in rows if r])
    meetings.write_text(out.getvalue(), encoding="utf-8", newline="")
    rehash(package_dir)
    assert ("data/meetings.csv", 1, "duration", "missing-column") in problems_of(package_dir)


def test_unknown_country_code(package_dir):
    actors = package_dir / "data/actors.csv"
    replace_in(actors, ",state,,,UKR,Q212,", ",state,,,UKX,Q212,")
    rehash(package_dir)
    line = line_of(actors, "UKX")
    assert problems_of(package_dir) == [("data/actors.csv", line, "country_code", "iso-code")]


def test_edited_csv_without_new_hash(package_dir):
    actors = package_dir / "data/actors.csv"
    replace_in(actors, "Prepared the draft document", "Wrote the draft document")
    found = problems_of(package_dir, frictionless="off")
    assert found == [("data/actors.csv", None, None, "bytes")]  # its hash differs too: one problem says it


def test_same_size_edit_is_caught_by_the_hash_alone(package_dir):
    actors = package_dir / "data/actors.csv"
    replace_in(actors, "Prepared the draft document", "Prepared the draft documenT")
    assert problems_of(package_dir, frictionless="off") == [("data/actors.csv", None, None, "hash")]


def test_every_problem_is_reported_at_once(package_dir):
    replace_in(package_dir / "data/statuses.csv", ",90,percent,", ",ninety,percent,")
    replace_in(package_dir / "data/actors.csv", ",state,,,UKR,Q212,", ",state,,,UKX,Q212,")
    replace_in(package_dir / "data/meetings.csv", ",talks,held,", ",talks,done,")
    rehash(package_dir)
    rules = sorted(p.rule for p in validate_package(package_dir).problems)
    assert rules == ["enum", "iso-code", "type"]


def test_inline_descriptor_error_is_located(package_dir):
    schema_path = package_dir / "schemas/statuses.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["primaryKey"] = ["status_key"]
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    found = [(p.file, p.line, p.rule) for p in validate_package(package_dir).problems]
    line = line_of(schema_path, '"status_key"')
    assert found == [("schemas/statuses.schema.json", line, "schema")]


@pytest.mark.parametrize("mode", ["full", "descriptor", "off"])
def test_frictionless_modes_agree_on_the_real_package(mode):
    assert validate_package(ROOT, frictionless=mode).problems == []


@pytest.mark.parametrize("mode", ["full", "descriptor"])
def test_a_descriptor_slip_only_frictionless_sees_is_reported_in_every_mode(package_dir, mode):
    # Our descriptor check lets a string `keywords` through; frictionless does not, with or
    # without its data pass, and its finding is reported once.
    path = package_dir / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["keywords"] = "peace talks"
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    found = validate_package(package_dir, frictionless=mode).problems
    assert [(p.file, p.rule) for p in found] == [("datapackage.json", "frictionless:package-error")]
    assert "keywords" in found[0].message


def test_country_code_in_lower_case_is_not_a_code(package_dir):
    actors = package_dir / "data/actors.csv"
    replace_in(actors, ",state,,,UKR,Q212,", ",state,,,ukr,Q212,")
    rehash(package_dir)
    line = line_of(actors, ",ukr,")
    assert problems_of(package_dir) == [
        ("data/actors.csv", line, "country_code", "iso-code"),
        ("data/actors.csv", line, "country_code", "pattern"),
    ]


def test_swapped_columns_are_one_problem_on_the_header(package_dir):
    import csv
    import io

    actors = package_dir / "data/actors.csv"
    rows = list(csv.reader(io.StringIO(actors.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[r[1], r[0], *r[2:]] for r in rows])
    actors.write_text(out.getvalue(), encoding="utf-8", newline="")
    rehash(package_dir)
    for mode in ("auto", "off"):
        found = validate_package(package_dir, frictionless=mode).problems
        assert [(p.file, p.line, p.column, p.rule) for p in found] == [("data/actors.csv", 1, "name", "column-order")], mode
        assert "column 1 is 'name' but the schema" in found[0].message


def test_padded_id_is_reported_once_per_rule_we_own(package_dir):
    actors = package_dir / "data/actors.csv"
    replace_in(actors, "\nsteve_witkoff,", "\nsteve_witkoff ,")
    rehash(package_dir)
    line = line_of(actors, "steve_witkoff ,")
    found = problems_of(package_dir, frictionless="full")
    assert ("data/actors.csv", line, "actor_id", "whitespace") in found
    assert [p for p in found if p[:2] == ("data/actors.csv", line) and p[3].startswith("frictionless")] == []
    assert [p for p in found if p[:2] == ("data/actors.csv", line) and p[3] == "pattern"] == []


def test_a_padded_id_that_fails_its_pattern_without_the_spaces_too_gets_both_problems(tmp_path):
    # The pattern's verdict on the id without its spaces comes from the pattern check's own engine
    # (RE2 here): Python's `re` took hours on (a+)+ against 40 a's and a "!", and nothing stops it.
    from conftest import one_table_package

    fields = [{"name": "id", "type": "string", "description": "The row.", "constraints": {"pattern": "(a+)+"}}]
    root = one_table_package(tmp_path / "p", fields, "id\naa\n" + "a" * 40 + "! \n aaa\n")
    launch = "import sys; from peacetalks.cli import main; main(sys.argv[1:], prog_name='peacetalks')"
    command = [sys.executable, "-c", launch, "validate", "--format", "json", "--frictionless", "off", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)  # a hang fails here
    found = [(p["line"], p["column"], p["rule"]) for p in json.loads(result.stdout)["problems"]]
    # line 4: only its spaces are wrong, so one problem
    assert found == [(3, "id", "pattern"), (3, "id", "whitespace"), (4, "id", "whitespace")]


def test_a_padded_missing_value_in_an_id_column_is_only_a_whitespace_problem(tmp_path):
    # " NA" without its spaces is a missing value, no id to match the pattern against
    from conftest import one_table_package

    fields = [
        {"name": "id", "type": "string", "description": "The row."},
        {"name": "code", "type": "string", "description": "A code.", "constraints": {"pattern": "[a-z]+"}},
    ]
    root = one_table_package(tmp_path / "p", fields, "id,code\na,ab\nb, NA\nc, AB\n")
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["missingValues"] = ["", "NA"]
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    found = [(p.line, p.column, p.rule) for p in validate_package(root, frictionless="off").problems]
    assert found == [(3, "code", "whitespace"), (4, "code", "pattern"), (4, "code", "whitespace")]


def test_descriptor_key_of_the_wrong_type_is_located_not_a_crash(package_dir):
    descriptor_path = package_dir / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["$schema"] = True
    descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    found = problems_of(package_dir)
    assert found == [("datapackage.json", line_of(descriptor_path, '"$schema"'), None, "descriptor")]


@pytest.mark.parametrize("terminal", [True, False])
def test_progress_goes_to_a_terminal_only(terminal, capsys, monkeypatch):
    """A large package shows one line per table on stderr in a terminal, nothing otherwise; the
    report (stdout) is the same either way."""
    import peacetalks.run.validate

    monkeypatch.setattr(peacetalks.run.validate.Progress, "MIN_BYTES", 1)  # the real package counts as large
    monkeypatch.setattr("sys.stderr.isatty", lambda: terminal)
    outcome = validate_package(ROOT)
    err = capsys.readouterr().err
    assert outcome.problems == []
    if terminal:
        lines = err.splitlines()
        assert sorted(line.split(":")[0].strip() for line in lines) == sorted(f"checked data/{name}.csv" for name in outcome.tables)
        assert all(f"{outcome.tables[line.split('data/')[1].split('.csv')[0]]:,} rows" in line for line in lines)
    else:
        assert err == ""


def test_no_progress_for_a_small_package_even_in_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert validate_package(ROOT).problems == []
    assert capsys.readouterr().err == ""


def test_tables_whose_names_repeat_are_still_joined(tmp_path):
    """Two resources named `a` (a descriptor problem): each is checked against the tables its own
    foreign keys point at, and the problem is reported in its own file."""
    fields = lambda *names: [{"name": n, "type": "string", "description": n} for n in names]  # noqa: E731
    descriptor = {
        "name": "dup",
        "resources": [
            {
                "name": "a",
                "path": "a1.csv",
                "schema": {
                    "fields": fields("id", "b_id"),
                    "primaryKey": ["id"],
                    "foreignKeys": [{"fields": ["b_id"], "reference": {"resource": "b", "fields": ["id"]}}],
                },
            },
            {"name": "b", "path": "b.csv", "schema": {"fields": fields("id"), "primaryKey": ["id"]}},
            {"name": "a", "path": "a2.csv", "schema": {"fields": fields("id"), "primaryKey": ["id"]}},
        ],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    (tmp_path / "a1.csv").write_text("id,b_id\nx,nope\n")
    (tmp_path / "b.csv").write_text("id\nz\n")
    (tmp_path / "a2.csv").write_text("id\ny\n")
    found = problems_of(tmp_path, frictionless="off")
    assert ("a1.csv", 2, "b_id", "foreign-key") in found
    assert any(rule == "duplicate-resource" for *_, rule in found)


def test_without_sched_getaffinity(monkeypatch):
    # Linux only: macOS and Windows have no os.sched_getaffinity.
    monkeypatch.delattr("os.sched_getaffinity", raising=False)
    assert validate_package(ROOT).problems == []


def test_source_texts_read_in_batches_are_all_kept(package_dir, monkeypatch):
    """A table of source texts checked in batches: the quotes that cite its first rows are still
    looked up (each batch's texts add to the last ones, not replace them)."""

    sources = package_dir / "data/sources.csv"
    header, first = sources.read_text(encoding="utf-8").splitlines()[:2]
    copies = [first.replace("berlin_talks_article,", f"berlin_talks_article_{n},", 1) for n in range(1, 4)]
    sources.write_text("\n".join([header, first, *copies]) + "\n", encoding="utf-8")
    from package_edits import rows_of, set_cell

    actors = package_dir / "data/actors.csv"
    line = set_cell(actors, rows_of(actors)[1][0], "quote", "NOT IN THE TEXT")  # cites berlin_talks_article
    rehash(package_dir)
    in_batches(monkeypatch, len(first) + 2)  # about one source a batch
    quotes = [p for p in validate_package(package_dir, frictionless="off").problems if p.rule == "quote-verbatim"]
    assert [(p.file, p.line) for p in quotes] == [("data/actors.csv", line)]


def key_text(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, index=range(2, 2 + len(rows))).astype("str")


def test_whole_table_keys_report_each_repeat_on_its_own_line():
    package, _ = read_package(ROOT)
    resources = {r.name: r for r in package.resources}
    actors = key_text([("a", ""), ("b", "a"), ("a", "b"), ("c", ""), ("b", "")], ["actor_id", "affiliated_with"])
    found, typed = check_keys(resources["actors"], actors, "data/actors.csv")
    assert [(p.line, p.column, p.rule, p.value) for p in found] == [
        (4, "actor_id", "primary-key", "a"),
        (6, "actor_id", "primary-key", "b"),
    ]
    assert typed["affiliated_with"].isna().tolist() == [True, False, False, True, True]
    pairs = key_text([("m", "x"), ("m", "y"), ("n", "x"), ("m", "x")], ["meeting_id", "actor_id"])
    found, _ = check_keys(resources["meeting_participants"], pairs, "data/meeting_participants.csv")
    assert [(p.line, p.column, p.rule, p.value) for p in found] == [(5, "meeting_id, actor_id", "primary-key", "m, x")]


@pytest.mark.parametrize("batch_bytes", [None, 16], ids=["whole table", "in batches"])
def test_a_unique_column_reports_each_repeat_not_the_first_row(tmp_path, monkeypatch, batch_bytes):
    """`unique` on a column that is not the primary key: the line that repeats a value, never the
    one it repeats ("the value appears on an earlier line"); empty cells repeat nothing."""

    descriptor = {
        "name": "uniq",
        "resources": [
            {
                "name": "t",
                "path": "t.csv",
                "schema": {
                    "fields": [
                        {"name": "id", "type": "string", "description": "id"},
                        {"name": "label", "type": "string", "description": "label", "constraints": {"unique": True}},
                    ],
                    "primaryKey": ["id"],
                },
            }
        ],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    (tmp_path / "t.csv").write_text("id,label\na,X\nb,Y\nc,X\nd,\ne,\nf,X\n")
    if batch_bytes:
        in_batches(monkeypatch, batch_bytes)
    found = [p for p in validate_package(tmp_path, frictionless="off").problems if p.file == "t.csv"]
    assert [(p.file, p.line, p.column, p.rule, p.value, p.hint) for p in found] == [
        ("t.csv", 4, "label", "unique", "X", "first on line 2"),
        ("t.csv", 7, "label", "unique", "X", "first on line 2"),
    ]


@pytest.mark.parametrize("batch_bytes", [None, 300], ids=["whole table", "in batches"])
def test_a_repeated_primary_key_names_the_line_it_first_appears_on(package_dir, monkeypatch, batch_bytes):
    """the `primary-key` problem did not say which line it repeats."""
    topics = package_dir / "data/meeting_topics.csv"
    lines = topics.read_text(encoding="utf-8").split("\n")
    lines.insert(6, lines[2])  # line 3's row again, as line 7
    topics.write_text("\n".join(lines), encoding="utf-8")
    rehash(package_dir)
    if batch_bytes:
        in_batches(monkeypatch, batch_bytes)
    [problem] = validate_package(package_dir, frictionless="off").problems
    assert (problem.file, problem.line, problem.rule, problem.hint) == ("data/meeting_topics.csv", 7, "primary-key", "first on line 3")


def test_key_codes_equal_for_equal_values_and_missing_for_missing():
    codes = key_codes(pd.Series(["b", None, "a", "b", None], index=[7, 8, 9, 10, 11], dtype="string"))
    assert codes.index.tolist() == [7, 8, 9, 10, 11]
    assert codes[7] == codes[10] and codes[7] != codes[9]
    assert codes.isna().tolist() == [False, True, False, False, True]


@pytest.fixture
def two_cores(monkeypatch):
    """The schedule as on a machine of two cores, whatever this one has."""
    monkeypatch.setattr("peacetalks.run.validate.usable_cores", lambda: 2)


def fake_table(name: str, *parents: str):
    from types import SimpleNamespace

    return SimpleNamespace(name=name, foreign_keys=[{"resource": parent} for parent in parents])


def run_schedule(order: list, check, text_tables: set[str]) -> tuple[list, BaseException | None]:
    """`check_parents_first` in a thread of its own, so that a schedule that hangs fails the test."""
    from peacetalks.run.validate import check_parents_first

    results: list = []
    error: list = []

    def run():
        try:
            results.extend(resource.name for resource, _ in check_parents_first(order, check, text_tables))
        except BaseException as caught:  # handed to the test, which asserts on it
            error.append(caught)

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    runner.join(timeout=30)
    assert not runner.is_alive(), "the schedule hangs"
    return results, (error[0] if error else None)


def watch_b(order: list, text_tables: set[str], running: str, timeout: float) -> tuple[list, dict]:
    """Run the schedule; while `running` runs it waits up to `timeout` for table `b` to start.
    Returns the tables in the order they are done, whether `b` started meanwhile and what `b`'s
    `parents()` returned."""
    b_started = threading.Event()
    seen = {}

    def check(resource, parents, stopped):
        if resource.name == running:
            seen["b started meanwhile"] = b_started.wait(timeout=timeout)
        if resource.name == "b":
            b_started.set()
            seen["b got"] = parents()
        return [], f"keys of {resource.name}", 1

    done, error = run_schedule(order, check, text_tables)
    assert error is None
    return done, seen


def test_a_table_starts_its_batches_before_a_running_parent_is_done(two_cores):
    """sources, then `a`; `b` points at both. `b` starts while `a` runs (a core would idle
    otherwise) and gets `a`'s keys once `a` is done."""
    order = [fake_table("sources"), fake_table("a", "sources"), fake_table("b", "sources", "a")]
    done, seen = watch_b(order, {"sources"}, running="a", timeout=10)
    assert done == ["sources", "a", "b"]
    assert seen == {"b started meanwhile": True, "b got": {"sources": "keys of sources", "a": "keys of a"}}


def test_a_table_waits_for_the_source_texts_its_quotes_need(two_cores):
    done, seen = watch_b([fake_table("sources"), fake_table("b", "sources")], {"sources"}, running="sources", timeout=0.5)
    assert done == ["sources", "b"]
    assert seen == {"b started meanwhile": False, "b got": {"sources": "keys of sources"}}


def test_a_table_never_starts_early_for_a_parent_that_has_not_started(two_cores):
    """While `texts` runs, a core is free, but `p` needs the texts and `b` needs `p`: `b` would
    only hold the core waiting for a table that cannot start yet, so neither starts."""
    order = [fake_table("texts"), fake_table("p", "texts"), fake_table("b", "p")]
    done, seen = watch_b(order, {"texts"}, running="texts", timeout=0.5)
    assert done == ["texts", "p", "b"]
    assert seen == {"b started meanwhile": False, "b got": {"p": "keys of p"}}


def test_a_parent_that_fails_does_not_leave_its_child_waiting(two_cores):
    b_started = threading.Event()

    def check(resource, parents, stopped):
        if resource.name == "a":
            b_started.wait(timeout=10)
            raise ValueError("a broke")
        b_started.set()
        parents()
        return [], None, 1

    _, error = run_schedule([fake_table("sources"), fake_table("a", "sources"), fake_table("b", "sources", "a")], check, {"sources"})
    assert isinstance(error, ValueError) and str(error) == "a broke"


TABLES = len(json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"])


def tables_at_once(monkeypatch) -> list[int]:
    """Watch `validate` check tables: how many were being checked as each one started."""
    import peacetalks.run.validate as validate

    seen: list[int] = []
    running = 0
    lock = threading.Lock()
    check_one_table = validate.check_one_table

    def watched(*args, **kwargs):
        nonlocal running
        with lock:
            running += 1
            seen.append(running)
        try:
            time.sleep(0.05)  # long enough for a second thread, if there is one, to start a table too
            return check_one_table(*args, **kwargs)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(validate, "check_one_table", watched)
    return seen


def test_a_small_package_is_checked_one_table_at_a_time(two_cores, monkeypatch):
    """Under `ONE_THREAD_MAX_BYTES` a second thread only waits for the first (measured)."""
    seen = tables_at_once(monkeypatch)
    assert validate_package(ROOT, frictionless="off").problems == []
    assert seen == [1] * TABLES


def test_a_larger_package_is_checked_two_tables_at_a_time(two_cores, monkeypatch):
    monkeypatch.setattr("peacetalks.run.validate.ONE_THREAD_MAX_BYTES", 1_000)  # the real package holds about 54 KB
    seen = tables_at_once(monkeypatch)
    assert validate_package(ROOT, frictionless="off").problems == []
    assert len(seen) == TABLES and max(seen) == 2


def test_one_core_checks_one_table_at_a_time_whatever_the_size(monkeypatch):
    monkeypatch.setattr("peacetalks.run.validate.ONE_THREAD_MAX_BYTES", 1_000)
    monkeypatch.setattr("peacetalks.run.validate.usable_cores", lambda: 1)
    seen = tables_at_once(monkeypatch)
    assert validate_package(ROOT, frictionless="off").problems == []
    assert seen == [1] * TABLES


INTERRUPTED_SCHEDULE = """
import os, signal, sys, threading, time
from concurrent.futures import CancelledError
from types import SimpleNamespace

import peacetalks.run.validate as validate

validate.usable_cores = lambda: 2
b_waits = threading.Event()

def say(line):  # one write: print() writes the line end apart, and the threads print at once
    sys.stdout.write(line + "\\n")
    sys.stdout.flush()

def table(name, *parents):
    return SimpleNamespace(name=name, foreign_keys=[{"resource": parent} for parent in parents])

def check(resource, parents, stopped):
    say(f"started {resource.name}")
    if resource.name == "a":  # a long table: it looks at `stopped` between batches
        say(f"a was stopped: {stopped.wait(timeout=20)}")
    if resource.name == "b":
        b_waits.set()
        try:
            parents()
        except CancelledError as stopped:
            say(f"b was told: {stopped}")
    return [], None, 1

def main_thread_waits_for_a_table():
    # In `concurrent.futures.wait`, not still in `pool.submit`: a SIGINT there (while the new
    # thread starts) leaves that thread out of the pool's list, and its shutdown does not join it.
    frame = sys._current_frames().get(threading.main_thread().ident)
    while frame is not None:
        if frame.f_code.co_name == "wait" and frame.f_code.co_filename.endswith(os.path.join("concurrent", "futures", "_base.py")):
            return True
        frame = frame.f_back
    return False

def press_ctrl_c():
    b_waits.wait(timeout=20)
    deadline = time.monotonic() + 20
    while not main_thread_waits_for_a_table() and time.monotonic() < deadline:
        time.sleep(0.001)
    os.kill(os.getpid(), signal.SIGINT)  # to the process, as a terminal sends it

threading.Thread(target=press_ctrl_c, daemon=True).start()
order = [table("sources"), table("a", "sources"), table("b", "sources", "a"), table("c", "a")]
try:
    for resource, _ in validate.check_parents_first(order, check, {"sources"}):
        say(f"done {resource.name}")
except KeyboardInterrupt:
    say("interrupted")
"""


def test_ctrl_c_while_a_table_waits_for_its_parent_stops_the_check():
    """Ctrl-C reaches the schedule while `b`, started early, waits for `a`, still running: `a` is
    told to stop (a real table stops at its next batch), so is `b`, and `c`, not yet started,
    never starts.
    A real SIGINT, in a process of its own, so that a hang fails the test instead of holding it."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", INTERRUPTED_SCHEDULE], capture_output=True, text=True, timeout=60)
    lines = run.stdout.splitlines()
    assert lines[:2] == ["started sources", "done sources"] and lines[-1:] == ["interrupted"], run.stderr
    assert sorted(lines[2:-1]) == [  # `a` and `b` run at once, in either order
        "a was stopped: True",
        "b was told: b: the check was stopped",
        "started a",
        "started b",
    ]


def test_an_integer_too_large_for_64_bits_is_a_type_problem_not_a_wrapped_number(package_dir):
    # Read through floats, it became -2**63 and was reported as below the minimum of 0.
    schema_path = package_dir / "schemas/statuses.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "value")["type"] = "integer"
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    statuses = package_dir / "data/statuses.csv"
    replace_in(statuses, ",90,percent,", ",99999999999999999999,percent,")
    rehash(package_dir)
    found = validate_package(package_dir, frictionless="off").problems
    line = line_of(statuses, ",99999999999999999999,")
    assert [(p.file, p.line, p.column, p.rule) for p in found] == [("data/statuses.csv", line, "value", "type")]
    assert "9223372036854775807" in found[0].hint


def declare_meeting_time_a_time(root):
    """`meetings.time` holds the article's words ("following the Berlin talks"): as Table Schema
    `time`, a type this validator keeps as text, that cell is a type error only frictionless finds."""
    schema = root / "schemas/meetings.schema.json"
    replace_in(schema, '"name": "time",\n      "type": "string"', '"name": "time",\n      "type": "time"')
    return line_of(root / "data/meetings.csv", "trump_spoke_with_leaders_after_berlin,")


def test_a_type_kept_as_text_is_frictionless_s_to_check(package_dir):
    line = declare_meeting_time_a_time(package_dir)
    # Another problem in the same row, in another column: frictionless's finding is no echo of it.
    replace_in(package_dir / "data/meetings.csv", "nine states and NATO,conversation,held,", "nine states and NATO,conversation,bogus,")
    rehash(package_dir)
    found = problems_of(package_dir)
    assert ("data/meetings.csv", line, "status", "enum") in found
    assert ("data/meetings.csv", line, "time", "type") in found


@pytest.mark.parametrize("mode", ["auto", "descriptor", "off"])
def test_a_column_only_frictionless_reads_is_checked_in_a_large_package(package_dir, monkeypatch, mode):
    from peacetalks.checks import check_frictionless

    line = declare_meeting_time_a_time(package_dir)
    monkeypatch.setattr(check_frictionless, "FULL_CHECK_MAX_BYTES", 1_000)  # every package is large
    weekend = line_of(package_dir / "data/meetings.csv", ",this weekend,")
    # By frictionless's cell reader, in our own checks: its pass over the data does not run.
    expected = [("data/meetings.csv", line, "time", "type"), ("data/meetings.csv", weekend, "time", "type")]
    assert problems_of(package_dir, frictionless=mode) == expected


def remove_proposals(root):
    (root / "data/proposals.csv").unlink()
    return ("data/proposals.csv", None, None, "file-missing")


def ragged_proposal(root):
    from package_edits import ragged_row

    damage = ragged_row(root)
    return (damage.file, damage.line, None, "ragged-row")


@pytest.mark.parametrize("damage", [ragged_proposal, remove_proposals])
def test_a_column_only_frictionless_reads_is_checked_when_file_damage_stops_its_pass(package_dir, damage):
    line = declare_meeting_time_a_time(package_dir)
    weekend = line_of(package_dir / "data/meetings.csv", ",this weekend,")
    rehash(package_dir)
    damaged = damage(package_dir)  # in another table: frictionless's pass is dropped for all of them
    found = problems_of(package_dir)
    assert damaged in found
    assert [p for p in found if p[0] == "data/meetings.csv"] == [
        ("data/meetings.csv", line, "time", "type"),
        ("data/meetings.csv", weekend, "time", "type"),
    ]


def test_a_frictionless_finding_of_our_rule_in_another_column_of_the_line_is_kept(tmp_path):
    # It was dropped as an echo of ours: same file, line and rule, whatever the column.
    fields = [
        {"name": "id", "type": "integer", "description": "Row."},
        {"name": "published", "type": "date", "format": "%d/%m/%Y", "description": "A date as the source writes it."},
        {"name": "contact", "type": "string", "format": "email", "description": "An email address."},
    ]
    one_table_package(tmp_path, fields, "id,published,contact\n1,31/01/2025,a@example.org\n2,2025-01-31,nobody\n")
    assert problems_of(tmp_path) == [("t.csv", 3, "contact", "type"), ("t.csv", 3, "published", "type")]


def test_a_year_enum_holds_years(tmp_path):
    # `true` passed as a year (1 == True let the cell 1 through), and so did 20250
    fields = [
        {"name": "id", "type": "integer", "description": "Row."},
        {"name": "year", "type": "year", "description": "A year.", "constraints": {"enum": [2025, True, 20250]}},
    ]
    one_table_package(tmp_path, fields, "id,year\n1,2025\n")
    found = [(p.file, p.column, p.rule, p.value) for p in validate_package(tmp_path).problems]
    assert found == [("datapackage.json", "year", "enum-type", "20250"), ("datapackage.json", "year", "enum-type", "True")]


@pytest.mark.parametrize(
    ("bound", "message"),
    [
        ("89.5", "`exclusiveMinimum` must be a whole number"),  # frictionless crashed on it: a line-less frictionless:crash
        ("NaN", "`exclusiveMinimum` must be a finite number"),  # JSON reads NaN: every cell failed the check
        ("1" + "0" * 400, "`exclusiveMinimum` must be a finite number"),  # was a line-less range problem, OverflowError its value
    ],
)
def test_an_integer_bound_the_checks_cannot_compare_is_a_located_schema_problem(tmp_path, bound, message):
    fields = [{"name": "id", "type": "integer", "description": "Row."}]
    one_table_package(tmp_path, fields, "id\n90\n")
    descriptor = tmp_path / "datapackage.json"
    # Written by hand: json.dumps writes neither NaN as a bound nor the line the problem must point at.
    constrained = '"description": "Row.",\n"constraints": {"exclusiveMinimum": ' + bound + "}}"
    text = descriptor.read_text(encoding="utf-8").replace('"description": "Row."}', constrained)
    descriptor.write_text(text, encoding="utf-8")
    found = validate_package(tmp_path).problems
    assert [(p.file, p.line, p.column, p.rule) for p in found] == [("datapackage.json", 2, "id", "schema")]
    assert message in found[0].message


@pytest.mark.parametrize("batches", [False, True], ids=["whole table", "in batches"])
def test_a_date_format_changed_in_every_row_is_one_problem_a_line_and_no_echo(tmp_path, monkeypatch, batches):
    """Every date of a required column written day first: one `type` problem on each line, held as a
    run; not also `required` (the unreadable cell reads as empty), nor frictionless's word on the same
    cells; the same whole or in batches."""
    from peacetalks.report.problems import RUN_MIN, ProblemRun, records

    rows = RUN_MIN + 50
    fields = [
        {"name": "id", "type": "string", "description": "Row."},
        {"name": "day", "type": "date", "description": "Day.", "constraints": {"required": True}},
    ]
    root = one_table_package(tmp_path, fields, "id,day\n" + "".join(f"r{i},14/12/2025\n" for i in range(rows)) + "r,2025-12-14\n")
    if batches:
        in_batches(monkeypatch, 512)
    outcome = validate_package(root)
    assert any(isinstance(p, ProblemRun) for p in outcome.problems)
    assert [(p.file, p.line, p.column, p.rule, p.value) for p in records(outcome.problems)] == [
        ("t.csv", line, "day", "type", "14/12/2025") for line in range(2, rows + 2)
    ]
