"""Build a Pandera schema from a Table Schema, at run time.

Table Schemas in `schemas/` are the one source of truth; this is the mapping
from their types and constraints to Pandera columns and checks. (Pandera's own
`from_frictionless_schema` reads dates as strings and ignores keys, so it is
not used.) Checks carry the rule name that the report shows.
"""

from __future__ import annotations

import functools

import pandera.pandas as pa

from peacetalks.model.convert_types import kept_as_text, read_schema_value
from peacetalks.model.field import Field
from peacetalks.model.read_patterns import matches

RANGE_CHECKS = {"minimum": pa.Check.ge, "maximum": pa.Check.le, "exclusiveMinimum": pa.Check.gt, "exclusiveMaximum": pa.Check.lt}


def field_checks(field: dict) -> list[pa.Check]:
    """Checks named by the constraint they enforce; the report reads the name back by check number.
    No checks for a type this validator keeps as text (time, yearmonth, array, ...): a check on the text
    would judge its values wrongly ("9:00:00" after "10:00:00", the characters of "[1, 2]" as its
    length), so they are left to frictionless's reader (`check_frictionless_cells`)."""
    kind = Field(field).type
    if not isinstance(kind, str) or kept_as_text(kind):
        return []
    constraints = field.get("constraints") or {}
    checks: list[pa.Check] = []
    if isinstance(constraints.get("enum"), list):
        # Dates as dates: "2025-12-15" is not equal to the day it names.
        allowed = [read_schema_value(value, field) for value in constraints["enum"]]
        checks.append(pa.Check.isin(allowed, name="enum"))
    if isinstance(constraints.get("pattern"), str):
        # Pandera's `str_matches` on the whole value, but with a bound on how long a match may take
        # where pandas would use Python's `re` (`read_patterns.matches`).
        checks.append(pa.Check(functools.partial(matches, constraints["pattern"]), name="pattern"))
    low, high = constraints.get("minLength"), constraints.get("maxLength")
    if isinstance(low, int) or isinstance(high, int):
        checks.append(pa.Check.str_length(low, high, name="length"))
    for key, compare in RANGE_CHECKS.items():
        if key in constraints:
            checks.append(compare(read_schema_value(constraints[key], field), name=key))
    return checks


def build_schema(table_schema: dict, name: str, present: list[str] | None = None) -> pa.DataFrameSchema:
    """`present`: the columns the file actually has (missing ones are reported by the header check)."""
    primary_key = table_schema.get("primaryKey") or []
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    columns = {}
    for field in table_schema.get("fields", []):
        column = field["name"]
        if present is not None and column not in present:
            continue
        view = Field(field, tuple(primary_key))
        columns[column] = pa.Column(
            view.table_type.pandas,
            checks=field_checks(field),
            nullable=not view.required,
            unique=view.unique and primary_key != [column],
            report_duplicates="exclude_first",  # the first row holding a value is not a repeat
            required=True,
            name=column,
        )
    key = [c for c in primary_key if c in columns]
    return pa.DataFrameSchema(
        columns,
        unique=key if key and len(key) == len(primary_key) else None,
        report_duplicates="exclude_first",
        name=name,
    )
