"""Strict checks of `datapackage.json` and the Table Schemas: unknown or
misspelt keys, keys and links that name fields or tables that do not exist,
missing descriptions, tables without a primary key. Frictionless accepts
unknown keys silently; a misspelt `"constrains"` would switch a rule off
without a word, so here it is an error."""

from __future__ import annotations

import difflib
import json
import math
import re
from pathlib import Path

# pandas, through convert_types: imported once frictionless's child has started (`validate.run_checks`),
# and the tables' checks need it next.
from peacetalks.model.convert_types import date_shape, kept_as_text, read_schema_value
from peacetalks.model.field import Field
from peacetalks.model.read_package import DESCRIPTOR, JsonLines, Package, Resource, as_list
from peacetalks.model.read_patterns import pattern_problem
from peacetalks.report.problems import Problem
from peacetalks.report.rules import PROFILES

PACKAGE_KEYS = {
    "$schema",
    "name",
    "id",
    "title",
    "description",
    "homepage",
    "version",
    "created",
    "keywords",
    "licenses",
    "contributors",
    "sources",
    "resources",
    "image",
    "profile",
    "peacetalks",
}
PACKAGE_EXTENSION_KEYS = {"profile"}
RESOURCE_KEYS = {
    "$schema",
    "name",
    "type",
    "title",
    "description",
    "path",
    "scheme",
    "format",
    "mediatype",
    "encoding",
    "hash",
    "bytes",
    "dialect",
    "schema",
    "sources",
    "licenses",
    "profile",
    "homepage",
    "data",
    "compression",
}
# Table Schema v2: how the header's fields must match the schema's (checks/check_data.check_header).
FIELDS_MATCH = ("exact", "equal", "subset", "superset", "partial")
SCHEMA_KEYS = {"$schema", "fields", "primaryKey", "foreignKeys", "missingValues", "uniqueKeys", "fieldsMatch", "peacetalks"}
FIELD_KEYS = {
    "name",
    "type",
    "format",
    "title",
    "description",
    "example",
    "constraints",
    "rdfType",
    "trueValues",
    "falseValues",
    "missingValues",
    "categories",
    "categoriesOrdered",
    "bareNumber",
    "groupChar",
    "decimalChar",
    # A list's and an array's items (Table Schema 2): read by frictionless (`check_frictionless_cells`).
    "delimiter",
    "itemType",
    "arrayItem",
    "peacetalks",
}
# `allowFormulaPrefix`: text in this field may start with = + - @ (see check_cells.py).
# `requiredWhen`: {"other_field": "value"}, the field must be set on rows where every named field has
# its value (a reason wherever `basis` is `inferred`; see check_links.check_row_rules).
FIELD_RULE_KEYS = {"quoteOf", "codelist", "sourceText", "sha256Of", "allowFormulaPrefix", "requiredWhen"}
SCHEMA_RULE_KEYS = {"exactlyOne", "together"}
FOREIGN_KEY_KEYS = {"fields", "reference"}
REFERENCE_KEYS = {"resource", "fields"}
# The constraints each field type takes, as frictionless 5.21 reads Table Schema (each field class's
# `supported_constraints`, plus `unique`, which it checks apart from them); tests/test_check_descriptor.py
# holds the two together. Written out rather than read from frictionless: importing it would cost
# every `validate` about 0.15 s, and the table's own checks need none of it.
EVERY_TYPE = {"required", "unique", "enum"}
LENGTH = {"minLength", "maxLength"}
RANGE = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
TYPE_CONSTRAINTS = {
    "string": EVERY_TYPE | LENGTH | {"pattern"},
    "number": EVERY_TYPE | RANGE,
    "integer": EVERY_TYPE | RANGE,
    "boolean": EVERY_TYPE,
    "date": EVERY_TYPE | RANGE,
    "datetime": EVERY_TYPE | RANGE,
    "time": EVERY_TYPE | RANGE,
    "year": EVERY_TYPE | RANGE,
    "yearmonth": EVERY_TYPE | RANGE,
    "duration": EVERY_TYPE,
    "object": EVERY_TYPE | LENGTH,
    "array": EVERY_TYPE | LENGTH,
    "geopoint": EVERY_TYPE,
    "geojson": EVERY_TYPE,
    "list": {"required", "unique"} | LENGTH,
    "any": EVERY_TYPE,
}
FIELD_TYPES = TYPE_CONSTRAINTS.keys()
# Table Schema v2 also has `jsonSchema` (for object and array): a known key, so that it is not taken
# for a misspelling, but one that neither this validator nor frictionless 5.21 checks.
CONSTRAINT_KEYS = set().union(*TYPE_CONSTRAINTS.values()) | {"jsonSchema"}
CODELISTS = {"iso-3166-1-alpha-3"}
ENUM_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "year": int}


