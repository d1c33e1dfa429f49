"""Run every check on a package and return all the problems found.

Order: read the descriptor and schemas; check them strictly; check file
integrity; read and check each table on its own (header, types, Pandera);
then the rules that join tables (foreign keys, cycles, quotes, source
hashes, code lists); frictionless runs alongside as a second opinion.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from peacetalks.model.read_package import Package, read_package
from peacetalks.report.problems import CheckFailed, Found, Places, Problem, ProblemRun, compact, drop_at, lines_of, unique_sorted
from peacetalks.report.rules import HEADER, declared_profile, fails, in_profile, rule_kind, tagged

if TYPE_CHECKING:
    import pandas as pd

# File damage after which frictionless is asked about the descriptor only, and schema problems
# that make a table's data impossible to check against it (the registry's tags).
STRUCTURAL_RULES = tagged("damage")
BLOCKING_SCHEMA_RULES = tagged("blocks-data")

# A large package's tables are checked two at a time (`check_parents_first`), but the checks over a
# whole table's key columns (uniqueness, foreign keys, cycles) hold far more than a batch: one
# table at a time.
WHOLE_TABLE_KEYS = threading.Lock()

# Packages of at most this much data are checked one table at a time. Their checks are many
# small calls (pandas, Pandera, pyarrow on a few rows) that each let go of the GIL and wait to
# take it back, so a second thread mostly waits for the first; and frictionless's pass over the
# data of a package this small ("auto", `check_frictionless.FULL_CHECK_MAX_BYTES`, also 20 MB)
# runs on the other core. One thread against two: the same within the noise up to 18 MB, two
# faster from about 80 MB.
ONE_THREAD_MAX_BYTES = 20_000_000

# For a check that cannot be stopped early (one table at a time, in the main thread).
NEVER = threading.Event()

# Memory freed by batches is handed back to the system every few batches, not after each: the
# next batch faults it all in again, and a few batches' fragments add little to the peak.
RELEASE_EVERY = 3


@contextlib.contextmanager
def checking(file: str):
    """Within it, an unexpected error is raised again as `CheckFailed(file)`, from the original, so
    that the report names the file it belongs to; the innermost file named wins. A stop (Ctrl-C, or
    `CancelledError` when the schedule of the tables is stopped) passes through unchanged."""
    from concurrent.futures import CancelledError

    try:
        yield
    except (CheckFailed, CancelledError):
        raise
    except Exception as error:
        raise CheckFailed(file) from error


@dataclass
class Outcome:
    # Problems, and problems told alike on many lines as one `ProblemRun` (`records` takes them apart).
    problems: list[Found]
    tables: dict[str, int] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)  # what was not checked; never a verdict
    profile: str = "standard"

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_package(path=None, *, frictionless: str | None = None, profile: str | None = None) -> Outcome:
    """`path`: a package (`read_package`), or a CSV file checked alone. `frictionless`: "auto"
    (data too when small), "full", "descriptor" or "off"; by default the environment's
    PEACETALKS_FRICTIONLESS, else "auto". `profile`: "standard" or "house"; by default, the one
    the package declares, else the standard."""
    from peacetalks.checks.check_frictionless import FRICTIONLESS_MODES

    frictionless = frictionless or os.environ.get("PEACETALKS_FRICTIONLESS") or "auto"
    if frictionless not in FRICTIONLESS_MODES:
        raise ValueError(f"frictionless must be one of {', '.join(FRICTIONLESS_MODES)}, not {frictionless!r}")
    package, problems = read_package(path, table_alone=True)
    if package is None:
        return judged(Outcome(unique_sorted(problems)), profile or "standard")
    return integrity_last(judged(run_checks(package, problems, frictionless), profile or declared_profile(package.descriptor)))


def integrity_last(outcome: Outcome) -> Outcome:
    """A file that changed since its hash was recorded, and has other problems: its `hash` or `bytes`
    problem (reported after them) says to record the new hash only once they are fixed or intended,
    since `peacetalks hash` would record the mistakes as well."""
    from peacetalks.checks.check_integrity import INTEGRITY_AFTER_PROBLEMS
    from peacetalks.report.problems import LAST_RULES

    others = {p.file for p in outcome.problems if p.rule not in LAST_RULES}
    problems = [
        dataclasses.replace(p, hint=INTEGRITY_AFTER_PROBLEMS) if p.rule in LAST_RULES and p.file in others and p.line is None else p
        for p in outcome.problems
    ]
    return dataclasses.replace(outcome, problems=problems)


def judged(outcome: Outcome, profile: str) -> Outcome:
    """The outcome under `profile`: the rules it does not hold the package to left out, and the
    notes (what was not checked) set apart from the problems."""
    kept = [p for p in outcome.problems if in_profile(p.rule, profile)]
    notes = [p for p in kept if not fails(p.rule)]
    problems = [p for p in kept if fails(p.rule)]
    return dataclasses.replace(outcome, problems=problems, notes=notes, profile=profile)


def run_checks(package: Package, problems: list[Problem], frictionless: str) -> Outcome:
    from concurrent.futures import ThreadPoolExecutor

    from peacetalks.checks.check_frictionless import small_enough, start_data_pass

    data_pass = None
    try:
        # Hashing every file (hashlib releases the GIL) runs on the second core from the start: first
        # beside the imports of pandas and Pandera (half a second with the other core idle), then
        # beside the table checks. On a small package, frictionless's pass over the data runs in a
        # process of its own from the start as well.
        with ThreadPoolExecutor(1) as pool:
            integrity = pool.submit(check_integrity_of_each, package)
            small = small_enough(package)
            # On a large package both cores are busy with our own checks already: frictionless's
            # pass (asked for with "full") would only add its memory to ours; it runs after them.
            # On a small one it starts before the schemas are checked (which imports pandas, for
            # the patterns), and is stopped if they turn out too broken for it.
            if frictionless in ("auto", "full") and small and not blocks_frictionless(problems):
                data_pass = start_data_pass(package)
            from peacetalks.checks.check_descriptor import check_descriptor

            with checking(package.path.name):
                problems = problems + check_descriptor(package)
            if blocks_frictionless(problems) and data_pass is not None:
                data_pass.stop()
                data_pass = None
            full = {"auto": small, "full": True, "descriptor": False, "off": False}[frictionless]
            # The columns only frictionless reads (a time, a uri) go to its cell reader, in our checks
            # (`check_frictionless_cells`), unless its pass over the data runs beside them: a list
            # collects the reader's findings, None leaves them to the pass.
            read = [] if not (full and small) or blocks_frictionless(problems) else None
            broken = {p.file for p in problems if p.rule in BLOCKING_SCHEMA_RULES}
            usable = [r for r in package.resources if r.schema_file not in broken]
            files, counts = check_tables(package, usable, problems, read)
            problems += integrity.result()
        findings, covered = [], False
        if frictionless != "off" and blocks_frictionless(problems):
            # The data cannot be read against these schemas, but frictionless's word on the
            # descriptor (a licence with neither name nor path, a `created` that is no datetime)
            # still counts: the descriptor alone, which opens no file.
            findings = descriptor_opinion(package, files, problems)
        elif frictionless != "off":
            from peacetalks.checks.check_frictionless_cells import in_reader_words

            if full and data_pass is None and not damaged(problems):
                # A large package in "full": the pass starts now, in a process of its own all the same,
                # so that it can be stopped (its time limit, Ctrl-C) wherever it is.
                data_pass = start_data_pass(package)
            findings, covered = second_opinion(package, problems, files, full, data_pass)
            findings = [p for p in findings if not (p.file in inferred_files(package) and rule_kind(p.rule) == HEADER)]
            findings = in_reader_words(findings, usable)
        if read is None:
            # The pass did not read them after all, or (a table with an array's items' pattern, which
            # no pass is given: `check_frictionless.without_patterns`) not all of them.
            read = check_left_to_frictionless(package, usable if not covered else with_item_patterns(usable))
        problems += new_findings(read or [], problems)
        problems += new_findings(findings, problems)
    finally:
        if data_pass is not None:
            data_pass.stop()  # findings not wanted after all, or the check was stopped
    from peacetalks.read.read_sources import relocate

    problems = pointing_at_unread_rows(package, without_echoes(problems))
    return Outcome(unique_sorted(relocate(package, apart_where_relocated(package, problems))), counts)


def apart_where_relocated(package: Package, problems: list[Found]) -> list[Found]:
    """Runs in the tables whose lines `relocate` moves (a multipart or inline table) taken apart into
    their problems, which it moves one by one."""
    moved = {r.path for r in package.resources if r.data is not None or len(r.files) > 1}
    if not moved or not any(isinstance(p, ProblemRun) and p.file in moved for p in problems):
        return problems
    return [q for p in problems for q in (p.problems() if isinstance(p, ProblemRun) and p.file in moved else [p])]


def check_integrity_of_each(package: Package) -> list[Problem]:
    """`check_integrity` one file at a time, so that an error names the file being hashed."""
    from peacetalks.checks.check_integrity import check_integrity

    problems: list[Problem] = []
    for resource in package.resources:
        with checking(resource.path):
            problems += check_integrity(dataclasses.replace(package, resources=[resource], files=[]))
    for resource in package.files:  # resources that are not tables
        with checking(resource.path):
            problems += check_integrity(dataclasses.replace(package, resources=[], files=[resource]))
    return problems


# Frictionless's words for a broken schema: after a schema problem of our own, which names the
# file and line, they only repeat it without a place.
SCHEMA_ECHOES = {"frictionless:schema-error", "frictionless:field-error"}


def inferred_files(package: Package) -> set[str]:
    """The tables read with a schema inferred from their header, which frictionless reads with its
    own: its word on their header (a repeated or empty label, which the standard allows) is not the standard's."""
    return {r.path for r in package.resources if getattr(r, "inferred", False)}


