"""Turn columns of text into typed pandas columns, as the Table Schema says.

Used by both `load()` and the validator, so the types a user gets are the
types that were checked. A cell that cannot be read as its type becomes NA
and is returned as a located problem.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peacetalks.model.field import Field
from peacetalks.model.types import TYPES
from peacetalks.report.problems import Found, problems_at

DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]

# Table Schema type -> pandas dtype of the loaded column, for the types our checks read.
PANDAS_DTYPES = {name: kind.pandas for name, kind in TYPES.items() if kind.ours}


# Table Schema types read from text by `convert_column`; every other type is kept as text.
NOT_TEXT = PANDAS_DTYPES.keys() - {"string"}


def kept_as_text(kind) -> bool:
    """A type this validator does not read (time, yearmonth, array, ...): its cells stay text, no
    value check of ours judges them (`build_pandera.field_checks`), and frictionless alone reads
    their values, enum values and bounds included (`check_frictionless_cells`,
    `check_descriptor.frictionless_reads`)."""
    return isinstance(kind, str) and kind not in PANDAS_DTYPES


def enum_values(field: dict) -> list | None:
    return Field(field).enum


def encode(values: pd.Series) -> tuple[np.ndarray | None, pd.Series]:
    """Each row's position among the column's distinct present values (-1 when missing), and those
    values with the column's dtype. A check run on the distinct values and mapped back with
    `on_rows` gives the same rows as the check run on every cell, at the cost of one hash pass.
    A column whose values barely repeat (ids) gains nothing: codes are then None and the values
    are the column itself, missing cells included."""
    size, sample = len(values), 2_000
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) and getattr(dtype, "storage", None) == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        arrow = pa.array(values, from_pandas=True)
        # Decided before the chunks are joined: a column of a million ids would be copied for nothing.
        if size > 5 * sample and pc.count_distinct(arrow.slice(0, sample)).as_py() > sample // 4:
            return None, values.reset_index(drop=True)
        if isinstance(arrow, pa.ChunkedArray):
            arrow = arrow.combine_chunks() if arrow.num_chunks != 1 else arrow.chunk(0)
        encoded = pc.dictionary_encode(arrow)
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return codes, pd.Series(encoded.dictionary.to_pandas(types_mapper=lambda _: dtype), dtype=dtype)
    if size > 5 * sample and values.iloc[:sample].nunique() > sample // 4:
        return None, values.reset_index(drop=True)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), pd.Series(uniques, dtype=dtype)


def on_rows(codes: np.ndarray | None, bad: np.ndarray | pd.Series) -> np.ndarray:
    """A boolean mask over the distinct values, as a mask over the rows (missing rows: False)."""
    bad = np.asarray(bad, dtype=bool)
    return bad if codes is None else np.append(bad, False)[codes]


def missing_values(schema: dict, field: dict | None = None) -> list[str]:
    """The cells that mean "no value": the field's own `missingValues` when it gives them, else the
    schema's; each a string or, in Data Package 2, an object with the string as its `value`."""
    values = field["missingValues"] if field is not None and "missingValues" in field else schema.get("missingValues", [""])
    if not isinstance(values, list):
        return [""]
    strings = (v.get("value") if isinstance(v, dict) else v for v in values)
    return [v for v in strings if isinstance(v, str)]


