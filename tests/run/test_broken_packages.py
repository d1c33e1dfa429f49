"""A corpus of broken packages: each is the real package with ONE mutation.

Every case asserts the exit code, the rule, the file and the exact editor line
(header = line 1) of the problem it must produce. Mutations of the data are
followed by `rehash` so that the data rule itself is what is tested, not the
integrity check; the cases about hashes and paths do not rehash.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import in_batches, line_of, rehash, replace_in
from package_edits import (
    CASES,
    Expect,
    assert_reported,
    case,
    edit_json,
    field_of,
    nth_line_of,
    resource_of,
    rows_of,
    run_cli,
    set_cell,
    write_rows,
)
from peacetalks.cli import main
from peacetalks.run.validate import validate_package

# File damage


@case
def not_utf8(root: Path) -> Expect:
    path = root / "data/actors.csv"
    line = line_of(path, "volodymyr_zelensky,")
    # One name saved by a Windows-1252 editor: "é" as the single byte E9, the rest still UTF-8.
    raw = path.read_bytes().replace(
        b"volodymyr_zelensky,Volodymyr Zelensky", "volodymyr_zelensky,Volodymyr Zelensk\u00e9".encode("cp1252"), 1
    )
    path.write_bytes(raw)
    rehash(root)
    return Expect("encoding", "data/actors.csv", line, hint="Windows-1252")


@case
def utf16_from_a_spreadsheet(root: Path) -> Expect:
    path = root / "data/framings.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    rehash(root)
    return Expect("encoding", "data/framings.csv", 1, message="UTF-16")


@case
def byte_order_mark(root: Path) -> Expect:
    path = root / "data/meetings.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    rehash(root)
    return Expect("bom", "data/meetings.csv", 1)


@case
def blank_line_inside(root: Path) -> Expect:
    path = root / "data/meeting_participants.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(4, "")
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    rehash(root)
    return Expect("blank-row", "data/meeting_participants.csv", 5)


@case
def empty_file(root: Path) -> Expect:
    (root / "data/framings.csv").write_bytes(b"")
    rehash(root)
    return Expect("empty-file", "data/framings.csv", 1)


@case
def header_only_referenced_table(root: Path) -> Expect:
    # A header-only table is valid CSV; it is an error only through the rows that point at it.
    path = root / "data/proposals.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")
    rehash(root)
    topics = root / "data/meeting_topics.csv"
    return Expect("foreign-key", "data/meeting_topics.csv", line_of(topics, "peace_talks,security_guarantees"), column="proposal_id")


@case
def binary_garbage(root: Path) -> Expect:
    (root / "data/statuses.csv").write_bytes(b"status_id\n" + bytes(range(256)) * 8)
    rehash(root)
    return Expect("binary", "data/statuses.csv", 2)


@case
def missing_file(root: Path) -> Expect:
    (root / "data/framings.csv").unlink()
    return Expect("file-missing", "data/framings.csv", None)


@case
def table_path_is_a_folder(root: Path) -> Expect:
    path = root / "data/framings.csv"
    path.unlink()
    path.mkdir()
    return Expect("file-unreadable", "data/framings.csv", None, message="Is a directory")


@case
def missing_column(root: Path) -> Expect:
    path = root / "data/meeting_participants.csv"
    rows = rows_of(path)
    at = rows[0].index("role")
    write_rows(path, [row[:at] + row[at + 1 :] for row in rows])
    rehash(root)
    return Expect("missing-column", "data/meeting_participants.csv", 1, column="role")


@case
def renamed_column(root: Path) -> Expect:
    replace_in(root / "data/actors.csv", "actor_type", "actor_kind")
    rehash(root)
    return Expect("extra-column", "data/actors.csv", 1, column="actor_kind", hint="actor_type")


@case
def duplicated_column(root: Path) -> Expect:
    path = root / "data/meetings.csv"
    rows = rows_of(path)
    at = rows[0].index("name")
    write_rows(path, [[*row, row[at]] for row in rows])
    rehash(root)
    return Expect("duplicate-column", "data/meetings.csv", 1, column="name")


@case
def extra_column(root: Path) -> Expect:
    path = root / "data/proposals.csv"
    rows = rows_of(path)
    write_rows(path, [[*row, "notes" if number == 0 else ""] for number, row in enumerate(rows)])
    rehash(root)
    return Expect("extra-column", "data/proposals.csv", 1, column="notes")


@case
def whitespace_around_an_id(root: Path) -> Expect:
    line = set_cell(root / "data/meeting_topics.csv", "working_group_meeting", "proposal_id", "territory ")
    rehash(root)
    return Expect("whitespace", "data/meeting_topics.csv", line, column="proposal_id", message="whitespace")


@case
def whitespace_before_a_primary_key(root: Path) -> Expect:
    line = set_cell(root / "data/statuses.csv", "peace_talks_ongoing", "status_id", " peace_talks_ongoing")
    rehash(root)
    return Expect("whitespace", "data/statuses.csv", line, column="status_id", message="whitespace")


@case
def huge_cell(root: Path) -> Expect:
    line = set_cell(root / "data/actors.csv", "ukraine", "description", "x" * 200_000)
    rehash(root)
    return Expect("cell-too-long", "data/actors.csv", line, column="description", hint="32,767")


@case
def huge_cell_in_a_quote(root: Path) -> Expect:
    line = set_cell(root / "data/statuses.csv", "peace_talks_ongoing", "quote", "the " * 75_000)
    rehash(root)
    return Expect("quote-verbatim", "data/statuses.csv", line, column="quote")


@case
def duplicate_primary_key(root: Path) -> Expect:
    path = root / "data/actors.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    duplicate = next(text for text in lines if text.startswith("ukraine,"))
    lines.insert(len(lines) - 1, duplicate)  # the file ends with "\n": keep it last
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    rehash(root)
    return Expect("primary-key", "data/actors.csv", len(lines) - 1, column="actor_id")


@case
def duplicate_composite_key(root: Path) -> Expect:
    path = root / "data/meeting_topics.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(len(lines) - 1, lines[1])
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    rehash(root)
    return Expect("primary-key", "data/meeting_topics.csv", len(lines) - 1, column="meeting_id, proposal_id")


@case
def dangling_foreign_key(root: Path) -> Expect:
    path = root / "data/meeting_participants.csv"
    line = line_of(path, "berlin_talks,steve_witkoff,")
    replace_in(path, "berlin_talks,steve_witkoff,", "berlin_talks,steve_witkof,")
    rehash(root)
    return Expect("foreign-key", "data/meeting_participants.csv", line, column="actor_id")


@case
def bad_enum(root: Path) -> Expect:
    line = set_cell(root / "data/actors.csv", "ukraine", "actor_type", "country")
    rehash(root)
    return Expect("enum", "data/actors.csv", line, column="actor_type", hint="organisation")


@case
def allowed_value_with_a_space(root: Path) -> Expect:
    # the hint listed the allowed values, with no word of the space
    line = set_cell(root / "data/actors.csv", "ukraine", "actor_type", "state ")
    rehash(root)
    return Expect("enum", "data/actors.csv", line, column="actor_type", hint="the value has spaces around it: 'state' is allowed")


@case
def bad_number(root: Path) -> Expect:
    line = set_cell(root / "data/statuses.csv", "deal_broad_agreement_90_percent", "value", "90%")
    rehash(root)
    return Expect("type", "data/statuses.csv", line, column="value")


@case
def bad_date(root: Path) -> Expect:
    line = set_cell(root / "data/sources.csv", "berlin_talks_article", "published", "15/12/2025")
    rehash(root)
    return Expect("type", "data/sources.csv", line, column="published", hint="YYYY-MM-DD")


@case
def quote_with_straight_quotes(root: Path) -> Expect:
    path = root / "data/actors.csv"
    line = line_of(path, "united_states,")
    replace_in(path, "“painful”", '""painful""')
    rehash(root)
    return Expect("quote-verbatim", "data/actors.csv", line, column="quote", hint="typographic")


@case
def quote_with_a_changed_word(root: Path) -> Expect:
    path = root / "data/meeting_participants.csv"
    line = line_of(path, "berlin_talks,steve_witkoff,")
    replace_in(path, "The Berlin talks were led for the US by", "The Berlin talks were run for the US by")
    rehash(root)
    return Expect("quote-verbatim", "data/meeting_participants.csv", line, column="quote", hint='- "run" + "led"')


@case
def tampered_source_text(root: Path) -> Expect:
    replace_in(root / "data/sources/berlin_talks_article.txt", "Follow us on:", "Follow us on")
    return Expect("source-hash", "data/sources.csv", 2, column="sha256")


@case
def truncated_csv(root: Path) -> Expect:
    path = root / "data/statuses.csv"
    raw = path.read_bytes()
    cut = raw[: raw.rindex(b"\n", 0, len(raw) // 2) + 1]  # whole rows only: every value still looks plausible
    path.write_bytes(cut)
    return Expect("bytes", "data/statuses.csv", None, message="cut short")


@case
def edited_csv_same_size(root: Path) -> Expect:
    replace_in(root / "data/statuses.csv", "possible", "possiblE")
    return Expect("hash", "data/statuses.csv", None)


@case
def inferred_row_without_its_reason(root: Path) -> Expect:
    line = set_cell(root / "data/statuses.csv", "deal_broad_agreement_90_percent", "basis_note", "")
    rehash(root)
    return Expect("required-when", "data/statuses.csv", line, column="basis_note", message="basis_note must be set when basis is inferred")


# Descriptor and schema strictness


@case
def misspelt_constraints(root: Path) -> Expect:
    path = root / "schemas/actors.schema.json"
    line = line_of(path, '"constraints"')
    replace_in(path, '"constraints"', '"constrains"')
    return Expect("unknown-key", "schemas/actors.schema.json", line, hint="'constraints'")


@case
def unknown_package_key(root: Path) -> Expect:
    path = root / "datapackage.json"
    replace_in(path, '"keywords"', '"keyword"')
    return Expect("unknown-key", "datapackage.json", line_of(path, '"keyword"'), hint="'keywords'")


@case
def primary_key_names_missing_field(root: Path) -> Expect:
    path = root / "schemas/meetings.schema.json"
    edit_json(path, lambda s: s.update(primaryKey=["meeting_key"]))
    return Expect("schema", "schemas/meetings.schema.json", line_of(path, '"meeting_key"'), message="meeting_key")


@case
def required_when_names_missing_field(root: Path) -> Expect:
    path = root / "schemas/framings.schema.json"
    edit_json(path, lambda s: field_of(s, "basis_note")["peacetalks"].update(requiredWhen={"basis_kind": "inferred"}))
    return Expect("schema", "schemas/framings.schema.json", line_of(path, '"requiredWhen"'), column="basis_note", message="`requiredWhen`")


@case
def foreign_key_names_missing_field(root: Path) -> Expect:
    path = root / "schemas/meeting_topics.schema.json"
    edit_json(path, lambda s: s["foreignKeys"][0].update(fields=["meeting"]))
    return Expect("schema", "schemas/meeting_topics.schema.json", line_of(path, '"meeting"'), message="'meeting'")


@case
def foreign_key_to_missing_table(root: Path) -> Expect:
    path = root / "schemas/actors.schema.json"
    replace_in(path, '"resource": "sources"', '"resource": "source"')
    return Expect("schema", "schemas/actors.schema.json", line_of(path, '"resource": "source"'), message="'source'")


@case
def foreign_key_arity_mismatch(root: Path) -> Expect:
    path = root / "schemas/meeting_participants.schema.json"

    def change(schema: dict) -> None:
        schema["foreignKeys"][0]["reference"]["fields"].append("name")

    edit_json(path, change)
    fk_fields_line = line_of(path, '"foreignKeys"') + 2  # "foreignKeys": [ / { / "fields": [
    return Expect("schema", "schemas/meeting_participants.schema.json", fk_fields_line, message="1 field(s) but references 2")


@case
def foreign_key_points_at_itself(root: Path) -> Expect:
    # a self-reference without "resource" on the key's own field
    path = root / "schemas/proposal_positions.schema.json"
    edit_json(path, lambda s: s["foreignKeys"][1]["reference"].pop("resource"))
    return Expect("schema", "schemas/proposal_positions.schema.json", nth_line_of(path, '"reference"', 2), message="itself")


@case
def primary_key_not_field_names(root: Path) -> Expect:
    path = root / "schemas/actors.schema.json"
    edit_json(path, lambda s: s.update(primaryKey=[["actor_id"]]))
    return Expect("schema", "schemas/actors.schema.json", line_of(path, '"primaryKey"') + 1, message="must list field names")


@case
def field_type_not_a_string(root: Path) -> Expect:
    path = root / "schemas/statuses.schema.json"
    edit_json(path, lambda s: field_of(s, "certainty").update(type=[]))
    return Expect("schema", "schemas/statuses.schema.json", line_of(path, '"type": []'), column="certainty")


@case
def length_range_that_no_value_can_meet(root: Path) -> Expect:
    # Pandera refused to build the check ("empty interval"), an internal error
    path = root / "schemas/actors.schema.json"
    edit_json(path, lambda s: field_of(s, "name")["constraints"].update(minLength=5, maxLength=3))
    return Expect("schema", "schemas/actors.schema.json", line_of(path, '"minLength": 5'), column="name", message="greater than")


@case
def pattern_that_engines_read_differently(root: Path) -> Expect:
    # Python's FutureWarning reached stderr, naming pandas' and Pandera's files
    path = root / "schemas/actors.schema.json"
    edit_json(path, lambda s: field_of(s, "actor_id")["constraints"].update(pattern="^[[a-z]][a-z0-9_]*$"))
    line = line_of(path, '"^[[a-z]][a-z0-9_]*$"')
    return Expect("schema", "schemas/actors.schema.json", line, column="actor_id", message="Possible nested set at position 2")


def test_a_pattern_python_warns_about_is_a_problem_not_a_warning(package_dir: Path) -> None:
    pattern_that_engines_read_differently(package_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning, from any library, fails the run
        code, report, _ = run_cli(package_dir)
    assert code == 1
    assert [(p["rule"], p["column"]) for p in report["problems"]] == [("schema", "actor_id")]
    assert report["problems"][0]["hint"].startswith("Table Schema patterns are XML Schema regular expressions: inside [...] write")


def field_edit(
    schema: str, field: str, change: Callable[[dict], None], needle: str, rule: str = "schema", **expect
) -> Callable[[Path], Expect]:
    """A case that changes one field of `schemas/{schema}.schema.json` and expects `rule` at that
    field, on the line of `needle` in the schema (`expect`: a message or hint fragment)."""

    def mutate(root: Path) -> Expect:
        file = f"schemas/{schema}.schema.json"
        edit_json(root / file, lambda s: change(field_of(s, field)))
        return Expect(rule, file, line_of(root / file, needle), column=field, **expect)

    return mutate


def constraints_of(update: dict) -> Callable[[dict], None]:
    return lambda field: field["constraints"].update(update)


# Each with the wrong result it guards against.
FIELD_CASES = {
    # one `pattern` problem per table with no line, and RE2's error as the value
    "pattern_that_re2_refuses": field_edit(
        "actors", "name", constraints_of({"pattern": ".{1,5000}"}), '".{1,5000}"', message="invalid repetition size", hint="up to 1000"
    ),
    # Pandera's check raised on the number column, and the exception was the value of a line-less `pattern` problem
    "constraint_the_type_does_not_take": field_edit(
        "statuses",
        "value",
        constraints_of({"pattern": "^[0-9]+$"}),
        '"pattern": "^[0-9]+$"',
        message="type number does not take `pattern`",
        hint="minimum",
    ),
    # pandas could not compare the dates with it, and its TypeError was the value
    "date_bound_that_is_no_date": field_edit(
        "sources", "published", lambda f: f.update(constraints={"minimum": "2025-1-1"}), '"minimum"', message="must be a date (YYYY-MM-DD)"
    ),
    # its reader fills in what a cell leaves out from the day it runs
    "date_format_any": field_edit("sources", "published", lambda f: f.update(format="any"), '"format": "any"', hint="%d/%m/%Y"),
    # every cell written with a decimal comma would have been a false type problem
    "decimal_comma_not_read": field_edit(
        "statuses", "value", lambda f: f.update(decimalChar=","), '"decimalChar"', message="not read here"
    ),
    # reported by frictionless alone, in datapackage.json, with no line
    "pattern_not_text": field_edit("actors", "name", constraints_of({"pattern": 123}), '"pattern": 123', message="must be text"),
    # an enum of dates never matched the day it names
    "date_enum_value_that_is_no_date": field_edit(
        "sources", "published", lambda f: f.update(constraints={"enum": ["2025-12-15", "15 December"]}), '"15 December"', "enum-type"
    ),
    # frictionless crashed comparing its cells with it, a line-less frictionless:crash
    "time_bound_frictionless_cannot_read": field_edit(
        "meetings", "time", lambda f: f.update(type="time", constraints={"minimum": "9am"}), '"9am"', message="as frictionless reads it"
    ),
    # frictionless reads it only with its [wkt] extra, so neither pass checked it
    "wkt_format_nothing_reads": field_edit("sources", "title", lambda f: f.update(format="wkt"), '"wkt"', message="[wkt] extra"),
    # a cell of an `any` field is text, never equal to 12345, yet the hint offered it
    "any_enum_value_that_is_not_text": field_edit(
        "meetings",
        "time",
        lambda f: f.update(type="any", constraints={"enum": ["this weekend", 12345]}),
        "12345",
        "enum-type",
        message="enum value 12345 is not text",
    ),
    # Table Schema v2 has it; neither this validator nor frictionless 5.21 checks it
    "json_schema_constraint": field_edit(
        "actors", "name", constraints_of({"jsonSchema": {"type": "string"}}), '"jsonSchema"', message="not checked"
    ),
}
CASES.update(FIELD_CASES)


@case
def number_bound_too_large_for_a_float(root: Path) -> Expect:
    # a `range` problem with no line, and Python's OverflowError as its value
    path = root / "schemas/statuses.schema.json"
    text = path.read_text(encoding="utf-8").replace('"minimum": 0', '"exclusiveMinimum": 1' + "0" * 400)
    path.write_text(text, encoding="utf-8")
    line = line_of(path, '"exclusiveMinimum"')
    return Expect("schema", "schemas/statuses.schema.json", line, column="value", message="must be a finite number")


@case
def exclusive_maximum_reached(root: Path) -> Expect:
    # was checked by frictionless alone, so not at all on a package over 20 MB
    path = root / "schemas/statuses.schema.json"
    edit_json(path, lambda s: field_of(s, "value")["constraints"].update(exclusiveMaximum=90))
    line = line_of(root / "data/statuses.csv", "deal_broad_agreement_90_percent,")
    return Expect("range", "data/statuses.csv", line, column="value", message="not below the exclusive maximum")


@case
def enum_value_of_wrong_type(root: Path) -> Expect:
    path = root / "schemas/statuses.schema.json"
    edit_json(path, lambda s: field_of(s, "value")["constraints"].update(enum=[90, "ninety"]))
    return Expect("enum-type", "schemas/statuses.schema.json", line_of(path, '"ninety"'), column="value")


@case
def missing_description(root: Path) -> Expect:
    path = root / "schemas/proposals.schema.json"
    edit_json(path, lambda s: field_of(s, "parent_proposal_id").pop("description"))
    return Expect("description", "schemas/proposals.schema.json", line_of(path, '"parent_proposal_id"'), column="parent_proposal_id")


@case
def duplicate_resource_names(root: Path) -> Expect:
    path = root / "datapackage.json"
    edit_json(path, lambda d: resource_of(d, "framings").update(name="statuses"))
    return Expect("duplicate-resource", "datapackage.json", nth_line_of(path, '"name": "statuses"', 2))


@case
def resource_name_not_a_string(root: Path) -> Expect:
    # it must not crash the frictionless second opinion
    path = root / "datapackage.json"
    edit_json(path, lambda d: resource_of(d, "framings").update(name=[]))
    return Expect("descriptor", "datapackage.json", line_of(path, '"name": []'))


def file_option(key: str, value, shown: str, rule: str, file: str, line, dialect: bool = False, message=None) -> Callable[[Path], Expect]:
    """A resource's encoding, format or dialect key that does not fit its file: the file is read as
    declared, and what does not fit is reported once, where it shows."""

    def mutate(root: Path) -> Expect:
        path = root / "datapackage.json"
        place = (lambda d: resource_of(d, "framings").setdefault("dialect", {})) if dialect else (lambda d: resource_of(d, "framings"))
        edit_json(path, lambda d: place(d).update({key: value}))
        return Expect(rule, file, line_of(path, shown) if line == "descriptor" else line, message=message)

    return mutate


# The file holds curly quotes, which ASCII has not: the line of the first.
CASES["encoding_declared_wrongly"] = file_option("encoding", "ascii", '"ascii"', "encoding", "data/framings.csv", 2)
CASES["compression_unknown"] = file_option("compression", "rar", '"rar"', "descriptor", "datapackage.json", "descriptor")
CASES["dialect_semicolon_of_a_comma_file"] = file_option(
    "delimiter", ";", '";"', "header", "data/framings.csv", 1, dialect=True, message="commas, not semicolons"
)
CASES["dialect_header_rows_not_row_numbers"] = file_option(
    "headerRows", [0], '"headerRows"', "descriptor", "datapackage.json", "descriptor", dialect=True
)


@case
def path_list_with_a_missing_part(root: Path) -> Expect:
    path = root / "datapackage.json"
    edit_json(path, lambda d: resource_of(d, "framings").update(path=["data/framings.csv", "data/more.csv"]))
    return Expect("file-missing", "data/more.csv", None)


@case
def table_without_primary_key(root: Path) -> Expect:
    path = root / "schemas/meeting_topics.schema.json"
    edit_json(path, lambda s: s.pop("primaryKey"))
    return Expect("primary-key-missing", "schemas/meeting_topics.schema.json", None)


@case
def absolute_path(root: Path) -> Expect:
    path = root / "datapackage.json"
    edit_json(path, lambda d: resource_of(d, "framings").update(path="/etc/passwd"))
    return Expect("unsafe-path", "datapackage.json", line_of(path, '"/etc/passwd"'))


@case
def parent_directory_path(root: Path) -> Expect:
    (root.parent / "outside.csv").write_text((root / "data/framings.csv").read_text(encoding="utf-8"), encoding="utf-8")
    path = root / "datapackage.json"
    edit_json(path, lambda d: resource_of(d, "framings").update(path="data/../../outside.csv"))
    return Expect("unsafe-path", "datapackage.json", line_of(path, "outside.csv"))


@case
def symlink_out_of_the_folder(root: Path) -> Expect:
    outside = root.parent / "outside.csv"
    csv_path = root / "data/framings.csv"
    outside.write_bytes(csv_path.read_bytes())
    csv_path.unlink()
    os.symlink(outside, csv_path)
    return Expect("unsafe-path", "datapackage.json", line_of(root / "datapackage.json", '"data/framings.csv"'))


@case
def schema_path_outside(root: Path) -> Expect:
    path = root / "datapackage.json"
    edit_json(path, lambda d: resource_of(d, "actors").update(schema="../actors.schema.json"))
    return Expect("unsafe-path", "datapackage.json", line_of(path, '"../actors.schema.json"'))


@case
def source_text_path_outside(root: Path) -> Expect:
    line = set_cell(root / "data/sources.csv", "berlin_talks_article", "path", "/etc/hostname")
    rehash(root)
    return Expect("pattern", "data/sources.csv", line, column="path")


@case
def malformed_descriptor_json(root: Path) -> Expect:
    path = root / "datapackage.json"
    line = line_of(path, '"version"')
    replace_in(path, '"version": "0.1.0",', '"version": "0.1.0"')
    return Expect("json", "datapackage.json", line + 1)


@case
def malformed_schema_json(root: Path) -> Expect:
    path = root / "schemas/statuses.schema.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    return Expect("json", "schemas/statuses.schema.json", len(text[: len(text) // 2].split("\n")))


@case
def descriptor_not_utf8(root: Path) -> Expect:
    path = root / "datapackage.json"
    line = line_of(path, '"title"')
    path.write_bytes(path.read_text(encoding="utf-8").replace("Peace talks", "Peace t\u00e4lks", 1).encode("latin-1", errors="replace"))
    return Expect("encoding", "datapackage.json", line)


@case
def schema_with_bom(root: Path) -> Expect:
    path = root / "schemas/proposals.schema.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return Expect("bom", "schemas/proposals.schema.json", 1)


@case
def descriptor_is_a_list(root: Path) -> Expect:
    (root / "datapackage.json").write_text("[]\n", encoding="utf-8")
    return Expect("json", "datapackage.json", 1)


# Spreadsheet safety


def formula_case(prefix: str) -> Callable[[Path], Expect]:
    def mutate(root: Path) -> Expect:
        line = set_cell(root / "data/actors.csv", "ukraine", "description", prefix + 'HYPERLINK("http://example.com")')
        rehash(root)
        return Expect("formula", "data/actors.csv", line, column="description", hint="allowFormulaPrefix")

    return mutate


for _name, _prefix in {"equals": "=", "plus": "+", "minus": "-", "at": "@"}.items():
    CASES[f"formula_injection_{_name}"] = formula_case(_prefix)


# Frictionless's pass over the data takes most of a case's time and finds nothing a case needs:
# every case is also run with it, as users run it, under `make test-slow`.
@pytest.mark.parametrize("frictionless", ["descriptor", pytest.param("auto", marks=pytest.mark.slow)])
@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_package_is_reported_at_its_place(package_dir: Path, name: str, frictionless: str) -> None:
    expected = CASES[name](package_dir)
    assert_reported(package_dir, expected, "--frictionless", frictionless)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_every_problem_reported_at_once(package_dir: Path) -> None:
    bad_enum(package_dir)
    bad_number(package_dir)
    dangling_foreign_key(package_dir)
    rehash(package_dir)
    rules = {p.rule for p in validate_package(package_dir).problems}
    assert {"enum", "type", "foreign-key"} <= rules


def as_reported(problems) -> list[tuple]:
    return [(p.file, p.line, p.column, p.rule) for p in problems]


@pytest.mark.parametrize("batch", [None, 1_024])
def test_a_straight_quote_inside_a_quoted_value_is_one_problem_at_its_line(package_dir: Path, monkeypatch, batch) -> None:
    """typed for the curly quotes, `"not easy"` inside a quoted
    description lost a quote and gained one at the end of the value, and the package was valid
    (pyarrow reads on without a word). Whole and in batches, one problem, and the row's key is
    still there for the rows pointing at it."""

    if batch:
        in_batches(monkeypatch, batch)
    meetings = package_dir / "data/meetings.csv"
    replace_in(meetings, "“painful”", '"painful"')
    rehash(package_dir)
    problems = validate_package(package_dir).problems
    assert as_reported(problems) == [("data/meetings.csv", line_of(meetings, '"painful"'), None, "csv-syntax")]
    assert "',' expected after '\"'" in problems[0].message


def test_after_a_record_the_csv_module_refuses_the_rest_of_the_table_is_checked(package_dir: Path) -> None:
    """a stray quote on line 2 stopped the reading there, so a slip on
    line 3 went unreported, and every row pointing at the rows after line 2 was reported as dangling."""
    meetings = package_dir / "data/meetings.csv"
    replace_in(meetings, "the war in Ukraine, of which", 'the war in "Ukraine", of which')
    replace_in(meetings, "berlin_talks,the Berlin talks,talks,held,", "berlin_talks,the Berlin talks,talks,hled,")
    rehash(package_dir)
    problems = validate_package(package_dir).problems
    reported = as_reported(problems)
    assert ("data/meetings.csv", 2, None, "csv-syntax") in reported
    assert ("data/meetings.csv", 3, "status", "enum") in reported
    # The record on line 2 has a cell too many and is left out: the rows pointing at its key say why.
    dangling = [p for p in problems if p.rule == "foreign-key"]
    assert dangling and {p.value for p in dangling} == {"peace_talks"}
    told = "data/meetings.csv has records that could not be read (line 2); the row may be one of them: fix those first"
    assert all(p.hint.endswith(told) for p in dangling)
    assert {p.rule for p in problems} == {"csv-syntax", "enum", "foreign-key"}


def test_an_empty_table_is_one_problem_not_one_for_each_row_pointing_at_it(package_dir: Path) -> None:
    """an empty actors.csv got 55 `foreign-key` findings from
    frictionless's pass, with no column."""
    (package_dir / "data/actors.csv").write_bytes(b"")
    rehash(package_dir)
    assert as_reported(validate_package(package_dir).problems) == [("data/actors.csv", 1, None, "empty-file")]


