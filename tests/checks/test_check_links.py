"""The cycle walk over self-links (`in_cycles`), on its own."""

from __future__ import annotations

import pandas as pd

from peacetalks.checks.check_links import in_cycles


def series(values: list, start: int = 2) -> pd.Series:
    return pd.Series(values, index=range(start, start + len(values)), dtype="string")


def test_rows_on_a_ring_and_only_those():
    own = series(["a", "b", "c", "d", "e"])
    link = series(["b", "c", "a", "a", "x"])  # a → b → c → a; d leads into the ring; e leads nowhere
    assert in_cycles(own, link).tolist() == [True, True, True, False, False]


def test_a_repeated_value_points_at_its_last_row():
    # Row 3 (b) links to a; the last row holding a (row 4) links nowhere: no ring. Were the first
    # row holding a taken, rows 2 and 3 would form one.
    own = series(["a", "b", "a"])
    link = series(["b", "a", "x"])
    assert in_cycles(own, link).tolist() == [False, False, False]
    # The same rows with the repeat first: the last a (row 4) now links to b, which links back.
    assert in_cycles(series(["a", "a", "b"]), series(["x", "b", "a"])).tolist() == [False, True, True]


def test_a_row_linking_to_itself_and_no_rows():
    assert in_cycles(series(["a", "b"]), series(["a", "a"])).tolist() == [True, False]
    assert in_cycles(series([]), series([])).tolist() == []
