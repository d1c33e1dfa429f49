"""Table Schema patterns as Pandera checks: the whole value must match."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from peacetalks.model.build_pandera import build_schema
from peacetalks.model.convert_types import convert_column
from peacetalks.model.read_patterns import anchored


def failing(pattern: str, values: list[str]) -> list[str]:
    schema = build_schema({"fields": [{"name": "x", "constraints": {"pattern": pattern}}]}, "t")
    try:
        schema.validate(pd.DataFrame({"x": pd.Series(values, dtype="string")}), lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases["failure_case"].tolist()
    return []


@pytest.mark.parametrize("pattern", ["^[a-z]+$", "[a-z]+", "^[a-z]+"])
def test_a_pattern_matches_the_whole_value_not_before_a_final_line_end(pattern: str) -> None:
    assert failing(pattern, ["abc", "abc\n", "abc1", "1abc"]) == ["abc\n", "abc1", "1abc"]


def test_an_escaped_dollar_at_the_end_stays_a_dollar() -> None:
    assert anchored(r"[0-9]+\$") == r"(?:[0-9]+\$)\Z"
    assert failing(r"[0-9]+\$", ["5$", "5"]) == ["5"]


def test_a_final_dollar_after_an_escaped_backslash_is_an_anchor() -> None:
    assert anchored(r"a\\$") == r"(?:a\\)\Z"
    assert failing(r"a\\$", ["a\\", "a"]) == ["a"]


def test_a_final_dollar_anchors_every_alternative_as_before() -> None:
    assert failing("a|b$", ["a", "b", "ab", "ba"]) == ["ab", "ba"]


def failing_values(field: dict, values: pd.Series) -> list:
    schema = build_schema({"fields": [{"name": "x", **field}]}, "t")
    try:
        schema.validate(pd.DataFrame({"x": values}), lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases["failure_case"].tolist()
    return []


def test_exclusive_bounds_leave_out_the_bound_itself() -> None:
    field = {"type": "integer", "constraints": {"exclusiveMinimum": 1, "exclusiveMaximum": 3}}
    assert failing_values(field, pd.Series([0, 1, 2, 3, 4], dtype="Int64")) == [0, 1, 3, 4]


def test_a_datetime_bound_keeps_its_fraction_of_a_second() -> None:
    # cells and bounds were read to the second, so 10:00:00 was "not below" 10:00:00.5
    field = {"type": "datetime", "constraints": {"exclusiveMaximum": "2025-12-15T10:00:00.5Z"}}
    cells = pd.Series(["2025-12-15T10:00:00Z", "2025-12-15T10:00:00.5Z"], dtype="str")
    typed, _ = convert_column(cells, field, [""])
    assert failing_values(field, typed) == [pd.Timestamp("2025-12-15T10:00:00.5Z")]


def test_a_date_enum_holds_dates() -> None:
    # the text "2025-12-15" was compared with the day it names, and never equal
    field = {"type": "date", "constraints": {"enum": ["2025-12-15"]}}
    typed, _ = convert_column(pd.Series(["2025-12-15", "2025-12-16"], dtype="str"), field, [""])
    assert failing_values(field, typed) == [pd.Timestamp("2025-12-16")]


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ({"type": "array", "constraints": {"maxLength": 2}}, ["[1, 2]", "[]"]),  # 2 items, 6 characters
        ({"type": "object", "constraints": {"maxLength": 1}}, ['{"a": 1}']),  # 1 key, 8 characters
    ],
)
def test_a_type_kept_as_text_is_not_judged_by_its_text(field: dict, values: list[str]) -> None:
    # Its values are frictionless's to check: a length of characters is not a count of items.
    assert failing_values(field, pd.Series(values, dtype="string")) == []
