"""The Parquet export, read back with pyarrow."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from csv_expectations import ROOT, expected_tables, schemas
from peacetalks.export.export_parquet import export_parquet
from peacetalks.export.prepare_export import read_for_export


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("parquet") / "tables"
    export_parquet(read_for_export(ROOT), output)
    return output


def test_one_file_per_table(exported):
    assert sorted(p.name for p in exported.iterdir()) == sorted(f"{name}.parquet" for name in schemas())


def test_every_row_matches_the_csv(exported):
    for name, rows in expected_tables().items():
        table = pq.read_table(exported / f"{name}.parquet")
        assert table.column_names == list(rows[0]), name
        assert table.to_pylist() == rows, name


def test_types_enums_and_nullability_come_from_the_schemas(exported):
    kinds = {"string": pa.string(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(), "integer": pa.int64()}
    for name, schema in schemas().items():
        arrow = pq.read_schema(exported / f"{name}.parquet")
        for field in schema["fields"]:
            column = arrow.field(field["name"])
            enum = field.get("constraints", {}).get("enum")
            if enum:
                assert pa.types.is_dictionary(column.type), (name, field["name"])
                dictionary = pq.read_table(exported / f"{name}.parquet").column(field["name"]).chunk(0).dictionary
                assert dictionary.to_pylist() == enum
            else:
                assert column.type == kinds[field.get("type", "string")], (name, field["name"])
            required = field.get("constraints", {}).get("required", False) or field["name"] in schema.get("primaryKey", [])
            assert column.nullable is not required, (name, field["name"])
            assert column.metadata[b"description"].decode() == field["description"]


def test_table_metadata_carries_description_and_keys(exported):
    metadata = pq.read_schema(exported / "proposal_positions.parquet").metadata
    assert metadata[b"title"] == b"Proposal positions"
    assert json.loads(metadata[b"primary_key"]) == ["proposal_id", "actor_id", "stance"]
    assert json.loads(metadata[b"table_schema"]) == schemas()["proposal_positions"]


def test_pandas_reads_enums_as_categoricals(exported):
    import pandas as pd

    frame = pd.read_parquet(exported / "proposal_positions.parquet")
    assert isinstance(frame["stance"].dtype, pd.CategoricalDtype)
    assert list(frame["stance"].cat.categories) == schemas()["proposal_positions"]["fields"][2]["constraints"]["enum"]


def test_second_export_is_byte_identical(exported, tmp_path):
    export_parquet(read_for_export(ROOT), tmp_path)
    for name in schemas():
        assert (tmp_path / f"{name}.parquet").read_bytes() == (exported / f"{name}.parquet").read_bytes(), name
