"""Export the package to one JSON file: the descriptor and the tables as records.

    {"descriptor": {... datapackage.json, each Table Schema inlined ...},
     "tables": {"actors": [{"actor_id": "...", ...}, ...], ...}}

Numbers are JSON numbers, booleans are true/false, missing cells are null and
dates are ISO 8601 strings; every record lists its columns in schema order.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

from peacetalks.export.prepare_export import PackageTables, datetime_text, write_atomically


def json_value(value: object, fraction: bool = False) -> object:
    """`fraction`: a datetime column with fractions of a second (`PackageTables.fractional`)."""
    if isinstance(value, dt.datetime):
        return datetime_text(value, fraction)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def inlined_descriptor(tables: PackageTables) -> dict:
    """datapackage.json with each resource's `schema` replaced by the Table Schema it points at."""
    descriptor = copy.deepcopy(tables.package.descriptor)
    by_name = {r.name: r for r in tables.package.resources}
    for item in descriptor.get("resources") or []:
        if isinstance(item, dict) and item.get("name") in by_name:
            item["schema"] = copy.deepcopy(by_name[item["name"]].schema)
    return descriptor


def package_document(tables: PackageTables) -> dict:
    records: dict[str, list[dict]] = {}
    for resource in tables.resources:
        names = [f["name"] for f in resource.fields if f["name"] in tables.frames[resource.name].columns]
        fractional = tables.fractional(resource)
        records[resource.name] = [
            {name: json_value(value, name in fractional) for name, value in zip(names, row, strict=True)} for row in tables.rows(resource)
        ]
    return {"descriptor": inlined_descriptor(tables), "tables": records}


def export_json(tables: PackageTables, output: Path) -> list[Path]:
    text = json.dumps(package_document(tables), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    write_atomically(output, lambda target: target.write_text(text, encoding="utf-8", newline="\n"))
    return [output]
