"""The Excel export, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import rehash, replace_in
from csv_expectations import ROOT, expected_tables, schemas
from package_edits import edit_json, field_of
from peacetalks.export.export_xlsx import LINE_HEIGHT, export_xlsx, text_lines
from peacetalks.export.prepare_export import FIXED_TIME, read_for_export


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("xlsx") / "peacetalks.xlsx"
    export_xlsx(read_for_export(ROOT), output)
    return output


@pytest.fixture(scope="module")
def workbook(exported):
    return openpyxl.load_workbook(exported)


def test_sheets_are_about_dictionary_then_one_per_table(workbook):
    assert workbook.sheetnames == ["About", "Dictionary", *schemas()]


def test_every_row_matches_the_csv_with_numbers_as_numbers(workbook):
    for name, rows in expected_tables().items():
        sheet = workbook[name]
        values = list(sheet.iter_rows(values_only=True))
        assert list(values[0]) == list(rows[0]), name
        assert len(values) - 1 == len(rows), name
        for want, have in zip(rows, values[1:], strict=True):
            for (column, value), cell in zip(want.items(), have, strict=True):
                if isinstance(value, dt.date) and isinstance(cell, dt.datetime):
                    cell = cell.date()
                assert cell == value, (name, column, want)
                assert type(cell) is type(value) or {type(cell), type(value)} <= {int, float}, (name, column)
    value = workbook["statuses"].cell(row=10, column=7)
    assert value.data_type == "n" and value.value == 90


def test_header_is_bold_frozen_and_filtered_with_readable_widths(workbook):
    for name in ["Dictionary", *schemas()]:
        sheet = workbook[name]
        assert all(cell.font.bold for cell in sheet[1]), name
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=sheet.max_column).column_letter}{sheet.max_row}", name
        widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
        assert all(8 <= width <= 60 for width in widths), (name, widths)


def test_about_and_dictionary_explain_the_package(workbook):
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True) if row[0]}
    assert about["Title"].startswith("Peace talks")
    assert about["Licence"].startswith("Creative Commons Attribution 4.0")
    assert "Actors" in [row[2] for row in workbook["About"].iter_rows(values_only=True)]
    dictionary = list(workbook["Dictionary"].iter_rows(values_only=True))
    stance = next(row for row in dictionary if row[:2] == ("proposal_positions", "stance"))
    assert stance[2] == "string" and stance[3] == "yes" and stance[4] == "yes"
    assert stance[6].startswith("proposes, demands, backs")
    assert stance[7].startswith("The actor's stance")
    asserted = next(row for row in dictionary if row[:2] == ("proposal_positions", "asserted_by"))
    assert asserted[5] == "actors.actor_id"
    assert len(dictionary) - 1 == sum(len(s["fields"]) for s in schemas().values())


def without_code_marks(markdown: str) -> str:
    """The text of a description whose only Markdown is `code`, as a reader sees it rendered."""
    return re.sub(r"`([^`]*)`", lambda match: match.group(1).strip(), markdown)


def test_dictionary_descriptions_are_plain_text(workbook):
    shown = {(row[0], row[1]): row[7] for row in workbook["Dictionary"].iter_rows(min_row=2, values_only=True)}
    marked = 0
    for name, schema in schemas().items():
        for field in schema["fields"]:
            if "`" in field.get("description", ""):
                marked += 1
                assert shown[(name, field["name"])] == without_code_marks(field["description"]), (name, field["name"])
    assert marked > 30
    assert not [key for key, text in shown.items() if "`" in text or "**" in text]


def test_markdown_in_descriptions_is_shown_as_text(package_dir, tmp_path):
    marked = "**Wikidata** item id ([Wikidata](https://www.wikidata.org/)), `Q…`."
    edit_json(package_dir / "schemas" / "actors.schema.json", lambda schema: field_of(schema, "wikidata_id").update(description=marked))

    def change(descriptor):
        next(r for r in descriptor["resources"] if r["name"] == "actors")["description"] = "Every *person* and `group`."

    edit_json(package_dir / "datapackage.json", change)
    rehash(package_dir)
    output = tmp_path / "edited.xlsx"
    export_xlsx(read_for_export(package_dir), output)
    edited = openpyxl.load_workbook(output)
    dictionary = {row[:2]: row[7] for row in edited["Dictionary"].iter_rows(values_only=True)}
    assert dictionary[("actors", "wikidata_id")] == "Wikidata item id (Wikidata (https://www.wikidata.org/)), Q…."
    about = {row[0]: row[3] for row in edited["About"].iter_rows(values_only=True)}
    assert about["actors"] == "Every person and group."


def least_height(text: str, width: float) -> float:
    """The height `text` needs at the most characters a width unit holds as LibreOffice shows Calibri
    (1.2): a row lower than this cuts a line off."""
    lines = sum(max(math.ceil(len(line) / ((width - 1) * 1.2)), 1) for line in text.split("\n"))
    return lines * LINE_HEIGHT


def test_rows_are_as_tall_as_their_wrapped_text(workbook):
    for name in ["Dictionary", *schemas()]:
        sheet = workbook[name]
        widths = {cell.column_letter: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
        for row in sheet.iter_rows(min_row=2):
            height = sheet.row_dimensions[row[0].row].height or LINE_HEIGHT
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.alignment.wrap_text or len(cell.value) + 2 <= widths[cell.column_letter], (name, cell.coordinate)
                    assert height >= least_height(cell.value, widths[cell.column_letter]), (name, cell.coordinate)
    dictionary = workbook["Dictionary"]
    rows = [row for row in dictionary.iter_rows(min_row=2) if row[0].value == "actors"]
    heights = {row[1].value: dictionary.row_dimensions[row[0].row].height for row in rows}
    assert heights["actor_id"] is None  # one line: the default height
    assert heights["actor_type"] < heights["basis"]  # 3 lines of description, then 5


def test_about_rows_fit_their_text_across_the_merged_value_columns(workbook):
    about = workbook["About"]
    description = next(row for row in about.iter_rows() if row[0].value == "Description")
    number = description[0].row
    assert f"B{number}:D{number}" in {str(merged) for merged in about.merged_cells.ranges}
    width = sum(about.column_dimensions[letter].width for letter in "BCD")
    assert about.row_dimensions[number].height >= least_height(description[1].value, width) > LINE_HEIGHT
    name = next(row for row in about.iter_rows() if row[0].value == "Name")[0].row
    assert about.row_dimensions[name].height in (None, LINE_HEIGHT)


def test_columns_wrap_at_spaces_and_keep_identifiers_whole(workbook):
    participants = workbook["meeting_participants"]
    longest_id = max(len(row[0]) for row in participants.iter_rows(min_row=2, values_only=True))
    assert participants.column_dimensions["A"].width >= longest_id + 2
    quote = next(cell for cell in participants[1] if cell.value == "quote")
    assert participants.column_dimensions[quote.column_letter].width < 40
    assert all(row[0].alignment.wrap_text for row in participants.iter_rows(min_row=2, min_col=quote.column, max_col=quote.column))


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_each_page(workbook):
    for sheet in workbook:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_title_rows == (None if sheet.title == "About" else "$1:$1"), sheet.title


def test_text_lines_counts_wrapped_and_written_lines():
    assert text_lines("", 10) == 1
    assert text_lines("short", 10) == 1
    assert text_lines("one\ntwo", 10) == 2
    words = "word " * 40
    assert text_lines(words, 20) > text_lines(words, 40) > 1


def test_text_that_looks_like_a_formula_stays_text(package_dir, tmp_path):
    csv = package_dir / "data" / "actors.csv"
    replace_in(csv, "Trump said he had spoken with its leaders after the Berlin talks.", '"=HYPERLINK(""http://example.invalid"",""click"")"')
    replace_in(csv, "Not a NATO member;", "+1 Not a NATO member;")
    # Such values only pass validation where the schema opts in; the export must still neutralise them.
    schema_path = package_dir / "schemas" / "actors.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "description")["peacetalks"] = {"allowFormulaPrefix": True}
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    rehash(package_dir)
    output = tmp_path / "out.xlsx"
    export_xlsx(read_for_export(package_dir), output)
    with zipfile.ZipFile(output) as archive:
        sheets = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets
    sheet = openpyxl.load_workbook(output)["actors"]
    cells = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=9) for r in range(2, sheet.max_row + 1)}
    assert cells["germany"].value == '=HYPERLINK("http://example.invalid","click")'
    assert cells["germany"].data_type == "s" and cells["germany"].quotePrefix
    assert cells["ukraine"].value.startswith("+1 Not") and cells["ukraine"].quotePrefix


def test_second_export_is_byte_identical_with_fixed_dates(exported, tmp_path):
    again = tmp_path / "again.xlsx"
    export_xlsx(read_for_export(ROOT), again)
    assert again.read_bytes() == exported.read_bytes()
    with zipfile.ZipFile(exported) as archive:
        assert {info.date_time for info in archive.infolist()} == {FIXED_TIME.timetuple()[:6]}
    assert openpyxl.load_workbook(exported).properties.modified == FIXED_TIME
