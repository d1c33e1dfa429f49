"""Run frictionless, the reference implementation of Data Package, as a second
opinion: on the descriptor always, and on the data when the package is small
enough for its row-by-row reader (about 20-25 thousand rows a second)."""

from __future__ import annotations

import copy
import re

from peacetalks.problems import Problem
from peacetalks.read_package import DESCRIPTOR, Package

FULL_CHECK_MAX_BYTES = 20_000_000

ROW_RULES = {
    "type-error": "type",
    "primary-key": "primary-key",
    "foreign-key": "foreign-key",
    "unique-error": "unique",
    "missing-cell": "ragged-row",
    "extra-cell": "ragged-row",
    "blank-row": "blank-row",
    "hash-count": "hash",
    "byte-count": "bytes",
    "duplicate-label": "duplicate-column",
    "missing-label": "missing-column",
    "extra-label": "extra-column",
    "incorrect-label": "header",
    "blank-label": "header",
    "encoding-error": "encoding",
}
CONSTRAINT_RULES = {
    "required": "required",
    "unique": "unique",
    "enum": "enum",
    "pattern": "pattern",
    "minLength": "length",
    "maxLength": "length",
    "minimum": "range",
    "maximum": "range",
}


def frictionless_descriptor(package: Package) -> dict:
    """The descriptor with the schemas we already read inlined and unsafe resources left out,
    so that frictionless reads exactly the files our own checks read."""
    descriptor = copy.deepcopy(package.descriptor)
    safe = {r.name: r for r in package.resources}
    resources = []
    for item in descriptor.get("resources", []):
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"] in safe:
            item["schema"] = copy.deepcopy(safe[item["name"]].schema)
            resources.append(item)
    descriptor["resources"] = resources
    return descriptor


class RowLines:
    """Frictionless numbers rows (header = 1); a person needs the editor line, which differs
    once a quoted cell spans lines. Computed only when asked, and only for such files."""

    def __init__(self, path):
        self.path = path
        self.starts: list[int] | None = None

    def line_of(self, row_number: int | None) -> int | None:
        if row_number is None:
            return None
        if self.starts is None:
            self.starts = record_start_lines(self.path)
        if self.starts and 0 < row_number <= len(self.starts):
            return self.starts[row_number - 1]
        return row_number


def record_start_lines(path) -> list[int]:
    import csv

    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return []
    if '"' not in text:
        return []  # no quoted cell, so no record spans lines: row number = line
    reader = csv.reader(text.splitlines(keepends=True))
    starts = []
    try:
        while True:
            start = reader.line_num + 1
            next(reader)
            starts.append(start)
    except (StopIteration, csv.Error):
        return starts


def rule_of(error) -> str:
    if error.type == "constraint-error":
        match = re.search(r'constraint "(\w+)"', error.note or "")
        if match:
            return CONSTRAINT_RULES.get(match.group(1), match.group(1))
    return ROW_RULES.get(error.type, f"frictionless:{error.type}")


def check_with_frictionless(package: Package, files: dict[str, str], full: bool | None = None) -> list[Problem]:
    """`full`: None decides by size; False checks the descriptor only."""
    import frictionless

    descriptor = frictionless_descriptor(package)
    if not descriptor["resources"]:
        return []
    report = frictionless.Package.validate_descriptor(descriptor)
    if not report.valid:
        return [Problem.at(DESCRIPTOR, f"frictionless:{e.type}", e.note or e.message) for e in report.errors]
    if full is None:
        size = sum((package.root / r.path).stat().st_size for r in package.resources if (package.root / r.path).is_file())
        full = size <= FULL_CHECK_MAX_BYTES
    if not full:
        return []
    try:
        data_package = frictionless.Package.from_descriptor(descriptor, basepath=str(package.root))
        report = data_package.validate(limit_errors=10_000)
    except frictionless.FrictionlessException as error:
        return [Problem.at(DESCRIPTOR, f"frictionless:{error.error.type}", error.error.note or error.error.message)]
    problems = []
    for task in report.tasks:
        file = files.get(task.name, task.name)
        lines = RowLines(package.root / file)
        for error in task.errors:
            line = lines.line_of(getattr(error, "row_number", None))
            if error.type.endswith("label"):
                line = 1
            problems.append(
                Problem.at(
                    file,
                    rule_of(error),
                    f"frictionless: {error.note or error.message}",
                    line=line,
                    column=getattr(error, "field_name", None),
                    value=getattr(error, "cell", None),
                )
            )
    for error in report.errors:
        problems.append(Problem.at(DESCRIPTOR, f"frictionless:{error.type}", error.note or error.message))
    return problems
