"""What each command makes of a PATH that is not a package folder: a CSV file alone, a
descriptor file, an empty folder. Through click's CliRunner: exit code and output."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from conftest import ROOT
from peacetalks.cli import main

PACKAGE_NEEDS = (
    "a package is a folder with a datapackage.json (or datapackage.yaml) that lists its tables as `resources`, "
    "each with a `path` to its CSV file and a `schema`; to check one CSV file alone: `peacetalks validate some.csv`"
)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_validate_a_csv_alone_reads_it_with_an_inferred_schema():
    result = run("validate", str(ROOT / "data/actors.csv"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [
        "note: actors.csv: resource 'actors' has no schema: read with every column as text, "
        "so only the table's structure is checked [schema-inferred]",
        f"valid: {ROOT / 'data/actors.csv'} (1 table, 33 rows)",
    ]


def test_validate_a_broken_csv_alone_names_line_and_rule(tmp_path):
    table = tmp_path / "My Table.csv"
    table.write_text("name,count\nkyiv,1\nberlin\nparis,2\n", encoding="utf-8")
    result = run("validate", str(table), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(p["file"], p["line"], p["rule"]) for p in report["problems"]] == [("My Table.csv", 3, "ragged-row")]
    assert [(n["file"], n["rule"]) for n in report["notes"]] == [("My Table.csv", "schema-inferred")]
    assert report["checked"].startswith(f"{table} (1 table, ")


def test_validate_a_yaml_descriptor_by_its_path(package_dir):
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    (package_dir / "datapackage.json").unlink()
    (package_dir / "datapackage.yaml").write_text(yaml.safe_dump(descriptor, allow_unicode=True), encoding="utf-8")
    result = run("validate", str(package_dir / "datapackage.yaml"), "--frictionless", "off")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("(9 tables, 123 rows)\n")


def test_validate_an_empty_folder_is_told_what_a_package_needs(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert f"  file: [file-missing] no datapackage.json at {tmp_path}\n      {PACKAGE_NEEDS}\n" in result.output
    assert "Traceback" not in result.output


def test_info_on_a_missing_package_says_it_is_missing(tmp_path):
    result = run("info", str(tmp_path))
    assert (result.exit_code, result.output) == (
        1,
        f"datapackage.json: [file-missing] no datapackage.json at {tmp_path}\n  {PACKAGE_NEEDS}\n",
    )


def test_commands_other_than_validate_refuse_a_table_and_say_how_to_check_it(tmp_path):
    table = tmp_path / "actors.csv"
    table.write_text("id\na\n", encoding="utf-8")
    for command in (["info"], ["hash"], ["export", "--to", "json", str(tmp_path / "out.json")]):
        result = run(*command, str(table))
        assert (result.exit_code, result.output) == (
            1,
            f"{table}: [file-missing] this is a table, not a package: give the datapackage.json that describes it, "
            f"or the folder that holds it\n  `peacetalks validate {table}` checks the table alone, every column read as text\n",
        ), command
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actors.csv"]


def test_a_csv_below_the_current_folder_is_named_as_given(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/t.csv").write_text("id,n\na,1\nb\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("validate", "sub/t.csv", "--format", "json")
    assert result.exit_code == 1
    assert [(p["file"], p["line"], p["rule"]) for p in json.loads(result.stdout)["problems"]] == [("sub/t.csv", 3, "ragged-row")]
