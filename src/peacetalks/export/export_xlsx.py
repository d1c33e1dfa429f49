"""Export the package to one Excel workbook.

Sheets: `About` (what the package is, its licence, source and tables),
`Dictionary` (every column with its type, allowed values and description, from
the Table Schemas, their Markdown shown as plain text), then one sheet per
table, named as the table. Header rows are bold and frozen, with an
autofilter; long text wraps, and rows are as tall as their wrapped text. Every
sheet prints landscape, one page wide. Numbers are stored as numbers, dates as
dates. Text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`
...) is stored as text with Excel's quote prefix, so it is shown and kept as
written and never run.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from peacetalks.checks.check_cells import FORMULA_PREFIXES
from peacetalks.export.prepare_export import (
    FIXED_TIME,
    PackageTables,
    allowed_values,
    description_text,
    field_type,
    is_required,
    write_atomically,
)
from peacetalks.model.types import GENERAL, table_type

FORMULA_STARTS = FORMULA_PREFIXES  # the cells the validator flags are the ones neutralised here
# Column widths, in characters. A column whose text is longer wraps at WRAP_WIDTH: wide enough
# for a phrase, narrow enough that a table of a dozen columns still prints legibly fitted to a
# page. The Dictionary's descriptions, what a reader reads there, get MAX_WIDTH.
MIN_WIDTH = 8
WRAP_WIDTH = 34
MAX_WIDTH = 60
LINE_HEIGHT = 15.0  # points: one line of 11-point Calibri, the workbook's font
TEXT_PER_UNIT = 1.15  # characters of text in one unit of column width (`text_lines`)
BOLD_WIDER = 1.1  # bold letters are about a tenth wider
SHEET_NAME_LIMIT = 31
# Named, as the default font is: a font without a name is shown in some other face (LibreOffice: a serif).
BOLD = Font(name=DEFAULT_FONT.name, family=DEFAULT_FONT.family, scheme=DEFAULT_FONT.scheme, bold=True)
TITLE = Font(name=DEFAULT_FONT.name, family=DEFAULT_FONT.family, scheme=DEFAULT_FONT.scheme, bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTRED = Alignment(horizontal="center", vertical="top")


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


def shown_width(value: object, number_format: str) -> tuple[int, int]:
    """Characters a cell takes as shown, on its longest line and in its longest word (where a
    wrapped line may break): a date or moment as its number format, text as written."""
    if isinstance(value, dt.date):
        width = len(number_format) if number_format != GENERAL else len(value.isoformat())
        return width, width
    text = str(value)
    return max(len(line) for line in text.split("\n")), max((len(word) for word in text.split()), default=0)


def text_lines(text: str, width: float) -> int:
    """Lines `text` takes in a wrapped cell `width` units wide, wrapped at spaces as a spreadsheet
    does. A unit is the width of a digit; prose fits about 1.2 characters a unit (measured in
    LibreOffice with Carlito, Calibri's metric twin), counted here as 1.15, so that the estimate
    leaves room rather than cuts a line off."""
    chars = max(int((width - 1) * TEXT_PER_UNIT), 1)
    return sum(len(textwrap.wrap(line, chars)) or 1 for line in text.split("\n"))


def fit_row_heights(sheet: Worksheet) -> None:
    """Make each row with wrapped text as tall as its longest cell needs. openpyxl cannot measure
    text, and a spreadsheet opening the file keeps rows at the default height (LibreOffice does), so
    wrapped lines would overlap the rows below."""
    spans = {(merged.min_row, merged.min_col): merged.max_col for merged in sheet.merged_cells.ranges}
    heights: dict[int, float] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None or not cell.alignment.wrap_text:
                continue
            last = spans.get((cell.row, cell.column), cell.column)
            width = sum(sheet.column_dimensions[get_column_letter(c)].width for c in range(cell.column, last + 1))
            size = (cell.font.sz or DEFAULT_FONT.sz) / DEFAULT_FONT.sz  # a larger font takes more room each way
            wider = size * (BOLD_WIDER if cell.font.b else 1)
            height = text_lines(str(cell.value), width / wider) * LINE_HEIGHT * size
            heights[cell.row] = max(heights.get(cell.row, LINE_HEIGHT), height)
    for number, height in heights.items():
        if height > LINE_HEIGHT:  # a row of one line keeps the spreadsheet's own height
            sheet.row_dimensions[number].height = height


def set_print(sheet: Worksheet, *, table: bool) -> None:
    """Landscape with narrow margins, one page wide and as many tall as it takes, with the sheet's
    name and the page number at the foot. A `table` prints its gridlines and its header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.25, right=0.25, top=0.75, bottom=0.75, header=0.3, footer=0.3)  # Excel's "Narrow"
    sheet.oddFooter.center.text = "&A, page &P of &N"
    if table:
        sheet.print_title_rows = "1:1"
        sheet.print_options.gridLines = True


