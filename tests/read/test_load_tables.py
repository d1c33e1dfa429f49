"""`load()`: typed tables, as the schemas declare them."""

from __future__ import annotations

import pandas as pd
import pytest

import peacetalks
from conftest import ROOT, rehash, replace_in
from peacetalks import PackageError


@pytest.fixture(scope="module")
def tables():
    return peacetalks.load(ROOT)


def test_every_table_is_loaded(tables):
    assert sorted(tables) == sorted(
        [
            "sources",
            "actors",
            "meetings",
            "meeting_participants",
            "proposals",
            "proposal_positions",
            "meeting_topics",
            "statuses",
            "framings",
        ]
    )
    with open(ROOT / "data/actors.csv", encoding="utf-8") as handle:
        assert len(tables["actors"]) == sum(1 for _ in handle) - 1


def test_enums_are_categoricals_with_the_schema_values(tables):
    certainty = tables["statuses"]["certainty"]
    assert isinstance(certainty.dtype, pd.CategoricalDtype)
    assert list(certainty.cat.categories) == ["certain", "probable", "possible", "expected"]


def test_numbers_booleans_and_missing_values_are_typed(tables):
    statuses = tables["statuses"]
    assert statuses["value"].dtype == "Float64"
    assert statuses["approximate"].dtype == "boolean"
    row = statuses.set_index("status_id").loc["deal_broad_agreement_90_percent"]
    assert row["value"] == 90.0 and bool(row["approximate"]) is True
    assert statuses["value"].isna().sum() == len(statuses) - 1
    assert tables["sources"]["published"].isna().all()
    assert str(tables["sources"]["published"].dtype).startswith("datetime64")


def test_strings_are_strings_with_na_for_empty(tables):
    actors = tables["actors"].set_index("actor_id")
    assert actors["name"].dtype == "string"
    assert pd.isna(actors.loc["european_leaders", "country_code"])
    assert actors.loc["volodymyr_zelensky", "wikidata_id"] == "Q3874799"


def test_load_defaults_to_the_current_folder(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert len(peacetalks.load()["proposals"]) == 12


def test_load_raises_a_located_error_for_a_bad_value(package_dir):
    replace_in(package_dir / "data/statuses.csv", ",90,percent,", ",ninety,percent,")
    with pytest.raises(PackageError, match=r"data/statuses.csv, line \d+, column value: \[type\]"):
        peacetalks.load(package_dir)


def test_load_refuses_a_value_outside_the_enum(package_dir):
    actors = package_dir / "data/actors.csv"
    replace_in(actors, "united_states,United States,US | Washington,state,", "united_states,United States,US | Washington,State,")
    with pytest.raises(PackageError, match=r"^data/actors.csv, line 2, column actor_type: \[enum\]"):
        peacetalks.load(package_dir)


def test_load_refuses_a_renamed_column(package_dir):
    actors = package_dir / "data/actors.csv"
    replace_in(actors, ",actor_type,", ",type,")
    with pytest.raises(PackageError) as caught:
        peacetalks.load(package_dir)
    assert [(p.file, p.line, p.column, p.rule) for p in caught.value.problems] == [
        ("data/actors.csv", 1, "type", "extra-column"),
        ("data/actors.csv", 1, "actor_type", "missing-column"),
    ]


def test_a_table_with_crlf_line_ends_loads(package_dir) -> None:
    """CRLF is a house rule of validation (`line-ends`), not a reason not to read a table."""
    path = package_dir / "data/actors.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    rehash(package_dir)
    assert len(peacetalks.load(package_dir)["actors"]) == len(path.read_bytes().splitlines()) - 1
