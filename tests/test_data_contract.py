"""The contract users and scripts rely on: these tables, these columns, these keys."""

from __future__ import annotations

import csv
import json
import re

import pycountry
import pytest

from conftest import ROOT
from peacetalks.model.read_package import read_package

CONTRACT = {
    "sources": (["source_id"], ["source_id", "title", "author", "publisher", "url", "published", "path", "sha256"]),
    "actors": (
        ["actor_id"],
        ["actor_id", "name", "aliases", "actor_type", "role", "affiliated_with", "country_code", "wikidata_id", "source_id", "quote"],
    ),
    "meetings": (
        ["meeting_id"],
        [
            "meeting_id",
            "name",
            "meeting_type",
            "status",
            "location",
            "duration",
            "time",
            "follows_meeting_id",
            "part_of_meeting_id",
            "source_id",
            "quote",
        ],
    ),
    "meeting_participants": (["meeting_id", "actor_id"], ["meeting_id", "actor_id", "role", "source_id", "quote"]),
    "proposals": (["proposal_id"], ["proposal_id", "name", "description", "proposal_type", "parent_proposal_id", "source_id", "quote"]),
    "proposal_positions": (
        ["proposal_id", "actor_id", "stance"],
        ["proposal_id", "actor_id", "stance", "asserted_by", "certainty", "source_id", "quote"],
    ),
    "statuses": (
        ["status_id"],
        [
            "status_id",
            "proposal_id",
            "meeting_id",
            "status",
            "asserted_by",
            "certainty",
            "value",
            "unit",
            "approximate",
            "source_id",
            "quote",
        ],
    ),
}
CERTAINTY = ["certain", "probable", "possible", "expected"]


@pytest.fixture(scope="module")
def package():
    package, problems = read_package(ROOT)
    assert not problems
    return package


