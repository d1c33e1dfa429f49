"""One problem record, many of them told alike, and the ways of printing them.

Every check in the tool returns `Problem`s, so the text report, the JSON report
and the tests all see the same fields: file, line, column, value, rule, message.
A check that finds the same slip on many lines (a column whose every value is
re-typed) returns them as one `ProblemRun`: the lines and values as arrays, the
rest once. Its records are the same `Problem`s (`ProblemRun.problem`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field

import numpy as np

MAX_VALUE_CHARS = 80

# The text report shows this many problems of one rule in one file and column, then one line for the rest.
MAX_PER_RULE = 20

# A check that finds at least this many problems of one rule in one column of a table (or of one
# batch of it), with the same message and hint, returns them as a `ProblemRun`: a million broken
# cells held as a million `Problem`s took gigabytes.
RUN_MIN = 100

# Rules about the file as a whole that are reported after its other problems: they only say that the
# file changed since its hash was recorded, which the problems above it explain.
LAST_RULES = frozenset({"hash", "bytes"})


def shorten(value: object, limit: int = MAX_VALUE_CHARS) -> str | None:
    """A value as a one-line string, cut at `limit` characters so huge cells stay readable."""
    if value is None:
        return None
    text = str(value).replace("\r", "\\r").replace("\n", "\\n")
    if len(text) > limit:
        return text[: limit - 1] + "…"
    return text


@dataclass(frozen=True)
class Problem:
    """A single rule broken at a single place.

    `line` is the line number a person sees in a text editor (the header is
    line 1); it is None for problems that belong to a whole file or table.
    """

    file: str
    line: int | None
    column: str | None
    rule: str
    message: str
    value: str | None = None
    hint: str | None = None

    @classmethod
    def at(
        cls,
        file: str,
        rule: str,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> Problem:
        return cls(file, line, column, rule, message, shorten(value), hint)

    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __len__(self) -> int:
        return 1


@dataclass(frozen=True, eq=False)
class ProblemRun:
    """Problems of one rule in one column of one file, with one message and hint, on many lines:
    `lines` ascending (int64), and each line's value as `values[codes[i]]` (-1: no value)."""

    file: str
    column: str | None
    rule: str
    message: str
    hint: str | None
    lines: np.ndarray
    codes: np.ndarray
    values: tuple[str | None, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def line(self) -> int:
        """The first line (for ordering; every line is in `lines`)."""
        return int(self.lines[0])

    def value(self, i: int) -> str | None:
        code = int(self.codes[i])
        return None if code < 0 else self.values[code]

    def problem(self, i: int) -> Problem:
        return Problem(self.file, int(self.lines[i]), self.column, self.rule, self.message, self.value(i), self.hint)

    def problems(self) -> Iterator[Problem]:
        for i in range(len(self.lines)):
            yield self.problem(i)

    def location(self) -> str:
        return self.problem(0).location()

    def take(self, keep: np.ndarray) -> ProblemRun | None:
        """The run on the lines `keep` (a mask) marks; None when it marks none."""
        if keep.all():
            return self
        if not keep.any():
            return None
        return ProblemRun(self.file, self.column, self.rule, self.message, self.hint, self.lines[keep], self.codes[keep], self.values)


Found = Problem | ProblemRun


def problems_at(
    file: str,
    rule: str,
    message: str,
    lines: Iterable[int],
    values: Iterable[object] | None = None,
    *,
    column: str | None = None,
    hint: str | None = None,
) -> list[Found]:
    """The same problem on each of `lines` (with its value from `values`, in the same order): one
    `Problem` each, or one `ProblemRun` when there are `RUN_MIN` or more."""
    import pandas as pd

    lines = np.asarray(lines, dtype=np.int64)
    if values is None:
        values = [None] * len(lines)
    if len(lines) < RUN_MIN:
        return [
            Problem.at(file, rule, message, line=int(line), column=column, value=value, hint=hint)
            for line, value in zip(lines, values, strict=True)
        ]
    codes, distinct = pd.factorize(pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values.reset_index(drop=True))
    return [made_run(file, column, rule, message, hint, lines, codes, tuple(shorten(value) for value in distinct))]


def made_run(file, column, rule, message, hint, lines: np.ndarray, codes: np.ndarray, values: tuple) -> ProblemRun:
    """A run with its lines in order, each array in the narrowest type that holds it: a million
    lines take 4 MB and their codes 1 (a multipart table's lines, before they are placed in their
    part, need 64 bits)."""
    order = np.argsort(lines, kind="stable")
    lines = lines[order].astype(np.int32 if len(lines) and lines.max() < 2**31 else np.int64)
    narrow = np.int8 if len(values) < 2**7 else np.int16 if len(values) < 2**15 else np.int32
    return ProblemRun(file, column, rule, message, hint, lines, codes[order].astype(narrow), values)


def problem_count(problems: Iterable[Found]) -> int:
    """How many problems a list holds, each line of a run counted."""
    return sum(len(p) for p in problems)


def records(problems: Iterable[Found]) -> Iterator[Problem]:
    """Every problem as a `Problem`, runs taken apart, in the list's order."""
    for p in problems:
        if isinstance(p, ProblemRun):
            yield from p.problems()
        else:
            yield p


def lines_of(problem: Found) -> np.ndarray:
    """The lines a problem (or run) is on; none for a problem of a whole file."""
    if isinstance(problem, ProblemRun):
        return problem.lines
    return np.array([] if problem.line is None else [problem.line], dtype=np.int64)


class Places:
    """The lines some problems are on, by a key of each (its file; its file and column): whether a
    line is among them, for one line or an array of lines, without a record per line."""

    def __init__(self, problems: Iterable[Found], key: Callable[[Found], object]):
        parts: dict[object, list[np.ndarray]] = {}
        for p in problems:
            parts.setdefault(key(p), []).append(lines_of(p))
        self.lines = {k: np.unique(np.concatenate(v)) for k, v in parts.items()}

    def __bool__(self) -> bool:
        return bool(self.lines)

    def has(self, key: object, line: int | None) -> bool:
        found = self.lines.get(key)
        if found is None or line is None:
            return False
        at = int(np.searchsorted(found, line))
        return at < len(found) and found[at] == line

    def mask(self, key: object, lines: np.ndarray) -> np.ndarray:
        found = self.lines.get(key)
        return np.zeros(len(lines), dtype=bool) if found is None else np.isin(lines, found, assume_unique=False)


def drop_at(problems: Iterable[Found], wanted: Callable[[Found], bool], places: Places, key: Callable[[Found], object]) -> list[Found]:
    """`problems` less those `wanted` says may go whose line is among `places` (under `key`)."""
    kept: list[Found] = []
    for p in problems:
        if not wanted(p):
            kept.append(p)
        elif isinstance(p, ProblemRun):
            rest = p.take(~places.mask(key(p), p.lines))
            if rest is not None:
                kept.append(rest)
        elif not places.has(key(p), p.line):
            kept.append(p)
    return kept


def compact(problems: Iterable[Found], *, join: bool = True) -> list[Found]:
    """Problems told alike (file, rule, column, message, hint) on `RUN_MIN` lines or more, as one
    run; with `join`, runs told alike joined too (once, at the end: joining them batch by batch
    would copy the lines of every earlier batch again). What a check returned one by one then costs
    a few bytes a line."""
    groups: dict[tuple, list[Found]] = {}
    kept: list[Found] = []
    for p in problems:
        if p.line is None:
            kept.append(p)
        else:
            groups.setdefault((p.file, p.rule, p.column, p.message, p.hint), []).append(p)
    for (file, rule, column, message, hint), members in groups.items():
        if not join:
            members, singles = [m for m in members if isinstance(m, ProblemRun)], [m for m in members if isinstance(m, Problem)]
            if len(singles) < RUN_MIN:
                kept += members + singles
                continue
            kept += members
            members = singles
        elif sum(len(m) for m in members) < RUN_MIN or (len(members) == 1 and isinstance(members[0], ProblemRun)):
            kept += members
            continue
        # The members' values, each once, and each line's code among them (-1: no value).
        distinct: dict[str, int] = {}
        lines, codes = [], []
        for m in members:
            if isinstance(m, ProblemRun):
                lines.append(m.lines.astype(np.int64))
                recoded = np.array([distinct.setdefault(v, len(distinct)) for v in m.values] + [-1], dtype=np.int64)
                codes.append(recoded[m.codes])
            else:
                lines.append(np.array([m.line], dtype=np.int64))
                codes.append(np.array([-1 if m.value is None else distinct.setdefault(m.value, len(distinct))], dtype=np.int64))
        kept.append(made_run(file, column, rule, message, hint, np.concatenate(lines), np.concatenate(codes), tuple(distinct)))
    return kept


def sort_key(problem: Found) -> tuple:
    """By file; in a file, by line, then column and rule, with the problems of the whole file that
    its others explain (`LAST_RULES`) last."""
    return (problem.file, problem.rule in LAST_RULES, problem.line or 0, problem.column or "", problem.rule, problem.message)


def unique_sorted(problems: Iterable[Found]) -> list[Found]:
    """Drop repeats (two engines may report the same slip) and order by file and line. Problems
    that differ only in their message are different problems (five missing keys are five). A run
    is kept as it is: a check makes each of its lines once."""
    seen: dict[tuple, Found] = {}
    runs: list[Found] = []
    for problem in compact(problems):
        if isinstance(problem, ProblemRun):
            runs.append(problem)
            continue
        key = (problem.file, problem.line, problem.column, problem.rule, problem.value, problem.message)
        seen.setdefault(key, problem)
    return sorted([*seen.values(), *runs], key=sort_key)


# ----------------------------------------------------------------------------- the order of a report


def in_report_order(problems: list[Found]) -> Iterator[tuple[Found, list[int]]]:
    """Every record in the report's order (`sort_key`), the lines of runs among the others', as
    stretches: (a problem or run, the indices of its records that come next), without a `Problem`
    per line."""
    by_file: dict[str, list[Found]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for file in sorted(by_file):
        items = by_file[file]
        if not any(isinstance(p, ProblemRun) for p in items):
            for p in sorted(items, key=sort_key):
                yield p, [0]
            continue
        # A run's records share all but the line: ordered by (last, line, the rest of the key).
        ranks = {key: at for at, key in enumerate(sorted({_tie_key(p) for p in items}))}
        lines = np.concatenate([_sort_lines(p) for p in items])
        owner = np.concatenate([np.full(len(p), at, dtype=np.int64) for at, p in enumerate(items)])
        rank = np.array([ranks[_tie_key(p)] for p in items], dtype=np.int64)[owner]
        last = np.array([p.rule in LAST_RULES for p in items], dtype=bool)[owner]
        starts = np.cumsum([0] + [len(p) for p in items])
        order = np.lexsort((rank, lines, last))
        owners = owner[order]
        cuts = np.flatnonzero(np.diff(owners)) + 1
        for begin, end in zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(order)].tolist(), strict=True):
            at = int(owners[begin])
            for piece in range(begin, end, STRETCH):  # a few thousand at a time: never a list of every record
                yield items[at], (order[piece : min(end, piece + STRETCH)] - starts[at]).tolist()