def write_rows(sheet: Worksheet, header: list[str], rows, *, kinds: list[str] | None = None, widths: dict[str, int] | None = None) -> None:
    """A header row (bold, frozen, filtered) and the rows below it. A column is as wide as its
    text, up to WRAP_WIDTH (or its own in `widths`), and wraps beyond; never narrower than its
    longest word, so that an identifier stays whole. A row is as tall as its wrapped text.
    `kinds`: each column's Table Schema type, which gives its number format."""
    lines = [math.ceil(len(h) * BOLD_WIDER) for h in header]  # the header is bold
    words = list(lines)
    formats = [table_type(kind).number_format for kind in kinds] if kinds is not None else [GENERAL] * len(header)
    for column, name in enumerate(header, start=1):
        put(sheet, 1, column, name).font = BOLD
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            put(sheet, count + 1, column, value, formats[column - 1])
            if value is not None:
                line, word = shown_width(value, formats[column - 1])
                lines[column - 1] = max(lines[column - 1], line)
                words[column - 1] = max(words[column - 1], word)
    for column, name in enumerate(header, start=1):
        limit = (widths or {}).get(name, WRAP_WIDTH)
        needed = lines[column - 1] + 2  # a character's margin each side
        width = min(max(min(needed, limit), words[column - 1] + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(column)].width = width
        alignment = WRAP if needed > width else TOP
        for (cell,) in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=column, max_col=column):
            cell.alignment = alignment
    fit_row_heights(sheet)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{count + 1}"
    set_print(sheet, table=True)


def about_rows(tables: PackageTables, names: dict[str, str]) -> list[tuple]:
    descriptor = tables.package.descriptor
    rows: list[tuple] = [
        ("Title", descriptor.get("title", descriptor.get("name", ""))),
        ("Description", description_text(descriptor)),
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
            (names[resource.name], tables.row_count(resource), resource.descriptor.get("title", ""), description_text(resource.descriptor))
        )
    return rows


# Sheet | Rows | Title | Description below; above, each value spans B to D.
ABOUT_WIDTHS = {"A": 22, "B": 8, "C": 30, "D": 70}


def write_about(sheet: Worksheet, tables: PackageTables, names: dict[str, str]) -> None:
    for letter, width in ABOUT_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    for number, row in enumerate(about_rows(tables, names), start=1):
        for column, value in enumerate(row, start=1):
            cell = put(sheet, number, column, value)
            cell.alignment = CENTRED if column == 2 and len(row) == 4 else WRAP  # the row counts
            if column == 1 or row[0] == "Sheet":
                cell.font = BOLD
        if len(row) == 2 and row[1] is not None:
            sheet.merge_cells(start_row=number, start_column=2, end_row=number, end_column=len(ABOUT_WIDTHS))
    sheet["B1"].font = TITLE
    fit_row_heights(sheet)
    set_print(sheet, table=False)


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
                description_text(field),
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
    write_rows(dictionary, DICTIONARY_HEADER, dictionary_rows(tables), widths={"description": MAX_WIDTH})
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