class Located:
    """Finds the line of a key in a JSON file, so descriptor problems point at the exact line.

    Places are JSON paths: ("fields", 3, "constraints", "enum", 1) is the second enum
    value of the fourth field; a path that does not exist falls back to its parent.
    """

    def __init__(self, root: Path, file: str):
        self.file = file
        self.lines = JsonLines(root / file) if file else None

    def problem(self, rule: str, message: str, path: tuple = (), *, column: str | None = None, value=None, hint=None) -> Problem:
        line = self.lines.line(path) if path and self.lines else None
        return Problem.at(self.file, rule, message, line=line, column=column, value=value, hint=hint)


def unknown_keys(where: Located, item: dict, allowed: set[str], context: str, path: tuple) -> list[Problem]:
    problems = []
    for key in item:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, sorted(allowed), n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed here: {', '.join(sorted(allowed))}"
        problems.append(where.problem("unknown-key", f"unknown key {key!r} in {context}", (*path, key), value=key, hint=hint))
    return problems


def profile_problems(where: Located, extension) -> list[Problem]:
    """The package's `peacetalks` key: an object whose `profile` names a known profile. A slip here
    would silently judge the package by the standard alone."""
    if not isinstance(extension, dict):
        return [where.problem("descriptor", "`peacetalks` must be an object", ("peacetalks",), hint='write {"profile": "house"}')]
    problems = unknown_keys(where, extension, PACKAGE_EXTENSION_KEYS, "the package's peacetalks key", ("peacetalks",))
    if "profile" in extension and extension["profile"] not in PROFILES:
        known = ", ".join(PROFILES)
        problems.append(
            where.problem("descriptor", f"unknown profile; known: {known}", ("peacetalks", "profile"), value=extension["profile"])
        )
    return problems


EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def sources_problems(where: Located, sources, at: tuple) -> list[Problem]:
    """A package's or resource's `sources`, as the Data Package profiles describe them: objects
    whose `path`, if given, is a non-empty path or URL and whose `email` is an email address."""
    problems = []
    for number, source in enumerate(sources if isinstance(sources, list) else []):
        here = (*at, "sources", number)
        if not isinstance(source, dict):
            problems.append(where.problem("descriptor", "a source must be an object", here))
            continue
        if "path" in source and (not isinstance(source["path"], str) or not source["path"].strip()):
            message = "a source's `path` must be a path or URL"
            problems.append(where.problem("descriptor", message, (*here, "path"), value=as_json(source["path"])))
        if "email" in source and not (isinstance(source["email"], str) and EMAIL.fullmatch(source["email"])):
            message = "a source's `email` must be an email address"
            problems.append(where.problem("descriptor", message, (*here, "email"), value=as_json(source["email"])))
    return problems


