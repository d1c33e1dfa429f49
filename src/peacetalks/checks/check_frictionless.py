"""Run frictionless, the reference implementation of Data Package, as a second
opinion: on the descriptor always, and on the data when the package is small
enough for its row-by-row reader (about 20-25 thousand rows a second).

The pass over the data runs in a process of its own (`start_data_pass`), beside
our own checks: it is pure Python, so in a thread it would wait for ours, and on
the real package it takes about as long as they do."""

from __future__ import annotations

import contextlib
import copy
import re
import subprocess
import sys
import time
from dataclasses import asdict

from peacetalks.model.read_package import DESCRIPTOR, Package, read_package
from peacetalks.report.problems import Problem

# How much of a package frictionless checks (`validate --frictionless`, or PEACETALKS_FRICTIONLESS).
FRICTIONLESS_MODES = ("auto", "full", "descriptor", "off")
FULL_CHECK_MAX_BYTES = 20_000_000
# Frictionless stops reporting a table's problems after this many.
ERROR_LIMIT = 10_000
# Its pass over the data is stopped after TIME_LIMIT_SECONDS, and TIME_LIMIT_SECONDS_PER_MB more
# for each megabyte of data: it read about 3.5 MB a second here (an 8.6 MB package in 2.5 s), so
# the limit is some 20 times what a small package takes. A safety net: the likeliest cell to hold
# it for hours, one a `pattern` backtracks on, cannot, as it is given no pattern (`without_patterns`).
TIME_LIMIT_SECONDS = 30
TIME_LIMIT_SECONDS_PER_MB = 5

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
    "exclusiveMinimum": "range",
    "exclusiveMaximum": "range",
}


def frictionless_descriptor(package: Package) -> dict:
    """The descriptor with the schemas we already read inlined and unsafe resources left out,
    so that frictionless reads exactly the files our own checks read; without patterns
    (`without_patterns`)."""
    descriptor = copy.deepcopy(package.descriptor)
    for key in NOT_STANDARD_PACKAGE_KEYS:
        descriptor.pop(key, None)
    safe = {r.name: r for r in package.resources}
    resources = []
    for item in descriptor.get("resources", []):
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"] in safe:
            for key in NOT_STANDARD_RESOURCE_KEYS:
                item.pop(key, None)
            item["schema"] = without_patterns(copy.deepcopy(safe[item["name"]].schema))
            for field in item["schema"].get("fields", []) if isinstance(item["schema"].get("fields"), list) else []:
                for key in NOT_STANDARD_FIELD_KEYS:
                    if isinstance(field, dict):
                        field.pop(key, None)
            resources.append(item)
    descriptor["resources"] = resources
    return descriptor


# Properties the standard does not define, which frictionless reads (v4's `layout`) or refuses
# (`missingValues` on a package, `required` on a field): left out of what it is given.
NOT_STANDARD_RESOURCE_KEYS = ("layout",)
NOT_STANDARD_PACKAGE_KEYS = ("missingValues",)
NOT_STANDARD_FIELD_KEYS = ("required",)


def without_patterns(schema: dict) -> dict:
    """The schema without its fields' and array items' patterns. Frictionless matches a pattern
    with Python's `re`, which one cell can hold for hours (`(a+)+` on 40 a's and a "!"): in the
    validator's own process nothing can stop it inside a match, and in a process of its own the
    validator waited on it until its time limit, to report no more than "too long". Our checks
    match every pattern, a field's and an array's items', in every mode, on RE2 or with a time
    limit on each value (`read_patterns.matches`): frictionless's verdict on a pattern could only
    repeat ours, or differ where it is wrong (it matches `^{pattern}$` from the start, so `ab1`
    passed `[a-z]+|[0-9]`; a Table Schema pattern matches the whole value)."""
    for field in schema.get("fields", []) if isinstance(schema.get("fields"), list) else []:
        for holder in (field, field.get("arrayItem") if isinstance(field, dict) else None):
            if isinstance(holder, dict) and isinstance(holder.get("constraints"), dict):
                holder["constraints"].pop("pattern", None)
    return schema


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


def data_bytes(package: Package) -> int:
    size = 0
    for resource in package.resources:
        with contextlib.suppress(OSError):
            size += (package.root / resource.path).stat().st_size
    return size


def small_enough(package: Package) -> bool:
    """Whether frictionless's row-by-row pass over the data is quick enough to run ("auto")."""
    return data_bytes(package) <= FULL_CHECK_MAX_BYTES


