"""The problem records and their reports: order, the bounded text report, the JSON report, and
runs of problems told alike, which must read exactly as the same problems one by one."""

from __future__ import annotations

import json

import numpy as np
import pytest

from peacetalks.report import problems as report
from peacetalks.report.problems import (
    Places,
    Problem,
    ProblemRun,
    compact,
    drop_at,
    format_json,
    format_text,
    problem_count,
    problems_at,
    records,
    unique_sorted,
)


def enum(line: int, value: str = "State", file: str = "t.csv") -> Problem:
    return Problem.at(file, "enum", "not one of the allowed values", line=line, column="kind", value=value, hint="allowed: state")


def test_twenty_problems_of_a_rule_then_one_line_with_the_count_and_the_first_and_last_line():
    problems = unique_sorted([enum(line) for line in range(2, 32)])  # lines 2 to 31: 30 problems
    lines = format_text(problems, "p (1 table, 30 rows)").splitlines()
    assert lines[0] == "t.csv"
    assert lines[1:3] == ['  line 2, column kind: "State" [enum] not one of the allowed values', "      allowed: state"]
    assert lines[39:41] == ['  line 21, column kind: "State" [enum] not one of the allowed values', "      allowed: state"]
    assert lines[41] == "  ... [enum] 10 more in column kind, lines 22 to 31 (--all lists every one)"
    assert lines[42:] == ["", "invalid: 30 problems in 1 file; checked p (1 table, 30 rows)"]


def test_the_limit_is_per_rule_file_and_column_and_adjustable():
    problems = [enum(line) for line in range(2, 6)] + [enum(line, file="u.csv") for line in range(2, 4)]
    problems.append(Problem.at("t.csv", "type", "not a valid date", line=3, column="day", value="3/4/2025"))
    text = format_text(unique_sorted(problems), "p", limit=2)
    assert text.splitlines()[:8] == [
        "t.csv",
        '  line 2, column kind: "State" [enum] not one of the allowed values',
        "      allowed: state",
        '  line 3, column day: "3/4/2025" [type] not a valid date',
        '  line 3, column kind: "State" [enum] not one of the allowed values',
        "      allowed: state",
        "  ... [enum] 2 more in column kind, lines 4 to 5 (--all lists every one)",
        "",
    ]
    assert "more" not in text.split("u.csv")[1]  # two in u.csv: both shown
    assert text.endswith("invalid: 7 problems in 2 files; checked p")


def test_one_more_is_summed_up_with_its_one_line():
    text = format_text(unique_sorted([enum(line) for line in range(2, 5)]), "p", limit=2)
    assert "  ... [enum] 1 more in column kind, line 4 (--all lists every one)" in text


def test_no_limit_lists_every_problem():
    problems = unique_sorted([enum(line) for line in range(2, 1002)])
    lines = format_text(problems, "p", limit=None).splitlines()
    shown = [line for line in lines if line.startswith("  line ")]
    assert [int(line.split()[1].rstrip(",")) for line in shown] == list(range(2, 1002))
    assert not any("more in column" in line for line in lines)
    assert lines[-1] == "invalid: 1,000 problems in 1 file; checked p"


def test_the_integrity_problem_comes_after_the_content_problems_of_its_file():
    changed = Problem.at("t.csv", "bytes", "the file has 10 bytes but datapackage.json says 9: it was edited")
    problems = unique_sorted([changed, enum(3), Problem.at("t.csv", "bom", "a byte-order mark"), enum(2, file="a.csv")])
    assert [(p.file, p.rule) for p in problems] == [("a.csv", "enum"), ("t.csv", "bom"), ("t.csv", "enum"), ("t.csv", "bytes")]


def test_json_keeps_every_record_in_the_text_report_s_order():
    problems = unique_sorted([enum(line) for line in range(2, 32)] + [Problem.at("t.csv", "hash", "changed")])
    document = json.loads(format_json(problems, "p"))
    assert document["valid"] is False and document["problem_count"] == 31
    assert [p["line"] for p in document["problems"]] == [*range(2, 32), None]
    assert document["problems"][0] == {
        "file": "t.csv",
        "line": 2,
        "column": "kind",
        "rule": "enum",
        "message": "not one of the allowed values",
        "value": "State",
        "hint": "allowed: state",
    }


