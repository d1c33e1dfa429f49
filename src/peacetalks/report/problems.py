"""One problem record, and the two ways of printing a list of them.

Every check in the tool returns `Problem`s, so the text report, the JSON report
and the tests all see the same fields: file, line, column, value, rule, message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

MAX_VALUE_CHARS = 80


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


def sort_key(problem: Problem) -> tuple:
    return (problem.file, problem.line or 0, problem.column or "", problem.rule, problem.message)


def unique_sorted(problems: Iterable[Problem]) -> list[Problem]:
    """Drop repeats (two engines may report the same slip) and order by file and line. Problems
    that differ only in their message are different problems (five missing keys are five)."""
    seen: dict[tuple, Problem] = {}
    for problem in problems:
        key = (problem.file, problem.line, problem.column, problem.rule, problem.value, problem.message)
        seen.setdefault(key, problem)
    return sorted(seen.values(), key=sort_key)


def format_notes(notes: Iterable[Problem]) -> list[str]:
    """What was not checked, one line each: never part of the verdict."""
    return [f"note: {note.location()}: {note.message} [{note.rule}]" for note in notes]


def format_text(problems: list[Problem], checked: str, notes: Iterable[Problem] = ()) -> str:
    """The human report: problems grouped by file, then the notes, then a count line."""
    if not problems:
        return "\n".join([*format_notes(notes), f"valid: {checked}"])
    lines: list[str] = []
    current = None
    for problem in problems:
        if problem.file != current:
            current = problem.file
            if lines:
                lines.append("")
            lines.append(problem.file)
        where = []
        if problem.line is not None:
            where.append(f"line {problem.line}")
        if problem.column is not None:
            where.append(f"column {problem.column}")
        prefix = ", ".join(where) or "file"
        value = f" {json.dumps(problem.value, ensure_ascii=False)}" if problem.value is not None else ""
        lines.append(f"  {prefix}:{value} [{problem.rule}] {problem.message}")
        if problem.hint:
            for hint_line in problem.hint.splitlines():
                lines.append(f"      {hint_line}")
    files = len({p.file for p in problems})
    lines.append("")
    noted = format_notes(notes)
    if noted:
        lines += [*noted, ""]
    lines.append(f"invalid: {counted(len(problems), 'problem')} in {counted(files, 'file')}; checked {checked}")
    return "\n".join(lines)


def counted(number: int, noun: str) -> str:
    """ "1 table", "9 tables"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def format_json(problems: list[Problem], checked: str, notes: Iterable[Problem] = ()) -> str:
    """The machine report: the same records as the text report; `notes` only when there are any."""
    document = {
        "valid": not problems,
        "checked": checked,
        "problem_count": len(problems),
        "problems": [asdict(p) for p in problems],
    }
    noted = [asdict(note) for note in notes]
    if noted:
        document["notes"] = noted
    return json.dumps(document, indent=2, ensure_ascii=False)


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
