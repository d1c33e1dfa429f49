"""`peacetalks export`, `docs`, `graph` and `info` as a user meets them: exit codes and messages."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT, one_table_package
from peacetalks.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(("target", "name"), [("sqlite", "out.db"), ("xlsx", "out.xlsx"), ("json", "out.json"), ("parquet", "out")])
def test_export_writes_and_reports(tmp_path, target, name):
    result = run("export", "--to", target, "--package", str(ROOT), str(tmp_path / name))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {tmp_path / name}")
    assert "(9 tables," in result.output
    assert (tmp_path / name).exists()


def test_export_refuses_an_existing_output_and_keeps_it(tmp_path):
    output = tmp_path / "mine.db"
    output.write_text("my own notes", encoding="utf-8")
    result = run("export", "--to", "sqlite", "--package", str(ROOT), str(output))
    assert result.exit_code == 2
    assert "mine.db already exists; pass --force to replace it" in result.stderr
    assert output.read_text(encoding="utf-8") == "my own notes"
    assert not (tmp_path / "mine.metadata.json").exists()


def test_export_refuses_to_overwrite_the_datasette_metadata(tmp_path):
    (tmp_path / "out.metadata.json").write_text("{}", encoding="utf-8")
    result = run("export", "--to", "sqlite", "--package", str(ROOT), str(tmp_path / "out.db"))
    assert result.exit_code == 2 and "out.metadata.json already exists" in result.stderr
    assert not (tmp_path / "out.db").exists()


def test_export_force_replaces(tmp_path):
    output = tmp_path / "out.db"
    output.write_text("old", encoding="utf-8")
    result = run("export", "--to", "sqlite", "--package", str(ROOT), "--force", str(output))
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(output).execute("SELECT count(*) FROM actors").fetchone()[0] > 0


def test_export_never_replaces_a_folder_with_a_file(tmp_path):
    result = run("export", "--to", "json", "--package", str(ROOT), "--force", str(tmp_path))
    assert result.exit_code == 2 and "is a folder" in result.stderr


def test_parquet_export_refuses_a_file_as_folder(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run("export", "--to", "parquet", "--package", str(ROOT), "--force", str(tmp_path / "file"))
    assert result.exit_code == 2 and "is not a folder" in result.stderr


def test_export_needs_a_format(tmp_path):
    result = run("export", str(tmp_path / "x.db"))
    assert result.exit_code == 2 and "Missing option '--to'" in result.stderr


def test_export_of_a_broken_package_explains_without_traceback(tmp_path):
    result = run("export", "--to", "json", "--package", str(tmp_path), str(tmp_path / "x.json"))
    assert result.exit_code == 1
    assert "file-missing" in result.stderr and "peacetalks validate" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("command", ["export", "docs", "graph", "info"])
def test_every_option_has_help(command):
    for param in main.commands[command].params:
        if isinstance(param, click.Option):
            assert param.help, (command, param.name)
    assert main.commands[command].help


def test_python_m_peacetalks_lists_the_commands():
    result = subprocess.run([sys.executable, "-m", "peacetalks", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    for command in ("export", "docs", "graph", "info", "validate"):
        assert f"  {command}" in result.stdout


def test_parquet_export_into_an_empty_folder_needs_no_force(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("export", "--to", "parquet", "--package", str(ROOT), str(tmp_path / "empty"))
    assert result.exit_code == 0, result.output
    again = run("export", "--to", "parquet", "--package", str(ROOT), str(tmp_path / "empty"))
    assert again.exit_code == 2 and "already exists; pass --force" in again.stderr


@pytest.mark.parametrize(("target", "name"), [("sqlite", "out.db"), ("xlsx", "out.xlsx"), ("json", "out.json"), ("parquet", "out")])
def test_a_date_enum_in_a_declared_format_loads_and_exports(tmp_path, target, name):
    # found by a review: validate passed, but load() and every export compared dates with the enum's text
    fields = [
        {"name": "id", "type": "integer", "description": "Row."},
        {"name": "day", "type": "date", "format": "%d/%m/%Y", "description": "A day.", "constraints": {"enum": ["02/01/2025"]}},
    ]
    package = one_table_package(tmp_path / "package", fields, "id,day\n1,02/01/2025\n")
    assert run("validate", str(package)).exit_code == 0
    result = run("export", "--to", target, "--package", str(package), str(tmp_path / name))
    assert result.exit_code == 0, result.output
    if target == "sqlite":
        with sqlite3.connect(tmp_path / name) as connection:
            assert connection.execute("SELECT day FROM t").fetchall() == [("2025-01-02",)]