def convert_column(text: pd.Series, field: dict, missing: list[str]) -> tuple[pd.Series, pd.Series]:
    """The typed column, and a boolean mask of cells that were present but unreadable."""
    kind = Field(field).type
    if kind not in NOT_TEXT:
        return text_column(text, missing), pd.Series(False, index=text.index)
    dtype = PANDAS_DTYPES[kind]
    present = (text != "") & text.notna() if missing == [""] else ~text.isin(missing) & text.notna()
    cells = text.where(present)
    if kind == "integer" or kind == "year":
        # Read exactly, never through floats: a float cast wrapped 99999999999999999999 round to
        # -2**63 and rounded 9007199254740993 to ...992. A number outside 64 bits is not read:
        # Int64, SQLite's INTEGER and Parquet's int64 cannot hold it.
        # [0-9], not \d: \d also matches other scripts' digits ("٣"), which pandas cannot read.
        whole = cells.str.fullmatch(r"[+-]?[0-9]+").fillna(False).astype(bool)
        digits = cells.where(whole).str.lstrip("+-").str.lstrip("0").str.len()
        nineteen = (digits == 19).fillna(False).astype(bool)
        whole &= (digits < 19).fillna(False).astype(bool) | nineteen
        if nineteen.any():
            whole[nineteen] = cells[nineteen].map(fits_64_bits).astype(bool)
        typed = pd.Series(pd.NA, index=text.index, dtype=dtype)
        if whole.any():
            typed[whole] = pd.to_numeric(cells[whole].astype(str)).astype(dtype)
        return typed, present & ~whole
    if kind == "number":
        numbers = pd.to_numeric(cells, errors="coerce").astype(dtype)
        read_as_number = numbers.notna()  # "INF" and "1e400" read as infinity, as Table Schema allows
        return numbers, present & ~read_as_number
    if kind == "boolean":
        true_values = field.get("trueValues", DEFAULT_TRUE)
        false_values = field.get("falseValues", DEFAULT_FALSE)
        mapping = {**{v: True for v in true_values}, **{v: False for v in false_values}}
        typed = cells.map(mapping).astype(dtype)
        return typed, present & typed.isna()
    pattern = declared_format(field)
    if kind == "date" and pattern is None:
        # strptime's %m and %d also take one digit ("2025-1-1"); Table Schema's date is YYYY-MM-DD.
        shaped = cells.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fillna(False).astype(bool)
        typed = pd.to_datetime(cells.where(shaped), format="%Y-%m-%d", errors="coerce").astype(dtype)
        return typed, present & typed.isna()
    if pattern is not None:
        typed = read_with_strptime(cells, pattern, kind).astype(dtype)
        return typed, present & typed.isna()
    if kind == "datetime":
        typed = pd.to_datetime(cells, format="ISO8601", errors="coerce", utc=True).astype(dtype)
        # A moment whose offset takes it out of years 1 to 9999 in UTC cannot be written out again.
        typed = typed.where(typed.dt.year.between(1, 9999))
        return typed, present & typed.isna()
    raise AssertionError(kind)  # every kind in NOT_TEXT is handled above


def declared_format(field: dict) -> str | None:
    """A date or datetime field's strptime pattern (`"format": "%d/%m/%Y"`), None for the default
    (ISO 8601). `check_descriptor` refuses "any", whose reading (dateutil's) fills in what a cell
    leaves out from the day it is read, and a format that is not text."""
    pattern = field.get("format")
    return pattern if isinstance(pattern, str) and pattern not in ("default", "any") else None


def date_shape(field: dict) -> str:
    """How a date or datetime field's cells are written: its declared pattern, or ISO 8601."""
    default = "YYYY-MM-DD" if Field(field).type == "date" else "ISO 8601, such as 2025-01-31T12:00:00Z"
    return declared_format(field) or default


