"""The descriptor's own rules that the broken-package corpus does not pin down alone."""

from __future__ import annotations

import frictionless.fields
import pytest

from peacetalks.check_descriptor import FIELD_TYPES, STRING_FORMATS, TYPE_CONSTRAINTS, frictionless_reads, number_bound_problem


def frictionless_field_classes() -> dict[str, type]:
    classes = (getattr(frictionless.fields, name) for name in dir(frictionless.fields))
    return {c.type: c for c in classes if isinstance(c, type) and hasattr(c, "supported_constraints") and c.type != "field"}


def test_the_types_are_frictionless_types():
    assert set(FIELD_TYPES) == set(frictionless_field_classes())


def test_each_type_takes_the_constraints_frictionless_reads_for_it():
    # `unique` is checked by frictionless apart from a field's own constraints, for every type.
    taken = {kind: set(c.supported_constraints) | {"unique"} for kind, c in frictionless_field_classes().items()}
    assert taken == TYPE_CONSTRAINTS


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
    from peacetalks.validate import validate_package

    one_table_package(tmp_path, [{"name": "id", "type": "string", "description": "Row."}], "id\na\n")
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    dialect = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True, "headerRows": [1]}
    descriptor["resources"][0].update(encoding="UTF8", format="CSV", dialect=dialect)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert validate_package(tmp_path).problems == []