def descriptor_opinion(package: Package, files, problems: list[Problem]) -> list[Problem]:
    """Frictionless's findings on the descriptor alone, but for its echoes of our schema problems;
    its crash on a descriptor we already report as broken only repeats that."""
    from peacetalks.checks.check_frictionless import check_with_frictionless, crashed

    try:
        findings = check_with_frictionless(package, files, full=False)
    except Exception as error:  # a second opinion: its crash must not hide our findings
        return [] if any(p.rule == "descriptor" for p in problems) else [crashed(error)]
    return [p for p in findings if p.rule not in SCHEMA_ECHOES]


def check_left_to_frictionless(package: Package, usable: list) -> list[Problem]:
    """The columns only frictionless reads, by its cell reader (`check_frictionless_cells`), when its
    pass over a small package's data, which the tables were checked expecting, does not read them
    after all (file damage, a crash, a table it cannot read: `second_opinion`), and for a table with
    an array's items' pattern, which no pass matches. Only then, and only tables with such columns,
    are read again, whole: a small package's."""
    from peacetalks.checks.check_frictionless_cells import check_frictionless_cells, fields_read_by_frictionless
    from peacetalks.read.read_sources import read_resource

    problems: list[Problem] = []
    for resource in usable:
        if fields_read_by_frictionless(resource):
            with checking(resource.path):
                table = read_resource(package.root, resource)
                if table.header:
                    problems += check_frictionless_cells(table, resource)
    return problems