def check_package_level(package: Package) -> list[Problem]:
    where = Located(package.root, DESCRIPTOR)
    descriptor = package.descriptor
    problems = unknown_keys(where, descriptor, PACKAGE_KEYS, "the package", ())
    for key in ("name", "title", "description", "version", "licenses"):
        if not descriptor.get(key):
            problems.append(where.problem("metadata", f"the package needs `{key}`", (key,)))
    problems += profile_problems(where, descriptor.get("peacetalks", {}))
    problems += sources_problems(where, descriptor.get("sources"), ())
    for key in ("name", "title", "description", "version", "$schema"):
        if key in descriptor and not isinstance(descriptor[key], str):
            problems.append(where.problem("descriptor", f"`{key}` must be a string", (key,), value=descriptor[key]))
    resources = descriptor.get("resources") if isinstance(descriptor.get("resources"), list) else []
    seen: set[str] = set()
    for number, item in enumerate(resources):
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        if isinstance(name, str) and name in seen:
            problems.append(
                where.problem("duplicate-resource", f"two resources are named {name!r}", ("resources", number, "name"), value=name)
            )
        if isinstance(name, str):
            seen.add(name)
        shown = name if isinstance(name, str) else f"resources[{number}]"
        problems += unknown_keys(where, item, RESOURCE_KEYS, f"resource {shown!r}", ("resources", number))
        problems += unread_file_options(where, item, f"resource {shown!r}", ("resources", number))
        problems += sources_problems(where, item.get("sources"), ("resources", number))
    return problems


# What frictionless decompresses by the file's extension (its `settings.COMPRESSION_FORMATS`, held to it
# by a test; importing frictionless costs about 0.15 s). All are read here (`read.read_sources`).
COMPRESSED = {"gz", "zip", "bz2", "xz"}


def implied_format(path: str) -> str:
    """The format frictionless 5.21 takes from a file's name (`helpers.parse_scheme_and_format`):
    the extension of its path read as a URL, so `t#1.csv` has none and `t.csv?x=1` is csv."""
    import os
    from urllib.parse import urlparse

    return os.path.splitext(urlparse(path).path)[1][1:].lower()


def as_json(value) -> str:
    """A descriptor value as its JSON reads (`true`, not `True`); text as it is."""
    return value if isinstance(value, str) else json.dumps(value)


def unread_file_options(where: Located, item: dict, context: str, at: tuple) -> list[Problem]:
    """How a resource's file is read is checked where it is read (`read_package`: its dialect,
    encoding and compression, each wrong value a `descriptor` problem at its line; a format that
    is not read, a `not-checked` note). Left here: a declared `format` that is not text."""
    problems = []
    declared = item.get("format")
    if "format" in item and not isinstance(declared, str):
        problems.append(
            where.problem("descriptor", f"{context}: `format` must be a string", (*at, "format"), value=as_json(declared))
        )
    return problems


def missing_values_problem(value) -> str | None:
    """What a `missingValues` must be and is not: a list of strings, or of objects with a string
    `value` (Data Package 2), not a mix."""
    if not isinstance(value, list):
        return "must be a list"
    if all(isinstance(v, str) for v in value):
        return None
    if all(isinstance(v, dict) and isinstance(v.get("value"), str) and isinstance(v.get("label", ""), str) for v in value):
        return None
    return 'must list strings, or objects each with a text `value` and, if any, a text `label` ({"value": "NA"}), not a mix'


