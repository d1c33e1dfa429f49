"""The descriptor's own rules that the broken-package corpus does not pin down alone."""

from __future__ import annotations

import frictionless.fields
import pytest

from peacetalks.checks.check_descriptor import (
    COMPRESSED,
    FIELD_TYPES,
    STRING_FORMATS,
    TYPE_CONSTRAINTS,
    frictionless_reads,
    number_bound_problem,
)


def frictionless_field_classes() -> dict[str, type]:
    classes = (getattr(frictionless.fields, name) for name in dir(frictionless.fields))
    return {c.type: c for c in classes if isinstance(c, type) and hasattr(c, "supported_constraints") and c.type != "field"}


def test_the_types_are_frictionless_types():
    assert set(FIELD_TYPES) == set(frictionless_field_classes())


def test_each_type_takes_the_constraints_frictionless_reads_for_it():
    # `unique` is checked by frictionless apart from a field's own constraints, for every type.
    taken = {kind: set(c.supported_constraints) | {"unique"} for kind, c in frictionless_field_classes().items()}
    assert taken == TYPE_CONSTRAINTS


def test_the_compressions_refused_are_those_frictionless_decompresses():
    import frictionless.settings

    assert set(frictionless.settings.COMPRESSION_FORMATS) == COMPRESSED


def test_the_text_formats_are_frictionless_s_wkt_aside():
    allowed = frictionless.fields.StringField.metadata_profile_patch["properties"]["format"]["enum"]
    assert STRING_FORMATS | {"wkt"} == set(allowed)


@pytest.mark.parametrize(
    ("value", "whole", "problem"),
    [
        (0, True, None),
        (1e2, True, None),
        (89.5, False, None),
        (89.5, True, "a whole number"),  # frictionless crashed on it for an integer field
        (10**400, False, "a finite number within the range of a 64-bit float"),  # was a range problem with no line
        (float("nan"), False, "a finite number within the range of a 64-bit float"),  # JSON reads NaN
        (float("inf"), False, "a finite number within the range of a 64-bit float"),
        (True, False, "a number"),
        ("5", False, "a number"),
    ],
)
def test_a_number_bound_must_be_one_the_checks_can_compare(value, whole: bool, problem: str | None):
    assert number_bound_problem(value, whole) == problem


@pytest.mark.parametrize(
    ("kind", "value", "read"),
    [("time", "10:00:00", True), ("time", "9am", False), ("time", 5, False), ("yearmonth", "2025-01", True), ("yearmonth", 5, False)],
)
def test_a_value_for_a_type_kept_as_text_is_read_by_frictionless_s_reader(kind: str, value, read: bool):
    # Frictionless crashed (a line-less frictionless:crash) comparing its cells with a bound it could not read.
    assert frictionless_reads({"name": "x", "type": kind}, value) is read


def test_file_options_as_the_tables_are_read_are_accepted(tmp_path):
    import json

    from conftest import one_table_package
    from peacetalks.run.validate import validate_package

    one_table_package(tmp_path, [{"name": "id", "type": "string", "description": "Row."}], "id\na\n")
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    dialect = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True, "headerRows": [1]}
    descriptor["resources"][0].update(encoding="UTF8", format="CSV", dialect=dialect)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert validate_package(tmp_path).problems == []


def resource_refusals(tmp_path, name: str = "t.csv", **options) -> list[tuple]:
    """The descriptor problems of a one-table package whose resource has these options."""
    import json

    from conftest import one_table_package
    from peacetalks.run.validate import validate_package

    one_table_package(tmp_path, [{"name": "id", "type": "string", "description": "Row."}], "id\na\n")
    if name != "t.csv":
        (tmp_path / "t.csv").rename(tmp_path / name)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0].update(path=name, **options)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return [(p.rule, p.line, p.value) for p in validate_package(tmp_path, frictionless="off").problems if p.file == "datapackage.json"]


def line_of_key(root, key: str) -> int:
    """The line of the last `"key":` in the package's descriptor (the resource's, after the package's own)."""
    lines = (root / "datapackage.json").read_text(encoding="utf-8").splitlines()
    return max(number for number, line in enumerate(lines, start=1) if line.strip().startswith(f'"{key}":'))


