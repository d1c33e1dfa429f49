"""`peacetalks info`: title, version, sources and row counts."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import ROOT
from csv_expectations import expected_tables
from peacetalks.cli import main
from peacetalks.docs.show_info import info_lines
from peacetalks.model.read_package import read_package


def test_info_shows_title_version_source_and_every_row_count():
    result = CliRunner().invoke(main, ["info", str(ROOT)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Peace talks on the war in Ukraine")
    assert any(line.startswith("version  0.1.0") for line in lines)
    assert any(line.startswith("source   [Peace talks") for line in lines)
    tables = expected_tables()
    for name, rows in tables.items():
        assert any(line.split()[:2] == [name, str(len(rows))] for line in lines), name
    assert lines[-1].split()[:2] == ["total", str(sum(len(rows) for rows in tables.values()))]


def test_info_wraps_to_the_width_it_is_given():
    package, problems = read_package(ROOT)
    assert not problems
    assert all(len(line) <= 70 for line in info_lines(package, width=70))


def test_info_on_a_folder_without_a_package_fails_cleanly(tmp_path):
    result = CliRunner().invoke(main, ["info", str(tmp_path)])
    assert result.exit_code == 1
    assert "file-missing" in result.output
    assert "Traceback" not in result.output