def check_field(where: Located, field: dict, resource: Resource, at: tuple) -> list[Problem]:
    name = field.get("name")
    context = f"field {name!r}"
    problems = unknown_keys(where, field, FIELD_KEYS, context, at)
    if not isinstance(name, str) or not name:
        return [*problems, where.problem("schema", "a field has no `name`", at)]
    kind = Field(field).type
    if not isinstance(kind, str) or kind not in FIELD_TYPES:
        problems.append(where.problem("schema", f"{context}: unknown type {kind!r}", (*at, "type"), column=name, value=kind))
    problems += unread_options(where, field, kind, context, at, name)
    if "missingValues" in field and (refused := missing_values_problem(field["missingValues"])):
        problems.append(where.problem("schema", f"{context}: `missingValues` {refused}", (*at, "missingValues"), column=name))
    read_by_frictionless = isinstance(kind, str) and kind in FIELD_TYPES and kept_as_text(kind)
    if read_by_frictionless and isinstance(field.get("constraints", {}), dict):
        problems += unreadable_by_frictionless(where, field, resource, context, at)
    if not isinstance(field.get("description"), str) or not field["description"].strip():
        problems.append(
            where.problem(
                "description",
                f"{context} has no description",
                (*at, "description" if "description" in field else "name"),
                column=name,
                hint="say what the column holds, in a sentence",
            )
        )
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return [*problems, where.problem("schema", f"{context}: `constraints` must be an object", (*at, "constraints"), column=name)]
    problems += unknown_keys(where, constraints, CONSTRAINT_KEYS, f"the constraints of {context}", (*at, "constraints"))
    problems += inapplicable_constraints(where, constraints, kind, context, at, name)
    categories = field.get("categories")
    if "categories" in field and (not isinstance(categories, list) or not categories):
        # v2: a list of values or of {"value", "label"} objects, which the cells must match (an enum).
        problems.append(where.problem("schema", f"{context}: `categories` must be a non-empty list", (*at, "categories"), column=name))
    enum = constraints.get("enum")
    if enum is not None and (not isinstance(enum, list) or not enum):
        problems.append(where.problem("schema", f"{context}: `enum` must be a non-empty list", (*at, "constraints", "enum"), column=name))
    elif enum is not None:
        for number, value in enumerate(enum):
            refused = enum_value_problem(field, kind, value, read_by_frictionless)
            if refused is not None:
                shown = None if isinstance(value, list | dict) else value
                problems.append(
                    where.problem("enum-type", f"{context}: {refused}", (*at, "constraints", "enum", number), column=name, value=shown)
                )

    def constraint_problem(key: str, message: str, hint: str | None = None) -> Problem:
        return where.problem("schema", f"{context}: {message}", (*at, "constraints", key), column=name, value=constraints[key], hint=hint)

    if "pattern" in constraints:
        problems += refused_pattern(where, constraints["pattern"], (*at, "constraints", "pattern"), context, name)
    problems += item_pattern_problems(where, field, kind, context, at, name)
    lengths = []
    for key in ("minLength", "maxLength"):
        if key not in constraints:
            continue
        if not isinstance(constraints[key], int) or isinstance(constraints[key], bool) or constraints[key] < 0:
            problems.append(constraint_problem(key, f"`{key}` must be a whole number, 0 or more"))
        else:
            lengths.append(constraints[key])
    if len(lengths) == 2 and lengths[0] > lengths[1]:
        # Pandera cannot even build the check ("empty interval"): the table's check would crash.
        low, high = lengths
        problems.append(constraint_problem("minLength", f"`minLength` ({low}) is greater than `maxLength` ({high}): no value could pass"))
    for key in sorted(RANGE & constraints.keys()):
        bound = constraints[key]
        # Frictionless compares its cells with the bound as its own reader reads it, and crashed on
        # one it could not read (None): so a bound must read both ways, ours and frictionless's.
        if kind in ("integer", "number", "year"):
            refused = number_bound_problem(bound, whole=kind != "number")
            if refused is None and kind == "year" and not frictionless_reads(field, bound):
                refused = "a year from 0 to 9999"
            if refused is not None:
                problems.append(constraint_problem(key, f"`{key}` must be {refused}"))
        elif kind in ("date", "datetime") and not (readable_as(field, bound) and frictionless_reads(field, bound)):
            problems.append(constraint_problem(key, f"`{key}` must be a {kind} ({date_shape(field)})"))
        elif read_by_frictionless and not frictionless_reads(field, bound):
            problems.append(constraint_problem(key, f"`{key}` must be a value of type {kind} as frictionless reads it"))
    for key in ("required", "unique"):  # anything but true would switch the check off without a word
        if key in constraints and not isinstance(constraints[key], bool):
            problems.append(
                where.problem(
                    "schema",
                    f"{context}: `{key}` must be true or false",
                    (*at, "constraints", key),
                    column=name,
                    value=constraints[key],
                )
            )
    rules = field.get("peacetalks")
    if rules is not None:
        if not isinstance(rules, dict):
            problems.append(where.problem("schema", f"{context}: `peacetalks` must be an object", (*at, "peacetalks"), column=name))
        else:
            problems += unknown_keys(where, rules, FIELD_RULE_KEYS, f"the peacetalks rules of {context}", (*at, "peacetalks"))
            if "codelist" in rules and (not isinstance(rules["codelist"], str) or rules["codelist"] not in CODELISTS):
                problems.append(
                    where.problem(
                        "schema", f"{context}: unknown code list", (*at, "peacetalks", "codelist"), column=name, value=rules["codelist"]
                    )
                )
            for key in ("quoteOf", "sha256Of"):
                if key in rules and rules[key] not in resource.field_names:
                    problems.append(
                        where.problem(
                            "schema",
                            f"{context}: `{key}` names no field of this table",
                            (*at, "peacetalks", key),
                            column=name,
                            value=rules[key],
                        )
                    )
            when = rules.get("requiredWhen")
            if "requiredWhen" in rules and (
                not isinstance(when, dict)
                or not when
                or not all(other in resource.field_names and other != name and isinstance(value, str) for other, value in when.items())
            ):
                problems.append(
                    where.problem(
                        "schema",
                        f"{context}: `requiredWhen` must map other fields of this table to a text value each",
                        (*at, "peacetalks", "requiredWhen"),
                        column=name,
                        value=when,
                    )
                )
            for key in ("allowFormulaPrefix", "sourceText"):
                if key in rules and not isinstance(rules[key], bool):
                    problems.append(
                        where.problem("schema", f"{context}: `{key}` must be true or false", (*at, "peacetalks", key), column=name)
                    )
    return problems