def test_a_table_saved_with_semicolons_is_one_problem_and_read_through(package_dir: Path) -> None:
    topics = package_dir / "data/meeting_topics.csv"
    rows = rows_of(topics)
    rows[3][rows[0].index("meeting_id")] = "no_such_meeting"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    topics.write_text(out.getvalue(), encoding="utf-8", newline="")
    rehash(package_dir)
    problems = validate_package(package_dir).problems
    assert [(p.file, p.line, p.column, p.rule) for p in problems] == [
        ("data/meeting_topics.csv", 1, None, "delimiter"),
        ("data/meeting_topics.csv", 4, "meeting_id", "foreign-key"),
    ]
    assert "separated by semicolons" in problems[0].message and "`peacetalks fix`" in problems[0].hint


def test_a_file_that_grew_is_not_said_to_be_cut_short(package_dir: Path) -> None:
    # a file that grew was said to be "edited or cut short"
    path = package_dir / "data/statuses.csv"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes() + b"\n")
    [problem] = [p for p in validate_package(package_dir).problems if p.rule == "bytes"]
    assert problem.message == f"the file has {size + 1} bytes but datapackage.json says {size}: it was edited"


def test_a_one_column_table_named_with_a_semicolon_is_valid(tmp_path: Path) -> None:
    from conftest import one_table_package

    root = one_table_package(tmp_path / "p", [{"name": "id;code", "type": "string", "description": "A code."}], "id;code\na;1\nb;2\n")
    assert validate_package(root).problems == []


