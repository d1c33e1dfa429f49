"""Cell hygiene that no Table Schema constraint expresses: spreadsheet safety,
whitespace around ids, and cells too long for a spreadsheet.

Spreadsheet safety (OWASP "CSV injection"): a text cell that begins with `=`,
`+`, `-` or `@` (or a tab or carriage return) can run as a formula when the CSV
is opened in Excel, LibreOffice or Google Sheets. Such a cell is an error. The
escape for a column whose values legitimately start with one of those
characters is an explicit, reviewed opt-in in its Table Schema:

    {"name": "quote", "type": "string", ..., "peacetalks": {"allowFormulaPrefix": true}}

The value then stays exactly as the source has it (a leading apostrophe would
change the data that pandas, SQL and the quote check see), and the spreadsheet
export is the place that neutralises it. Only text fields are checked: "-5" in
a number column is a number, not a formula.
"""

from __future__ import annotations

import pandas as pd

from peacetalks.model.convert_types import encode, missing_values, on_rows
from peacetalks.model.read_package import Resource
from peacetalks.model.read_patterns import match_whole
from peacetalks.read.read_tables import RawTable
from peacetalks.report.problems import Found, Places, Problem, drop_at

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel and LibreOffice cut a cell at 32,767 characters; a longer one cannot round-trip.
MAX_CELL_CHARS = 32_767


def id_fields(resource: Resource) -> set[str]:
    """Fields that hold identifiers: keys, foreign keys, and any field with a pattern."""
    names = set(resource.primary_key)
    for fk in resource.foreign_keys:
        names.update(fk["fields"])
    for field in resource.field_views:
        if "pattern" in field.constraints:
            names.add(field.name)
    return names


def text_codes(table: RawTable, column: str) -> tuple[pd.Series, object, pd.Series]:
    """The column as text (missing cells as ""), its rows' codes and its distinct values (`encode`),
    computed once per table or batch: the cell checks and the Pandera value checks share them."""
    if column not in table.encoded:
        cells = table.frame[column]
        if isinstance(cells, pd.DataFrame):  # a duplicated header: reported by the header check
            cells = cells.iloc[:, 0]
        if not isinstance(cells.dtype, pd.StringDtype):
            cells = cells.astype("string")
        if cells.hasnans:
            cells = cells.fillna("")
        table.encoded[column] = (cells, *encode(cells))
    return table.encoded[column]


def check_cells(table: RawTable, resource: Resource, table_problems: list[Found]) -> list[Found]:
    """`table_problems` (from the schema checks) come back with the new ones, minus the echoes
    of a whitespace slip: an id whose only fault is a space gets one clear problem, not two."""
    frame = table.frame
    problems: list[Problem] = []
    if frame.empty:
        return list(table_problems)
    echoes: set[tuple[int, str]] = set()
    ids = id_fields(resource)
    for column in dict.fromkeys(frame.columns):
        # Each check runs once per distinct value; `on_rows` maps the failing values back to rows.
        cells, codes, values = text_codes(table, column)
        for line, value in rows_where(cells, codes, values.str.len() > MAX_CELL_CHARS).items():
            problems.append(
                Problem.at(
                    table.file,
                    "cell-too-long",
                    f"the cell has {len(value):,} characters",
                    line=int(line),
                    column=column,
                    value=value,
                    hint=f"spreadsheets cut cells at {MAX_CELL_CHARS:,} characters; shorten it or move long text into data/sources/",
                )
            )
        field = resource.field_view(column)
        if field is None:
            continue
        if field.type == "string" and not field.allow_formula_prefix:
            for line, value in rows_where(cells, codes, values.str.startswith(FORMULA_PREFIXES)).items():
                shown = {"\t": "a tab", "\r": "a carriage return"}.get(value[0], value[0])
                problems.append(
                    Problem.at(
                        table.file,
                        "formula",
                        f"the text starts with {shown}: a spreadsheet may run it as a formula",
                        line=int(line),
                        column=column,
                        value=value,
                        hint='reword it so it does not start with = + - @; if this column needs such values, add "peacetalks": '
                        f'{{"allowFormulaPrefix": true}} to field {column!r} in {resource.schema_file}',
                    )
                )
        if column in ids:
            pattern = field.constraints.get("pattern")
            spaced = rows_where(cells, codes, (values != values.str.strip()) & (values != ""))
            for line, value in spaced.items():
                where = " and ".join(
                    side for side, present in (("leading", value[:1].isspace()), ("trailing", value[-1:].isspace())) if present
                )
                problems.append(
                    Problem.at(
                        table.file,
                        "whitespace",
                        f"the id has {where} whitespace",
                        line=int(line),
                        column=column,
                        value=value,
                        hint=f"remove the spaces: {value.strip()!r}",
                    )
                )
            # The pattern's verdict on the id without its spaces, by the pattern check's own engine;
            # without them a missing value (" NA") is no value to match.
            stripped = [value.strip() for value in spaced]
            fine = match_whole(pattern, stripped, column) if isinstance(pattern, str) and stripped else [True] * len(stripped)
            missing = missing_values(resource.schema, field.descriptor)
            for line, value, good in zip(spaced.index, stripped, fine, strict=True):
                if good or value in missing:
                    echoes.add((int(line), column))
    if not echoes:
        return list(table_problems) + problems
    echoed = Places((Problem(table.file, line, column, "whitespace", "") for line, column in echoes), lambda p: p.column)
    return drop_at(table_problems, lambda p: p.rule == "pattern", echoed, lambda p: p.column) + problems


def rows_where(cells: pd.Series, codes, bad: pd.Series) -> pd.Series:
    """The cells whose distinct value `bad` flags; when it flags none (nearly always), without
    building a mask over every row of the batch."""
    bad = bad.to_numpy(dtype=bool, na_value=False)
    return cells[on_rows(codes, bad)] if bad.any() else cells.iloc[:0]
