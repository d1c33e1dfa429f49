"""Valid CSV that looks unusual must pass: CRLF line endings (under the standard), quoted newlines,
non-ASCII text, a header-only table nothing points at, a big file, and the
documented escape for text that starts like a formula. Line numbers after a
multi-line cell must still be the editor's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_package, line_of, rehash
from package_edits import edit_json, field_of, rows_of, run_cli, set_cell, write_rows
from peacetalks.cli import main


def assert_valid(root: Path, *args: str) -> None:
    code, report, output = run_cli(root, *args)
    assert code == 0, output
    assert report["valid"] is True and report["problems"] == []


def assert_only_line_ends(root: Path, files: list[str]) -> None:
    """Valid under the standard; under the house profile (which wants LF), one `line-ends` a file."""
    assert_valid(root, "--profile", "standard")
    code, report, output = run_cli(root)
    assert code == 1
    assert sorted((p["rule"], p["file"], p["line"]) for p in report["problems"]) == [("line-ends", f, 1) for f in sorted(files)], output


def test_crlf_line_endings(package_dir: Path) -> None:
    for path in (package_dir / "data").glob("*.csv"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    rehash(package_dir)
    assert_only_line_ends(package_dir, [f"data/{p.name}" for p in (package_dir / "data").glob("*.csv")])


def test_crlf_without_final_newline(package_dir: Path) -> None:
    path = package_dir / "data/actors.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n"))
    rehash(package_dir)
    assert_only_line_ends(package_dir, ["data/actors.csv"])


def test_quoted_newlines_in_cells(package_dir: Path) -> None:
    set_cell(package_dir / "data/actors.csv", "ukraine", "description", "Not a NATO member.\nInvaded by Russia in 2022.")
    set_cell(package_dir / "data/meetings.csv", "berlin_talks", "description", "Two days of talks.\r\n\r\nIn Berlin.")
    rehash(package_dir)
    assert_valid(package_dir)


def test_line_numbers_after_a_multi_line_cell(package_dir: Path) -> None:
    path = package_dir / "data/actors.csv"
    first = rows_of(path)[1][0]
    set_cell(path, first, "description", "one\ntwo\nthree")  # the record now spans three editor lines
    last = rows_of(path)[-1][0]
    set_cell(path, last, "actor_type", "country")
    rehash(package_dir)
    expected_line = line_of(path, last + ",")
    assert expected_line == len(rows_of(path)) + 2  # two extra lines from the multi-line cell
    code, report, output = run_cli(package_dir)
    assert code == 1
    enum = [p for p in report["problems"] if p["rule"] == "enum"]
    assert [(p["file"], p["line"], p["column"]) for p in enum] == [("data/actors.csv", expected_line, "actor_type")], output


def test_line_numbers_after_a_multi_line_cell_in_frictionless_too(package_dir: Path) -> None:
    # frictionless runs as a second opinion: its findings must use editor lines as well
    path = package_dir / "data/statuses.csv"
    first = rows_of(path)[1][0]
    set_cell(path, first, "description", "a\nb")
    last = rows_of(path)[-1][0]
    set_cell(path, last, "certainty", "sure")
    rehash(package_dir)
    code, report, _ = run_cli(package_dir, "--frictionless", "full")
    assert code == 1
    lines = {p["line"] for p in report["problems"] if p["file"] == "data/statuses.csv"}
    assert lines == {line_of(path, last + ",")}


def test_non_ascii_text(package_dir: Path) -> None:
    set_cell(package_dir / "data/actors.csv", "volodymyr_zelensky", "aliases", "Володимир Зеленський | Wołodymyr Zełenski")
    set_cell(package_dir / "data/actors.csv", "ukraine", "description", "Україна — not a NATO member; 乌克兰; 🇺🇦; “quoted”.")
    rehash(package_dir)
    assert_valid(package_dir)


def test_non_ascii_folder_name(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "Friedensgespräche – Київ")
    assert_valid(root)


def test_header_only_leaf_table(package_dir: Path) -> None:
    path = package_dir / "data/framings.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")
    rehash(package_dir)
    assert_valid(package_dir)


def test_formula_prefix_escape_is_a_schema_opt_in(package_dir: Path) -> None:
    set_cell(package_dir / "data/actors.csv", "ukraine", "description", "-- the article gives no more")
    schema = package_dir / "schemas/actors.schema.json"
    edit_json(schema, lambda s: field_of(s, "description").setdefault("peacetalks", {}).update(allowFormulaPrefix=True))
    rehash(package_dir)
    assert_valid(package_dir)


def test_opt_in_is_per_field(package_dir: Path) -> None:
    line = set_cell(package_dir / "data/actors.csv", "ukraine", "role", "=1+1")
    schema = package_dir / "schemas/actors.schema.json"
    edit_json(schema, lambda s: field_of(s, "description").setdefault("peacetalks", {}).update(allowFormulaPrefix=True))
    rehash(package_dir)
    code, report, _ = run_cli(package_dir)
    assert code == 1
    assert [(p["rule"], p["line"], p["column"]) for p in report["problems"]] == [("formula", line, "role")]


def test_negative_number_is_not_a_formula(package_dir: Path) -> None:
    # Only text cells are checked: "-" before digits in a number column is a number.
    schema = package_dir / "schemas/statuses.schema.json"
    edit_json(schema, lambda s: field_of(s, "value")["constraints"].pop("minimum", None))
    path = package_dir / "data/statuses.csv"
    rows = rows_of(path)
    at = rows[0].index("value")
    row = next(r for r in rows[1:] if r[at])
    row[at] = "-" + row[at]
    write_rows(path, rows)
    rehash(package_dir)
    assert_valid(package_dir)


def test_big_file(package_dir: Path) -> None:
    """About 60,000 rows (over 20 MB): read, checked and reported valid in a few seconds."""
    path = package_dir / "data/framings.csv"
    rows = rows_of(path)
    header, template = rows[0], rows[1]
    at = header.index("framing_id")
    extra = []
    for number in range(60_000):
        row = list(template)
        row[at] = f"{template[at]}_{number}"
        extra.append(row)
    write_rows(path, [header, *rows[1:], *extra])
    rehash(package_dir)
    assert path.stat().st_size > 20_000_000
    assert_valid(package_dir)


@pytest.mark.parametrize("target", ["folder", "descriptor"])
def test_path_may_be_the_folder_or_the_descriptor(package_dir: Path, target: str) -> None:
    path = package_dir if target == "folder" else package_dir / "datapackage.json"
    result = CliRunner().invoke(main, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["valid"] is True


def test_real_package_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    assert_valid(root)