def csv_rows(name: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_table_has_contract_columns_and_key(package, table):
    key, columns = CONTRACT[table]
    resource = package.resource(table)
    assert resource is not None
    assert resource.primary_key == key
    assert set(columns) <= set(resource.field_names)
    with open(ROOT / resource.path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == resource.field_names


def test_certainty_takes_exactly_the_four_values(package):
    for table in ("proposal_positions", "statuses"):
        field = package.resource(table).field("certainty")
        assert field["constraints"]["enum"] == CERTAINTY


def test_every_link_column_has_a_foreign_key(package):
    linked = {(r.name, f) for r in package.resources for fk in r.foreign_keys for f in fk["fields"]}
    for resource in package.resources:
        for name in resource.field_names:
            points_at_a_row = (name.endswith("_id") and "wikidata" not in name) or name in ("asserted_by", "affiliated_with", "used_by")
            if points_at_a_row and resource.primary_key != [name]:
                assert (resource.name, name) in linked, f"{resource.name}.{name} has no foreignKey"


def test_files_are_utf8_without_bom_with_lf_endings():
    for path in sorted((ROOT / "data").glob("*.csv")):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path
        assert b"\r\n" not in raw, path
        raw.decode("utf-8")


def test_every_quote_is_verbatim_in_the_article():
    article = (ROOT / "data/sources/berlin_talks_article.txt").read_text(encoding="utf-8")
    for path in sorted((ROOT / "data").glob("*.csv")):
        for row in csv_rows(path.stem):
            if "quote" in row:
                assert row["quote"] and row["quote"] in article, (path.name, row["quote"][:60])


def test_article_gives_no_publisher_url_or_date():
    (source,) = csv_rows("sources")
    assert source["author"] == "Erizia Rubyjeana"
    assert source["publisher"] == source["url"] == source["published"] == ""
    assert source["title"].startswith("[") and source["title"].endswith("]")


def test_wikidata_ids_come_only_from_the_reference_list():
    # A copy of the project's confirmed-id list (shared/reference/wikidata.csv), kept with the tests.
    with open(ROOT / "tests/fixtures/wikidata_reference.csv", encoding="utf-8") as handle:
        confirmed = {row["wikidata_id"] for row in csv.DictReader(handle)}
    used = {row["wikidata_id"] for row in csv_rows("actors") if row["wikidata_id"]}
    used |= {row["location_wikidata_id"] for row in csv_rows("meetings") if row["location_wikidata_id"]}
    assert used <= confirmed


def test_country_codes_exist_in_iso_3166():
    for row in csv_rows("actors"):
        if row["country_code"]:
            assert pycountry.countries.get(alpha_3=row["country_code"]).alpha_3 == row["country_code"]


def test_states_the_article_names_are_actors_with_codes():
    codes = {row["name"]: row["country_code"] for row in csv_rows("actors") if row["actor_type"] == "state"}
    expected = {
        "United States": "USA", "Ukraine": "UKR", "Russia": "RUS", "Germany": "DEU", "Italy": "ITA", "Finland": "FIN",
        "France": "FRA", "Britain": "GBR", "Poland": "POL", "Norway": "NOR", "Denmark": "DNK", "Netherlands": "NLD",
    }  # fmt: skip
    assert codes == expected


def test_the_90_percent_is_a_number_marked_approximate():
    (row,) = [r for r in csv_rows("statuses") if r["value"]]
    assert (row["proposal_id"], row["value"], row["unit"], row["approximate"], row["asserted_by"]) == (
        "peace_deal",
        "90",
        "percent",
        "true",
        "us_officials",
    )


def test_descriptor_is_data_package_v2_with_hashes():
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"].endswith("/2.0/datapackage.json")
    for key in ("name", "title", "description", "version", "created", "licenses", "contributors", "sources"):
        assert descriptor[key], key
    for resource in descriptor["resources"]:
        assert resource["type"] == "table"
        assert resource["hash"].startswith("sha256:") and isinstance(resource["bytes"], int)
        assert resource["schema"] == f"schemas/{resource['name']}.schema.json"


def test_frictionless_itself_finds_the_package_valid(monkeypatch):
    import frictionless

    monkeypatch.chdir(ROOT)
    report = frictionless.validate("datapackage.json")
    assert report.valid, report.flatten(["type", "note"])


@pytest.mark.parametrize(
    ("heading", "table", "field"),
    [("### certainty", "statuses", "certainty"), ("### stance", "proposal_positions", "stance"), ("### status", "statuses", "status")],
)
def test_readme_explains_exactly_the_schema_values(package, heading, table, field):
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(heading, 1)[1].split("\n#", 1)[0]
    explained = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert explained == package.resource(table).field(field)["constraints"]["enum"]


FACT_TABLES = ["actors", "meetings", "meeting_participants", "proposals", "proposal_positions", "meeting_topics", "statuses", "framings"]


@pytest.mark.parametrize("table", FACT_TABLES)
def test_every_fact_table_says_whether_each_row_is_stated_or_inferred(package, table):
    resource = package.resource(table)
    assert resource.field("basis")["constraints"] == {"enum": ["stated", "inferred"], "required": True}
    assert resource.field("basis_note")["peacetalks"] == {"requiredWhen": {"basis": "inferred"}}
    for row in csv_rows(table):
        assert bool(row["basis_note"]) == (row["basis"] == "inferred"), (table, row["basis"], row["basis_note"][:60])


def test_every_status_value_is_defined_with_an_example_in_the_schema(package):
    field = package.resource("statuses").field("status")
    for value in field["constraints"]["enum"]:
        assert re.search(rf"`{value}` \([^)]*“", field["description"]), value


def test_no_status_of_the_overall_deal_claims_more_than_its_quote():
    deal = {row["status_id"]: row for row in csv_rows("statuses") if row["proposal_id"] == "peace_deal"}
    assert {row["status"] for row in deal.values()} == {"close", "closer", "broadly_agreed", "unresolved"}
    assert deal["deal_closer_than_ever"]["status"] == "closer"  # "closer now than we've ever been": movement, not nearness
    assert deal["deal_broad_agreement_90_percent"]["status"] == "broadly_agreed"
    (flexibility,) = [row for row in csv_rows("statuses") if row["proposal_id"] == "russian_demands"]
    assert flexibility["status"] == "little_flexibility"


def test_outside_knowledge_is_background_not_description():
    actors = {row["actor_id"]: row for row in csv_rows("actors")}
    assert actors["britain"]["background"] == "The United Kingdom."
    assert "North Atlantic" in actors["nato"]["background"]
    assert not any("United Kingdom" in row["description"] or "North Atlantic" in row["description"] for row in actors.values())
