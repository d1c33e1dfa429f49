"""Constraint values written as text in a Table Schema, read as the field's type.

Table Schema lets `enum`, `minimum` and `maximum` of a number, integer, year or boolean field be
given in the field's physical (text) form (`"minimum": "10"`). The checks compare cells with
typed values, so such text is read here once, when the schema is read, by the standard's own
lexical rules (not Python's: `int("1_000")` is 1000, but `1_000` is no Table Schema integer).
Text that does not read as the type is left as it is, and the descriptor check reports it.
"""

from __future__ import annotations

import copy
import re

from peacetalks.model.field import Field

INTEGER = re.compile(r"[+-]?[0-9]+")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def read_as_type(field: dict, value):
    """`value` as the field's type when it is text that reads as one; otherwise `value` unchanged."""
    if not isinstance(value, str):
        return value
    kind = Field(field).type
    text = value.strip()
    if kind in ("integer", "year") and INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if INTEGER.fullmatch(text) else number
    if kind == "boolean":
        if value in (field.get("trueValues") or TRUE_VALUES):
            return True
        if value in (field.get("falseValues") or FALSE_VALUES):
            return False
    return value


def categories_as_enum(field: dict) -> dict:
    """A v2 field's `categories` (values, or objects with a `value`) as its allowed values: a cell
    MUST match one of them. An `enum` the field gives itself stands."""
    categories = field.get("categories")
    constraints = field.get("constraints") if isinstance(field.get("constraints"), dict) else {}
    if not isinstance(categories, list) or not categories or "enum" in constraints:
        return field
    values = [c.get("value") if isinstance(c, dict) else c for c in categories]
    return {**field, "constraints": {**constraints, "enum": values}}


def with_typed_constraints(schema: dict) -> dict:
    """The schema, with v2 `categories` as allowed values and text `enum` values and bounds of typed
    fields read as their type. The same object when nothing changes, so a schema already in typed
    form costs no copy."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list):
        return schema
    changed = None
    for number, original in enumerate(fields):
        field = categories_as_enum(original) if isinstance(original, dict) else original
        if field is not original:
            if changed is None:
                changed = copy.copy(schema)
                changed["fields"] = list(fields)
            changed["fields"][number] = field
        constraints = field.get("constraints") if isinstance(field, dict) else None
        if not isinstance(constraints, dict) or Field(field).type not in ("integer", "year", "number", "boolean"):
            continue
        typed = dict(constraints)
        for key in BOUNDS:
            if key in typed:
                typed[key] = read_as_type(field, typed[key])
        if isinstance(typed.get("enum"), list):
            typed["enum"] = [read_as_type(field, value) for value in typed["enum"]]
        if typed != constraints or any(type(a) is not type(b) for a, b in zip(typed.values(), constraints.values(), strict=True)):
            if changed is None:
                changed = copy.copy(schema)
                changed["fields"] = list(fields)
            changed["fields"][number] = {**field, "constraints": typed}
    return schema if changed is None else changed
