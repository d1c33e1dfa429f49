"""The single-table checks of check_data.py as the batch path uses them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import peacetalks.checks.check_data
import peacetalks.read.read_tables
from conftest import ROOT, in_batches, rehash
from package_edits import rows_of, run_cli, same_slip_in_three_batches, set_cell
from peacetalks.checks.check_data import allowed_hint, check_table
from peacetalks.model.convert_types import encode
from peacetalks.model.read_package import Resource, read_package
from peacetalks.read.read_tables import RawTable


@pytest.mark.parametrize("by_value_min_rows", [0, peacetalks.checks.check_data.BY_VALUE_MIN_ROWS], ids=["by value", "row by row"])
def test_a_bad_value_is_reported_in_every_batch_that_holds_it(
    package_dir: Path, monkeypatch: pytest.MonkeyPatch, by_value_min_rows: int
) -> None:
    """A large table is checked a batch at a time: a failing value must be reported on every row
    that holds it, in every batch, and nothing else; whether the batch's value checks run on its
    distinct values or on its rows (`run_pandera`)."""
    monkeypatch.setattr(peacetalks.checks.check_data, "BY_VALUE_MIN_ROWS", by_value_min_rows)
    lines, found = same_slip_in_three_batches(package_dir, monkeypatch, "actor_type", "country")
    assert found == [("enum", "data/actors.csv", line, "actor_type", "country") for line in lines]


def actors_table(rows: int, slips: dict[tuple[int, str], str]) -> tuple[RawTable, Resource]:
    """A clean actors table of `rows` rows with distinct ids, then `slips` ({(line, column): value})."""
    package, problems = read_package(ROOT)
    assert package is not None, problems
    resource = next(r for r in package.resources if r.name == "actors")
    cells = {name: [""] * rows for name in resource.field_names}
    cells["actor_id"] = [f"actor_{i}" for i in range(rows)]
    cells["name"] = ["An actor"] * rows
    cells["actor_type"] = ["state", "person"] * (rows // 2)
    cells["affiliated_with"] = ["actor_1", "actor_2", ""] * (rows // 3)
    cells["basis"] = ["stated"] * rows
    cells["source_id"] = ["berlin_talks_article"] * rows
    cells["quote"] = ["peace talks"] * rows
    frame = pd.DataFrame(cells, index=pd.RangeIndex(2, rows + 2), dtype="str")
    for (line, column), value in slips.items():
        frame.loc[line, column] = value
    return RawTable("actors", "data/actors.csv", list(frame.columns), frame), resource


@pytest.mark.parametrize("keys", [False, True], ids=["batch", "whole table"])
def test_a_column_of_distinct_ids_is_checked_row_by_row_with_the_same_lines(keys: bool) -> None:
    """Ids barely repeat, so their value checks run on the rows themselves, not on distinct values
    (`run_pandera`): each slip comes back at its line, beside the slips of repeating columns."""
    slips = {(501, "actor_id"): "Bad-Id", (9_001, "actor_id"): "", (7_001, "actor_type"): "country"}
    slips[(11_001, "affiliated_with")] = "Bad"
    table, resource = actors_table(12_000, slips)
    assert encode(table.frame["actor_id"].astype("string"))[0] is None  # the row-by-row path
    assert encode(table.frame["affiliated_with"].astype("string"))[0] is not None  # by distinct value
    _, problems = check_table(table, resource, keys=keys)
    assert sorted((p.line, p.column, p.rule, p.value) for p in problems) == [
        (501, "actor_id", "pattern", "Bad-Id"),
        (7_001, "actor_type", "enum", "country"),
        (9_001, "actor_id", "required", ""),
        (11_001, "affiliated_with", "pattern", "Bad"),
    ]


def test_a_byte_that_is_not_utf8_in_a_later_batch_is_reported_at_its_line(package_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow no longer checks UTF-8 cell by cell (`text_only_options`): each batch's bytes are
    checked first, and a bad one sends the table to the whole-file reader, which names the line."""
    in_batches(monkeypatch, 1_024)
    path = package_dir / "data/actors.csv"
    ids = [row[0] for row in rows_of(path)[1:]]
    line = set_cell(path, ids[-1], "name", "Zelensk\u00e9")
    path.write_bytes(path.read_bytes().replace("Zelensk\u00e9".encode(), "Zelensk\u00e9".encode("cp1252")))
    assert path.stat().st_size > 3 * 1_024  # read in batches, and the slip is not in the first one
    rehash(package_dir)
    code, report, output = run_cli(package_dir, "--frictionless", "off")
    assert code == 1, output
    assert [(p["rule"], p["file"], p["line"]) for p in report["problems"]] == [("encoding", "data/actors.csv", line)]


