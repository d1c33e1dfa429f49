"""The cell checks of check_cells.py as the batch path uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from package_edits import same_slip_in_three_batches


def test_a_cell_problem_is_reported_in_every_batch_that_holds_it(package_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large table is checked a batch at a time: a failing cell must be reported on every row
    holding it, in every batch, and nothing else."""
    lines, found = same_slip_in_three_batches(package_dir, monkeypatch, "role", "=HYPERLINK(1)")
    assert found == [("formula", "data/actors.csv", line, "role", "=HYPERLINK(1)") for line in lines]
