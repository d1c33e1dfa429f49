"""The Field view: one reading of a field's type, `required`, enum and `peacetalks` rules."""

from __future__ import annotations

import pytest

from peacetalks.export.prepare_export import is_required
from peacetalks.model.build_pandera import build_schema
from peacetalks.model.field import Field
from peacetalks.model.read_package import Resource
from peacetalks.model.types import TYPES


def test_type_defaults_to_string_and_keeps_what_is_written():
    assert Field({"name": "a"}).type == "string"
    assert Field({"name": "a", "type": "date"}).table_type is TYPES["date"]
    # Kept as written, for the descriptor check to report; exports read it as text.
    assert Field({"name": "a", "type": 5}).type == 5
    assert Field({"name": "a", "type": "colour"}).table_type is TYPES["string"]


@pytest.mark.parametrize(
    ("constraints", "key", "required"),
    [
        ({"required": True}, [], True),
        ({"required": False}, [], False),
        ({}, ["a"], True),
        ({"required": False}, ["a"], True),
        # Table Schema's `required` is a JSON boolean; anything else is a schema problem, and requires nothing.
        ({"required": "true"}, [], False),
        ({"required": 1}, [], False),
    ],
)
def test_required_is_true_or_a_primary_key_and_every_reader_agrees(constraints, key, required):
    descriptor = {"name": "a", "constraints": constraints}
    assert Field(descriptor, tuple(key)).required is required
    resource = Resource("t", "t.csv", {"fields": [descriptor], "primaryKey": key}, "t.json", {})
    assert resource.field_view("a").required is required
    assert is_required(descriptor, resource) is required
    assert build_schema(resource.schema, "t").columns["a"].nullable is not required


def test_constraints_and_enum_in_the_wrong_shape_read_as_absent():
    assert Field({"name": "a", "constraints": ["required"]}).constraints == {}
    assert Field({"name": "a", "constraints": {"enum": "x"}}).enum is None
    assert Field({"name": "a", "constraints": {"enum": ["x", "y"]}}).enum == ["x", "y"]
    assert Field({"name": "a", "constraints": {"unique": True}}).unique is True
    assert Field({"name": "a", "constraints": {"unique": "yes"}}).unique is False


def test_peacetalks_rules():
    field = Field(
        {
            "name": "a",
            "peacetalks": {"quoteOf": "source_id", "codelist": "iso-3166-1-alpha-3", "sha256Of": "path", "allowFormulaPrefix": True},
        }
    )
    read = (field.quote_of, field.codelist, field.sha256_of, field.allow_formula_prefix)
    assert read == ("source_id", "iso-3166-1-alpha-3", "path", True)
    assert field.source_text is False
    assert Field({"name": "a", "peacetalks": {"sourceText": True}}).source_text is True
    # A flag is set by `true` alone.
    assert Field({"name": "a", "peacetalks": {"sourceText": "yes", "allowFormulaPrefix": 1}}).source_text is False
    assert Field({"name": "a", "peacetalks": {"allowFormulaPrefix": 1}}).allow_formula_prefix is False
    # Not an object: no rules (the descriptor check reports it).
    empty = Field({"name": "a", "peacetalks": ["quoteOf"]})
    assert (empty.rules, empty.quote_of, empty.source_text) == ({}, None, False)
