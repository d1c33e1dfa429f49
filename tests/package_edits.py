"""What the tests share for breaking a copy of the package: editing its files, running the
validator as a user does, and the one-mutation cases that several test modules use."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import in_batches, line_of, rehash
from peacetalks.cli import main

# --- helpers -----------------------------------------------------------------


def run_cli(root: Path, *args: str) -> tuple[int, dict, str]:
    """Run `peacetalks validate ROOT --format json`; return exit code, the JSON report and all output."""
    result = CliRunner().invoke(main, ["validate", str(root), "--format", "json", *args])
    output = result.output
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, json.loads(result.stdout), output


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def set_cell(path: Path, row_id: str, column: str, value: str) -> int:
    """Set one cell of the row whose first cell is `row_id`; returns that row's editor line."""
    rows = rows_of(path)
    at = rows[0].index(column)
    for number, row in enumerate(rows):
        if row[0] == row_id:
            row[at] = value
            write_rows(path, rows)
            return line_of(path, row_id + ",") if number else 1
    raise AssertionError(f"no row {row_id!r} in {path}")


def edit_json(path: Path, change: Callable[[dict], None]) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def field_of(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def resource_of(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def nth_line_of(path: Path, needle: str, occurrence: int) -> int:
    lines = [n for n, text in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1) if needle in text]
    return lines[occurrence - 1]


@dataclass
class Expect:
    rule: str
    file: str
    line: int | None
    column: str | None = None
    hint: str | None = None  # a fragment the hint must contain
    message: str | None = None  # a fragment the message must contain


def assert_reported(root: Path, expected: Expect, *args: str) -> list[dict]:
    code, report, output = run_cli(root, *args)
    assert code == 1, output
    assert report["valid"] is False
    assert report["problem_count"] == len(report["problems"])
    matches = [
        p
        for p in report["problems"]
        if p["rule"] == expected.rule
        and p["file"] == expected.file
        and p["line"] == expected.line
        and (expected.column is None or p["column"] == expected.column)
    ]
    assert matches, f"expected {expected}, got:\n" + "\n".join(
        f"  {p['file']}:{p['line']} {p['column']} [{p['rule']}] {p['message']}" for p in report["problems"]
    )
    if expected.hint:
        assert any(expected.hint in (p["hint"] or "") for p in matches), matches
    if expected.message:
        assert any(expected.message in p["message"] for p in matches), matches
    assert not any(p["rule"] == "internal-error" for p in report["problems"]), report["problems"]
    return matches


# --- the corpus ----------------------------------------------------------------
# Each case mutates `root` once and returns what the validator must report.

CASES: dict[str, Callable[[Path], Expect]] = {}


def case(function: Callable[[Path], Expect]) -> Callable[[Path], Expect]:
    CASES[function.__name__] = function
    return function



@case
def ragged_row(root: Path) -> Expect:
    path = root / "data/proposals.csv"
    line = line_of(path, "security_guarantees,")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] += ",an extra cell"
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    rehash(root)
    return Expect("ragged-row", "data/proposals.csv", line)


def same_slip_in_three_batches(package_dir: Path, monkeypatch: pytest.MonkeyPatch, column: str, value: str) -> tuple[list, list]:
    """Put `value` into `column` of the first, middle and last row of actors.csv, checked in about
    ten batches; return the rows' lines and the report's (rule, file, line, column, value)."""
    in_batches(monkeypatch, 1_024)
    path = package_dir / "data/actors.csv"
    ids = [row[0] for row in rows_of(path)[1:]]
    lines = [set_cell(path, actor, column, value) for actor in (ids[0], ids[len(ids) // 2], ids[-1])]
    rehash(package_dir)
    code, report, output = run_cli(package_dir, "--frictionless", "off")
    assert code == 1, output
    return lines, [(p["rule"], p["file"], p["line"], p["column"], p["value"]) for p in report["problems"]]