def test_an_enum_hint_lists_a_few_values_and_says_where_the_rest_are() -> None:
    assert allowed_hint(["a", "b"], "schemas/t.schema.json") == "allowed: a, b"
    many = [f"v{i}" for i in range(20_000)]
    hint = allowed_hint(many, "schemas/t.schema.json")
    assert hint.startswith("allowed: v0, v1, ") and ", v29, and 19,970 more (the field's enum in schemas/t.schema.json)" in hint
    assert "v30," not in hint


# Python's `re` backtracks for hours on this value against `(a+)+`, with anything after it; pandas
# matches `(a+)+\s?` with Python's `re` (for its `\s`), not RE2.
STUCK = "a" * 40 + "!"


def pattern_package(root: Path, pattern: str, codes: list[str]) -> Path:
    """One table: ids r0, r1, ... (lines 2, 3, ...) and a column `code` of `codes` with `pattern`."""
    from conftest import one_table_package

    fields = [
        {"name": "id", "type": "string", "description": "The row."},
        {"name": "code", "type": "string", "description": "A code.", "constraints": {"pattern": pattern}},
    ]
    return one_table_package(root, fields, "id,code\n" + "".join(f"r{n},{code}\n" for n, code in enumerate(codes)))


def stuck_package(root: Path, rows: int = 3) -> Path:
    codes = ["aaa"] * rows
    codes[1], codes[2] = STUCK, "b"
    codes[-1] = STUCK  # the same value again (the last line: at 10,000 rows, in the by-value run)
    return pattern_package(root, r"(a+)+\s?", codes)


def test_a_value_python_s_re_backtracks_on_is_reported_at_its_line_and_validate_ends(tmp_path):
    # It hung `validate` in any mode: pandas ran the match in the validator's own process.
    import json
    import subprocess
    import sys

    from peacetalks.model.read_patterns import BACKTRACKING_HINT

    root = stuck_package(tmp_path / "p", rows=4)
    command = [sys.executable, "-m", "peacetalks", "validate", "--frictionless", "off", "--format", "json", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)  # a hang fails here
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert [(p["line"], p["column"], p["rule"], p["value"]) for p in problems] == [
        (3, "code", "pattern", STUCK),
        (4, "code", "pattern", "b"),
        (5, "code", "pattern", STUCK),
    ]
    stopped = "whether the value matches the pattern is unknown: matching it was stopped after 1 s"
    assert [p["message"] for p in problems] == [stopped, "does not match the pattern", stopped]
    assert problems[0]["hint"] == rf"pattern: (a+)+\s?; {BACKTRACKING_HINT}"
    assert problems[1]["hint"] == r"pattern: (a+)+\s?"


def test_a_stopped_value_is_reported_on_every_line_holding_it_when_values_are_checked_once(tmp_path, monkeypatch):
    # 10,000 rows: each distinct value is matched once (`check_data.BY_VALUE_MIN_ROWS`)
    from peacetalks.checks import match_with_python
    from peacetalks.run.validate import validate_package

    monkeypatch.setattr(match_with_python, "VALUE_LIMIT_SECONDS", 0.2)
    rows = peacetalks.checks.check_data.BY_VALUE_MIN_ROWS
    problems = validate_package(stuck_package(tmp_path, rows=rows), frictionless="off").problems
    assert [(p.line, p.rule, p.message.split(":")[0]) for p in problems] == [
        (3, "pattern", "whether the value matches the pattern is unknown"),
        (4, "pattern", "does not match the pattern"),
        (rows + 1, "pattern", "whether the value matches the pattern is unknown"),
    ]