def with_item_patterns(resources: list) -> list:
    """The tables with an array whose items have a `pattern`, which our checks alone match."""
    from peacetalks.checks.check_frictionless_cells import item_pattern

    return [r for r in resources if any(item_pattern(field) is not None for field in r.fields)]


def blocks_frictionless(problems: list[Problem]) -> bool:
    """Problems after which frictionless could only fail on what we already report."""
    return any(p.rule in BLOCKING_SCHEMA_RULES | {"unsafe-path", "descriptor"} for p in problems)


def without_echoes(problems: list[Found]) -> list[Found]:
    """A cell that is not of its type reads as empty to later rules; their complaints would only echo it.
    So do the complaints about a record the csv module refused (`csv-syntax`), whose cells are
    checked as a lenient reader reads them (`read_tables.read_with_csv_module`): with a quote left
    out, they may be the cells beside the ones meant."""

    def file(p: Found) -> str:
        return p.file

    unreadable = Places((p for p in problems if p.rule == "type"), file)
    misread = Places((p for p in problems if p.rule == "csv-syntax"), file)
    problems = drop_at(problems, lambda p: p.rule in {"together", "exactly-one", "required-when"}, unreadable, file)
    return drop_at(problems, lambda p: p.rule != "csv-syntax", misread, file) if misread else problems


def pointing_at_unread_rows(package: Package, problems: list[Found]) -> list[Found]:
    """A row whose foreign key finds no row in a table with records our reader had to leave out
    (`csv-syntax`, `ragged-row`) is told so: the row it points at may be one of them, and one slip
    would otherwise read as a missing row for every row that points at it."""
    unread: dict[str, list[int]] = {}
    for p in problems:
        if p.rule in {"csv-syntax", "ragged-row"} and len(lines_of(p)):
            unread.setdefault(p.file, []).extend(lines_of(p).tolist())
    if not unread:
        return problems
    resources = {r.path: r for r in package.resources}
    paths = {r.name: r.path for r in package.resources}
    told = []
    for p in problems:
        resource = resources.get(p.file) if p.rule == "foreign-key" else None
        for fk in resource.foreign_keys if resource is not None else []:
            target = paths.get(fk["resource"])
            if ", ".join(fk["fields"]) == p.column and target in unread:
                lines = sorted(set(unread[target]))
                shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
                note = f"{target} has records that could not be read (line {shown}); the row may be one of them: fix those first"
                p = dataclasses.replace(p, hint=f"{p.hint}\n{note}" if p.hint else note)
                break
        told.append(p)
    return told


