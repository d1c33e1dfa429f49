"""Each Table Schema type, once: what `load()` gives for it, what each export writes, and who reads
its values. `load()`, the checks, the exports and the docs read this table rather than a mapping
of their own, and `tests/model/test_types.py` holds every exporter to it."""

from __future__ import annotations

from dataclasses import dataclass

# What a spreadsheet shows when a cell has no number format of its own (openpyxl's default).
GENERAL = "General"


@dataclass(frozen=True)
class TableType:
    name: str
    # The dtype of the column `load()` returns.
    pandas: str
    # The Parquet column's type, as a pyarrow factory and its arguments (`arrow_type`).
    arrow: tuple[str, ...]
    # The column's declared type in the SQLite export.
    sql: str
    # The number format of a filled cell in the spreadsheet export.
    number_format: str
    # The type named in the Mermaid ER diagram.
    mermaid: str
    # The JSON type of a value in the JSON export.
    json: str
    # True: our checks read its cells (`convert_types.convert_column`); False: they stay text, and
    # frictionless's cell reader alone reads their values (`check_frictionless_cells`).
    ours: bool

    def arrow_type(self):
        """The pyarrow type: pyarrow is imported only by what writes Parquet."""
        import pyarrow as pa

        factory, *arguments = self.arrow
        return getattr(pa, factory)(*arguments)


def _kept_as_text(name: str) -> TableType:
    return TableType(name, "string", ("string",), "TEXT", GENERAL, name, "string", False)


# Read as a table: one type a line. Datetimes keep microseconds ("10:00:00.5" is not "10:00:00")
# in UTC; SQLite and JSON get them, and dates, as ISO 8601 text.
# fmt: off
TYPES: dict[str, TableType] = {t.name: t for t in (
    #         name        pandas                 arrow                       sql        number format          mermaid     json       ours
    TableType("string",   "string",              ("string",),                "TEXT",    GENERAL,               "string",   "string",  True),
    TableType("integer",  "Int64",               ("int64",),                 "INTEGER", GENERAL,               "integer",  "integer", True),
    TableType("number",   "Float64",             ("float64",),               "REAL",    GENERAL,               "number",   "number",  True),
    TableType("boolean",  "boolean",             ("bool_",),                 "INTEGER", GENERAL,               "boolean",  "boolean", True),
    TableType("date",     "datetime64[s]",       ("date32",),                "TEXT",    "yyyy-mm-dd",          "date",     "string",  True),
    TableType("datetime", "datetime64[us, UTC]", ("timestamp", "us", "UTC"), "TEXT",    "yyyy-mm-dd hh:mm:ss", "datetime", "string",  True),
    TableType("year",     "Int64",               ("int64",),                 "INTEGER", GENERAL,               "year",     "integer", True),
    *(_kept_as_text(name) for name in ("time", "yearmonth", "duration", "object", "array", "list", "geopoint", "geojson", "any")),
)}
# fmt: on


def table_type(kind: object) -> TableType:
    """The record of a declared type; text for a type the descriptor check refuses (not a string,
    or unknown), which never reaches an export: a package must validate first."""
    return TYPES.get(kind, TYPES["string"]) if isinstance(kind, str) else TYPES["string"]
