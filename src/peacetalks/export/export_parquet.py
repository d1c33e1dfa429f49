"""Export the package to a folder of Parquet files, one `<table>.parquet` per table.

Column types come from the Table Schemas: enums are dictionary-encoded
strings whose dictionary is the full list of allowed values, required columns
are not nullable, dates are dates. Each column carries its description in the
field metadata, and each file carries the table's title, description, keys
and full Table Schema in the schema metadata.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from peacetalks.export.prepare_export import (
    PackageTables,
    allowed_values,
    description,
    field_type,
    is_required,
    write_atomically,
)
from peacetalks.model.read_package import Resource
from peacetalks.model.types import table_type


def arrow_field(field: dict, resource: Resource) -> pa.Field:
    kind = field_type(field)
    allowed = allowed_values(field)
    arrow_type = pa.dictionary(pa.int32(), pa.string()) if allowed and kind == "string" else table_type(kind).arrow_type()
    metadata = {"description": description(field), "type": kind}
    if allowed:
        metadata["enum"] = json.dumps(allowed, ensure_ascii=False)
    return pa.field(field["name"], arrow_type, nullable=not is_required(field, resource), metadata=metadata)


def arrow_column(values: list, field: dict, arrow_type: pa.DataType) -> pa.Array:
    if pa.types.is_dictionary(arrow_type):
        allowed = [str(v) for v in allowed_values(field)]
        position = {value: number for number, value in enumerate(allowed)}
        indices = pa.array([None if v is None else position[v] for v in values], type=pa.int32())
        return pa.DictionaryArray.from_arrays(indices, pa.array(allowed, type=pa.string()))
    return pa.array(values, type=arrow_type)


def arrow_table(tables: PackageTables, resource: Resource) -> pa.Table:
    fields = [f for f in resource.fields if f["name"] in tables.frames[resource.name].columns]
    schema_fields = [arrow_field(f, resource) for f in fields]
    rows = list(tables.rows(resource))
    columns = [
        arrow_column([row[number] for row in rows], field, arrow.type)
        for number, (field, arrow) in enumerate(zip(fields, schema_fields, strict=True))
    ]
    package = tables.package.descriptor
    metadata = {
        "table": resource.name,
        "title": str(resource.descriptor.get("title", resource.name)),
        "description": description(resource.descriptor),
        "primary_key": json.dumps(resource.primary_key),
        "foreign_keys": json.dumps(resource.foreign_keys, ensure_ascii=False),
        "package": str(package.get("name", "")),
        "package_version": str(package.get("version", "")),
        "table_schema": json.dumps(resource.schema, ensure_ascii=False, sort_keys=True),
    }
    schema = pa.schema(schema_fields, metadata=metadata)
    return pa.Table.from_arrays(columns, schema=schema)


def export_parquet(tables: PackageTables, output: Path) -> list[Path]:
    """Write `<output>/<table>.parquet` for each table; other files in the folder are left alone."""
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for resource in tables.resources:
        table = arrow_table(tables, resource)
        target = output / f"{resource.name}.parquet"
        write_atomically(target, lambda path, table=table: pq.write_table(table, path, compression="zstd"))
        written.append(target)
    return written
