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