# The most records `in_report_order` hands over at once.
STRETCH = 5_000


def _tie_key(problem: Found) -> tuple:
    key = sort_key(problem)
    return key[1:2] + key[3:]


@dataclass(frozen=True)
class Group:
    """The problems of one rule in one file and column: how many, and the first and last line."""

    file: str
    rule: str
    column: str | None
    count: int
    first_line: int | None
    last_line: int | None


def groups(problems: list[Found]) -> list[Group]:
    """Every (file, rule, column) with its count and line range, in the report's order."""
    found: dict[tuple, list[Found]] = {}
    for p in sorted(problems, key=sort_key):
        found.setdefault((p.file, p.rule, p.column), []).append(p)
    result = []
    for (file, rule, column), members in found.items():
        lines = np.concatenate([lines_of(m) for m in members])
        first, last = (int(lines.min()), int(lines.max())) if len(lines) else (None, None)
        result.append(Group(file, rule, column, problem_count(members), first, last))
    return result


def bounded(problems: list[Found], limit: int) -> tuple[list[Problem], dict[int, str]]:
    """The problems a text report shows, as `Problem`s in report order: the first `limit` of each
    rule in each file and column (by line); and, by the position in that list of the last one shown
    of a group that has more, the line that sums up the rest: how many, and their first and last line."""
    members: dict[tuple, list[Found]] = {}
    for p in problems:
        members.setdefault((p.file, p.rule, p.column), []).append(p)
    shown: list[Problem] = []
    rests: dict[int, tuple] = {}
    for (_, rule, column), group in members.items():
        if problem_count(group) <= limit:
            shown += records(group)
            continue
        lines = np.concatenate([_sort_lines(p) for p in group])
        owner = np.concatenate([np.full(len(p), at, dtype=np.int64) for at, p in enumerate(group)])
        starts = np.cumsum([0] + [len(p) for p in group])
        order = np.argsort(lines, kind="stable")
        for row in order[:limit].tolist():
            p = group[int(owner[row])]
            shown.append(p.problem(row - int(starts[owner[row]])) if isinstance(p, ProblemRun) else p)
        rest = lines[order[limit:]]
        rests[id(shown[-1])] = (rule, column, len(rest), int(rest.min()), int(rest.max()))
    ordered = sorted(shown, key=sort_key)
    summaries = {at: summary_line(*rests[id(p)]) for at, p in enumerate(ordered) if id(p) in rests}
    return ordered, summaries