@pytest.mark.parametrize(
    ("name", "options", "key", "value"),
    [
        # frictionless reads a file by its extension (a .txt file as text: no rows, no findings)
        ("t.txt", {}, "path", "t.txt"),
        ("t.tsv", {}, "path", "t.tsv"),
        ("t.csv.gz", {"format": "csv"}, "path", "t.csv.gz"),
        ("t.csv", {"scheme": "https"}, "scheme", "https"),
        ("t.csv", {"dialect": {"doubleQuote": 1}}, "doubleQuote", "1"),  # 1 is not true in JSON, and frictionless refuses it
        ("t.csv", {"dialect": {"csv": {"delimiter": ";"}}}, "delimiter", ";"),
        ("t.csv", {"dialect": None}, "dialect", "null"),
        # frictionless reads the name as a URL, so `t#1.csv` has no extension (no rows, no findings)
        ("t#1.csv", {}, "path", "t#1.csv"),
        ("a;b.csv", {}, "path", "a;b.csv"),
    ],
)
def test_a_file_read_otherwise_than_as_plain_csv_is_refused_at_its_line(tmp_path, name, options, key, value):
    from peacetalks.run.validate import validate_package

    outcome = validate_package(tmp_path_with(tmp_path, name, **options), frictionless="off")
    found = [(p.rule, p.file, p.line, p.value) for p in [*outcome.notes, *outcome.problems]]
    assert found == EXPECTED_REFUSALS[(name, key)](tmp_path)
    assert outcome.valid is all(rule == "not-checked" for rule, *_ in found), "a note alone never fails a package"


def tmp_path_with(tmp_path, name: str, **options):
    resource_refusals(tmp_path, name, **options)
    return tmp_path


# What each option above gives now that the file is read as the standard describes it: a format
# that is not read is a note on the file; a `.tsv` is read with tabs; a "compressed" file that is
# not is unreadable; a remote scheme is a note; a wrong dialect value is refused at its line.
EXPECTED_REFUSALS = {
    ("t.txt", "path"): lambda root: [("not-checked", "t.txt", None, None)],
    ("t.tsv", "path"): lambda root: [],
    ("t.csv.gz", "path"): lambda root: [("file-unreadable", "t.csv.gz", None, None)],
    ("t.csv", "scheme"): lambda root: [("not-checked", "datapackage.json", line_of_key(root, "path"), None)],
    ("t.csv", "doubleQuote"): lambda root: [("descriptor", "datapackage.json", line_of_key(root, "doubleQuote"), "1")],
    ("t.csv", "delimiter"): lambda root: [],
    ("t.csv", "dialect"): lambda root: [("descriptor", "datapackage.json", line_of_key(root, "dialect"), "null")],
    ("t#1.csv", "path"): lambda root: [("not-checked", "t#1.csv", None, None)],
    ("a;b.csv", "path"): lambda root: [("not-checked", "a;b.csv", None, None)],
}


@pytest.mark.parametrize(
    "options",
    [
        {"format": "csv"},
        {"dialect": {"csv": {"delimiter": ","}, "headerCase": True, "title": "Plain CSV"}},  # frictionless 5's own spelling
        {"scheme": "file"},
    ],
)
def test_options_that_read_the_file_as_plain_csv_are_accepted(tmp_path, options):
    assert resource_refusals(tmp_path, "t.dat" if "format" in options else "t.csv", **options) == []


@pytest.mark.parametrize("name", ["t.CSV", "t.csv?x=1", "my data.csv"])
def test_file_names_frictionless_reads_as_csv_are_accepted(tmp_path, name):
    assert resource_refusals(tmp_path, name) == []


@pytest.mark.parametrize(
    "missing",
    [[{"value": "NA"}, ""], [{"label": "x"}], {"value": "NA"}, [None], [{"value": "NA", "label": None}]],
)
def test_missing_values_of_another_shape_are_a_schema_problem(tmp_path, missing):
    # dropped without a word, their cells then type problems; frictionless refused a mix
    from conftest import one_table_package
    from peacetalks.run.validate import validate_package

    fields = [{"name": "id", "type": "string", "description": "Row."}, {"name": "n", "type": "integer", "description": "N."}]
    fields[1]["missingValues"] = missing
    one_table_package(tmp_path, fields, "id,n\na,NA\n")
    [problem] = validate_package(tmp_path, frictionless="off").problems
    assert (problem.rule, problem.column) == ("schema", "n") and "`missingValues` must" in problem.message
