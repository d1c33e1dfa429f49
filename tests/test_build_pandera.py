"""Table Schema patterns as Pandera checks: the whole value must match."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from peacetalks.build_pandera import build_schema
from peacetalks.read_patterns import anchored


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


def test_a_datetime_bound_compares_across_time_zones() -> None:
    # The bound is read by the cells' reader (`read_bound`), which keeps its offset.
    field = {"type": "datetime", "constraints": {"minimum": "2025-01-31T12:00:00+01:00"}}
    values = pd.Series(pd.to_datetime(["2025-01-31T10:59:59Z", "2025-01-31T11:00:00Z"]), dtype="datetime64[s, UTC]")
    assert failing_values(field, values) == [pd.Timestamp("2025-01-31T10:59:59Z")]


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ({"type": "time", "constraints": {"minimum": "09:00:00"}}, ["10:00:00", "8:00:00"]),  # "8" > "0" as text
        ({"type": "array", "constraints": {"minLength": 2}}, ["[1]", "[1, 2]"]),  # 3 and 6 characters
        ({"type": "yearmonth", "constraints": {"enum": ["2025-01"]}}, ["2025-1"]),
    ],
)
def test_a_type_kept_as_text_gets_no_check_on_its_text(field: dict, values: list[str]) -> None:
    # Its values are frictionless's to check: the text would be judged wrongly either way.
    assert build_schema({"fields": [{"name": "x", **field}]}, "t").columns["x"].checks == []
    assert failing_values(field, pd.Series(values, dtype="string")) == []