def _sort_lines(problem: Found) -> np.ndarray:
    return problem.lines if isinstance(problem, ProblemRun) else np.array([problem.line or 0], dtype=np.int64)


def summary_line(rule: str, column: str | None, count: int, first: int, last: int) -> str:
    """The line that stands for the problems of a group past the text report's limit."""
    where = f" in column {column}" if column is not None else ""
    span = f"line {first:,}" if first == last else f"lines {first:,} to {last:,}"
    return f"  ... [{rule}] {count:,} more{where}, {span} (--all lists every one)"


# ----------------------------------------------------------------------------- text


def format_notes(notes: Iterable[Problem]) -> list[str]:
    """What was not checked, one line each: never part of the verdict."""
    return [f"note: {note.location()}: {note.message} [{note.rule}]" for note in notes]


def problem_lines(problem: Problem) -> list[str]:
    """One problem as the text report shows it, under its file's name: the place, the value, the
    rule and message, then its hint."""
    where = []
    if problem.line is not None:
        where.append(f"line {problem.line}")
    if problem.column is not None:
        where.append(f"column {problem.column}")
    prefix = ", ".join(where) or "file"
    value = f" {json.dumps(problem.value, ensure_ascii=False)}" if problem.value is not None else ""
    lines = [f"  {prefix}:{value} [{problem.rule}] {problem.message}"]
    if problem.hint:
        lines += [f"      {hint_line}" for hint_line in problem.hint.splitlines()]
    return lines