def test_a_column_s_time_for_python_s_re_is_the_table_s_not_each_batch_s(tmp_path, monkeypatch):
    # every batch of a large table had the column's whole time again (7
    # batches of values that all backtrack took 72 s). 0.2 s a value, stopped at the next tick
    # (0.05 s), 0.6 s the column: two values stopped in all (the second starts at about 0.25 s, the
    # third at 0.5 s, too late for its 0.2 s); each batch with its own 0.6 s stopped 2 each.
    from peacetalks.checks import match_with_python
    from peacetalks.run.validate import validate_package

    monkeypatch.setattr(match_with_python, "VALUE_LIMIT_SECONDS", 0.2)
    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS", 0.6)
    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS_PER_MB", 0)
    in_batches(monkeypatch, 200)
    codes = ["a" * (30 + n) + "!" for n in range(30)]  # about 8 batches
    problems = validate_package(pattern_package(tmp_path, r"(a+)+\s?", codes), frictionless="off").problems
    assert [(p.line, p.rule) for p in problems] == [(n, "pattern") for n in range(2, 32)]
    stopped = [p.line for p in problems if "matching it was stopped after 0.2 s" in p.message]
    assert 2 <= len(stopped) <= 3 and stopped == list(range(2, 2 + len(stopped)))
    ran_out = "whether the value matches the pattern is unknown: the column's time for matching (0.6 s a table"
    assert all(p.message.startswith(ran_out) for p in problems[len(stopped) :])


def test_a_pattern_python_s_re_backtracks_on_even_for_one_letter_does_not_hang_the_schema_check(tmp_path):
    # the schema check asked pandas whether RE2 takes a pattern by matching it
    # against "x", and pandas matched this one with Python's `re`, for hours.
    import json
    import subprocess
    import sys

    root = pattern_package(tmp_path, r"(?:a?|b?){36}\s", ["x"])
    command = [sys.executable, "-m", "peacetalks", "validate", "--frictionless", "off", "--format", "json", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)  # a hang fails here
    [problem] = json.loads(result.stdout)["problems"]
    assert (problem["line"], problem["rule"]) == (2, "pattern")
    assert problem["message"] == "whether the value matches the pattern is unknown: matching it was stopped after 1 s"


def test_batches_of_values_that_match_at_once_do_not_use_up_a_column_s_time(tmp_path, monkeypatch):
    # the start of each batch's child was charged to the column's time, and
    # after some 300 batches no value was matched. 0.3 s here, about 40 batches.
    from peacetalks.checks import match_with_python
    from peacetalks.run.validate import validate_package

    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS", 0.3)
    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS_PER_MB", 0)
    in_batches(monkeypatch, 100)
    root = pattern_package(tmp_path, r"\S+", ["yes"] * 400)
    assert validate_package(root, frictionless="off").problems == []


@pytest.mark.parametrize("keys", [False, True], ids=["batch", "whole table"])
def test_a_value_check_failing_on_many_lines_is_one_run_read_as_the_same_problems(keys: bool) -> None:
    """A column re-typed in every row: one `ProblemRun` for the enum, with each line and value, told
    as one failure alone is; beside it, a slip of another rule on one line stays a `Problem`."""
    from peacetalks.report.problems import RUN_MIN, Problem, ProblemRun, records

    rows = 6 * (RUN_MIN // 3 + 1)  # actors_table fills its columns in threes
    slips = {(line, "actor_type"): "State" if line % 2 else "Person" for line in range(2, rows + 2)}
    table, resource = actors_table(rows, {**slips, (40, "affiliated_with"): "Bad"})
    _, problems = check_table(table, resource, keys=keys)
    [run] = [p for p in problems if isinstance(p, ProblemRun)]
    assert run.lines.tolist() == list(range(2, rows + 2))
    [alone] = check_table(*actors_table(rows, {(7, "actor_type"): "State"}), keys=keys)[1]
    assert isinstance(alone, Problem)  # one slip: a Problem
    assert [(p.line, p.value, p.message, p.hint) for p in records([run])] == [
        (line, value, alone.message, alone.hint) for (line, _), value in slips.items()
    ]
    assert [(p.line, p.rule, p.value) for p in problems if isinstance(p, Problem)] == [(40, "pattern", "Bad")]
