"""Which Table Schema patterns the checks refuse, and why (read_patterns.pattern_problem); how they
match a column (read_patterns.matches)."""

from __future__ import annotations

import re
import warnings

import pytest

from peacetalks.model.read_patterns import NESTED_SET_HINT, RE2_HINT, anchored, pattern_problem


@pytest.mark.parametrize("pattern", ["^[a-z][a-z0-9_]*$", "[A-Z]{3}", r"[\[\]]+", "(?=a)a"])
def test_a_pattern_python_reads_without_complaint_is_used(pattern: str) -> None:
    assert pattern_problem(pattern) is None


def test_a_pattern_python_warns_about_is_refused_with_python_s_reason_and_a_hint() -> None:
    assert pattern_problem("^[[a-z]]+$") == (
        "Python warns that it will read the pattern differently (Possible nested set at position 2; counting from 0)",
        NESTED_SET_HINT,
    )


def test_a_pattern_compiled_earlier_in_the_process_is_still_refused() -> None:
    # `re` caches compiled patterns, and a cached pattern does not warn again: both forms the
    # checks compile, as a pandas check of an earlier run would leave them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        re.compile("[[0-9]]")
        re.compile(anchored("[[0-9]]"))
    pattern_problem.cache_clear()  # its own verdicts are cached: ask afresh
    assert pattern_problem("[[0-9]]") is not None


def test_an_invalid_pattern_gets_python_s_error_even_when_python_also_warns() -> None:
    message, hint = pattern_problem("[a--b]")
    assert message.startswith("the pattern is not a valid regular expression (bad character range a--")
    assert hint is None


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [("a{4294967296}", "the repetition number is too large"), ("(" * 5_000 + ")" * 5_000, "maximum recursion depth exceeded")],
)
def test_a_pattern_re_cannot_hold_is_refused_not_an_internal_error(pattern: str, reason: str) -> None:
    message, _ = pattern_problem(pattern)
    assert message.startswith(f"the pattern is not a valid regular expression ({reason}")


def test_an_inline_flag_is_refused_since_the_checks_cannot_match_it_against_a_whole_value() -> None:
    message, hint = pattern_problem("(?i)[a-z ]+")
    assert message.startswith("the pattern cannot be matched against a whole value (global flags not at the start")
    assert "(?i)" in hint


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (".{0,100000}", "invalid repetition size: {0,100000}"),
        ("a*+", "bad repetition operator: *+"),
        ("(?>a)", "invalid perl operator: (?>"),
    ],
)
def test_a_pattern_python_reads_and_re2_refuses_is_refused_with_re2_s_reason(pattern: str, reason: str) -> None:
    # It was one `pattern` problem per table with no line, and RE2's error as its value.
    message, hint = pattern_problem(pattern)
    assert message == f"the pattern cannot be used by the checks' regular expression engine, RE2 (Invalid regular expression: {reason})"
    assert hint == RE2_HINT


STUCK = "a" * 40 + "!"  # Python's `re` backtracks for hours on it against `(a+)+`, with anything after


@pytest.fixture
def short_limits(monkeypatch):
    from peacetalks.checks import match_with_python
    from peacetalks.model.read_patterns import forget_undecided

    monkeypatch.setattr(match_with_python, "VALUE_LIMIT_SECONDS", 0.2)
    forget_undecided()  # what earlier tests left in this thread


@pytest.mark.parametrize(
    ("pattern", "others", "python"),
    [
        ("(a+)+", ["é"], False),
        (r"(a+)+\d?", ["x"], False),  # ASCII text: RE2
        (r"(a+)+\d?", ["é"], True),  # RE2's \d is ASCII's, Python's any digit's
        (r"(a+)+\s?", ["x"], True),  # RE2's \s misses "\x0b"
        ("(?=a)(a+)+", ["x"], True),  # RE2 has no lookaround
    ],
)
def test_the_values_go_to_python_s_re_where_pandas_would_use_it_and_there_alone(short_limits, pattern, others, python):
    # pandas' own choice (`runs_on_python`): the value Python's `re` backtracks on is stopped
    # there, and answered at once by RE2. Fails if pandas' private method goes away (all go to
    # Python's `re`), hangs if the values given to Python's `re` are no longer bounded.
    import pandas as pd

    from peacetalks.model.read_patterns import matches, undecided

    column = pd.Series(["aa", STUCK, *others, None], dtype="str", name="code")
    assert matches(pattern, column).tolist() == [True, False, False, False]
    assert (undecided(pattern, "code", STUCK) is not None) == python
    assert undecided(pattern, "code", "aa") is None


def test_a_value_on_which_python_s_re_backtracks_fails_the_pattern_and_says_why(short_limits):
    import pandas as pd

    from peacetalks.model.read_patterns import matches, undecided

    column = pd.Series(["aaa", STUCK, "b"], index=[5, 6, 7], dtype="str", name="code")
    assert matches(r"(a+)+\s?", column).to_dict() == {5: True, 6: False, 7: False}
    assert undecided(r"(a+)+\s?", "code", STUCK) == "matching it was stopped after 0.2 s"
    assert undecided(r"(a+)+\s?", "code", "b") is None
    assert undecided(r"(a+)+\s?", "other", STUCK) is None  # another column: pandas may have chosen RE2 there


def test_a_column_s_padded_ids_share_its_time_for_python_s_re(short_limits, monkeypatch):
    # `check_cells` matches a padded id again without its spaces, within the column's time, not with
    # a time of its own that would double it
    import pandas as pd

    from peacetalks.checks import match_with_python
    from peacetalks.model.read_patterns import match_whole, matches, one_time_limit_per_table, undecided

    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS", 0.3)
    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS_PER_MB", 0)
    pattern, other = r"(a+)+\s?", "a" * 41 + "!"
    with one_time_limit_per_table():
        assert not matches(pattern, pd.Series([STUCK, STUCK + "a"], dtype="str", name="code")).any()
        assert match_whole(pattern, [other], "code").tolist() == [False]
    assert undecided(pattern, "code", STUCK) == "matching it was stopped after 0.2 s"
    assert undecided(pattern, "code", other).startswith("the column's time for matching (0.3 s a table")