def file_heading(file: str, current: str | None) -> list[str]:
    """The lines that open `file`'s group when the report moves on to it from `current`."""
    if file == current:
        return []
    return [file] if current is None else ["", file]


def text_lines(problems: list[Found], checked: str, notes: Iterable[Problem] = (), *, limit: int | None = MAX_PER_RULE) -> Iterator[str]:
    """The human report, line by line: problems grouped by file (at most `limit` of one rule in one
    file and column, then a line for the rest; None: every one), then the notes, then a count line."""
    notes = list(notes)
    total = problem_count(problems)
    if not total:
        yield from format_notes(notes)
        yield f"valid: {checked}"
        return
    current = None
    if limit is None:
        writers: dict[int, RunText] = {}
        for p, at in in_report_order(problems):
            yield from file_heading(p.file, current)
            current = p.file
            if isinstance(p, ProblemRun):
                writer = writers.get(id(p)) or writers.setdefault(id(p), RunText(p))
                yield from writer.lines(at)
            else:
                yield from problem_lines(p)
    else:
        shown, summaries = bounded(problems, limit)
        for at, problem in enumerate(shown):
            yield from file_heading(problem.file, current)
            current = problem.file
            yield from problem_lines(problem)
            if at in summaries:
                yield summaries[at]
    files = len({p.file for p in problems})
    yield ""
    noted = format_notes(notes)
    if noted:
        yield from noted
        yield ""
    yield f"invalid: {counted(total, 'problem')} in {counted(files, 'file')}; checked {checked}"


class RunText:
    """A run's records as the text report's lines (`problem_lines`), what they share written once."""

    def __init__(self, run: ProblemRun):
        self.run = run
        self.middle = f", column {run.column}:" if run.column is not None else ":"
        self.tail = f" [{run.rule}] {run.message}"
        self.hint = [f"      {hint_line}" for hint_line in run.hint.splitlines()] if run.hint else []
        self.values = [f" {json.dumps(v, ensure_ascii=False)}" if v is not None else "" for v in run.values] + [""]

    def lines(self, at: list[int]) -> Iterator[str]:
        middle, tail, values, hint = self.middle, self.tail, self.values, self.hint
        for line, code in zip(self.run.lines[at].tolist(), self.run.codes[at].tolist(), strict=True):
            yield f"  line {line}{middle}{values[code]}{tail}"
            yield from hint