def parents_first(resources: list) -> list | None:
    """Tables ordered so that every table a foreign key points at comes before the table that points
    (self-links aside); None when foreign keys loop between tables."""
    done: list = []
    names: set[str] = set()
    pending = list(resources)
    present = {r.name for r in resources}
    while pending:
        ready = next((r for r in pending if ({fk["resource"] for fk in r.foreign_keys} & present) - {r.name} <= names), None)
        if ready is None:
            return None
        done.append(ready)
        names.add(ready.name)
        pending.remove(ready)
    return done


def referenced_columns(resources: list) -> dict[str, set[str]]:
    """For each table, the columns that other tables' foreign keys point at: all that later tables need of it."""
    needed: dict[str, set[str]] = {}
    for resource in resources:
        for fk in resource.foreign_keys:
            if fk["resource"] != resource.name:
                needed.setdefault(fk["resource"], set()).update(fk["reference_fields"])
    return needed


class Progress:
    """One line per table on stderr, only for large packages and only in a terminal."""

    MIN_BYTES = 50_000_000  # about 200,000 rows of this package's tables

    def __init__(self, package: Package, resources: list):
        size = 0
        for resource in resources:
            with contextlib.suppress(OSError):
                size += (package.root / resource.path).stat().st_size
        self.on = size >= self.MIN_BYTES and sys.stderr.isatty()
        self.started = time.perf_counter()

    def table(self, resource, rows: int) -> None:
        if self.on:
            print(f"  checked {resource.path}: {rows:,} rows ({time.perf_counter() - self.started:.1f} s)", file=sys.stderr, flush=True)


def check_tables(package: Package, usable, problems: list[Problem], read: list | None = None):
    """Each table on its own, then the rules that join it to tables already checked. Only the
    key columns that other tables point at are kept, so memory follows the largest tables being
    checked rather than the whole package. Two tables are checked at once, one on each core
    (`check_parents_first`), except in a small package (`table_threads`). `read`: a list for the
    findings of frictionless's cell reader on the columns only it reads (`check_frictionless_cells`),
    or None to leave them to its pass."""
    from peacetalks.checks.check_sources import marked_field

    order = parents_first(usable)
    files = {resource.name: resource.path for resource in usable}
    counts: dict[str, int] = {}
    texts: dict[str, dict[str, str]] = {}
    progress = Progress(package, usable)
    if order is None:
        # Foreign keys loop between tables: every typed table is kept and joined at the end.
        frames: dict[str, pd.DataFrame] = {}
        for resource in usable:
            with checking(resource.path):
                table_problems, typed, count = check_whole_table(package, resource, None, files, texts, read)
            problems += table_problems
            if typed is not None:
                frames[resource.name], counts[resource.name] = typed, count
                progress.table(resource, count)
        problems += check_joins(package, package.resources, frames, files, texts)
        return files, counts
    needed = referenced_columns(usable)

    def check(resource, parents, stopped):
        from peacetalks.checks.match_with_python import stop_when

        files[resource.name] = resource.path  # the same path, unless the name repeats
        with stop_when(stopped):  # a pattern's matches in a process of their own end too
            return check_one_table(package, resource, parents, files, texts, needed, stopped, read)

    # Names that repeat (a descriptor problem, reported) cannot tell tables apart: then one at a time.
    if len(files) == len(usable):
        text_tables = {r.name for r in usable if marked_field(r, "source_text")}
        results = check_parents_first(order, check, text_tables, table_threads(package))
    else:
        results = check_in_order(order, check)
    for resource, (table_problems, _, count) in results:
        problems += table_problems
        if count is not None:
            counts[resource.name] = count
            progress.table(resource, count)
    return files, counts


def check_in_order(order: list, check):
    """`check_parents_first` one table at a time, for tables whose names repeat: each name means
    the table last checked under it, and its file is the one problems are reported in."""
    kept: dict[str, object] = {}
    for resource in order:
        parents = {fk["resource"] for fk in resource.foreign_keys} - {resource.name}
        result = check(resource, lambda parents=parents: {name: kept[name] for name in parents if kept.get(name) is not None}, NEVER)
        kept[resource.name] = result[1]
        yield resource, result