# Number options this validator does not read, with the value that means "as if absent".
NUMBER_OPTIONS = {"decimalChar": ".", "groupChar": "", "bareNumber": True}
# A text field's formats, as frictionless 5.21 reads them (`wkt` aside: refused); the tests hold it to frictionless's.
STRING_FORMATS = {"default", "email", "uri", "binary", "uuid"}


def unread_options(where: Located, field: dict, kind, context: str, at: tuple, name: str) -> list[Problem]:
    """Options of Table Schema that would change how cells read, and that this validator does not
    read that way: each would turn every cell written so into a false type problem."""
    problems = []
    fmt = field.get("format")
    if "format" in field and not isinstance(fmt, str):
        problems.append(where.problem("schema", f"{context}: `format` must be text", (*at, "format"), column=name, value=fmt))
    elif kind in ("date", "datetime") and fmt == "any":
        problems.append(
            where.problem(
                "schema",
                f'{context}: `format` "any" is not read here: its reader fills in what a cell leaves out '
                "(a year, a day) from the day it runs, so a cell's value would change from day to day",
                (*at, "format"),
                column=name,
                value=fmt,
                hint="give a pattern such as %d/%m/%Y, or write the cells as ISO 8601 and drop `format`",
            )
        )
    elif kind == "string" and fmt is not None and fmt not in STRING_FORMATS | {"wkt"}:
        problems.append(
            where.problem(
                "schema",
                f"{context}: unknown `format` {fmt!r} for text",
                (*at, "format"),
                column=name,
                value=fmt,
                hint="one of " + ", ".join(sorted(STRING_FORMATS)),
            )
        )
    elif kind == "string" and fmt == "wkt":
        problems.append(
            where.problem(
                "schema",
                f'{context}: `format` "wkt" is not read here: frictionless reads it only with its optional '
                "[wkt] extra, which this validator does not install, so nothing would check the cells",
                (*at, "format"),
                column=name,
                value=fmt,
                hint="drop `format` (the cells are then checked as text), or describe the shape with a `pattern`",
            )
        )
    if kind in ("number", "integer"):
        for key, plain in NUMBER_OPTIONS.items():
            if key in field and field[key] != plain:
                problems.append(
                    where.problem(
                        "schema",
                        f"{context}: `{key}` is not read here",
                        (*at, key),
                        column=name,
                        value=field[key],
                        hint="write numbers plain: a dot as decimal mark, no group character, no unit; then drop it",
                    )
                )
    return problems


