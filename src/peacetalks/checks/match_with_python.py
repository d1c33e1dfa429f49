"""Match a pattern with Python's `re` in a process of its own, under time limits.

pandas hands some patterns to Python's `re` rather than RE2 (`read_patterns.runs_on_python`), and
Python's `re` can backtrack for hours on one value when repeats nest (`(a+)+\\s?` against 40 a's
and a `!`). In the validator's own process nothing could stop that match: its checks run in
threads, and a thread inside one match holds the interpreter. The child stops a match itself
(Python's `re` looks for signals as it goes, and a timer sends one), so it never outlives its
limits either; the parent kills it only if it does not answer in time.

This module imports nothing but the standard library: the child starts in about 30 ms.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import NamedTuple

# A value's match is stopped after this long, plus the per-MB time for long values. A pattern
# that does not backtrack reads tens of MB a second in Python's `re`: a value that takes a second
# has met repeats that nest.
VALUE_LIMIT_SECONDS = 1
VALUE_LIMIT_SECONDS_PER_MB = 2
# All the values given at once (one column, or one batch of it) are matched within this long,
# plus the per-MB time; values not reached by then are not matched.
COLUMN_LIMIT_SECONDS = 10
COLUMN_LIMIT_SECONDS_PER_MB = 2
# The child's start and its answer, on top of the column's limit, before it is killed.
GRACE_SECONDS = 5
# How often the child looks at the time while it matches.
TICK_SECONDS = 0.05

# One character per value in the child's answer; `CHILD_FAILED` for every value when no child
# could start or it ended without one.
MATCHED, FAILED, TOO_SLOW, NOT_REACHED, CHILD_FAILED = "1", "0", "s", "-", "x"

# How the child is started, after `python -I -S`: this file, run as a script, which needs the
# standard library alone (not `-m peacetalks...`, which needs the package found on a path: an
# import hook, such as a strict editable install's, is not one, and `-S` skips `.pth` files).
CHILD = [os.path.abspath(__file__)]


def value_limit(value: str) -> float:
    """The time for matching one value (`VALUE_LIMIT_SECONDS`); "per MB" counts characters."""
    return VALUE_LIMIT_SECONDS + VALUE_LIMIT_SECONDS_PER_MB * len(value) / 1_000_000


def column_limit(values: list[str]) -> float:
    """The time for matching `values` (`COLUMN_LIMIT_SECONDS`)."""
    return COLUMN_LIMIT_SECONDS + per_mb_time(values)


def per_mb_time(values: list[str]) -> float:
    return COLUMN_LIMIT_SECONDS_PER_MB * sum(map(len, values)) / 1_000_000


class Answer(NamedTuple):
    """The child's verdicts (`match_with_python`), and the seconds it spent matching them."""

    verdicts: str
    seconds: float


def match_with_python(pattern: str, values: list[str], limit: float | None = None) -> Answer | None:
    """A verdict for each of `values` on `re.match(pattern, value)`, as one character: `MATCHED`,
    `FAILED`, `TOO_SLOW` (its match ran past its limit and was stopped), `NOT_REACHED` (the
    `limit` for all of them, `column_limit` by default, ran out first) or `CHILD_FAILED`; and the
    seconds spent matching, without the child's start (which, batch after batch, would use up a
    column's time on values that match at once). None when this interpreter cannot start a like
    child (frozen, embedded) or has no timer to stop a match with (Windows): the caller then
    matches in its own process, as it did before this module. A child that fails, or cannot start
    here, is not a reason to match here, unbounded: the validator would then hang on the very
    match it was spared.
    Ctrl-C raises KeyboardInterrupt here, in the thread that waits on the child, rather than start
    one more child, 10 s each, for each column left: when a terminal sends it to the child too,
    which dies of it; and when it reaches the validator alone, whose schedule then sets the table's
    stop event (`stop_when`), which ends the child."""
    if not sys.executable or getattr(sys, "frozen", False) or not hasattr(signal, "setitimer"):
        return None  # an embedded or frozen interpreter: `sys.executable` may not be a Python
    if stop_asked():
        raise KeyboardInterrupt
    limit = column_limit(values) if limit is None else limit
    if limit <= 0:
        return Answer(NOT_REACHED * len(values), 0.0)
    request = {
        "pattern": pattern,
        "values": values,
        "value_limit": [VALUE_LIMIT_SECONDS, VALUE_LIMIT_SECONDS_PER_MB],
        "column_limit": limit,
        "tick": TICK_SECONDS,
    }
    # -I -S: nothing from the environment or site-packages is needed, and the start is quicker.
    command = [sys.executable, "-I", "-S", *CHILD]
    # The request from a file, not a pipe: `answer_of` asks `communicate` again every tick, and
    # `communicate` writes its input in the first call alone (the rest of a request over a pipe's
    # worth, or not read within the first tick, would never be sent).
    try:
        with tempfile.TemporaryFile() as given:
            given.write(json.dumps(request).encode("ascii"))
            given.seek(0)
            # stderr not read: a traceback's bytes (a path, on Ctrl-C during the start) need not be ASCII.
            child = subprocess.Popen(command, stdin=given, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="ascii")
    except OSError:
        # No room for the request, no process to be had: the values are not matched, rather than
        # matched here with no bound.
        return Answer(CHILD_FAILED * len(values), 0.0)
    with child:
        try:
            output = answer_of(child, time.monotonic() + limit + GRACE_SECONDS)
        except BaseException:
            # Ctrl-C in the thread that waits (the main one, when tables are checked one at a
            # time): `Popen` would leave the child running.
            child.kill()
            child.wait()
            raise
    if output is None:
        return Answer(NOT_REACHED * len(values), limit)
    if child.returncode == -signal.SIGINT:
        raise KeyboardInterrupt
    verdicts, _, seconds = output.partition("\n")
    try:
        spent = float(seconds)
    except ValueError:
        spent = None
    if child.returncode != 0 or len(verdicts) != len(values) or spent is None:
        return Answer(CHILD_FAILED * len(values), 0.0)
    return Answer(verdicts, spent)


