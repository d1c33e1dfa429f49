"""Export the package to one Excel workbook.

Sheets: `About` (what the package is, its licence, source and tables),
`Dictionary` (every column with its type, allowed values and description, from
the Table Schemas), then one sheet per table, named as the table. Header rows
are bold and frozen, with an autofilter and readable widths; numbers are
stored as numbers, dates as dates. Text that a spreadsheet would take for a
formula (`=`, `+`, `-`, `@` ...) is stored as text with Excel's quote prefix,
so it is shown and kept as written and never run.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from peacetalks.checks.check_cells import FORMULA_PREFIXES
from peacetalks.export.prepare_export import (
    FIXED_TIME,
    PackageTables,
    allowed_values,
    description,
    field_type,
    is_required,
    write_atomically,
)
from peacetalks.model.types import GENERAL, table_type

FORMULA_STARTS = FORMULA_PREFIXES  # the cells the validator flags are the ones neutralised here
MAX_WIDTH = 60
MIN_WIDTH = 8
SHEET_NAME_LIMIT = 31
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel allows 31 characters and no `[]:*?/\\`; keep names unique."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:SHEET_NAME_LIMIT]
    candidate, number = clean, 2
    while candidate.lower() in taken:
        suffix = f"~{number}"
        candidate = clean[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    taken.add(candidate.lower())
    return candidate


def put(sheet: Worksheet, row: int, column: int, value: object, number_format: str = GENERAL):
    """Write one cell; text that looks like a formula stays text. `number_format`: the column's,
    from the type table, for a filled cell."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)  # Excel has no time zones; the package stores UTC
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif value is not None and number_format != GENERAL:
        cell.number_format = number_format
    return cell


def write_rows(sheet: Worksheet, header: list[str], rows, *, wrap_from: int | None = None, kinds: list[str] | None = None) -> None:
    """A header row (bold, frozen, filtered) and the rows below it; widths fit the text. `kinds`:
    each column's Table Schema type, which gives its number format."""
    widths = [len(h) for h in header]
    formats = [table_type(kind).number_format for kind in kinds] if kinds is not None else [GENERAL] * len(header)
    for column, name in enumerate(header, start=1):
        put(sheet, 1, column, name).font = BOLD
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = put(sheet, count + 1, column, value, formats[column - 1])
            if wrap_from is not None and column >= wrap_from:
                cell.alignment = WRAP
            if value is not None:
                widths[column - 1] = max(widths[column - 1], len(str(value)) if not isinstance(value, dt.date) else 10)
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(header), 1))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)


def about_rows(tables: PackageTables, names: dict[str, str]) -> list[tuple]:
    descriptor = tables.package.descriptor
    rows: list[tuple] = [
        ("Title", descriptor.get("title", descriptor.get("name", ""))),
        ("Description", description(descriptor)),
        ("Name", descriptor.get("name", "")),
        ("Version", descriptor.get("version", "")),
        ("Created", descriptor.get("created", "")),
    ]
    for licence in descriptor.get("licenses") or []:
        if isinstance(licence, dict):
            rows.append(("Licence", " ".join(str(licence[k]) for k in ("title", "path") if licence.get(k))))
    for source in descriptor.get("sources") or []:
        if isinstance(source, dict):
            rows.append(("Source", " ".join(str(source[k]) for k in ("title", "path") if source.get(k))))
    rows.append(("How to read", "Sheet 'Dictionary' explains every column; each other sheet is one table, named as in datapackage.json."))
    rows.append((None, None))
    rows.append(("Sheet", "Rows", "Title", "Description"))
    for resource in tables.resources:
        rows.append(
            (names[resource.name], tables.row_count(resource), resource.descriptor.get("title", ""), description(resource.descriptor))
        )
    return rows


def write_about(sheet: Worksheet, tables: PackageTables, names: dict[str, str]) -> None:
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    sheet.column_dimensions["C"].width = 28
    sheet.column_dimensions["D"].width = 100
    rows = about_rows(tables, names)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = put(sheet, number, column, value)
            if column == 1 or row[0] == "Sheet":
                cell.font = BOLD
            if column in (2, 4):
                cell.alignment = WRAP
    sheet["B1"].font = TITLE


def dictionary_rows(tables: PackageTables):
    for resource in tables.resources:
        for field in resource.fields:
            links = [
                f"{fk['resource']}.{', '.join(fk['reference_fields'])}" for fk in resource.foreign_keys if field["name"] in fk["fields"]
            ]
            yield (
                resource.name,
                field["name"],
                field_type(field),
                "yes" if is_required(field, resource) else "no",
                "yes" if field["name"] in resource.primary_key else "",
                "; ".join(links),
                ", ".join(str(v) for v in allowed_values(field)),
                description(field),
            )


DICTIONARY_HEADER = ["table", "column", "type", "required", "primary key", "refers to", "allowed values", "description"]


def build_workbook(tables: PackageTables) -> Workbook:
    workbook = Workbook()
    workbook.properties.creator = "peacetalks"
    workbook.properties.title = tables.package.descriptor.get("title")
    taken: set[str] = set()
    about = workbook.active
    about.title = sheet_name("About", taken)
    dictionary = workbook.create_sheet(sheet_name("Dictionary", taken))
    names = {r.name: sheet_name(r.name, taken) for r in tables.resources}
    write_about(about, tables, names)
    write_rows(dictionary, DICTIONARY_HEADER, dictionary_rows(tables))
    dictionary.column_dimensions["H"].width = MAX_WIDTH
    for resource in tables.resources:
        sheet = workbook.create_sheet(names[resource.name])
        fields = [f for f in resource.fields if f["name"] in tables.frames[resource.name].columns]
        write_rows(sheet, [f["name"] for f in fields], tables.rows(resource), kinds=[field_type(f) for f in fields])
    return workbook


def fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated FIXED_TIME, so that equal content gives equal bytes."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry.filename))
    return output.getvalue()


def workbook_bytes(workbook: Workbook) -> bytes:
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()  # unlike openpyxl's save_workbook, keeps our `modified`
    return fixed_zip(buffer.getvalue())


def export_xlsx(tables: PackageTables, output: Path) -> list[Path]:
    data = workbook_bytes(build_workbook(tables))
    write_atomically(output, lambda target: target.write_bytes(data))
    return [output]
