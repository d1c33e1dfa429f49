"""Python's `re` in a process of its own: a match that backtracks is stopped, the others answered."""

from __future__ import annotations

import sys

import pytest

from peacetalks.checks import match_with_python
from peacetalks.checks.match_with_python import NOT_REACHED
from peacetalks.checks.match_with_python import match_with_python as match

# Python's `re` backtracks for hours on this value against `(a+)+`, with anything after it.
BACKTRACKS = "a" * 40 + "!"
PATTERN = r"(?:(a+)+\s?)\Z"


@pytest.fixture
def short_limits(monkeypatch):
    monkeypatch.setattr(match_with_python, "VALUE_LIMIT_SECONDS", 0.2)
    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS", 5)


def test_a_value_on_which_the_pattern_backtracks_is_stopped_and_the_others_are_answered(short_limits):
    assert match(PATTERN, ["aaa", BACKTRACKS, "b", "a ", "a  "]).verdicts == "1s010"


def test_values_not_reached_when_the_column_s_time_runs_out_are_said_so(monkeypatch, short_limits):
    monkeypatch.setattr(match_with_python, "COLUMN_LIMIT_SECONDS", 0.6)
    # 0.2 s each, stopped at the next tick (every 0.05 s): the second starts at about 0.25 s, well
    # before 0.4 s; the third at about 0.5 s, cut short by the column's 0.6 s; the last two never tried
    assert match(PATTERN, [BACKTRACKS] * 3 + ["aa", "b"]).verdicts == "ss---"


def test_a_value_json_cannot_hold_as_utf_8_is_matched_as_written():
    # a lone surrogate: an array's item written as "\ud800" in JSON
    assert match(r"(?:\ud800\s?)\Z", ["\ud800", "x"]).verdicts == "10"


def test_no_child_is_no_answer_and_the_caller_matches_in_its_own_process(monkeypatch):
    monkeypatch.setattr(match_with_python.sys, "executable", "")
    assert match(PATTERN, ["aaa"]) is None


def test_a_child_that_ends_without_an_answer_fails_closed_rather_than_matching_here(monkeypatch):
    # Ctrl-C in a terminal reaches the child too: matching in the validator's process instead,
    # with no bound, brought back the hang
    monkeypatch.setattr(match_with_python, "CHILD", ["-c", "import sys; sys.exit(1)"])
    assert match(PATTERN, ["aaa", "b"]).verdicts == "xx"


def test_a_child_that_outlives_its_limit_is_killed_and_no_value_is_reached(monkeypatch):
    monkeypatch.setattr(match_with_python, "CHILD", ["-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(match_with_python, "GRACE_SECONDS", 0.5)
    assert match(PATTERN, ["aaa", "b"], limit=0.5) == (NOT_REACHED * 2, 0.5)


def test_no_time_left_is_no_value_reached():
    assert match(PATTERN, ["aaa", "b"], limit=0) == (NOT_REACHED * 2, 0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the processes from /proc")
@pytest.mark.parametrize("to_group", [True, False], ids=["to-the-process-group", "to-the-validator-alone"])
def test_ctrl_c_while_a_child_matches_ends_validate_at_once(tmp_path, to_group):
    # Ctrl-C ended the child too, and the validator then matched the values
    # itself, with no limit: still running 40 s later. A real SIGINT to the process group, as a
    # terminal sends it, or to the validator alone (`kill -INT`, `timeout -s INT`), in a session of
    # its own, so that a hang fails the test.
    import os
    import signal
    import subprocess
    import time
    from pathlib import Path

    from conftest import one_table_package

    fields = [
        {"name": "id", "type": "string", "description": "The row."},
        {"name": "code", "type": "string", "description": "A code.", "constraints": {"pattern": r"(a+)+\s?"}},
    ]
    # Six columns: once Ctrl-C has ended the first one's child, no other starts (
    # each took its 10 s, 50 s in all; sent to the validator alone, its child went on too).
    fields += [{**fields[1], "name": f"code{n}"} for n in range(5)]
    rows = "".join(f"r{n}" + f",{'a' * (30 + n)}!" * 6 + "\n" for n in range(15))
    root = one_table_package(tmp_path, fields, "id,code," + ",".join(f"code{n}" for n in range(5)) + "\n" + rows)
    validator = subprocess.Popen(
        [sys.executable, "-m", "peacetalks", "validate", "--frictionless", "off", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as a terminal's job has it
    )

    def child_running() -> bool:
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
                command = (status.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(validator.pid) and b"match_with_python" in command:
                return True
        return False

    try:
        deadline = time.monotonic() + 60
        while not child_running() and validator.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child_running(), "no child matched the values"
        (os.killpg if to_group else os.kill)(validator.pid, signal.SIGINT)
        _, stderr = validator.communicate(timeout=30)  # a hang fails here
    finally:
        if validator.poll() is None:
            os.killpg(validator.pid, signal.SIGKILL)
            validator.wait()
    assert validator.returncode != 0
    assert "Traceback" not in stderr


def test_a_request_the_child_cannot_read_within_one_tick_reaches_it_whole(monkeypatch):
    # asked again every tick, `communicate` sent its input in the first call
    # alone, so a request over a pipe's worth (64 KB) reached the child in part; it waited for the
    # rest until it was killed, and no value of a 31 MB column was matched.
    monkeypatch.setattr(match_with_python, "TICK_SECONDS", 0.001)  # long before the child reads
    answer = match(r"(?:\S+)\Z", ["x" * 1000] * 999 + ["x y"])
    assert answer.verdicts == "1" * 999 + "0"


def test_no_room_for_the_request_fails_closed(monkeypatch):
    # a full disk under the temporary folder: no traceback, and no match with no bound either
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(match_with_python.tempfile, "TemporaryFile", full)
    assert match(PATTERN, ["aaa"]).verdicts == "x"


def test_the_child_needs_no_path_to_the_package(monkeypatch):
    # it imported `peacetalks` from this process's `sys.path`, which an import
    # hook (a strict editable install) is not on: every value "unknown"
    import sysconfig

    stdlib = sysconfig.get_paths()
    monkeypatch.setattr(sys, "path", [stdlib["stdlib"], stdlib["platstdlib"]])
    assert match(PATTERN, ["aaa", "b"]).verdicts == "10"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the processes from /proc")
def test_ctrl_c_in_the_thread_that_waits_kills_the_child():
    # with tables checked one at a time, the main thread waits on the child,
    # and `Popen`'s exit on KeyboardInterrupt does not kill it. In a process of its own: a real
    # SIGINT, and a hang fails the test.
    import subprocess

    script = f"""
import os, signal, sys, threading, time
from pathlib import Path
from peacetalks.checks.match_with_python import match_with_python

threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    match_with_python({PATTERN!r}, [{BACKTRACKS!r}] * 50, 60)
except KeyboardInterrupt:
    children = Path(f"/proc/{{os.getpid()}}/task/{{os.getpid()}}/children").read_text().split()
    alive = [pid for pid in children if Path(f"/proc/{{pid}}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    print("alive:", alive)
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "alive: []", run.stdout + run.stderr
