"""The Excel export, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import rehash, replace_in
from csv_expectations import ROOT, expected_tables, schemas
from peacetalks.export.export_xlsx import export_xlsx
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