def format_text(problems: list[Found], checked: str, notes: Iterable[Problem] = (), *, limit: int | None = MAX_PER_RULE) -> str:
    """`text_lines` as one string."""
    return "\n".join(text_lines(problems, checked, notes, limit=limit))


def counted(number: int, noun: str) -> str:
    """ "1 table", "9 tables"; thousands with commas."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


# ----------------------------------------------------------------------------- JSON


def record(problem: Problem) -> dict:
    return {f: getattr(problem, f) for f in RECORD_FIELDS}


RECORD_FIELDS = ("file", "line", "column", "rule", "message", "value", "hint")


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


class RunRecords:
    """A run's records as JSON text, its common fields written once."""

    def __init__(self, run: ProblemRun):
        self.run = run
        self.head = f'{{"file": {dumps(run.file)}, "line": '
        self.middle = f', "column": {dumps(run.column)}, "rule": {dumps(run.rule)}, "message": {dumps(run.message)}, "value": '
        self.tail = f', "hint": {dumps(run.hint)}}}'
        self.values = [dumps(v) for v in run.values] + ["null"]  # index -1: no value

    def records(self, at: list[int]) -> list[str]:
        head, middle, tail, values = self.head, self.middle, self.tail, self.values
        lines, codes = self.run.lines[at].tolist(), self.run.codes[at].tolist()
        return [f"{head}{line}{middle}{values[code]}{tail}" for line, code in zip(lines, codes, strict=True)]


def json_chunks(problems: list[Found], checked: str, notes: Iterable[Problem] = (), *, counts: bool = False) -> Iterator[str]:
    """The machine report, piece by piece: every record (one a line, in the text report's order), or
    with `counts` the count and first and last line of each rule in each file and column instead;
    `notes` only when there are any. Written as it is made: no list of every record is built."""
    total = problem_count(problems)
    notes = list(notes)
    yield f'{{\n  "valid": {dumps(not total)},\n  "checked": {dumps(checked)},\n  "problem_count": {total},\n'
    if counts:
        found = [dumps(asdict(group)) for group in groups(problems)]
        yield '  "counts": [' + ("\n    " + ",\n    ".join(found) + "\n  " if found else "") + "]"
    else:
        yield '  "problems": ['
        writers: dict[int, RunRecords] = {}
        batch: list[str] = []
        first = True
        for p, at in in_report_order(problems):
            if isinstance(p, ProblemRun):
                writer = writers.get(id(p)) or writers.setdefault(id(p), RunRecords(p))
                batch += writer.records(at)
            else:
                batch.append(dumps(record(p)))
            if len(batch) >= 10_000:
                yield ("\n    " if first else ",\n    ") + ",\n    ".join(batch)
                first, batch = False, []
        if batch:
            yield ("\n    " if first else ",\n    ") + ",\n    ".join(batch)
            first = False
        yield "]" if first else "\n  ]"
    if notes:
        yield ',\n  "notes": [\n    ' + ",\n    ".join(dumps(record(n)) for n in notes) + "\n  ]"
    yield "\n}"


def format_json(problems: list[Found], checked: str, notes: Iterable[Problem] = (), *, counts: bool = False) -> str:
    """`json_chunks` as one string."""
    return "".join(json_chunks(problems, checked, notes, counts=counts))


class CheckFailed(Exception):
    """An unexpected error while checking `file`, raised from the original error (its `__cause__`):
    the context that lets an internal error name the file it belongs to."""

    def __init__(self, file: str):
        super().__init__(file)
        self.file = file


def internal_error(error: BaseException, default: str) -> Problem:
    """An unexpected failure of the validator itself, as one record (never a traceback), naming the
    file of a `CheckFailed`, else `default`."""
    file, cause = default, error
    if isinstance(error, CheckFailed):
        file, cause = error.file, error.__cause__ or error
    detail = shorten(f"{type(cause).__name__}: {cause}", 200)
    return Problem.at(
        file,
        "internal-error",
        f"the validator failed while reading {file}: {detail}",
        hint="this is a bug in peacetalks, not necessarily in the package; please report it with this line",
    )