def unreadable_by_frictionless(where: Located, field: dict, resource: Resource, context: str, at: tuple) -> list[Problem]:
    """A field only frictionless reads that its reader cannot be built for (an `itemType` or an
    `arrayItem` it does not know, a `delimiter` that is not text): no cell of it could be checked."""
    from peacetalks.checks.check_frictionless_cells import frictionless_reader, reader_descriptor

    descriptor = reader_descriptor(field, resource.schema)
    if descriptor is None:
        return []
    _, refused = frictionless_reader(descriptor)
    if refused is None:
        return []
    return [where.problem("schema", f"{context}: frictionless cannot read this field ({refused})", at, column=field["name"])]


def enum_value_problem(field: dict, kind, value, read_by_frictionless: bool) -> str | None:
    """Why an enum value can never equal a cell of the field (None: it can)."""
    expected = ENUM_TYPES.get(kind) if isinstance(kind, str) else None
    if expected is not None:
        if not isinstance(value, expected) or (kind in ("integer", "number", "year") and isinstance(value, bool)):
            return f"enum value {value!r} is not a {kind}"
        if kind == "year" and not frictionless_reads(field, value):
            return f"enum value {value!r} is not a year from 0 to 9999"
    elif kind == "any" and not isinstance(value, str):
        return f"enum value {json.dumps(value)} is not text: a cell of an `any` field is the text it holds, never equal to it"
    elif read_by_frictionless:
        if not frictionless_reads(field, value):
            return f"enum value {value!r} is not a value of type {kind} as frictionless reads it"
    elif isinstance(value, list | dict):
        return "enum values must be single values"
    elif kind in ("date", "datetime") and not readable_as(field, value):
        return f"enum value {value!r} is not a {kind} ({date_shape(field)})"
    return None


