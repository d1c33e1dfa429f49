"""Strict checks of `datapackage.json` and the Table Schemas: unknown or
misspelt keys, keys and links that name fields or tables that do not exist,
missing descriptions, tables without a primary key. Frictionless accepts
unknown keys silently; a misspelt `"constrains"` would switch a rule off
without a word, so here it is an error."""

from __future__ import annotations

import difflib
from pathlib import Path

from peacetalks.problems import Problem
from peacetalks.read_package import DESCRIPTOR, Package, Resource, as_list

PACKAGE_KEYS = {"$schema", "name", "id", "title", "description", "homepage", "version", "created", "keywords", "licenses", "contributors", "sources", "resources", "image", "profile"}
RESOURCE_KEYS = {"$schema", "name", "type", "title", "description", "path", "scheme", "format", "mediatype", "encoding", "hash", "bytes", "dialect", "schema", "sources", "licenses", "profile", "homepage"}
SCHEMA_KEYS = {"$schema", "fields", "primaryKey", "foreignKeys", "missingValues", "uniqueKeys", "fieldsMatch", "peacetalks"}
FIELD_KEYS = {"name", "type", "format", "title", "description", "example", "constraints", "rdfType", "trueValues", "falseValues", "missingValues", "categories", "categoriesOrdered", "bareNumber", "groupChar", "decimalChar", "peacetalks"}
CONSTRAINT_KEYS = {"required", "unique", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "jsonSchema"}
FIELD_RULE_KEYS = {"quoteOf", "codelist", "sourceText", "sha256Of"}
SCHEMA_RULE_KEYS = {"exactlyOne", "together"}
FOREIGN_KEY_KEYS = {"fields", "reference"}
REFERENCE_KEYS = {"resource", "fields"}
FIELD_TYPES = {"string", "number", "integer", "boolean", "date", "datetime", "time", "year", "yearmonth", "duration", "object", "array", "geopoint", "geojson", "list", "any"}
CODELISTS = {"iso-3166-1-alpha-3"}
ENUM_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool}


