"""The descriptor's own rules that the broken-package corpus does not pin down alone."""

from __future__ import annotations

import frictionless.fields

from peacetalks.check_descriptor import CONSTRAINT_KEYS, FIELD_TYPES, TYPE_CONSTRAINTS


def frictionless_field_classes() -> dict[str, type]:
    classes = (getattr(frictionless.fields, name) for name in dir(frictionless.fields))
    return {c.type: c for c in classes if isinstance(c, type) and hasattr(c, "supported_constraints") and c.type != "field"}


def test_the_types_are_frictionless_types():
    assert set(FIELD_TYPES) == set(frictionless_field_classes())


def test_each_type_takes_the_constraints_frictionless_reads_for_it():
    # `unique` is checked by frictionless apart from a field's own constraints, for every type.
    taken = {kind: set(c.supported_constraints) | {"unique"} for kind, c in frictionless_field_classes().items()}
    assert taken == TYPE_CONSTRAINTS


def test_json_schema_is_known_but_taken_by_no_type():
    # Known, so that it is not reported as a misspelling; taken by no type, so that it is reported
    # as not checked rather than silently skipped.
    assert "jsonSchema" in CONSTRAINT_KEYS
    assert not any("jsonSchema" in takes for takes in TYPE_CONSTRAINTS.values())