def number_bound_problem(value, whole: bool) -> str | None:
    """What a bound of a number field must be and is not (None: it is fine). JSON also reads NaN,
    Infinity and integers of any size: the checks cannot compare cells with those."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "a number"
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        return "a finite number within the range of a 64-bit float"
    if whole and not float(value).is_integer():
        return "a whole number"
    return None


def frictionless_reads(field: dict, value) -> bool:
    """Whether frictionless's reader of the field's type reads `value` (an enum value or a bound) as
    one of its values. Imported only for such a field: frictionless costs about 0.15 s to import."""
    from peacetalks.checks.check_frictionless_cells import frictionless_field

    reader = frictionless_field({"name": "x", "type": field["type"], "format": field.get("format", "default")})
    try:
        return reader is not None and reader.create_value_reader()(value) is not None
    except Exception:  # a reader that fails on the value does not read it
        return False


def readable_as(field: dict, value) -> bool:
    """Whether a value the schema gives for a date or datetime field reads as its cells do."""
    return read_schema_value(value, field) is not None


def refused_pattern(where: Located, pattern, path: tuple, context: str, name: str) -> list[Problem]:
    """A `pattern` the checks cannot use (`read_patterns.pattern_problem`), at its line."""
    refused = ("`pattern` must be text", None) if not isinstance(pattern, str) else pattern_problem(pattern)
    if refused is None:
        return []
    message, hint = refused
    return [where.problem("schema", f"{context}: {message}", path, column=name, value=pattern, hint=hint)]


def item_pattern_problems(where: Located, field: dict, kind, context: str, at: tuple, name: str) -> list[Problem]:
    """The `pattern` of an array's text items is matched by our checks, not by frictionless's
    reader (`check_frictionless_cells.item_pattern`): it must be one they can use. (A pattern on items
    of another type, or not text, frictionless's reader refuses: `unreadable_by_frictionless`.)"""
    if kind != "array":
        return []
    from peacetalks.checks.check_frictionless_cells import item_pattern

    pattern = item_pattern(field)
    if pattern is None:
        return []
    return refused_pattern(where, pattern, (*at, "arrayItem", "constraints", "pattern"), f"the items of {context}", name)


def inapplicable_constraints(where: Located, constraints: dict, kind, context: str, at: tuple, name: str) -> list[Problem]:
    """A constraint the field's type does not take (`pattern` on a number, `minimum` on text): no
    value could be checked against it, so it is a schema problem, at the constraint's line."""
    takes = TYPE_CONSTRAINTS.get(kind) if isinstance(kind, str) else None
    if takes is None:
        return []  # an unknown type is reported already
    problems = []
    for key in constraints:
        if key not in CONSTRAINT_KEYS or key in takes:
            continue  # an unknown key is reported already
        if key == "jsonSchema":
            message, hint = f"{context}: `jsonSchema` is not checked, here or by frictionless", "remove it, or check the column another way"
        else:
            message, hint = f"{context}: type {kind} does not take `{key}`", f"type {kind} takes: {', '.join(sorted(takes))}"
        problems.append(where.problem("schema", message, (*at, "constraints", key), column=name, value=constraints[key], hint=hint))
    return problems


def name_list_problems(where: Located, value, path: tuple, what: str) -> list[Problem]:
    """A key must be a field name or a list of field names; anything else cannot be checked."""
    if isinstance(value, str):
        return []
    if not isinstance(value, list):
        return [where.problem("schema", f"{what} must be a field name or a list of them", path, value=value)]
    return [
        where.problem("schema", f"{what} must list field names, not {type(item).__name__} values", (*path, number), value=item)
        for number, item in enumerate(value)
        if not isinstance(item, str)
    ]


def check_keys(package: Package, resource: Resource, where: Located, names: list) -> list[Problem]:
    schema = resource.schema
    problems: list[Problem] = []
    key = schema.get("primaryKey")
    if not key:
        problems.append(
            where.problem(
                "primary-key-missing",
                f"table {resource.name!r} has no primaryKey",
                ("primaryKey",),
                hint="every table needs a primary key: one field, or several for a link table",
            )
        )
    else:
        problems += name_list_problems(where, key, ("primaryKey",), "primaryKey")
    for number, name in enumerate(as_list(key)):
        if name not in names:
            path = ("primaryKey", number) if isinstance(key, list) else ("primaryKey",)
            problems.append(where.problem("schema", f"primaryKey names a field that does not exist: {name!r}", path, value=name))
    foreign_keys = schema.get("foreignKeys") or []
    if not isinstance(foreign_keys, list):
        return [*problems, where.problem("schema", "`foreignKeys` must be a list", ("foreignKeys",))]
    for number, fk in enumerate(foreign_keys):
        at = ("foreignKeys", number)
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            problems.append(where.problem("schema", f"foreignKeys[{number}] must have `fields` and a `reference` object", at))
            continue
        problems += unknown_keys(where, fk, FOREIGN_KEY_KEYS, f"foreignKeys[{number}]", at)
        problems += unknown_keys(where, fk["reference"], REFERENCE_KEYS, f"foreignKeys[{number}].reference", (*at, "reference"))
        fields, target_fields = fk.get("fields"), fk["reference"].get("fields")
        problems += name_list_problems(where, fields, (*at, "fields"), f"foreignKeys[{number}].fields")
        problems += name_list_problems(where, target_fields, (*at, "reference", "fields"), f"foreignKeys[{number}].reference.fields")
        own, targets = as_list(fields), as_list(target_fields)
        target_name = fk["reference"].get("resource") or resource.name
        if not isinstance(target_name, str):
            problems.append(
                where.problem(
                    "schema",
                    f"foreignKeys[{number}].reference.resource must be a table name",
                    (*at, "reference", "resource"),
                    value=target_name,
                )
            )
            continue
        for position, name in enumerate(own):
            if name not in names:
                path = (*at, "fields", position) if isinstance(fields, list) else (*at, "fields")
                problems.append(
                    where.problem("schema", f"foreignKeys[{number}] names a field that does not exist: {name!r}", path, value=name)
                )
        target = package.resource(target_name) if isinstance(target_name, str) else None
        if target is None:
            problems.append(
                where.problem(
                    "schema",
                    f"foreignKeys[{number}] points at a table that does not exist: {target_name!r}",
                    (*at, "reference", "resource"),
                    value=target_name,
                )
            )
        else:
            for position, name in enumerate(targets):
                if name not in target.field_names:
                    path = (*at, "reference", "fields", position) if isinstance(target_fields, list) else (*at, "reference", "fields")
                    problems.append(
                        where.problem(
                            "schema",
                            f"foreignKeys[{number}] points at a field that {target_name!r} does not have: {name!r}",
                            path,
                            value=name,
                        )
                    )
        if len(own) != len(targets) or not own:
            problems.append(
                where.problem("schema", f"foreignKeys[{number}] has {len(own)} field(s) but references {len(targets)}", (*at, "fields"))
            )
        elif target is resource and own == targets:
            problems.append(
                where.problem(
                    "schema",
                    f"foreignKeys[{number}] points every row at itself",
                    (*at, "reference"),
                    hint="a self-link names another field",
                )
            )
    return problems


def check_schema(package: Package, resource: Resource) -> list[Problem]:
    where = Located(package.root, resource.schema_file if resource.schema_file != DESCRIPTOR else "")
    if resource.schema_file == DESCRIPTOR:
        # An inline schema: its lines are those of the resource in datapackage.json.
        where = InlineLocated(package, resource)
    schema = resource.schema
    problems = unknown_keys(where, schema, SCHEMA_KEYS, f"the schema of {resource.name!r}", ())
    if "missingValues" in schema and (refused := missing_values_problem(schema["missingValues"])):
        problems.append(where.problem("schema", f"`missingValues` {refused}", ("missingValues",)))
    if "fieldsMatch" in schema and schema["fieldsMatch"] not in FIELDS_MATCH:
        known = ", ".join(FIELDS_MATCH)
        shown = as_json(schema["fieldsMatch"])
        problems.append(where.problem("schema", f"`fieldsMatch` must be one of: {known}", ("fieldsMatch",), value=shown))
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [*problems, where.problem("schema", "`fields` must be a non-empty list", ("fields",))]
    names = []
    for number, field in enumerate(fields):
        if not isinstance(field, dict):
            problems.append(where.problem("schema", "each field must be an object", ("fields", number)))
            continue
        problems += check_field(where, field, resource, ("fields", number))
        names.append(field.get("name"))
    seen: set[str] = set()
    for number, name in enumerate(names):
        if isinstance(name, str) and name in seen:
            problems.append(where.problem("schema", f"two fields are named {name!r}", ("fields", number, "name"), column=name))
        if isinstance(name, str):
            seen.add(name)
    problems += check_keys(package, resource, where, names)
    rules = schema.get("peacetalks")
    if rules is not None and not isinstance(rules, dict):
        problems.append(where.problem("schema", "`peacetalks` must be an object", ("peacetalks",)))
    elif isinstance(rules, dict):
        problems += unknown_keys(where, rules, SCHEMA_RULE_KEYS, "the peacetalks rules", ("peacetalks",))
        for key in SCHEMA_RULE_KEYS & set(rules):
            groups = rules[key] if isinstance(rules[key], list) else [None]
            for number, group in enumerate(groups):
                if not isinstance(group, list) or not all(isinstance(n, str) and n in names for n in group):
                    problems.append(
                        where.problem(
                            "schema", f"`{key}` must list groups of this table's fields", ("peacetalks", key, number), value=group
                        )
                    )
    return problems


class InlineLocated(Located):
    """Lines of a schema written inside datapackage.json."""

    def __init__(self, package: Package, resource: Resource):
        super().__init__(package.root, DESCRIPTOR)
        resources = package.descriptor.get("resources") or []
        number = next((n for n, r in enumerate(resources) if r is resource.descriptor), 0)
        self.prefix = ("resources", number, "schema")

    def problem(self, rule: str, message: str, path: tuple = (), **kwargs) -> Problem:
        return super().problem(rule, message, (*self.prefix, *path), **kwargs)


def check_descriptor(package: Package) -> list[Problem]:
    problems = check_package_level(package)
    for resource in package.resources:
        if not resource.inferred:  # a schema inferred from the data has nothing to check
            problems += check_schema(package, resource)
    return problems