def time_limit(package: Package) -> float:
    """Seconds that frictionless's pass over the package's data may take (`TIME_LIMIT_SECONDS`)."""
    return TIME_LIMIT_SECONDS + TIME_LIMIT_SECONDS_PER_MB * data_bytes(package) / 1_000_000


class PassTooLong(Exception):
    """Frictionless's pass over the data went past its time limit, and was stopped."""


def too_long(limit: float) -> Problem:
    """The problem to report when frictionless's pass is stopped. It is given no pattern
    (`without_patterns`), the likeliest cause of a pass that does not end, so this is a safety net:
    a machine far slower than expected, or a cell one of frictionless's own readers cannot get
    through."""
    hint = (
        "frictionless reads the data row by row, a few MB a second; its findings on the "
        "descriptor and all of this validator's checks stand; `--frictionless descriptor` leaves its pass out"
    )
    message = f"frictionless's pass over the data did not finish within {limit:.0f} s and was stopped; the rest of this report stands"
    return Problem.at(DESCRIPTOR, "frictionless:too-long", message, hint=hint)


def crashed(error: BaseException) -> Problem:
    """Frictionless is a second opinion: its crash must not hide our own problems."""
    return Problem.at(DESCRIPTOR, "frictionless:crash", f"frictionless could not check the package: {type(error).__name__}: {error}")


# The child: started without the working folder on its path (`-P`; it may be the package being
# checked, with a `json.py` in it), then given this process's own import path, so that it imports
# exactly what this process would: the same peacetalks, the same frictionless.
CHILD = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from peacetalks.checks.check_frictionless import main; sys.exit(main(sys.argv[2:]))"
)