def answer_of(child: subprocess.Popen, deadline: float) -> str | None:
    """The child's output, or None when it is past `deadline` (it is then killed). Looks at the
    table's stop event (`stop_when`) every tick, and once it is set kills the child and raises
    KeyboardInterrupt."""
    while True:
        try:
            output, _ = child.communicate(timeout=TICK_SECONDS)
            return output
        except subprocess.TimeoutExpired:
            pass  # asked again, `communicate` goes on reading where it was
        if stop_asked():
            child.kill()
            child.communicate()
            raise KeyboardInterrupt
        if time.monotonic() > deadline:
            child.kill()
            child.communicate()
            return None


# The stop event of the table the thread checks (`stop_when`).
_STOP = threading.local()


@contextlib.contextmanager
def stop_when(event: threading.Event):
    """Within it, the thread's matches end once `event` is set: the schedule of the tables
    (`validate.check_parents_first`) sets it on Ctrl-C, which may reach the validator alone."""
    _STOP.event = event
    try:
        yield
    finally:
        _STOP.event = None


def stop_asked() -> bool:
    event = getattr(_STOP, "event", None)
    return event is not None and event.is_set()


class TooSlow(BaseException):
    """Raised inside a match by the timer's handler (`verdicts`)."""


def verdicts(pattern: str, values: list[str], value_limit: list[float], limit: float, tick: float) -> str:
    """The child's work (see `match_with_python`)."""
    import re

    matcher = re.compile(pattern).match
    # When the match of the current value must stop; infinite between matches.
    deadline = [math.inf]

    def on_tick(signum, frame) -> None:
        if time.monotonic() > deadline[0]:
            deadline[0] = math.inf  # once
            raise TooSlow

    signal.signal(signal.SIGALRM, on_tick)
    signal.setitimer(signal.ITIMER_REAL, tick, tick)
    stop = time.monotonic() + limit
    base, per_mb = value_limit
    found: list[str] = []
    for value in values:
        now = time.monotonic()
        if now >= stop:
            break
        own = now + base + per_mb * len(value) / 1_000_000
        deadline[0] = min(own, stop)
        try:
            verdict = MATCHED if matcher(value) is not None else FAILED
            deadline[0] = math.inf
        except TooSlow:
            # Stopped by its own limit, or by the values' limit, which it might have met.
            verdict = TOO_SLOW if own <= stop else NOT_REACHED
        found.append(verdict)
    signal.setitimer(signal.ITIMER_REAL, 0)
    return "".join(found) + NOT_REACHED * (len(values) - len(found))


def main() -> int:
    """The child: a request as JSON on stdin; on stdout the verdicts, a line end, and the seconds
    spent matching (`match_with_python`)."""
    # Ctrl-C ends the child by the signal, which tells the parent it was Ctrl-C (a
    # KeyboardInterrupt would end it like any error).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    request = json.load(sys.stdin)
    started = time.monotonic()
    found = verdicts(request["pattern"], request["values"], request["value_limit"], request["column_limit"], request["tick"])
    sys.stdout.write(f"{found}\n{time.monotonic() - started}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
