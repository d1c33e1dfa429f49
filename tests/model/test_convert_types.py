"""Text columns typed in pyarrow (convert_types.text_column) and the distinct-value encoding."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from peacetalks.model.convert_types import convert_column, encode


def test_the_schemas_missing_values_become_missing_cells_and_nothing_else() -> None:
    text = pd.Series(["a", "", "n/a", "NA", " ", None], index=[2, 3, 4, 5, 6, 7], dtype="str")
    typed, bad = convert_column(text, {"name": "x", "type": "string"}, ["", "n/a"])
    assert typed.dtype == "string"
    assert typed.index.tolist() == [2, 3, 4, 5, 6, 7]
    assert typed.tolist() == ["a", pd.NA, pd.NA, "NA", " ", pd.NA]
    assert not bad.any()


def test_a_column_with_no_missing_cell_is_the_text_itself() -> None:
    text = pd.Series(["a", "b"], dtype="str")
    typed, _ = convert_column(text, {"name": "x"}, [""])
    assert typed.tolist() == ["a", "b"]
    # No copy: the typed column holds the very buffers pyarrow read.
    assert pa.array(typed).buffers()[2].address == pa.array(text).buffers()[2].address


def test_no_missing_values_keeps_every_cell() -> None:
    typed, _ = convert_column(pd.Series(["", "a"], dtype="str"), {"name": "x"}, [])
    assert typed.tolist() == ["", "a"]


def test_a_column_of_distinct_values_is_not_encoded_and_a_repeating_one_is() -> None:
    ids = pd.Series([f"id_{i}" for i in range(12_000)], dtype="string")
    codes, values = encode(ids)
    assert codes is None and values.equals(ids)
    kinds = pd.Series(["a", "b", None] * 4_000, dtype="string")
    codes, values = encode(kinds)
    assert values.tolist() == ["a", "b"]
    assert codes[:3].tolist() == [0, 1, -1]


def test_a_column_in_several_chunks_is_encoded_as_one() -> None:
    """Kept key columns are batches joined together: their arrow array has several chunks."""
    ids = pd.concat([pd.Series([f"id_{i}" for i in range(start, start + 6_000)], dtype="string") for start in (0, 6_000)])
    assert pa.array(ids).num_chunks == 2
    codes, values = encode(ids)
    assert codes is None and values.tolist() == [f"id_{i}" for i in range(12_000)]
    kinds = pd.concat([pd.Series(["a", "b"] * 3_000, dtype="string"), pd.Series(["c", None] * 3_000, dtype="string")])
    codes, values = encode(kinds)
    assert values.tolist() == ["a", "b", "c"]
    assert codes[[0, 1, 6_000, 6_001]].tolist() == [0, 1, 2, -1]


def test_whole_numbers_are_read_exactly_and_those_outside_64_bits_are_not_read() -> None:
    # Read through floats, 99999999999999999999 became -2**63 and 9007199254740993 became ...992.
    cells = ["99999999999999999999", "9007199254740993", "9223372036854775807", "9223372036854775808",
             "-9223372036854775808", "-9223372036854775809", "+00000000000000000000042", "1" + "0" * 5000, "1.0", ""]  # fmt: skip
    typed, unreadable = convert_column(pd.Series(cells, dtype="string"), {"type": "integer"}, [""])
    assert typed.tolist() == [pd.NA, 9007199254740993, 2**63 - 1, pd.NA, -(2**63), pd.NA, 42, pd.NA, pd.NA, pd.NA]
    assert unreadable.tolist() == [True, False, False, True, False, True, False, True, True, False]
    assert str(typed.dtype) == "Int64"


def test_every_typed_column_has_the_dtype_the_pandera_schema_declares() -> None:
    """The checks leave Pandera's dtype check out (`check_data.rows_only`): this holds instead."""
    from peacetalks.model.build_pandera import build_schema
    from peacetalks.model.convert_types import PANDAS_DTYPES, convert_frame

    cells = {
        "string": "a",
        "integer": "-12",
        "number": "1.5",
        "boolean": "true",
        "date": "2025-12-14",
        "datetime": "2025-12-14T10:00:00Z",
        "year": "2025",
        "time": "10:00:00",  # a type kept as text
    }
    assert PANDAS_DTYPES.keys() <= cells.keys()
    table_schema = {"fields": [{"name": kind, "type": kind} for kind in cells]}
    text = pd.DataFrame({kind: pd.Series([cell, ""], dtype="str") for kind, cell in cells.items()})
    typed, problems = convert_frame(text, table_schema, "t.csv")
    assert problems == []
    assert {kind: str(dtype) for kind, dtype in typed.dtypes.items()} == {kind: PANDAS_DTYPES.get(kind, "string") for kind in cells}
    build_schema(table_schema, "t").validate(typed, lazy=True)  # raises SchemaErrors on any other dtype