def read_with_strptime(cells: pd.Series, pattern: str, kind: str) -> pd.Series:
    """Cells in a declared strptime pattern ("%d/%m/%Y"), read by Python's `strptime` as frictionless
    reads them, once per distinct value: pandas' own reading of a pattern takes "mixed" and
    "ISO8601" as words of its own, raises on a bad directive or an offset on a date, and differs
    at the edges (7 to 9 digits of %f). A date keeps its day (any time or offset dropped); a
    datetime without an offset is taken as UTC, as the default reading takes one."""
    import datetime as dt

    def read(cell: str):
        try:
            moment = dt.datetime.strptime(cell, pattern)
        except (ValueError, TypeError, OverflowError):
            return pd.NaT
        if kind == "date":
            return pd.Timestamp(moment.date())
        try:
            # In UTC, 01/01/0001 00:00 +0100 is in year 0: Python refuses it (OverflowError), where
            # pandas would build it and then wrap it round to 1972 without a word.
            return pd.Timestamp(moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
        except OverflowError:
            return pd.NaT

    present = cells.dropna()
    readings = {cell: read(cell) for cell in present.unique()}
    return pd.Series([readings[cell] for cell in present], index=present.index, dtype=object).reindex(cells.index)


def read_schema_value(value, field: dict):
    """A value the schema gives for a date or datetime field (a bound such as `"minimum": "2025-01-01"`,
    an enum value) read as the field's cells are, so that a cell and the value compare as values of
    one type; None when it cannot be read so. Any other field's values are returned as they are
    (numbers are JSON numbers already: `check_descriptor` holds them to it)."""
    if Field(field).type not in ("date", "datetime"):
        return value
    if not isinstance(value, str):
        return None
    typed, unreadable = convert_column(pd.Series([value], dtype="string"), field, [])
    return None if unreadable.iloc[0] or pd.isna(typed.iloc[0]) else typed.iloc[0]


# The range of PANDAS_DTYPES["integer"] (Int64), which SQLite's INTEGER and Parquet's int64 share.
INTEGER_RANGE = np.iinfo(np.int64)


def fits_64_bits(cell: str) -> bool:
    """A whole number of 19 digits (the most a 64-bit integer has): whether it is in range."""
    return INTEGER_RANGE.min <= int(cell) <= INTEGER_RANGE.max


def text_column(text: pd.Series, missing: list[str]) -> pd.Series:
    """A text column with its missing values as missing cells, done in pyarrow on the column's
    arrow array: the same result as pandas' `where(...).astype("string")`, at about a quarter of
    the time, and with the GIL released, which the other table's checks need."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(text.dtype, pd.StringDtype):
        text = text.astype("string")
    arrow = pa.array(text, from_pandas=True)
    blank = pc.is_in(arrow, value_set=pa.array(missing, type=arrow.type)) if missing != [""] else pc.equal(arrow, "")
    blank = pc.fill_null(blank, True)
    # A column with no missing cell (ids, required columns) is the text itself: no copy of it.
    typed = pc.if_else(blank, pa.scalar(None, arrow.type), arrow) if pc.any(blank).as_py() else arrow
    return pd.Series(pd.arrays.ArrowStringArray(typed), index=text.index, name=text.name)


def convert_frame(frame: pd.DataFrame, schema: dict, file: str, *, categorical: bool = False) -> tuple[pd.DataFrame, list[Found]]:
    """Type every column the schema declares; `categorical` turns enums into categoricals (for users)."""
    typed: dict[str, pd.Series] = {}
    problems: list[Found] = []
    for field in schema.get("fields", []):
        name = field.get("name")
        if name not in frame.columns:
            continue
        column, bad = convert_column(frame[name], field, missing_values(schema, field))
        if bad.any():
            # Many unreadable cells (a date format changed in every row) come back as one run of them.
            cells = frame[name][bad]
            message = f"not a valid {Field(field).type}"
            problems += problems_at(file, "type", message, cells.index, cells, column=name, hint=type_hint(field))
        allowed = enum_values(field)
        if categorical and allowed is not None and Field(field).type == "string":
            column = column.astype(pd.CategoricalDtype(categories=allowed))
        typed[name] = column
    return pd.DataFrame(typed, index=frame.index), problems


def type_hint(field: dict) -> str | None:
    return {
        "integer": f"write a whole number, digits only (no thousands separator), from {INTEGER_RANGE.min} to {INTEGER_RANGE.max}",
        "number": "write a number with a dot as decimal mark, no unit or % sign",
        "boolean": "write true or false",
        "date": f"write the date as {date_shape(field)}, or leave the cell empty when the source gives none",
        "datetime": f"write the date and time as {date_shape(field)}",
    }.get(Field(field).type)