def start_data_pass(package: Package) -> DataPass | None:
    """`check_with_frictionless(full=True)` in a child process, started before our own checks so
    that it runs on the other core meanwhile: `validate` then takes about as long as without it.
    None when no child can start; `DataPass.findings` gives the findings.
    The child's stdin stays open until they are read (`STOP_WITH_PARENT`)."""
    import json

    if package.path is None or not sys.executable or getattr(sys, "frozen", False):
        return None  # an embedded or frozen interpreter: `sys.executable` may not be a Python
    path = [entry for entry in sys.path if isinstance(entry, str)]  # what the import system reads
    try:
        process = subprocess.Popen(
            [sys.executable, *interpreter_options(), "-c", CHILD, json.dumps(path), str(package.path), STOP_WITH_PARENT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except (OSError, ValueError):
        return None
    return DataPass(process, time_limit(package))


class DataPass:
    """Frictionless's pass over the data in a process of its own (`start_data_pass`). Its output
    is read as it comes, in a thread: a pass that has finished must not sit blocked on a full pipe
    until our checks end, taken then for one still at work. Stopped `limit` seconds after it
    started (None: never)."""

    def __init__(self, process: subprocess.Popen, limit: float | None = None):
        import threading

        self.process = process
        self.limit = limit
        self.deadline = None if limit is None else time.monotonic() + limit
        self.output: list[bytes] = []
        self.reader = threading.Thread(target=lambda: self.output.append(process.stdout.read()), daemon=True)
        self.reader.start()

    def findings(self) -> list[Problem] | None:
        """Its findings, once it is done; None when it failed (the caller then runs the pass itself).
        Past its deadline it is stopped, and `PassTooLong` raised."""
        import json

        try:
            self.reader.join(None if self.deadline is None else max(0.0, self.deadline - time.monotonic()))
        except BaseException:
            # Stopped while waiting (Ctrl-C). Python 3.11 may then take the reader for done: `stop` asks the process.
            self.stop()
            raise
        # Past the deadline, and still at work (not a pass that has just finished writing).
        over = self.reader.is_alive() and self.process.poll() is None
        self.stop()
        if over:
            raise PassTooLong
        if self.process.returncode != 0:
            return None
        try:
            return [Problem(**item) for item in json.loads(self.output[0] if self.output else b"")]
        except (ValueError, TypeError):
            return None

    def stop(self) -> None:
        """Stop the child if it is still at work (its findings are not wanted after all: our own
        reader found damage that frictionless's could take minutes over, or the check was stopped),
        and close its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.reader.join()  # the end of its output, now that it has ended
        close_pipes(self.process)


def interpreter_options() -> list[str]:
    """The options this interpreter runs with (`-I`, `-E`, `-X`, `-W`...), so that the child reads
    the data as this process would (a `PYTHONINTMAXSTRDIGITS` or `-X int_max_str_digits` decides
    whether a 5,000-digit integer is one). `_args_from_interpreter_flags` is how multiprocessing
    starts a like child; it is private, hence the fallback to none."""
    options = getattr(subprocess, "_args_from_interpreter_flags", list)()
    return [*options, "-P", "-X", f"int_max_str_digits={sys.get_int_max_str_digits()}"]


def close_pipes(process: subprocess.Popen) -> None:
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()


# The child exits once its stdin closes: the parent closes it after reading the findings, and
# the system closes it when the parent dies (even by `kill -9`), so no pass runs on for no one.
STOP_WITH_PARENT = "--stop-with-parent"


def stop_with_parent() -> None:
    import os
    import threading

    die_with_parent()

    def watch() -> None:
        # os.read, not sys.stdin: a daemon thread inside the buffered reader aborts the
        # interpreter's shutdown ("could not acquire lock for <stdin>").
        while os.read(0, 1 << 16):
            pass
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def die_with_parent() -> None:
    """On Linux, have the system kill this process when its parent dies. The thread watching stdin
    cannot run while the main thread is inside one regular expression match (it holds the GIL, for
    hours on `(a+)+`): killed then, the validator would leave its child spinning. Elsewhere, or if
    the parent died before this call, the watching thread alone stops it."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1  # <linux/prctl.h>
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    """`python -m peacetalks.checks.check_frictionless DESCRIPTOR [--stop-with-parent]` (or `CHILD`):
    frictionless's findings on that package, data included, as a JSON list of problems on stdout
    (for `start_data_pass`)."""
    import json

    path, *options = sys.argv[1:] if argv is None else argv
    if STOP_WITH_PARENT in options:
        stop_with_parent()
    package, _ = read_package(path, table_alone=True)  # what `validate` was given
    if package is None:
        return 1
    # A crash here ends the process with an error: the validator then runs the pass itself and
    # reports the crash, if it is not one of this process alone.
    findings = check_with_frictionless(package, {r.name: r.path for r in package.resources}, full=True)
    json.dump([asdict(problem) for problem in findings], sys.stdout)
    return 0


@contextlib.contextmanager
def declared_dialect():
    """Frictionless reads each CSV file with the dialect that `csv.Sniffer` guesses from its first
    lines, within what the descriptor declares. Data Package declares it (the defaults: comma,
    double quote), so the guess adds nothing, and the Sniffer's regular expression backtracks on a
    long quoted run of commas, for seconds per cell, and the file is opened once per foreign key
    that points at it. While frictionless runs, the
    Sniffer "guesses" the default dialect, with the declared delimiter when there is one; our
    own threads are done by then, and none of them uses the Sniffer."""
    import csv

    def sniff(self, sample: str, delimiters: str | None = None) -> type[csv.Dialect]:
        # A class of its own each time: frictionless may change the quote character it is given.
        declared = type("declared", (csv.excel,), {})
        if delimiters and len(delimiters) == 1:
            declared.delimiter = delimiters
        return declared

    guess = csv.Sniffer.sniff
    csv.Sniffer.sniff = sniff
    try:
        yield
    finally:
        csv.Sniffer.sniff = guess


def check_with_frictionless(package: Package, files: dict[str, str], full: bool | None = None) -> list[Problem]:
    """`full`: None decides by size; False checks the descriptor only."""
    with declared_dialect():
        return frictionless_findings(package, files, full)


def frictionless_findings(package: Package, files: dict[str, str], full: bool | None) -> list[Problem]:
    import frictionless

    from peacetalks.read.read_sources import frictionless_rows

    descriptor = frictionless_descriptor(package)
    if not descriptor["resources"]:
        return []
    report = frictionless.Package.validate_descriptor(descriptor)
    if not report.valid:
        return [Problem.at(DESCRIPTOR, f"frictionless:{e.type}", e.note or e.message) for e in report.errors]
    if full is None:
        full = small_enough(package)
    if not full:
        return []
    try:
        data_package = frictionless.Package.from_descriptor(descriptor, basepath=str(package.root))
        report = data_package.validate(limit_errors=ERROR_LIMIT)
    except frictionless.FrictionlessException as error:
        return [Problem.at(DESCRIPTOR, f"frictionless:{error.error.type}", error.error.note or error.error.message)]
    problems = []
    for task in report.tasks:
        file = files.get(task.name, task.name)
        resource = package.resource(task.name)
        lines = frictionless_rows(package.root, resource) or RowLines(package.root / file)
        for error in task.errors:
            line = lines.line_of(getattr(error, "row_number", None))
            if error.type.endswith("label"):
                line = getattr(lines, "header_line", None) or (resource.dialect.header_line if resource is not None else 1)
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


if __name__ == "__main__":
    sys.exit(main())