def test_digits_of_other_scripts_are_not_an_integer_and_do_not_stop_the_check() -> None:
    # "\d" let "٣" through to pandas, whose error stopped the whole validation
    typed, unreadable = convert_column(pd.Series(["٣", "12", "٣4", "+7"], dtype="str"), {"type": "integer"}, [""])
    assert typed.tolist() == [pd.NA, 12, pd.NA, 7]
    assert unreadable.tolist() == [True, False, True, False]


def test_a_date_is_four_two_and_two_digits() -> None:
    # strptime's %m and %d take one digit as well
    cells = ["2025-01-01", "2025-1-1", "2025-01-1", "20250101", "２０２５-01-01", "2025-02-30", ""]
    typed, unreadable = convert_column(pd.Series(cells, dtype="str"), {"type": "date"}, [""])
    assert typed.notna().tolist() == [True, False, False, False, False, False, False]
    assert unreadable.tolist() == [False, True, True, True, True, True, False]


def test_a_date_with_a_declared_format_is_read_in_that_format_only() -> None:
    # It was read as YYYY-MM-DD whatever the schema said: every cell written as declared was a type problem.
    field = {"type": "date", "format": "%d/%m/%Y"}
    typed, unreadable = convert_column(pd.Series(["31/01/2025", "2025-01-31", "31/02/2025", ""], dtype="str"), field, [""])
    assert typed.tolist()[:1] == [pd.Timestamp("2025-01-31")]
    assert unreadable.tolist() == [False, True, True, False]


def test_a_datetime_with_a_declared_format_keeps_its_offset() -> None:
    field = {"type": "datetime", "format": "%d/%m/%Y %H:%M%z"}
    typed, unreadable = convert_column(pd.Series(["31/01/2025 12:00+0100", "2025-01-31T11:00:00Z"], dtype="str"), field, [""])
    assert typed.iloc[0] == pd.Timestamp("2025-01-31T11:00:00Z")
    assert unreadable.tolist() == [False, True]


@pytest.mark.parametrize(
    ("pattern", "cells", "read"),
    [
        ("%Y-%m-%d%z", ["2025-01-02+0100", "2025-01-02-0500"], [True, True]),  # an offset on a date: was an internal error
        ("%d/%m/%Q", ["02/01/2025"], [False]),  # a bad directive: every cell unreadable, as frictionless has it
        ("mixed", ["2 January 2025", "01/02/2025"], [False, False]),  # a word of pandas' own, not a pattern
        ("ISO8601", ["2025-01-02"], [False]),
    ],
)
def test_a_declared_date_pattern_is_read_as_strptime_reads_it(pattern: str, cells: list[str], read: list[bool]) -> None:
    typed, unreadable = convert_column(pd.Series(cells, dtype="str"), {"type": "date", "format": pattern}, [""])
    assert unreadable.tolist() == [not r for r in read]
    assert typed.notna().tolist() == read


@pytest.mark.parametrize(
    ("field", "cells"),
    [
        ({"type": "datetime", "format": "%d/%m/%Y %H:%M %z"}, ["01/01/0001 00:00 +0100", "31/12/9999 23:59 -0100"]),
        ({"type": "datetime"}, ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:00-01:00"]),
    ],
)
def test_a_moment_outside_years_1_to_9999_in_utc_is_not_read(field: dict, cells: list[str]) -> None:
    # read as 1972 (pandas wrapped year 0 round), or as year 0, which no export could write
    typed, unreadable = convert_column(pd.Series([*cells, "2025-01-02T10:00:00Z"], dtype="str"), field, [""])
    assert unreadable.tolist()[:2] == [True, True]
    assert typed.isna().tolist()[:2] == [True, True]