def table_threads(package: Package) -> int:
    """How many tables are checked at once: one per core, at most two (large tables' checks spend
    much of their time in pyarrow, which releases the GIL); one for a small package
    (`ONE_THREAD_MAX_BYTES`)."""
    from peacetalks.checks.check_frictionless import data_bytes

    return 1 if data_bytes(package) <= ONE_THREAD_MAX_BYTES else min(2, usable_cores())


def check_parents_first(order: list, check, text_tables: set[str], threads: int = 2):
    """Yield (resource, check(resource, parents, stopped)) for every table, `threads` tables at a
    time, and never more than the cores this process may use (`usable_cores`).

    `parents()` waits until every table the table's foreign keys point at is done, and returns
    the key columns their checks kept (the second item returned; kept until the last table
    pointing at them is done). A table starts once its parents are done; or, when a core would
    otherwise wait, once those of its parents that hold source texts (`text_tables`) are done:
    its batches need the texts, and only its joins, at the end, need the other parents. Such a
    table only waits for parents that are already running, so it never waits for a table that
    cannot start. `stopped` (a threading.Event) is set when the schedule is stopped early (Ctrl-C):
    a running table then stops at its next batch rather than at its end."""
    import threading
    from concurrent.futures import FIRST_COMPLETED, CancelledError, ThreadPoolExecutor, wait

    present = {r.name for r in order}
    parents_of = {r.name: ({fk["resource"] for fk in r.foreign_keys} & present) - {r.name} for r in order}
    waiting = {name: sum(name in parents for parents in parents_of.values()) for name in present}
    finished_event = {name: threading.Event() for name in present}
    stopped = threading.Event()
    pending = list(order)
    kept: dict[str, object] = {}
    running: dict = {}
    workers = max(1, min(threads, usable_cores()))

    def parents_of_table(name: str):
        def parents() -> dict:
            for parent in parents_of[name]:
                finished_event[parent].wait()
            if stopped.is_set():
                raise CancelledError(f"{name}: the check was stopped")
            return {parent: kept[parent] for parent in parents_of[name] if kept.get(parent) is not None}

        return parents

    def can_start(name: str, early: bool) -> bool:
        if not early:
            return parents_of[name] <= kept.keys()
        started = kept.keys() | {r.name for r in running.values()}
        return parents_of[name] & text_tables <= kept.keys() and parents_of[name] <= started

    def schedule(pool):
        while pending or running:
            for early in (False, True):
                for resource in list(pending):
                    if len(running) < workers and can_start(resource.name, early):
                        running[pool.submit(check, resource, parents_of_table(resource.name), stopped)] = resource
                        pending.remove(resource)
            if not running:
                # Cannot happen for tables in `parents_first` order; never spin, whatever the input.
                raise RuntimeError("no table can start: " + ", ".join(r.name for r in pending))
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                resource = running.pop(future)
                try:
                    result = future.result()
                    kept[resource.name] = result[1] if waiting[resource.name] else None
                finally:
                    finished_event[resource.name].set()  # a table waiting for it must never wait forever
                for parent in parents_of[resource.name]:
                    waiting[parent] -= 1
                    if not waiting[parent]:
                        kept[parent] = None  # no table left that points at it
                yield resource, result

    with ThreadPoolExecutor(workers) as pool:
        try:
            yield from schedule(pool)
        finally:
            # Stopped early (Ctrl-C, or a caller that stops reading): the pool's shutdown waits for
            # every running table, so none may be left waiting for a parent that will never be
            # marked done, and tables not yet started never start.
            for future in running:
                future.cancel()
            stopped.set()
            for event in finished_event.values():
                event.set()