def test_json_counts_give_each_rule_in_each_file_and_column_with_its_first_and_last_line():
    problems = unique_sorted([enum(line) for line in range(2, 32)] + [Problem.at("t.csv", "hash", "changed")])
    document = json.loads(format_json(problems, "p", counts=True))
    assert "problems" not in document
    assert document["problem_count"] == 31
    assert document["counts"] == [
        {"file": "t.csv", "rule": "enum", "column": "kind", "count": 30, "first_line": 2, "last_line": 31},
        {"file": "t.csv", "rule": "hash", "column": None, "count": 1, "first_line": None, "last_line": None},
    ]


def test_a_valid_report():
    assert json.loads(format_json([], "p")) == {"valid": True, "checked": "p", "problem_count": 0, "problems": []}
    assert format_text([], "p") == "valid: p"


@pytest.fixture
def many(monkeypatch):
    """Runs from 5 problems up, so that small lists exercise them."""
    monkeypatch.setattr(report, "RUN_MIN", 5)


def test_many_problems_told_alike_are_one_run_and_read_as_the_same_problems(many):
    values = ["State", "Person", None, "State", "x" * 200, "Group"]
    [run] = problems_at("t.csv", "enum", "not one of the allowed values", [7, 2, 3, 4, 5, 6], values, column="kind", hint="h")
    assert isinstance(run, ProblemRun) and len(run) == 6
    one_by_one = [
        Problem.at("t.csv", "enum", "not one of the allowed values", line=line, column="kind", value=value, hint="h")
        for line, value in zip([7, 2, 3, 4, 5, 6], values, strict=True)
    ]
    assert list(records([run])) == sorted(one_by_one, key=lambda p: p.line)
    assert run.value(3) == "x" * 79 + "…"  # cut as a single problem's value is
    mixed = [run, enum(3, file="a.csv"), Problem.at("t.csv", "type", "not a valid date", line=4, column="day", value="4/5")]
    alone = list(records(mixed))
    for limit in (2, 20, None):
        assert format_text(unique_sorted(mixed), "p", limit=limit) == format_text(unique_sorted(alone), "p", limit=limit)
    assert format_json(unique_sorted(mixed), "p") == format_json(unique_sorted(alone), "p")
    assert format_json(unique_sorted(mixed), "p", counts=True) == format_json(unique_sorted(alone), "p", counts=True)


def test_fewer_than_the_run_size_stay_problems(many):
    found = problems_at("t.csv", "enum", "m", [2, 3, 4, 5], ["a", "b", "c", "d"], column="kind")
    assert [type(p) for p in found] == [Problem] * 4


def test_compact_folds_problems_told_alike_and_joins_runs_only_when_asked(many):
    batch_one = compact([enum(line) for line in range(2, 9)], join=False)
    assert [type(p) for p in batch_one] == [ProblemRun]
    batch_two = compact([*batch_one, *(enum(line) for line in range(9, 16)), enum(20, value="other")], join=False)
    assert [len(p) for p in batch_two] == [7, 8]  # the earlier run left as it is; the value is no part of the telling
    [joined] = compact(batch_two)
    assert joined.lines.tolist() == [*range(2, 16), 20]
    assert joined.value(14) == "other" and problem_count([joined]) == 15


def test_drop_at_takes_lines_out_of_runs_and_single_problems(many):
    [run] = problems_at("t.csv", "required", "a value is required", range(2, 12), None, column="day")
    single = Problem.at("t.csv", "required", "a value is required", line=40, column="day")
    unreadable = Places([Problem.at("t.csv", "type", "bad", line=line, column="day") for line in (3, 4, 40)], lambda p: p.column)
    kept = drop_at([run, single, enum(3)], lambda p: p.rule == "required", unreadable, lambda p: p.column)
    assert [p.line for p in records(kept)] == [2, *range(5, 12), 3]
    assert np.array_equal(kept[0].lines, np.array([2, *range(5, 12)]))