class Located:
    """Finds the line of a key in a JSON file's text, so descriptor problems point somewhere."""

    def __init__(self, root: Path, file: str):
        self.file = file
        try:
            self.lines = (root / file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def line(self, *needles: str) -> int | None:
        for needle in needles:
            quoted = f'"{needle}"'
            for number, text in enumerate(self.lines, start=1):
                if quoted in text:
                    return number
        return None

    def problem(self, rule: str, message: str, *needles: str, column: str | None = None, value=None, hint=None) -> Problem:
        return Problem.at(self.file, rule, message, line=self.line(*needles), column=column, value=value, hint=hint)


def unknown_keys(where: Located, item: dict, allowed: set[str], context: str, *anchor: str) -> list[Problem]:
    problems = []
    for key in item:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, sorted(allowed), n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed here: {', '.join(sorted(allowed))}"
        problems.append(where.problem("unknown-key", f"unknown key {key!r} in {context}", key, *anchor, value=key, hint=hint))
    return problems


def check_package_level(package: Package) -> list[Problem]:
    where = Located(package.root, DESCRIPTOR)
    descriptor = package.descriptor
    problems = unknown_keys(where, descriptor, PACKAGE_KEYS, "the package")
    for key in ("name", "title", "description", "version", "licenses"):
        if not descriptor.get(key):
            problems.append(where.problem("descriptor", f"the package needs `{key}`"))
    names = [r.get("name") for r in descriptor.get("resources") or [] if isinstance(r, dict)]
    for name in sorted({n for n in names if isinstance(n, str) and names.count(n) > 1}):
        problems.append(where.problem("duplicate-resource", f"two resources are named {name!r}", name, value=name))
    for number, item in enumerate(descriptor.get("resources") or []):
        if not isinstance(item, dict):
            continue
        name = item.get("name", f"resources[{number}]")
        problems += unknown_keys(where, item, RESOURCE_KEYS, f"resource {name!r}", str(name))
        if item.get("type") not in (None, "table"):
            problems.append(where.problem("descriptor", f"resource {name!r}: `type` must be \"table\"", str(name)))
    return problems


def check_field(where: Located, field: dict, resource: Resource) -> list[Problem]:
    name = field.get("name")
    context = f"field {name!r}"
    problems = unknown_keys(where, field, FIELD_KEYS, context, str(name))
    if not isinstance(name, str) or not name:
        return problems + [where.problem("schema", "a field has no `name`", "fields")]
    kind = field.get("type", "string")
    if kind not in FIELD_TYPES:
        problems.append(where.problem("schema", f"{context}: unknown type {kind!r}", name, column=name, value=kind))
    if not isinstance(field.get("description"), str) or not field["description"].strip():
        problems.append(where.problem("description", f"{context} has no description", name, column=name))
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return problems + [where.problem("schema", f"{context}: `constraints` must be an object", name, column=name)]
    problems += unknown_keys(where, constraints, CONSTRAINT_KEYS, f"the constraints of {context}", name)
    enum = constraints.get("enum")
    if enum is not None:
        expected = ENUM_TYPES.get(kind)
        if not isinstance(enum, list) or not enum:
            problems.append(where.problem("schema", f"{context}: `enum` must be a non-empty list", name, column=name))
        elif expected is not None:
            for value in enum:
                if not isinstance(value, expected) or (kind in ("integer", "number") and isinstance(value, bool)):
                    problems.append(where.problem("enum-type", f"{context}: enum value {value!r} is not a {kind}", name, column=name, value=value))
    if "pattern" in constraints:
        import re

        try:
            re.compile(str(constraints["pattern"]))
        except re.error as error:
            problems.append(where.problem("schema", f"{context}: the pattern is not a valid regular expression ({error})", name, column=name, value=constraints["pattern"]))
    rules = field.get("peacetalks")
    if rules is not None:
        if not isinstance(rules, dict):
            problems.append(where.problem("schema", f"{context}: `peacetalks` must be an object", name, column=name))
        else:
            problems += unknown_keys(where, rules, FIELD_RULE_KEYS, f"the peacetalks rules of {context}", name)
            if "codelist" in rules and rules["codelist"] not in CODELISTS:
                problems.append(where.problem("schema", f"{context}: unknown code list", name, column=name, value=rules["codelist"]))
            for key in ("quoteOf", "sha256Of"):
                if key in rules and rules[key] not in resource.field_names:
                    problems.append(where.problem("schema", f"{context}: `{key}` names no field of this table", name, column=name, value=rules[key]))
    return problems


def check_schema(package: Package, resource: Resource) -> list[Problem]:
    where = Located(package.root, resource.schema_file)
    schema = resource.schema
    problems = unknown_keys(where, schema, SCHEMA_KEYS, f"the schema of {resource.name!r}")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return problems + [where.problem("schema", "`fields` must be a non-empty list")]
    names = []
    for field in fields:
        if not isinstance(field, dict):
            problems.append(where.problem("schema", "each field must be an object", "fields"))
            continue
        problems += check_field(where, field, resource)
        names.append(field.get("name"))
    for name in sorted({n for n in names if isinstance(n, str) and names.count(n) > 1}):
        problems.append(where.problem("schema", f"two fields are named {name!r}", name, column=name))
    key = schema.get("primaryKey")
    if not key:
        problems.append(where.problem("primary-key-missing", f"table {resource.name!r} has no primaryKey", "fields", hint="every table needs a primary key: one field, or several for a link table"))
    for name in as_list(key):
        if name not in names:
            problems.append(where.problem("schema", f"primaryKey names a field that does not exist: {name!r}", "primaryKey", value=name))
    for number, fk in enumerate(schema.get("foreignKeys") or []):
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            problems.append(where.problem("schema", f"foreignKeys[{number}] must have `fields` and a `reference` object", "foreignKeys"))
            continue
        problems += unknown_keys(where, fk, FOREIGN_KEY_KEYS, f"foreignKeys[{number}]", "foreignKeys")
        problems += unknown_keys(where, fk["reference"], REFERENCE_KEYS, f"foreignKeys[{number}].reference", "reference")
        own = as_list(fk.get("fields"))
        target_name = fk["reference"].get("resource") or resource.name
        target_fields = as_list(fk["reference"].get("fields"))
        for name in own:
            if name not in names:
                problems.append(where.problem("schema", f"foreignKeys[{number}] names a field that does not exist: {name!r}", name, "foreignKeys", value=name))
        target = package.resource(target_name)
        if target is None:
            problems.append(where.problem("schema", f"foreignKeys[{number}] points at a table that does not exist: {target_name!r}", target_name, value=target_name))
        else:
            for name in target_fields:
                if name not in target.field_names:
                    problems.append(where.problem("schema", f"foreignKeys[{number}] points at a field that {target_name!r} does not have: {name!r}", name, value=name))
        if len(own) != len(target_fields) or not own:
            problems.append(where.problem("schema", f"foreignKeys[{number}] has {len(own)} field(s) but references {len(target_fields)}", *own, "foreignKeys"))
    rules = schema.get("peacetalks")
    if isinstance(rules, dict):
        problems += unknown_keys(where, rules, SCHEMA_RULE_KEYS, "the peacetalks rules", "peacetalks")
        for key in SCHEMA_RULE_KEYS & set(rules):
            for group in rules[key] if isinstance(rules[key], list) else [None]:
                if not isinstance(group, list) or not all(isinstance(n, str) and n in names for n in group):
                    problems.append(where.problem("schema", f"`{key}` must list groups of this table's fields", key, value=group))
    return problems


def check_descriptor(package: Package) -> list[Problem]:
    problems = check_package_level(package)
    for resource in package.resources:
        problems += check_schema(package, resource)
    return problems