def usable_cores() -> int:
    """The cores this process may run on (`sched_getaffinity` exists on Linux only)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def check_one_table(package: Package, resource, parents, files, texts, needed, stopped, read: list | None = None) -> tuple:
    """One table's own checks and its joins to its parents (`parents()`: their kept key columns,
    once they are done).
    Returns its problems, the key columns kept for the tables that point at it, and its row
    count (None when it has no readable header)."""
    with checking(resource.path):
        streamed = check_in_batches(package, resource, parents, files, texts, needed, stopped, read)
        if streamed is not None:
            return streamed
        table_problems, typed, count = check_whole_table(package, resource, parents, files, texts, read)
    if typed is None:
        return table_problems, None, None
    keep = [c for c in typed.columns if c in needed.get(resource.name, set())]
    return table_problems, (typed[keep] if keep else None), count


def check_whole_table(package: Package, resource, parents, files, texts, read: list | None = None) -> tuple:
    """A table read whole: its own checks and, when `parents` is given, its joins to them
    (`parents()`: their kept key columns, once they are done).
    Returns its problems, the typed frame and its row count (both None when it has no header)."""
    from peacetalks.checks.check_cells import check_cells
    from peacetalks.checks.check_data import check_table
    from peacetalks.checks.check_frictionless_cells import check_frictionless_cells
    from peacetalks.model.read_patterns import one_time_limit_per_table
    from peacetalks.read.read_sources import line_end_problems, read_resource

    table = read_resource(package.root, resource)
    problems = list(table.problems)
    if not table.header:
        return problems, None, None
    problems += line_end_problems(package.root, resource)
    with one_time_limit_per_table():
        typed, table_problems = check_table(table, resource)
        problems += check_cells(table, resource, table_problems)
        if read is not None:
            read += check_frictionless_cells(table, resource)
    del table
    if parents is not None:
        problems += check_joins(package, [resource], {**parents(), resource.name: typed}, files, texts)
    return problems, typed, len(typed)


def check_in_batches(package: Package, resource, parents, files, texts, needed, stopped, read: list | None = None) -> tuple | None:
    """A large, clean table read and checked a batch at a time, with the same functions as a whole
    table: every rule but uniqueness, keys and self-links looks at one row (or one row and the
    source texts its quotes come from), so it gives the same problems batch by batch. Only the key columns are kept
    across batches, for the rules over the whole table. None (the caller then reads the table
    whole) when the file is small or not clean, or a record spans lines: its line numbers would
    need the csv module."""
    from peacetalks.checks.check_links import check_cycles, check_foreign_keys
    from peacetalks.read.read_sources import batch_header, batch_size, line_end_problems
    from peacetalks.read.read_tables import BATCH_BYTES

    size = batch_size(package.root, resource)
    if size is None or size <= 2 * BATCH_BYTES:
        return None
    header = batch_header(package.root, resource)
    if header is None:
        return None
    own, file = resource.name, resource.path
    checked = check_batches(package, resource, header, files, texts, needed, stopped, read)
    if checked is None:
        return None  # damage, or a quoted newline: line numbers need the csv module
    count, problems, text = checked
    del checked  # it holds the text too, which `del text` below must free
    problems += line_end_problems(package.root, resource)
    frames = parents()  # before the lock: a parent may still need it for its own keys
    with WHOLE_TABLE_KEYS:
        key_problems, typed = check_keys(resource, text, file)
        problems += key_problems
        del text  # the typed key columns are all the joins need: hand the text's memory back first
        release_memory()
        view = dataclasses.replace(package, resources=[resource])
        problems += check_foreign_keys(view, {**frames, own: typed}, files)
        problems += check_cycles(view, {own: typed}, files)
        keep = [c for c in typed.columns if c in needed.get(own, set())]
        kept_keys = typed[keep] if keep else None
        del typed
        release_memory()
    return problems, kept_keys, count


def check_batches(package: Package, resource, header: list[str], files, texts, needed, stopped, read: list | None = None) -> tuple | None:
    """Every batch's own checks; returns the rows (blank lines aside), the problems and the key
    columns (text). None when the file cannot be read in batches (`read_batches`); CancelledError
    at the next batch once `stopped` is set."""
    from concurrent.futures import CancelledError

    import pandas as pd
    import pyarrow as pa

    from peacetalks.checks.check_cells import check_cells
    from peacetalks.checks.check_data import check_table
    from peacetalks.checks.check_frictionless_cells import check_frictionless_cells
    from peacetalks.model.read_patterns import one_time_limit_per_table
    from peacetalks.read.read_sources import resource_batches
    from peacetalks.read.read_tables import RawTable, drop_blank_rows

    own, file = resource.name, resource.path
    # Per batch: the schema without its self-links (a batch does not hold every row they point at);
    # the batch is joined to no other table either: foreign keys are checked once, at the end, over
    # the kept key columns (one hash of the parent's keys instead of one per batch).
    schema = dict(resource.schema)
    raw_keys = schema.get("foreignKeys") or []
    schema["foreignKeys"] = [
        fk
        for fk in raw_keys
        if not (isinstance(fk, dict) and isinstance(fk.get("reference"), dict) and (fk["reference"].get("resource") or own) == own)
    ]
    per_batch = dataclasses.replace(resource, schema=schema)
    keys = set(resource.primary_key) | needed.get(own, set())
    keys |= {f["name"] for f in resource.fields if isinstance(f.get("constraints"), dict) and f["constraints"].get("unique")}
    keys |= {c for fk in resource.foreign_keys for c in fk["fields"] + (fk["reference_fields"] if fk["resource"] == own else [])}
    columns = [c for c in dict.fromkeys(header) if c in keys]
    problems: list[Problem] = []
    by_reader: list[Problem] = []  # handed over only once every batch is read
    kept: list[pd.DataFrame] = []
    count = 0
    try:
        # A column's time for Python's `re` is the table's, not each batch's.
        with one_time_limit_per_table():
            for frame in resource_batches(package.root, resource, len(header)):
                if stopped.is_set():
                    raise CancelledError(f"{own}: the check was stopped")
                frame.columns = header
                frame, blank = drop_blank_rows(frame, file)
                problems += blank
                count += len(frame)
                table = RawTable(own, file, header, frame, blank, header_line=resource.dialect.header_line)
                typed, table_problems = check_table(table, resource, keys=False)
                problems += check_cells(table, resource, table_problems)
                if read is not None:
                    by_reader += check_frictionless_cells(table, resource)
                problems += check_joins(package, [per_batch], {own: typed}, files, texts)
                problems = compact(problems, join=False)  # a batch's problems told alike, as runs: a few bytes a line
                kept.append(frame.loc[:, ~frame.columns.duplicated()][columns])
                del table, typed, frame
                if len(kept) % RELEASE_EVERY == 0:
                    release_memory()
    except pa.ArrowInvalid:
        return None
    text = pd.concat(kept) if kept else pd.DataFrame(columns=columns, dtype="str")
    if read is not None:
        read += by_reader
    return count, problems, text


def release_memory() -> None:
    """Hand memory freed since the last call back to the system: pyarrow's allocator and glibc's
    keep freed blocks for reuse, and the peak would then grow with every batch's fragments."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)


