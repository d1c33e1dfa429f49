"""What the CSVs say, read with the csv module alone, for comparing exports with.

Independent of `load()` on purpose: an export is checked against the files a
person can open, not against the code that wrote it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def schemas(root: Path = ROOT) -> dict[str, dict]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    found = {}
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        found[resource["name"]] = json.loads((root / schema).read_text(encoding="utf-8")) if isinstance(schema, str) else schema
    return found


def csv_rows(root: Path, name: str) -> list[dict[str, str]]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    path = next(r["path"] for r in descriptor["resources"] if r["name"] == name)
    with (root / path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def expected(text: str, field: dict) -> object:
    """The cell `text` as the plain value its Table Schema type says; None when empty."""
    if text == "":
        return None
    kind = field.get("type", "string")
    if kind in ("integer", "year"):
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        return text in field.get("trueValues", ["true", "True", "TRUE", "1"])
    if kind == "date":
        return dt.date.fromisoformat(text)
    return text


def expected_tables(root: Path = ROOT) -> dict[str, list[dict[str, object]]]:
    """Every table as a list of {column: typed value}, in CSV order."""
    tables = {}
    for name, schema in schemas(root).items():
        fields = schema["fields"]
        tables[name] = [{f["name"]: expected(row[f["name"]], f) for f in fields} for row in csv_rows(root, name)]
    return tables
