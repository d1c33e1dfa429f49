"""Every rule the validator reports, in one table: its name, what it applies to, the profile it
belongs to, whether it fails a package, and one line on what it catches.

The checks report rules by these names, the report and the profiles filter by them, and
`docs/rules.md` is generated from this table (`peacetalks docs`); a test keeps all three in step.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a rule applies to.
SCOPES = ("descriptor", "file", "table", "row", "cell", "across tables")

# `standard`: what the Data Package standard itself asks; every package is held to it.
# `house`: the stricter rules a package opts into by declaring `"peacetalks": {"profile": "house"}`.
PROFILES = ("standard", "house")

# Tags group rules for the run: `damage`, file damage after which frictionless's row reader
# would only repeat what is reported (and can take minutes on it); `blocks-data`, a schema or
# file problem after which a table's data cannot be checked against its schema.
TAGS = ("damage", "blocks-data")


@dataclass(frozen=True)
class Rule:
    name: str
    scope: str
    profile: str
    kind: str
    description: str
    tags: frozenset[str] = frozenset()
    fails: bool = True  # False: a note, which says what was not checked and never fails a package


def _rule(name: str, scope: str, profile: str, kind: str, description: str, *tags: str, fails: bool = True) -> Rule:
    assert scope in SCOPES and profile in PROFILES and set(tags) <= set(TAGS), name
    return Rule(name, scope, profile, kind, description, frozenset(tags), fails)


FILE, HEADER, VALUES, HYGIENE, INTEGRITY, DESCRIPTOR, TOOL = (
    "File damage",
    "The header",
    "Values",
    "Cell hygiene",
    "Integrity",
    "The descriptor and schemas",
    "The validator itself",
)

_RULES = (
    # File damage
    _rule("encoding", "file", "standard", FILE, "the bytes do not decode in the file's declared encoding (UTF-8 when none is declared); read through when the encoding they are in is certain (`peacetalks fix`)", "damage", "blocks-data"),
    _rule("bom", "file", "house", FILE, "the file starts with a byte-order mark; the house profile wants UTF-8 without one; the table is read and checked without it (`peacetalks fix`)", "damage", "blocks-data"),
    _rule("delimiter", "file", "standard", FILE, "the values are separated by another character than the declared one (semicolons for commas); read by it when the header so read names the schema's fields (`peacetalks fix`)", "damage"),
    _rule("line-ends", "file", "house", FILE, "the lines end otherwise than the package's (its dialect's `lineTerminator`, else LF): CRLF from a spreadsheet on Windows (`peacetalks fix`)"),
    _rule("binary", "file", "standard", FILE, "the file holds NUL bytes: it is not text", "damage"),
    _rule("empty-file", "file", "standard", FILE, "the file is empty: not even a header row", "damage"),
    _rule("file-missing", "file", "standard", FILE, "a file the descriptor names is not there", "blocks-data"),
    _rule("file-unreadable", "file", "standard", FILE, "the file is there but cannot be read", "damage"),
    _rule("ragged-row", "row", "standard", FILE, "a row has more or fewer cells than the header", "damage"),
    _rule("blank-row", "row", "standard", FILE, "a row with no values in it", "damage"),
    _rule("csv-syntax", "row", "standard", FILE, "a record breaks the CSV quoting rules (a stray or unclosed quote)", "damage"),
    # The header
    _rule("missing-column", "table", "standard", HEADER, "a field of the schema has no column in the header", "damage"),
    _rule("extra-column", "table", "standard", HEADER, "a column of the header is no field of the schema", "damage"),
    _rule("duplicate-column", "table", "standard", HEADER, "two columns of the header have the same name", "damage"),
    _rule("column-order", "table", "standard", HEADER, "the header's columns are the schema's fields in another order", "damage"),
    _rule("header-spaces", "table", "house", HEADER, "a header label is its field's name with spaces around it; the column is read as that field"),
    _rule("header", "table", "standard", HEADER, "the header cannot be matched to the schema at all (another delimiter, a blank first line)", "damage"),
    # Values
    _rule("type", "cell", "standard", VALUES, "a value does not read as its field's type"),
    _rule("required", "cell", "standard", VALUES, "a required value (or a primary key's) is missing"),
    _rule("enum", "cell", "standard", VALUES, "a value is not one of the field's allowed values"),
    _rule("pattern", "cell", "standard", VALUES, "a value does not match the field's pattern as a whole"),
    _rule("length", "cell", "standard", VALUES, "a value is shorter or longer than the field allows"),
    _rule("range", "cell", "standard", VALUES, "a value is below the field's minimum or above its maximum"),
    _rule("unique", "cell", "standard", VALUES, "a value of a unique field, or of a unique key, repeats"),
    _rule("primary-key", "row", "standard", VALUES, "a primary key repeats"),
    _rule("foreign-key", "across tables", "standard", VALUES, "a foreign key points at no row of the table it references"),
    _rule("cycle", "across tables", "house", VALUES, "rows that point at each other in a loop through a self-referencing key"),
    _rule("exactly-one", "row", "house", VALUES, "not exactly one of the fields the schema's `exactlyOne` names is filled"),
    _rule("required-when", "row", "house", VALUES, "a field the schema's `requiredWhen` makes required, given another field's value, is empty"),
    _rule("together", "row", "house", VALUES, "some, but not all, of the fields the schema's `together` names are filled"),
    _rule("iso-code", "cell", "house", VALUES, "a value is not a code of the code list its field names (ISO 3166-1 and others, by pycountry)"),
    _rule("quote-verbatim", "across tables", "house", VALUES, "a quote is not found word for word in the source text it names"),
    _rule("source-hash", "across tables", "house", VALUES, "a source text's SHA-256 is not the one its table records"),
    # Cell hygiene
    _rule("whitespace", "cell", "house", HYGIENE, "an id or key has spaces around it"),
    _rule("cell-too-long", "cell", "house", HYGIENE, "a cell holds more than the 32,767 characters a spreadsheet cell can", "damage"),
    _rule("formula", "cell", "house", HYGIENE, "a text cell starts like a spreadsheet formula (= + - @, a tab or a carriage return)"),
    # Integrity
    _rule("hash", "file", "standard", INTEGRITY, "the file's hash is not the one the descriptor declares, its size being right or not declared"),
    _rule("bytes", "file", "standard", INTEGRITY, "the file's size is not the one the descriptor declares (its hash, which differs then too, is not said again)"),
    # The descriptor and schemas
    _rule("json", "descriptor", "standard", DESCRIPTOR, "a descriptor, schema or dialect file is not valid JSON or YAML, or not an object", "blocks-data"),
    _rule("descriptor", "descriptor", "standard", DESCRIPTOR, "the descriptor breaks the Data Package standard (no resources, a resource with neither path nor data, a wrong type)"),
    _rule("schema", "descriptor", "standard", DESCRIPTOR, "a Table Schema breaks the standard (an unknown type, a key naming a missing field, a constraint its type does not take)", "blocks-data"),
    _rule("enum-type", "descriptor", "standard", DESCRIPTOR, "an allowed value or bound does not read as its field's type", "blocks-data"),
    _rule("duplicate-resource", "descriptor", "standard", DESCRIPTOR, "two resources have the same name"),
    _rule("unsafe-path", "descriptor", "standard", DESCRIPTOR, "a path is absolute, climbs out of the package folder with `..`, or leaves it through a link"),
    _rule("metadata", "descriptor", "house", DESCRIPTOR, "the package lacks a name, title, description, version or licence"),
    _rule("unknown-key", "descriptor", "house", DESCRIPTOR, "a key no standard or profile defines (often a misspelling, which would switch a rule off)"),
    _rule("description", "descriptor", "house", DESCRIPTOR, "a field has no description"),
    _rule("primary-key-missing", "descriptor", "house", DESCRIPTOR, "a table has no primary key"),
    # Notes: what was not checked, and why
    _rule("not-checked", "file", "standard", DESCRIPTOR, "a resource, or part of one, that was not checked (a remote file, a format that is not read)", fails=False),
    _rule("schema-inferred", "table", "standard", DESCRIPTOR, "a table with no schema, read with one inferred from its data: only its structure is checked", fails=False),
    # The validator itself
    _rule("internal-error", "file", "standard", TOOL, "the validator failed on this file: a bug to report, never a verdict of valid"),
    _rule("frictionless:", "descriptor", "standard", TOOL, "a finding of frictionless, run as a second opinion (its own error type follows the colon)"),
)

RULES: dict[str, Rule] = {rule.name: rule for rule in _RULES}
FRICTIONLESS = "frictionless:"


def rule(name: str) -> Rule:
    """The registry's entry for a reported rule name; frictionless's findings share one entry."""
    if name.startswith(FRICTIONLESS):
        return RULES[FRICTIONLESS]
    return RULES[name]


def tagged(tag: str) -> frozenset[str]:
    """The names of the rules with `tag`."""
    assert tag in TAGS, tag
    return frozenset(r.name for r in _RULES if tag in r.tags)


def in_profile(name: str, profile: str) -> bool:
    """Whether a rule applies under `profile`: the house profile adds its rules to the standard's.
    A name missing from the registry applies everywhere: a problem is never hidden by a slip here."""
    entry = RULES.get(FRICTIONLESS if name.startswith(FRICTIONLESS) else name)
    return profile == "house" or entry is None or entry.profile == "standard"


def declared_profile(descriptor: dict) -> str:
    """The profile a package declares (`"peacetalks": {"profile": "house"}`), else the standard.
    An unknown name is reported by the descriptor check and judged by the standard meanwhile."""
    extension = descriptor.get("peacetalks") if isinstance(descriptor, dict) else None
    named = extension.get("profile") if isinstance(extension, dict) else None
    return named if named in PROFILES else "standard"


def fails(name: str) -> bool:
    """Whether a rule fails a package (a note does not); a name missing from the registry fails it."""
    entry = RULES.get(FRICTIONLESS if name.startswith(FRICTIONLESS) else name)
    return entry is None or entry.fails


def rule_kind(name: str) -> str | None:
    """The kind of a reported rule (`HEADER`, `VALUES`...), None for a name the registry lacks."""
    entry = RULES.get(FRICTIONLESS if name.startswith(FRICTIONLESS) else name)
    return entry.kind if entry is not None else None
