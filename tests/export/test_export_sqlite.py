"""The SQLite export, read back with the standard library's sqlite3."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import rehash
from csv_expectations import ROOT, expected_tables, schemas
from package_edits import edit_json, field_of
from peacetalks.export.export_sqlite import create_table_sql, export_sqlite, metadata_path
from peacetalks.export.prepare_export import read_for_export
from peacetalks.model.read_package import Resource


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("sqlite") / "peacetalks.db"
    export_sqlite(read_for_export(ROOT), output)
    return output


@pytest.fixture
def db(exported: Path):
    connection = sqlite3.connect(exported)
    yield connection
    connection.close()


def test_every_row_matches_the_csv(db):
    for name, rows in expected_tables().items():
        cursor = db.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
        columns = [c[0] for c in cursor.description]
        assert columns == list(rows[0]), name
        got = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        fields = {f["name"]: f for f in schemas()[name]["fields"]}
        for want, have in zip(rows, got, strict=True):
            for column, value in want.items():
                kind = fields[column].get("type", "string")
                if kind == "boolean" and value is not None:
                    value = int(value)
                if kind == "date" and value is not None:
                    value = value.isoformat()
                assert have[column] == value, (name, column, want)
        assert len(got) == len(rows), name


def test_database_is_sound_and_keys_hold(db):
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_keys_and_not_null_come_from_the_schemas(db):
    for name, schema in schemas().items():
        info = {row[1]: row for row in db.execute(f'PRAGMA table_info("{name}")')}
        primary = [column for column, row in sorted(info.items(), key=lambda item: item[1][5]) if row[5]]
        assert primary == schema.get("primaryKey", []), name
        for field in schema["fields"]:
            required = field.get("constraints", {}).get("required", False) or field["name"] in schema.get("primaryKey", [])
            assert bool(info[field["name"]][3]) == required, (name, field["name"])
        declared = sorted(
            (tuple(fk["fields"]), fk["reference"].get("resource") or name, tuple(fk["reference"]["fields"]))
            for fk in schema.get("foreignKeys", [])
        )
        found: dict[int, list] = {}
        for row in db.execute(f'PRAGMA foreign_key_list("{name}")'):
            found.setdefault(row[0], []).append(row)
        actual = sorted((tuple(r[3] for r in rows), rows[0][2], tuple(r[4] for r in rows)) for rows in found.values())
        assert actual == declared, name


def test_foreign_keys_are_indexed(db):
    for name, schema in schemas().items():
        indexed = set()
        for index in db.execute(f'PRAGMA index_list("{name}")'):
            columns = tuple(row[2] for row in db.execute(f'PRAGMA index_info("{index[1]}")'))
            indexed.add(columns)
        for fk in schema.get("foreignKeys", []):
            fields = tuple(fk["fields"])
            assert any(columns[: len(fields)] == fields for columns in indexed), (name, fields)


def test_enum_check_rejects_a_value_outside_the_list(db):
    db.execute("PRAGMA foreign_keys = OFF")
    row = db.execute("SELECT * FROM proposal_positions LIMIT 1").fetchone()
    columns = [c[1] for c in db.execute("PRAGMA table_info(proposal_positions)")]
    changed = dict(zip(columns, row, strict=True), stance="loves", actor_id="someone_else")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        db.execute(f"INSERT INTO proposal_positions VALUES ({', '.join('?' for _ in columns)})", list(changed.values()))


def test_foreign_keys_are_enforced_when_switched_on(db):
    db.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute("UPDATE actors SET affiliated_with = 'nobody' WHERE actor_id = 'donald_trump'")


def test_descriptions_are_in_the_metadata_tables_and_the_schema_sql(db):
    stance = schemas()["proposal_positions"]["fields"][2]
    got = db.execute(
        "SELECT description, allowed_values FROM _package_columns WHERE table_name = 'proposal_positions' AND column_name = 'stance'"
    ).fetchone()
    assert got == (stance["description"], " | ".join(stance["constraints"]["enum"]))
    tables = dict(db.execute("SELECT table_name, row_count FROM _package_tables"))
    assert tables == {name: len(rows) for name, rows in expected_tables().items()}
    package = dict(db.execute("SELECT key, value FROM _package"))
    assert package["title"].startswith("Peace talks")
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'proposal_positions'").fetchone()[0]
    assert "-- The actor's stance: `proposes`" in sql


def test_datasette_metadata_beside_the_database(exported):
    metadata = json.loads(metadata_path(exported).read_text(encoding="utf-8"))
    assert metadata_path(exported).name == "peacetalks.metadata.json"
    assert metadata["license"] == "CC-BY-4.0"
    assert metadata["source"].startswith("[Peace talks")
    tables = metadata["databases"]["peacetalks"]["tables"]
    assert tables["actors"]["title"] == "Actors"
    assert tables["actors"]["columns"]["actor_id"].startswith("Stable identifier")
    assert tables["_package_columns"] == {"hidden": True}


def without_code_marks(markdown: str) -> str:
    """The text of a description whose only Markdown is `code`, as a reader sees it rendered."""
    return re.sub(r"`([^`]*)`", lambda match: match.group(1).strip(), markdown)


def test_datasette_descriptions_are_plain_text(exported):
    tables = json.loads(metadata_path(exported).read_text(encoding="utf-8"))["databases"]["peacetalks"]["tables"]
    marked = 0
    for name, schema in schemas().items():
        for field in schema["fields"]:
            if "`" in field.get("description", ""):
                marked += 1
                assert tables[name]["columns"][field["name"]] == without_code_marks(field["description"]), (name, field["name"])
        assert "description_html" not in tables[name], name  # no table description has formatting
    assert marked > 30


def test_markdown_in_a_description_gives_datasette_text_and_html(package_dir, tmp_path):
    def change(descriptor):
        actors = next(r for r in descriptor["resources"] if r["name"] == "actors")
        actors["description"] = "Every **person** the article names; ids as in [Wikidata](https://www.wikidata.org/)."

    edit_json(package_dir / "datapackage.json", change)
    edit_json(
        package_dir / "schemas" / "actors.schema.json",
        lambda schema: field_of(schema, "wikidata_id").update(description="Item id, _where_ confirmed (<https://www.wikidata.org/>)."),
    )
    rehash(package_dir)
    output = tmp_path / "edited.db"
    export_sqlite(read_for_export(package_dir), output)
    tables = json.loads(metadata_path(output).read_text(encoding="utf-8"))["databases"]["edited"]["tables"]
    assert tables["actors"]["description"] == "Every person the article names; ids as in Wikidata (https://www.wikidata.org/)."
    assert tables["actors"]["description_html"] == (
        '<p>Every <strong>person</strong> the article names; ids as in <a href="https://www.wikidata.org/">Wikidata</a>.</p>'
    )
    assert tables["actors"]["columns"]["wikidata_id"] == "Item id, where confirmed (https://www.wikidata.org/)."
    assert "description_html" not in tables["meetings"]


def test_second_export_is_byte_identical(exported, tmp_path):
    again = tmp_path / "peacetalks.db"
    export_sqlite(read_for_export(ROOT), again)
    assert again.read_bytes() == exported.read_bytes()
    assert metadata_path(again).read_bytes() == metadata_path(exported).read_bytes()


def test_composite_and_self_referencing_keys():
    parent = Resource(
        "parts",
        "parts.csv",
        {"fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "integer"}], "primaryKey": ["a", "b"]},
        "",
        {},
    )
    child = Resource(
        "links",
        "links.csv",
        {
            "fields": [
                {"name": "id", "type": "string"},
                {"name": "a", "type": "string"},
                {"name": "b", "type": "integer"},
                {"name": "parent_id", "type": "string"},
                {"name": "ok", "type": "boolean"},
            ],
            "primaryKey": "id",
            "foreignKeys": [
                {"fields": ["a", "b"], "reference": {"resource": "parts", "fields": ["a", "b"]}},
                {"fields": "parent_id", "reference": {"resource": "", "fields": "id"}},
            ],
        },
        "",
        {},
    )
    db = sqlite3.connect(":memory:")
    db.execute(create_table_sql(parent))
    db.execute(create_table_sql(child))
    db.execute("INSERT INTO parts VALUES ('x', 1)")
    db.execute("INSERT INTO links VALUES ('one', 'x', 1, NULL, 1)")
    db.execute("INSERT INTO links VALUES ('two', 'x', 2, 'one', 0)")
    db.execute("INSERT INTO links VALUES ('three', 'x', 1, 'none', 0)")
    broken = db.execute("PRAGMA foreign_key_check(links)").fetchall()
    assert sorted((row[1], row[2]) for row in broken) == [(2, "parts"), (3, "links")]
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute("INSERT INTO links VALUES ('four', 'x', 1, NULL, 2)")
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
        db.execute("INSERT INTO links VALUES (NULL, 'x', 1, NULL, 1)")


def test_the_readme_query_returns_what_the_readme_says(db):
    """The README's SQLite example, read from the README itself, gives the two actors it names."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [query] = re.findall(r'"(SELECT a\.name, p\.stance FROM proposal_positions [^"]+)"', readme)
    assert set(db.execute(query).fetchall()) == {("United States", "proposes"), ("Ukraine", "beneficiary")}