def check_keys(resource, text: pd.DataFrame, file: str) -> tuple[list[Problem], pd.DataFrame]:
    """Uniqueness and the primary key over the key columns of a whole table (Pandera, the same schema
    built from the Table Schema, every other check left to the batches); and the typed key columns.
    Pandera looks at each key column as numbers, one per distinct value (`key_codes`): equal values,
    equal numbers, so it finds the same rows. Its check on the typed key columns themselves held
    about 1.5 GB more for 10 million ids (the memory peak of a large package)."""
    import pandas as pd
    import pandera.pandas as pa

    from peacetalks.checks.check_data import pandera_problems
    from peacetalks.model.build_pandera import build_schema
    from peacetalks.model.convert_types import convert_frame

    typed, _ = convert_frame(text, resource.schema, file)
    schema = build_schema(resource.schema, resource.name, present=list(typed.columns))
    checked = [name for name, column in schema.columns.items() if column.unique or name in (schema.unique or [])]
    if not checked:
        return [], typed
    codes = pd.DataFrame({name: key_codes(typed[name]) for name in checked}, index=typed.index)
    keys = schema.select_columns(checked).update_columns({name: {"checks": [], "dtype": None, "nullable": True} for name in checked})
    try:
        keys.validate(codes, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        found = pandera_problems(errors.failure_cases, schema, resource, file, text)
        return [p for p in found if p.rule in {"unique", "primary-key"}], typed
    return [], typed


def key_codes(column: pd.Series) -> pd.Series:
    """Each cell's rank among the column's distinct values (pyarrow sorts, and equal values share a
    rank), missing cells missing. Not a hash of the values: for 10 million distinct ids, pandas'
    `factorize` and pyarrow's dictionary encoding each held over 1 GB, the sort about 150 MB."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(column, from_pandas=True)
    ranks = pc.rank(values, sort_keys="ascending", tiebreaker="dense")
    return pd.Series(ranks.to_numpy(zero_copy_only=False), index=column.index, dtype="Int64").mask(
        values.is_null().to_numpy(zero_copy_only=False)
    )


def check_joins(package: Package, resources: list, frames, files, texts) -> list[Problem]:
    """The rules that join rows, for `resources`, against the tables in `frames`."""
    view = dataclasses.replace(package, resources=list(resources))
    return check_across_tables(view, frames, files, texts)


def check_across_tables(package: Package, frames, files, texts: dict | None = None) -> list[Problem]:
    from peacetalks.checks.check_links import check_cycles, check_foreign_keys, check_row_rules
    from peacetalks.checks.check_sources import check_codes, check_quotes, read_source_texts

    problems = check_foreign_keys(package, frames, files)
    problems += check_cycles(package, frames, files)
    for resource in package.resources:
        if resource.name in frames:
            problems += check_row_rules(resource, frames[resource.name], files[resource.name])
    own_texts, text_problems = read_source_texts(package, frames, files)
    problems += text_problems
    if texts is not None:
        for name, by_id in own_texts.items():  # a table of source texts read in batches: all of them
            texts.setdefault(name, {}).update(by_id)
        own_texts = texts
    problems += check_quotes(package, frames, files, own_texts)
    problems += check_codes(package, frames, files)
    return problems


def damaged(problems: list[Problem]) -> bool:
    """Our reader already located damage in a file; frictionless's row reader can take minutes on the
    same file (a row of tens of thousands of stray commas) and would only repeat it."""
    return any(p.rule in STRUCTURAL_RULES for p in problems)


def second_opinion(package: Package, problems: list[Problem], files, full: bool, data_pass=None) -> tuple[list[Problem], bool]:
    """Frictionless's findings, and whether its pass over the data read every cell (none of its
    findings says it could not read a table or the descriptor, and no table reached its limit of
    findings): the columns only frictionless reads are then checked. `full`: on the data too, not
    only the descriptor; `data_pass`: the process running that pass, or None."""
    from collections import Counter

    from peacetalks.checks.check_frictionless import ERROR_LIMIT, PassTooLong, check_with_frictionless, crashed, too_long

    if damaged(problems):
        full = False  # (the caller stops the process)
    findings, cut_short = None, []
    if full and data_pass is not None:
        try:
            findings = data_pass.findings()
        except PassTooLong:
            # Its findings on the descriptor alone, then, and the columns only it reads go to its reader.
            cut_short, full = [too_long(data_pass.limit)], False
    if findings is None:
        try:
            findings = check_with_frictionless(package, files, full=full)
        except Exception as error:  # frictionless is a second opinion: its crash must not hide ours
            findings = [crashed(error)]
    findings += cut_short
    # A finding with no line (a file it could not decode, a descriptor or table it could not read, a
    # crash), or a header it read otherwise than we do (a declared format or encoding): some of its
    # cells were not read, or not read as ours were.
    stopped = any((p.line is None and p.rule not in {"hash", "bytes"}) or p.rule in STRUCTURAL_RULES for p in findings)
    covered = full and not stopped and max(Counter(p.file for p in findings).values(), default=0) < ERROR_LIMIT
    return findings, covered


def new_findings(findings: list[Problem], problems: list[Found]) -> list[Problem]:
    """The findings of frictionless (or of its reader) that our own checks did not already make at
    the same place: the same rule at the same place, or (for a key, type or shape slip) any rule in a
    cell or row we already reported, is an echo that adds nothing. A finding in another column of
    that row is not an echo (an email frictionless finds invalid, beside a date we could not read)."""
    # The columns we reported each rule in on each line, and on each line at all (None: the whole row).
    columns_of_rule: dict[tuple, set] = {}
    columns_on_line: dict[tuple, set] = {}
    runs: dict[str, list[ProblemRun]] = {}  # looked up line by line for the few findings, not spread out
    for p in problems:
        if isinstance(p, ProblemRun):
            runs.setdefault(p.file, []).append(p)
            continue
        columns_of_rule.setdefault((p.file, p.line, p.rule), set()).add(p.column)
        if p.line is not None:
            columns_on_line.setdefault((p.file, p.line), set()).add(p.column)
    if runs:
        for finding in findings:
            for run in runs.get(finding.file, []):
                at = int(np.searchsorted(run.lines, finding.line)) if finding.line is not None else len(run.lines)
                if at < len(run.lines) and run.lines[at] == finding.line:
                    columns_of_rule.setdefault((run.file, finding.line, run.rule), set()).add(run.column)
                    columns_on_line.setdefault((run.file, finding.line), set()).add(run.column)
    # Its `hash` and `bytes` say what ours say, in one problem or two.
    changed = {p.file for p in problems if p.rule in {"hash", "bytes"}}

    def same_place(problem: Problem, columns: set) -> bool:
        return bool(columns) and (problem.column is None or None in columns or problem.column in columns)

    # A file we could not read as text at all: frictionless's own decoding error repeats ours.
    unreadable = {p.file for p in problems if p.rule in {"encoding", "bom", "binary", "empty-file", "file-missing", "file-unreadable"}}
    echoed = {"foreign-key", "primary-key", "unique", "required", "type", "ragged-row", "pattern", "enum", "length", "range"}
    new = []
    for problem in findings:
        if same_place(problem, columns_of_rule.get((problem.file, problem.line, problem.rule), set())) or problem.file in unreadable:
            continue
        if problem.rule in {"hash", "bytes"} and problem.file in changed:
            continue
        if problem.rule in echoed and same_place(problem, columns_on_line.get((problem.file, problem.line), set())):
            continue
        new.append(problem)
    return new
