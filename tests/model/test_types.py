"""The type table against everything that reads it: the descriptor check's set of types, `load()`,
each exporter's output read back, the ER diagram and who reads a type's values. A package with
one column of each type in the table is built, validated and exported to every format."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from peacetalks.checks.check_descriptor import TYPE_CONSTRAINTS
from peacetalks.checks.check_frictionless_cells import reader_descriptor
from peacetalks.docs.write_docs import mermaid_type
from peacetalks.export.export_json import export_json
from peacetalks.export.export_parquet import export_parquet
from peacetalks.export.export_sqlite import export_sqlite
from peacetalks.export.export_xlsx import export_xlsx
from peacetalks.export.prepare_export import read_for_export
from peacetalks.model.types import TYPES
from peacetalks.read.load_tables import load

# One valid cell of each type, as a CSV holds it. A type added to the table needs one here.
SAMPLES = {
    "string": "text",
    "integer": "42",
    "number": "1.5",
    "boolean": "true",
    "date": "2025-01-31",
    "datetime": "2025-01-31T12:30:00Z",
    "time": "12:30:00",
    "year": "2025",
    "yearmonth": "2025-01",
    "duration": "P1Y2M",
    "object": '{"a": 1}',
    "array": "[1, 2]",
    "list": "a,b",
    "geopoint": "30.5, 50.4",
    "geojson": '{"type": "Point", "coordinates": [30.5, 50.4]}',
    "any": "anything",
}
TABLE = "types"
# A JSON value's type, by the name the table gives it.
JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """A one-table package: one column named for each type in the table, one row of valid values."""
    root = tmp_path_factory.mktemp("types")
    (root / "data").mkdir()
    with (root / "data" / f"{TABLE}.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(TYPES)
        writer.writerow(SAMPLES[kind] for kind in TYPES)
    schema = {"fields": [{"name": kind, "type": kind} for kind in TYPES]}
    resource = {"name": TABLE, "path": f"data/{TABLE}.csv", "schema": schema}
    (root / "datapackage.json").write_text(json.dumps({"name": "types", "resources": [resource]}), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def exported(package, tmp_path_factory) -> Path:
    """The package in every export format, in one folder."""
    tables = read_for_export(package)  # raises unless the package validates
    output = tmp_path_factory.mktemp("exported")
    export_sqlite(tables, output / "types.db")
    export_parquet(tables, output / "parquet")
    export_xlsx(tables, output / "types.xlsx")
    export_json(tables, output / "types.json")
    return output


def test_the_table_holds_every_type_the_descriptor_check_accepts():
    assert TYPES.keys() == TYPE_CONSTRAINTS.keys()
    assert all(name == kind.name for name, kind in TYPES.items())


def test_the_sample_package_has_one_column_of_each_type(package):
    assert SAMPLES.keys() == TYPES.keys()


def test_load_gives_each_type_its_pandas_dtype(package):
    frame = load(package)[TABLE]
    assert {column: str(dtype) for column, dtype in frame.dtypes.items()} == {kind: TYPES[kind].pandas for kind in TYPES}
    assert frame.notna().all(axis=None), "a sample value was not read"


def test_sqlite_declares_each_column_with_its_sql_type(exported):
    with sqlite3.connect(exported / "types.db") as connection:
        declared = {name: kind for _, name, kind, *_ in connection.execute(f"PRAGMA table_info({TABLE})")}
        listed = dict(connection.execute("SELECT column_name, sql_type FROM _package_columns"))
    assert declared == {kind: TYPES[kind].sql for kind in TYPES}
    assert listed == declared


def test_parquet_writes_each_column_with_its_arrow_type(exported):
    schema = pq.read_schema(exported / "parquet" / f"{TABLE}.parquet")
    assert {f.name: f.type for f in schema} == {kind: TYPES[kind].arrow_type() for kind in TYPES}
    assert {f.name: f.metadata[b"type"].decode() for f in schema} == {kind: kind for kind in TYPES}


def test_xlsx_gives_each_filled_cell_its_number_format(exported):
    sheet = load_workbook(exported / "types.xlsx")[TABLE]
    header = [cell.value for cell in sheet[1]]
    assert header == list(TYPES)
    formats = {name: cell.number_format for name, cell in zip(header, sheet[2], strict=True)}
    assert formats == {kind: TYPES[kind].number_format for kind in TYPES}
    assert all(cell.value is not None for cell in sheet[2])


def test_json_writes_each_value_as_its_json_type(exported):
    (record,) = json.loads((exported / "types.json").read_text(encoding="utf-8"))["tables"][TABLE]
    assert list(record) == list(TYPES)
    assert {name: JSON_TYPES[type(value)] for name, value in record.items()} == {kind: TYPES[kind].json for kind in TYPES}


def test_the_er_diagram_names_each_type_as_the_table_does():
    assert {kind: mermaid_type({"name": kind, "type": kind}) for kind in TYPES} == {kind: TYPES[kind].mermaid for kind in TYPES}


def test_frictionless_reads_exactly_the_types_our_checks_do_not():
    schema = {"fields": [{"name": kind, "type": kind} for kind in TYPES]}
    # `any` with no enum has no wrong value: nothing for frictionless to read either.
    with_enum = {kind: {"name": kind, "type": kind, "constraints": {"enum": ["x"]}} for kind in TYPES}
    read_by_frictionless = {kind for kind in TYPES if reader_descriptor(with_enum[kind], schema) is not None}
    assert read_by_frictionless == {kind for kind in TYPES if not TYPES[kind].ours}
