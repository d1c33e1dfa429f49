"""Turn columns of text into typed pandas columns, as the Table Schema says.

Used by both `load()` and the validator, so the types a user gets are the
types that were checked. A cell that cannot be read as its type becomes NA
and is returned as a located problem.
"""

from __future__ import annotations

import pandas as pd

from peacetalks.problems import Problem

DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]

# Table Schema type -> pandas dtype of the loaded column.
PANDAS_DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[s]",
    "datetime": "datetime64[s, UTC]",
    "year": "Int64",
}


def enum_values(field: dict) -> list | None:
    constraints = field.get("constraints")
    if isinstance(constraints, dict) and isinstance(constraints.get("enum"), list):
        return constraints["enum"]
    return None


def missing_values(schema: dict) -> list[str]:
    values = schema.get("missingValues", [""])
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else [""]


def convert_column(text: pd.Series, field: dict, missing: list[str]) -> tuple[pd.Series, pd.Series]:
    """The typed column, and a boolean mask of cells that were present but unreadable."""
    kind = field.get("type", "string")
    present = ~text.isin(missing) & text.notna()
    cells = text.where(present)
    if kind == "integer" or kind == "year":
        numbers = pd.to_numeric(cells, errors="coerce")
        whole = numbers.notna() & (numbers == numbers.round()) & cells.str.fullmatch(r"[+-]?\d+").fillna(False).astype(bool)
        typed = numbers.where(whole).astype("Float64").astype("Int64")
        return typed, present & ~whole
    if kind == "number":
        numbers = pd.to_numeric(cells, errors="coerce").astype("Float64")
        finite_or_na = numbers.notna()
        return numbers, present & ~finite_or_na
    if kind == "boolean":
        true_values = field.get("trueValues", DEFAULT_TRUE)
        false_values = field.get("falseValues", DEFAULT_FALSE)
        mapping = {**{v: True for v in true_values}, **{v: False for v in false_values}}
        typed = cells.map(mapping).astype("boolean")
        return typed, present & typed.isna()
    if kind == "date":
        typed = pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
        return typed, present & typed.isna()
    if kind == "datetime":
        typed = pd.to_datetime(cells, format="ISO8601", errors="coerce", utc=True).astype("datetime64[s, UTC]")
        return typed, present & typed.isna()
    return cells.astype("string"), pd.Series(False, index=text.index)


def convert_frame(frame: pd.DataFrame, schema: dict, file: str, *, categorical: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
    """Type every column the schema declares; `categorical` turns enums into categoricals (for users)."""
    missing = missing_values(schema)
    typed: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for field in schema.get("fields", []):
        name = field.get("name")
        if name not in frame.columns:
            continue
        column, bad = convert_column(frame[name], field, missing)
        if bad.any():
            kind = field.get("type", "string")
            for line, value in frame[name][bad].items():
                problems.append(
                    Problem.at(file, "type", f"not a valid {kind}", line=int(line), column=name, value=value, hint=type_hint(field))
                )
        allowed = enum_values(field)
        if categorical and allowed is not None and field.get("type", "string") == "string":
            column = column.astype(pd.CategoricalDtype(categories=allowed))
        typed[name] = column
    return pd.DataFrame(typed, index=frame.index), problems


def type_hint(field: dict) -> str | None:
    return {
        "integer": "write a whole number, digits only (no thousands separator)",
        "number": "write a number with a dot as decimal mark, no unit or % sign",
        "boolean": "write true or false",
        "date": "write the date as YYYY-MM-DD, or leave the cell empty when the source gives none",
    }.get(field.get("type", "string"))
