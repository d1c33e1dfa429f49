"""The columns only frictionless can read, checked by frictionless's own cell reader, once per
distinct value: the types this validator keeps as text (`time`, `yearmonth`, `duration`, `array`,
...: their type and their `enum`, range and length) and the `format` of a text field (`uri`,
`email`, `uuid`, `binary`).

This runs unless frictionless's pass over the data runs beside our checks (a small package): over
20 MB, with `--frictionless descriptor` or `off`, or after a schema problem that stops that pass;
and always for a table with an array whose items have a `pattern`, which we alone match
(`item_pattern`). The same reader, so the same verdicts, without its row-by-row pass over every
column of every table (about 20,000 rows a second). When its pass does run, frictionless is not
imported here unless such a table has values: on the real package the import alone added about
0.19 s to `validate`. `required` and `unique` stay with our own checks, and so do a text field's
other constraints."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from peacetalks.checks.check_cells import rows_where, text_codes
from peacetalks.checks.check_data import PANDERA_RULES, allowed_hint
from peacetalks.checks.check_frictionless import CONSTRAINT_RULES
from peacetalks.model.convert_types import kept_as_text, missing_values
from peacetalks.model.field import Field
from peacetalks.model.read_package import Resource
from peacetalks.model.read_patterns import BACKTRACKING_HINT
from peacetalks.read.read_tables import RawTable
from peacetalks.report.problems import Problem

# How frictionless's reader begins a note about an array's items.
ITEM_NOTE = "array item "
# Checked by our own rules, for every type.
OUR_CONSTRAINTS = {"required", "unique"}
# What frictionless's readers of these types take from a field, besides its constraints.
READER_KEYS = ("name", "type", "format", "delimiter", "itemType", "arrayItem")

# The messages of our own checks of the same constraints (`check_data.PANDERA_RULES`), and for
# a length, which here may count an array's items, one of each side.
MESSAGES = {key: message for key, (_, message) in PANDERA_RULES.items()} | {
    "minLength": "fewer items or characters than the minimum length",
    "maxLength": "more items or characters than the maximum length",
}
TYPE_HINTS = {
    "time": "write the time as HH:MM:SS",
    "yearmonth": "write the month as YYYY-MM",
    "duration": "write an ISO 8601 duration, such as P1Y2M or PT3H",
    "object": "write a JSON object, such as {\"a\": 1}",
    "array": "write a JSON array, such as [1, 2]",
    "list": "write the items separated by the field's delimiter (a comma unless it says otherwise)",
    "geopoint": "write the point as the field's format has it (default: longitude, latitude)",
    "geojson": "write a GeoJSON object",
    "uri": "write a full address with its scheme, such as https://example.org/page",
    "email": "write one email address, such as name@example.org",
    "uuid": "write a UUID, such as 123e4567-e89b-12d3-a456-426614174000",
    "binary": "write the bytes as base64",
}


def reader_descriptor(field: dict, schema: dict) -> dict | None:
    """The field as frictionless's reader is given it, when only frictionless reads it (else None):
    a type kept as text with all its constraints but ours (`any` only with an `enum`: any other
    value is one), and a text field with a `format` with none (the others are our checks'). With
    its missing values, the field's own or the schema's, as frictionless reads them."""
    view = Field(field)
    kind, constraints = view.type, view.constraints
    given = {key: field[key] for key in READER_KEYS if key in field}
    given["missingValues"] = missing_values(schema, field)
    if item_pattern(field) is not None:  # matched by our checks (`items_off_pattern`)
        given["arrayItem"] = {**field["arrayItem"], "constraints": dict(field["arrayItem"]["constraints"])}
        del given["arrayItem"]["constraints"]["pattern"]
    if kind == "string":
        return given if isinstance(field.get("format"), str) and field["format"] != "default" else None
    if kept_as_text(kind) and (kind != "any" or "enum" in constraints):
        kept = {key: value for key, value in constraints.items() if key not in OUR_CONSTRAINTS}
        return {**given, **({"constraints": kept} if kept else {})}
    return None


def item_pattern(field: dict) -> str | None:
    """The `pattern` of an array's text items. Frictionless's reader would match it with Python's
    `re`, which one item can hold for hours (`(a+)+`), in this process where nothing can stop it: it
    is matched here instead, as the pattern check matches a column (`items_off_pattern`): on RE2, or
    in a process of its own with a time limit."""
    item = field.get("arrayItem")
    if Field(field).type != "array" or not isinstance(item, dict) or item.get("type") != "string":
        return None
    constraints = item.get("constraints")
    pattern = constraints.get("pattern") if isinstance(constraints, dict) else None
    return pattern if isinstance(pattern, str) else None


def items_off_pattern(cells: dict[str, list], pattern: str, column: str) -> dict[str, str | None]:
    """The values (as written) among `cells` (as read) with a text item that `pattern` does not
    match whole, matched as the checks match a column (`read_patterns.match_whole`), each with
    None, or why its items' matches were stopped (`read_patterns.undecided`) when none of its
    items plainly fails."""
    from peacetalks.model.read_patterns import forget_undecided, match_whole, undecided

    forget_undecided()
    owners, items = [], []
    for value, cell in cells.items():
        for item in cell if isinstance(cell, list) else []:
            if isinstance(item, str):  # not an item read as missing, or not read at all (its type note)
                owners.append(value)
                items.append(item)
    off: dict[str, str | None] = {}
    for owner, item, good in zip(owners, items, match_whole(pattern, items, column) if items else [], strict=True):
        if not good:
            why = undecided(pattern, column, item)
            if owner not in off or why is None:  # an item that plainly fails outweighs one stopped
                off[owner] = why
    return off


def fields_read_by_frictionless(resource: Resource) -> list[dict]:
    """`reader_descriptor` of each of the table's columns that only frictionless reads."""
    found = (reader_descriptor(field, resource.schema) for field in resource.fields)
    return [descriptor for descriptor in found if descriptor is not None]


def frictionless_field(descriptor: dict):
    """Frictionless's field for a descriptor (None when it refuses it)."""
    import frictionless  # about 0.15 s: imported only when a value is to be read

    try:
        return frictionless.Field.from_descriptor(descriptor)
    except Exception:
        return None


def frictionless_reader(descriptor: dict) -> tuple[object | None, str | None]:
    """Frictionless's cell reader for a descriptor, or None and why frictionless cannot build it (an
    `itemType` or `arrayItem` it does not know, say: some such errors come only with the reader)."""
    import frictionless

    try:
        return frictionless.Field.from_descriptor(descriptor).create_cell_reader(), None
    except Exception as error:
        return None, str(error) or type(error).__name__


def check_frictionless_cells(table: RawTable, resource: Resource) -> list[Problem]:
    fields = [f for f in fields_read_by_frictionless(resource) if f["name"] in table.frame.columns]
    if not fields or table.frame.empty:
        return []
    problems: list[Problem] = []
    for descriptor in fields:
        name = descriptor["name"]
        cells, codes, values = text_codes(table, name)
        present = [value for value in dict.fromkeys(values) if value not in descriptor["missingValues"]]
        if not present:
            continue  # an empty column (this package's `sources.url`): frictionless is not imported
        reader, _ = frictionless_reader(descriptor)
        if reader is None:
            continue  # the schema check reports it (`check_descriptor.check_field`), and stops the table's checks
        notes, read_as = {}, {}
        for value in present:
            read_as[value], notes[value] = read(reader, value)
        pattern = item_pattern(resource.field(name) or {})
        if pattern is not None:
            # As frictionless's reader notes it, and only where it would: items are read only in
            # an array with no note of its own (its items' notes say "array item").
            items_read = {v: read_as[v] for v in present if all(n.startswith(ITEM_NOTE) for n in notes[v].values())}
            for value, stopped in items_off_pattern(items_read, pattern, name).items():
                detail = f'{ITEM_NOTE}constraint "pattern" is "{pattern}"'
                notes[value] = {**notes[value], "pattern": detail if stopped is None else Stopped(stopped, pattern)}
        bad = values.isin([value for value, found in notes.items() if found])
        for line, value in rows_where(cells, codes, bad).items():
            for note, detail in notes[value].items():
                problems.append(note_problem(table.file, resource.schema_file, descriptor, note, detail, int(line), value))
    return problems


def read(reader, value: str) -> tuple[object, dict]:
    """The value as frictionless's cell reader reads it, and the notes it makes (none: the value is good)."""
    try:
        cell, notes = reader(value)
    except Exception as error:  # a bound its reader cannot compare with the value: no traceback
        return None, {"compare": f"frictionless could not compare it with the field's bounds ({type(error).__name__}: {error})"}
    # Ours (`required`, `unique`) are not given to the reader: a note of theirs is about an array's items.
    return cell, notes or {}


@dataclass(frozen=True)
class Stopped:
    """Why an item's match against its items' `pattern` was stopped (`read_patterns.undecided`),
    in place of frictionless's note about an item that fails it."""

    why: str
    pattern: str


def note_problem(file: str, schema_file: str, descriptor: dict, note: str, detail: str | Stopped, line: int, value: str) -> Problem:
    kind, form = Field(descriptor).type, Field(descriptor).format
    column = descriptor["name"]
    if note == "compare":
        return Problem.at(file, "range", detail, line=line, column=column, value=value)
    if note == "type" and detail.startswith(ITEM_NOTE):
        message = "an item is not of the items' type"
        return Problem.at(file, "type", message, line=line, column=column, value=value, hint=f"frictionless: {detail}")
    if note == "type":
        shown = form if kind == "string" else kind
        hint = TYPE_HINTS.get(shown, f"frictionless: {detail}")
        return Problem.at(file, "type", f"not a valid {shown}", line=line, column=column, value=value, hint=hint)
    if isinstance(detail, Stopped):
        message = f"whether an item matches the items' `pattern` is unknown: {detail.why}"
        hint = f"items' pattern: {detail.pattern}; {BACKTRACKING_HINT}"
        return Problem.at(file, "pattern", message, line=line, column=column, value=value, hint=hint)
    rule = CONSTRAINT_RULES.get(note, note)
    own = descriptor.get("constraints", {})
    if note not in own:  # an array's items' constraint (`arrayItem`)
        message = f"an item fails the items' `{note}`"
        return Problem.at(file, rule, message, line=line, column=column, value=value, hint=f"frictionless: {detail}")
    bound = own[note]
    if note == "enum":
        # As written in the schema: an object's or array's allowed values as JSON, which a cell would hold.
        hint = allowed_hint([v if isinstance(v, str) else json.dumps(v) for v in bound], schema_file)
    else:
        hint = f"{note}: {json.dumps(bound)}"
    return Problem.at(file, rule, MESSAGES.get(note, f"fails the constraint {note}"), line=line, column=column, value=value, hint=hint)


def in_reader_words(findings: list[Problem], resources: list[Resource]) -> list[Problem]:
    """Frictionless's findings in the columns only it reads, worded as its reader's are in our
    checks (`note_problem`): the same message and hint whether its pass or its reader found them."""
    columns = {}
    for resource in resources:
        for field in resource.fields:
            descriptor = reader_descriptor(field, resource.schema)
            if descriptor is not None:
                columns[(resource.path, field["name"])] = (resource.schema_file, descriptor)
    worded = []
    for problem in findings:
        schema_file, descriptor = columns.get((problem.file, problem.column), (None, None))
        detail = problem.message.removeprefix("frictionless: ")
        note = note_of(problem.rule, detail) if descriptor is not None and problem.line is not None else None
        # `required` and `unique` are the field's own (ours, so an echo), unless they are its items'.
        if note is None or (note in OUR_CONSTRAINTS and "arrayItem" not in descriptor):
            worded.append(problem)
        else:
            worded.append(note_problem(problem.file, schema_file, descriptor, note, detail, problem.line, problem.value))
    return worded


def note_of(rule: str, detail: str) -> str | None:
    """The note of frictionless's cell reader behind one of its findings ('type is "time/default"',
    'constraint "minimum" is "09:00:00"', either about an array's items: 'array item type is ...'),
    or None for any other finding."""
    detail = detail.removeprefix(ITEM_NOTE)
    if rule == "type" and detail.startswith("type is "):
        return "type"
    match = re.match(r'constraint "(\w+)" is ', detail)
    return match.group(1) if match else None
