"""The JSON export, read back with the json module."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from csv_expectations import ROOT, expected_tables, schemas
from peacetalks.export.export_json import export_json
from peacetalks.export.prepare_export import read_for_export


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("json") / "peacetalks.json"
    export_json(read_for_export(ROOT), output)
    return output


def test_every_row_matches_the_csv(exported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert list(document["tables"]) == list(schemas())
    for name, rows in expected_tables().items():
        want = [{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()} for row in rows]
        assert document["tables"][name] == want, name
        assert list(document["tables"][name][0]) == [f["name"] for f in schemas()[name]["fields"]]
    ninety = next(r for r in document["tables"]["statuses"] if r["status_id"] == "deal_broad_agreement_90_percent")
    assert ninety["value"] == 90.0 and ninety["approximate"] is True and ninety["meeting_id"] is None


def test_descriptor_is_included_with_schemas_inlined(exported):
    descriptor = json.loads(exported.read_text(encoding="utf-8"))["descriptor"]
    original = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["title"] == original["title"]
    assert [r["name"] for r in descriptor["resources"]] == [r["name"] for r in original["resources"]]
    assert descriptor["resources"][1]["schema"] == schemas()["actors"]


def test_second_export_is_byte_identical(exported, tmp_path):
    again = tmp_path / "again.json"
    export_json(read_for_export(ROOT), again)
    assert again.read_bytes() == exported.read_bytes()
