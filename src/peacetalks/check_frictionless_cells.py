"""The columns only frictionless can read, checked by frictionless's own cell reader, once per
distinct value: the types this validator keeps as text (`time`, `yearmonth`, `duration`, `array`,
...: their type and their `enum`, range and length) and the `format` of a text field (`uri`,
`email`, `uuid`, ...).

This runs when frictionless's pass over the data does not (a package over 20 MB, `--frictionless
descriptor` or `off`, a schema problem that stops it): the same reader, so the same verdicts,
without its row-by-row pass over every column of every table (about 20,000 rows a second).
When its pass does run, this check does not, and frictionless is not imported at all: on the
real package the import alone added about 0.19 s to `validate`. `required` and `unique` stay
with our own checks, and a text field's other constraints too."""

from __future__ import annotations

from peacetalks.check_cells import rows_where, text_codes
from peacetalks.check_data import allowed_hint
from peacetalks.convert_types import kept_as_text, missing_values
from peacetalks.problems import Problem
from peacetalks.read_package import Resource
from peacetalks.read_tables import RawTable

# A frictionless note (the constraint that failed) -> our rule and message.
NOTE_RULES = {
    "type": ("type", "not a valid {kind}"),
    "enum": ("enum", "not one of the allowed values"),
    "pattern": ("pattern", "does not match the pattern"),
    "minLength": ("length", "shorter than the minimum length"),
    "maxLength": ("length", "longer than the maximum length"),
    "minimum": ("range", "below the minimum"),
    "maximum": ("range", "above the maximum"),
    "exclusiveMinimum": ("range", "not above the exclusive minimum"),
    "exclusiveMaximum": ("range", "not below the exclusive maximum"),
}
# Checked by our own rules, for every type.
OUR_CONSTRAINTS = {"required", "unique"}

FORMAT_HINTS = {
    "uri": "write a full address with its scheme, such as https://example.org/page",
    "email": "write one email address, such as name@example.org",
    "uuid": "write a UUID, such as 123e4567-e89b-12d3-a456-426614174000",
    "binary": "write the bytes as base64",
    "wkt": "write well-known text, such as POINT (30 10)",
}


def fields_read_by_frictionless(resource: Resource) -> list[dict]:
    """The field descriptors, as frictionless's reader is given them, of the columns only it reads:
    a type kept as text with all its constraints but ours (`any` only with an `enum`: any other
    value is one), and a text field with a `format` with none (the others are our checks')."""
    found = []
    for field in resource.fields:
        kind = field.get("type", "string")
        name = field.get("name")
        constraints = field.get("constraints") if isinstance(field.get("constraints"), dict) else {}
        given = {key: field[key] for key in ("type", "format") if key in field}
        if kind == "string":
            if isinstance(field.get("format"), str) and field["format"] != "default":
                found.append({"name": name, **given})
        elif kept_as_text(kind) and (kind != "any" or "enum" in constraints):
            kept = {key: value for key, value in constraints.items() if key not in OUR_CONSTRAINTS}
            found.append({"name": name, **given, **({"constraints": kept} if kept else {})})
    return found


def check_frictionless_cells(table: RawTable, resource: Resource) -> list[Problem]:
    fields = [f for f in fields_read_by_frictionless(resource) if f["name"] in table.frame.columns]
    if not fields or table.frame.empty:
        return []
    missing = set(missing_values(resource.schema))
    problems: list[Problem] = []
    for descriptor in fields:
        name = descriptor["name"]
        cells, codes, values = text_codes(table, name)
        present = [value for value in dict.fromkeys(values) if value not in missing]
        if not present:
            continue  # an empty column (this package's `sources.url`): frictionless is not imported
        import frictionless

        try:
            # The schema's missing values, not the reader's default (""): "" may be a value to read.
            reader = frictionless.Field.from_descriptor({**descriptor, "missingValues": sorted(missing)}).create_cell_reader()
        except Exception:  # a field frictionless cannot read: the schema checks report it
            continue
        notes = {value: read(reader, value) for value in present}
        bad = values.isin([value for value, found in notes.items() if found])
        for line, value in rows_where(cells, codes, bad).items():
            for note, detail in notes[value].items():
                problems.append(note_problem(table.file, resource.schema_file, descriptor, note, detail, int(line), value))
    return problems


def read(reader, value: str) -> dict:
    """The notes frictionless's cell reader makes on a value (none: the value is good)."""
    try:
        _, notes = reader(value)
    except Exception as error:  # a bound its reader cannot compare with the value: no traceback
        return {"compare": f"frictionless could not compare it with the field's bounds ({type(error).__name__}: {error})"}
    return {key: note for key, note in (notes or {}).items() if key not in OUR_CONSTRAINTS}


def note_problem(file: str, schema_file: str, descriptor: dict, note: str, detail: str, line: int, value: str) -> Problem:
    kind = descriptor.get("type", "string")
    form = descriptor.get("format", "default")
    if note == "compare":
        return Problem.at(file, "range", detail, line=line, column=descriptor["name"], value=value)
    rule, message = NOTE_RULES.get(note, (note, f"failed the constraint {note}"))
    if note == "type":
        message = message.format(kind=form if kind == "string" else kind)
        hint = FORMAT_HINTS.get(form) if kind == "string" else f"frictionless: {detail}"
    elif note == "enum":
        hint = allowed_hint(descriptor["constraints"]["enum"], schema_file)
    else:
        hint = f"{note}: {descriptor['constraints'][note]}"
    return Problem.at(file, rule, message, line=line, column=descriptor["name"], value=value, hint=hint)
