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
    result = run("export", "--to", target, str(tmp_path / name), str(ROOT))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {tmp_path / name}")
    assert "(9 tables," in result.output
    assert (tmp_path / name).exists()


def test_export_refuses_an_existing_output_and_keeps_it(tmp_path):
    output = tmp_path / "mine.db"
    output.write_text("my own notes", encoding="utf-8")
    result = run("export", "--to", "sqlite", str(output), str(ROOT))
    assert result.exit_code == 2
    assert "mine.db already exists; pass --force to replace it" in result.stderr
    assert output.read_text(encoding="utf-8") == "my own notes"
    assert not (tmp_path / "mine.metadata.json").exists()


def test_export_refuses_to_overwrite_the_datasette_metadata(tmp_path):
    (tmp_path / "out.metadata.json").write_text("{}", encoding="utf-8")
    result = run("export", "--to", "sqlite", str(tmp_path / "out.db"), str(ROOT))
    assert result.exit_code == 2 and "out.metadata.json already exists" in result.stderr
    assert not (tmp_path / "out.db").exists()


def test_export_force_replaces(tmp_path):
    output = tmp_path / "out.db"
    output.write_text("old", encoding="utf-8")
    result = run("export", "--to", "sqlite", "--force", str(output), str(ROOT))
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(output).execute("SELECT count(*) FROM actors").fetchone()[0] > 0


def test_export_never_replaces_a_folder_with_a_file(tmp_path):
    result = run("export", "--to", "json", "--force", str(tmp_path), str(ROOT))
    assert result.exit_code == 2 and "is a folder" in result.stderr


def test_parquet_export_refuses_a_file_as_folder(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run("export", "--to", "parquet", "--force", str(tmp_path / "file"), str(ROOT))
    assert result.exit_code == 2 and "is not a folder" in result.stderr


def test_export_reads_the_package_in_the_current_folder_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("export", "--to", "json", str(tmp_path / "out.json"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {tmp_path / 'out.json'} (9 tables,")


def test_export_still_takes_the_package_as_deprecated_option(tmp_path):
    result = run("export", "--to", "json", "--package", str(ROOT), str(tmp_path / "out.json"))
    assert result.exit_code == 0, result.output
    assert result.stderr == "note: --package is deprecated; give the package as PATH, after OUTPUT\n"
    assert result.stdout.startswith(f"wrote {tmp_path / 'out.json'} (9 tables,")
    assert "--package" not in run("export", "--help").output


def test_export_refuses_the_package_given_twice(tmp_path):
    result = run("export", "--to", "json", "--package", str(ROOT), str(tmp_path / "out.json"), str(ROOT))
    assert result.exit_code == 2
    assert "give the package once, as PATH" in result.stderr
    assert not (tmp_path / "out.json").exists()


def test_export_needs_a_format(tmp_path):
    result = run("export", str(tmp_path / "x.db"))
    assert result.exit_code == 2 and "Missing option '--to'" in result.stderr


def test_export_of_a_broken_package_explains_without_traceback(tmp_path):
    result = run("export", "--to", "json", str(tmp_path / "x.json"), str(tmp_path))
    assert result.exit_code == 1
    assert "file-missing" in result.stderr and "peacetalks validate" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("command", sorted(main.commands))
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
    result = run("export", "--to", "parquet", str(tmp_path / "empty"), str(ROOT))
    assert result.exit_code == 0, result.output
    again = run("export", "--to", "parquet", str(tmp_path / "empty"), str(ROOT))
    assert again.exit_code == 2 and "already exists; pass --force" in again.stderr


@pytest.mark.parametrize(("target", "name"), [("sqlite", "out.db"), ("xlsx", "out.xlsx"), ("json", "out.json"), ("parquet", "out")])
def test_a_date_enum_in_a_declared_format_loads_and_exports(tmp_path, target, name):
    # load() and every export compare dates with the enum read as dates, as validate does, not with its text
    fields = [
        {"name": "id", "type": "integer", "description": "Row."},
        {"name": "day", "type": "date", "format": "%d/%m/%Y", "description": "A day.", "constraints": {"enum": ["02/01/2025"]}},
    ]
    package = one_table_package(tmp_path / "package", fields, "id,day\n1,02/01/2025\n")
    assert run("validate", str(package)).exit_code == 0
    result = run("export", "--to", target, str(tmp_path / name), str(package))
    assert result.exit_code == 0, result.output
    if target == "sqlite":
        with sqlite3.connect(tmp_path / name) as connection:
            assert connection.execute("SELECT day FROM t").fetchall() == [("2025-01-02",)]


def test_datetimes_with_fractions_of_a_second_are_written_to_one_width_and_sort_as_moments(tmp_path):
    # Written as `isoformat()`, 10:00:00Z sorted after 10:00:00.5Z as text, in SQLite and in JSON.
    import json

    fields = [
        {"name": "id", "type": "integer", "description": "Row."},
        {"name": "at", "type": "datetime", "description": "A moment."},
        {"name": "whole", "type": "datetime", "description": "A moment to the second."},
    ]
    rows = "id,at,whole\n1,2025-01-01T10:00:00.5Z,2025-01-01T10:00:00Z\n2,2025-01-01T10:00:00Z,2025-01-01T09:00:00Z\n"
    package = one_table_package(tmp_path / "package", fields, rows)
    for target, name in (("sqlite", "out.db"), ("json", "out.json")):
        result = run("export", "--to", target, str(tmp_path / name), str(package))
        assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "out.db") as connection:
        assert connection.execute("SELECT id, at, whole FROM t ORDER BY at").fetchall() == [
            (2, "2025-01-01T10:00:00.000000Z", "2025-01-01T09:00:00Z"),  # a column to the second stays so
            (1, "2025-01-01T10:00:00.500000Z", "2025-01-01T10:00:00Z"),
        ]
    records = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["tables"]["t"]
    assert [(r["at"], r["whole"]) for r in records] == [
        ("2025-01-01T10:00:00.500000Z", "2025-01-01T10:00:00Z"),
        ("2025-01-01T10:00:00.000000Z", "2025-01-01T09:00:00Z"),
    ]


def test_a_datetime_enum_with_a_fraction_is_checked_in_sqlite_at_the_column_s_width(tmp_path):
    fields = [
        {"name": "id", "type": "integer", "description": "Row."},
        {
            "name": "at",
            "type": "datetime",
            "description": "A moment.",
            "constraints": {"enum": ["2025-01-01T10:00:00Z", "2025-01-01T10:00:00.5Z"]},
        },
    ]
    package = one_table_package(tmp_path / "package", fields, "id,at\n1,2025-01-01T10:00:00Z\n")
    assert run("export", "--to", "sqlite", str(tmp_path / "out.db"), str(package)).exit_code == 0
    with sqlite3.connect(tmp_path / "out.db") as connection:
        assert connection.execute("SELECT at FROM t").fetchall() == [("2025-01-01T10:00:00.000000Z",)]
        connection.execute("INSERT INTO t VALUES (2, '2025-01-01T10:00:00.500000Z')")  # allowed, at the same width
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("INSERT INTO t VALUES (3, '2025-01-01T10:00:00Z')")  # not the column's width
