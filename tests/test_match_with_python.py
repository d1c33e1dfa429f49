"""Python's `re` in a process of its own: a match that backtracks is stopped, the others answered."""

from __future__ import annotations

import pytest

from peacetalks import match_with_python
from peacetalks.match_with_python import match_with_python as match

# Python's `re` backtracks for hours on this value against `(a+)+`, with anything after it.
BACKTRACKS = "a" * 40 + "!"
PATTERN = r"(?:(a+)+\s?)\Z"


@pytest.fixture
def short_limits(monkeypatch):
    monkeypatch.setattr(match_with_python, "VALUE_LIMIT_SECONDS", 0.2)
    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS", 5)


def test_a_value_on_which_the_pattern_backtracks_is_stopped_and_the_others_are_answered(short_limits):
    assert match(PATTERN, ["aaa", BACKTRACKS, "b", "a ", "a  "]) == "1s010"


def test_values_not_reached_when_the_column_s_time_runs_out_are_said_so(monkeypatch, short_limits):
    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS", 0.5)
    # 0.2 s each: the third is cut short by the column's 0.5 s, the last two are never tried
    assert match(PATTERN, [BACKTRACKS] * 3 + ["aa", "b"]) == "ss---"


def test_a_value_json_cannot_hold_as_utf_8_is_matched_as_written():
    # a lone surrogate: an array's item written as "\ud800" in JSON
    assert match(r"(?:\ud800\s?)\Z", ["\ud800", "x"]) == "10"


def test_no_child_is_no_answer_and_the_caller_matches_in_its_own_process(monkeypatch):
    monkeypatch.setattr(match_with_python.sys, "executable", "")
    assert match(PATTERN, ["aaa"]) is None


def test_a_child_that_cannot_answer_is_no_answer(monkeypatch):
    monkeypatch.setattr(match_with_python, "CHILD", "import sys; sys.exit(3)")
    assert match(PATTERN, ["aaa"]) is None
