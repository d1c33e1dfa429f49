"""The single-table checks of check_data.py as the batch path uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

import peacetalks.read_tables
from conftest import rehash
from test_broken_packages import rows_of, run_cli, set_cell


def same_slip_in_three_batches(package_dir: Path, monkeypatch: pytest.MonkeyPatch, column: str, value: str) -> tuple[list, list]:
    """Put `value` into `column` of the first, middle and last row of actors.csv, checked in about
    ten batches; return the rows' lines and the report's (rule, file, line, column, value)."""
    monkeypatch.setattr(peacetalks.read_tables, "BATCH_BYTES", 1_024)
    path = package_dir / "data/actors.csv"
    ids = [row[0] for row in rows_of(path)[1:]]
    lines = [set_cell(path, actor, column, value) for actor in (ids[0], ids[len(ids) // 2], ids[-1])]
    rehash(package_dir)
    code, report, output = run_cli(package_dir, "--frictionless", "off")
    assert code == 1, output
    return lines, [(p["rule"], p["file"], p["line"], p["column"], p["value"]) for p in report["problems"]]


def test_a_bad_value_is_reported_in_every_batch_that_holds_it(package_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large table is checked a batch at a time: a failing value must be reported on every row
    that holds it, in every batch, and nothing else."""
    lines, found = same_slip_in_three_batches(package_dir, monkeypatch, "actor_type", "country")
    assert found == [("enum", "data/actors.csv", line, "actor_type", "country") for line in lines]