# Cases the corpus does not cover: valid header-only tables, usage errors, internal errors


def test_header_only_table_nothing_points_at_is_valid(package_dir: Path) -> None:
    # Decided: a header-only CSV is a valid, empty table. It is an error only when
    # another table's rows reference it (see header_only_referenced_table).
    path = package_dir / "data/meeting_topics.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")
    rehash(package_dir)
    code, report, output = run_cli(package_dir)
    assert code == 0, output
    assert report == {**report, "valid": True, "problem_count": 0, "problems": []}


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--format", "xml"],
        ["validate", "--no-such-option"],
        ["validate", "/no/such/folder/anywhere"],
        ["validate", "a", "b"],
        ["no-such-command"],
    ],
)
def test_wrong_usage_exits_2(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_folder_without_descriptor(tmp_path: Path) -> None:
    code, report, _ = run_cli(tmp_path)
    assert code == 1
    assert [(p["rule"], p["file"]) for p in report["problems"]] == [("file-missing", "datapackage.json")]


def test_internal_error_is_one_plain_line_naming_the_file(package_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import peacetalks.checks.check_data

    def explode(table, resource):
        raise KeyError("boom")

    monkeypatch.setattr(peacetalks.checks.check_data, "check_table", explode)
    result = CliRunner().invoke(main, ["validate", str(package_dir)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "data/sources.csv" in lines[0] and "KeyError" in lines[0]


def test_internal_error_in_json_is_a_record(package_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import peacetalks.checks.check_data

    def explode(table, resource):
        raise ValueError("boom")

    monkeypatch.setattr(peacetalks.checks.check_data, "check_table", explode)
    code, report, _ = run_cli(package_dir)
    assert code == 1
    assert report["valid"] is False
    assert [(p["rule"], p["file"]) for p in report["problems"]] == [("internal-error", "data/sources.csv")]


def explode_on(name: str, check: Callable) -> Callable:
    """`check`, but raising a KeyError for the table called `name`."""

    def exploding(table, resource, **options):
        if resource.name == name:
            raise KeyError("boom")
        return check(table, resource, **options)

    return exploding


@pytest.mark.parametrize("batches", [False, True])
def test_internal_error_names_the_table_whose_check_failed(package_dir: Path, monkeypatch: pytest.MonkeyPatch, batches: bool) -> None:
    import peacetalks.checks.check_data

    if batches:
        in_batches(monkeypatch, 1000)  # two tables at a time, the failing one in batches
    monkeypatch.setattr(peacetalks.checks.check_data, "check_table", explode_on("statuses", peacetalks.checks.check_data.check_table))
    result = CliRunner().invoke(main, ["validate", str(package_dir)])
    assert result.exit_code == 1
    assert result.stdout == "error: the validator failed while reading data/statuses.csv: KeyError: 'boom' [internal-error]\n"


def test_internal_error_in_the_integrity_check_names_the_file_being_hashed(package_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import peacetalks.checks.check_integrity

    digest = peacetalks.checks.check_integrity.file_digest

    def explode(path, *args, **kwargs):
        if Path(path).name == "actors.csv":
            raise RuntimeError("disk on fire")
        return digest(path, *args, **kwargs)

    monkeypatch.setattr(peacetalks.checks.check_integrity, "file_digest", explode)
    code, report, _ = run_cli(package_dir)
    assert code == 1
    assert [(p["rule"], p["file"], p["message"]) for p in report["problems"]] == [
        ("internal-error", "data/actors.csv", "the validator failed while reading data/actors.csv: RuntimeError: disk on fire")
    ]


def test_internal_error_in_the_descriptor_checks_names_the_descriptor(package_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import peacetalks.checks.check_descriptor

    def explode(package):
        raise TypeError("boom")

    monkeypatch.setattr(peacetalks.checks.check_descriptor, "check_descriptor", explode)
    code, report, _ = run_cli(package_dir)
    assert code == 1
    assert [(p["rule"], p["file"]) for p in report["problems"]] == [("internal-error", "datapackage.json")]


def test_text_report_groups_by_file_and_counts(package_dir: Path) -> None:
    bad_enum(package_dir)
    result = CliRunner().invoke(main, ["validate", str(package_dir)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == "data/actors.csv"
    assert lines[1].startswith('  line 3, column actor_type: "country" [enum]')
    assert lines[-1].startswith("invalid: 1 problem in 1 file")


def saved_with_semicolons(root: Path) -> None:
    import csv
    import io

    path = root / "data/framings.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    edit_json(root / "datapackage.json", lambda d: resource_of(d, "framings").update(dialect={"delimiter": ";"}))


def saved_in_cp1252(root: Path) -> None:
    path = root / "data/framings.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    edit_json(root / "datapackage.json", lambda d: resource_of(d, "framings").update(encoding="cp1252"))


def gzipped(root: Path) -> None:
    import gzip

    path = root / "data/framings.csv"
    (root / "data/framings.csv.gz").write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()
    edit_json(root / "datapackage.json", lambda d: resource_of(d, "framings").update(path="data/framings.csv.gz"))


def in_two_parts(root: Path) -> None:
    path = root / "data/framings.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3]), encoding="utf-8", newline="")
    (root / "data/framings2.csv").write_text("".join(lines[3:]), encoding="utf-8", newline="")
    edit_json(root / "datapackage.json", lambda d: resource_of(d, "framings").update(path=["data/framings.csv", "data/framings2.csv"]))


@pytest.mark.parametrize("save", [saved_with_semicolons, saved_in_cp1252, gzipped, in_two_parts])
def test_a_table_saved_otherwise_and_declared_so_is_valid(package_dir: Path, save) -> None:
    descriptor = package_dir / "datapackage.json"
    edit_json(descriptor, lambda d: [resource_of(d, "framings").pop(key, None) for key in ("hash", "bytes")])
    save(package_dir)
    code, report, output = run_cli(package_dir)
    assert (code, report["problems"]) == (0, []), output


@pytest.mark.parametrize("batched", [False, True])
def test_a_bom_crlf_and_a_spaced_header_name_are_one_problem_each_and_every_row_is_checked(
    package_dir: Path, monkeypatch: pytest.MonkeyPatch, batched: bool
) -> None:
    """With 12 wrong actor_type values and a BOM, the BOM alone was reported."""
    if batched:
        in_batches(monkeypatch, 2000)
    path = package_dir / "data/actors.csv"
    rows = rows_of(path)
    column = rows[0].index("actor_type")
    for row in rows[1:13]:
        row[column] = "country"
    rows[0][rows[0].index("role")] = "role "
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    rehash(package_dir)
    problems = validate_package(package_dir).problems
    assert sorted((p.rule, p.line, p.column or "") for p in problems) == sorted(
        [("bom", 1, ""), ("header-spaces", 1, "role"), ("line-ends", 1, ""), *[("enum", line, "actor_type") for line in range(2, 14)]]
    )
    assert all(p.file == "data/actors.csv" for p in problems)
    assert all("`peacetalks fix`" in p.hint for p in problems if p.rule != "enum")


def test_crlf_in_a_table_read_in_batches_is_one_problem(package_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    in_batches(monkeypatch, 2000)
    path = package_dir / "data/statuses.csv"
    assert path.stat().st_size > 2 * 2000  # read in batches, not whole
    set_cell(path, "berlin_talks_not_easy", "certainty", "likely")
    line = line_of(path, "berlin_talks_not_easy,")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    rehash(package_dir)
    problems = validate_package(package_dir).problems
    assert [(p.file, p.rule, p.line) for p in problems] == [("data/statuses.csv", "line-ends", 1), ("data/statuses.csv", "enum", line)]
