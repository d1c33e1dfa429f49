"""Frictionless's pass over the data in a process of its own: the same findings as in this
process, a fallback when the process fails, and no process left running."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

import peacetalks.checks.check_frictionless as check_frictionless
from conftest import ROOT, line_of, rehash, replace_in
from package_edits import ragged_row
from peacetalks.cli import main
from peacetalks.model.read_package import Package, read_package
from peacetalks.run.validate import validate_package

pytestmark = pytest.mark.usefixtures("frictionless_as_users_run_it")


def break_descriptor(root):
    """A slip only frictionless reports: a string `keywords`."""
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["keywords"] = "peace talks"
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def test_the_child_process_finds_what_frictionless_finds_in_this_one(package_dir):
    statuses = package_dir / "data/statuses.csv"
    replace_in(statuses, ",90,percent,", ",90%,percent,")
    rehash(package_dir)
    package, _ = read_package(package_dir)
    here = check_frictionless.check_with_frictionless(package, {r.name: r.path for r in package.resources}, full=True)
    data_pass = check_frictionless.start_data_pass(package)
    assert data_pass is not None
    there = data_pass.findings()
    assert there == here
    line = line_of(statuses, ",90%,percent,")
    assert ("data/statuses.csv", line, "value", "type") in {(p.file, p.line, p.column, p.rule) for p in there}


def test_a_failed_child_gives_no_findings(tmp_path):
    assert check_frictionless.DataPass(failing_child()).findings() is None
    garbled = subprocess.Popen([sys.executable, "-c", "print('not json')"], stdout=subprocess.PIPE)
    assert check_frictionless.DataPass(garbled).findings() is None
    # The package is gone by the time the child reads it: it exits 1.
    gone = Package(root=tmp_path, descriptor={}, path=tmp_path / "datapackage.json")
    assert check_frictionless.start_data_pass(gone).findings() is None


def failing_child() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"], stdout=subprocess.PIPE)


def test_validate_runs_the_pass_itself_when_the_child_fails(package_dir, monkeypatch):
    break_descriptor(package_dir)
    expected = [("datapackage.json", None, "frictionless:package-error")]
    with_child = [(p.file, p.line, p.rule) for p in validate_package(package_dir, frictionless="full").problems]
    monkeypatch.setattr(
        check_frictionless,
        "start_data_pass",
        lambda package: check_frictionless.DataPass(failing_child()),
    )
    asked = []
    real_check = check_frictionless.check_with_frictionless

    def check_here(package, files, full=None):
        asked.append(full)
        return real_check(package, files, full=full)

    monkeypatch.setattr(check_frictionless, "check_with_frictionless", check_here)
    without_child = [(p.file, p.line, p.rule) for p in validate_package(package_dir, frictionless="full").problems]
    assert with_child == without_child == expected
    assert asked == [True]  # the data too, not only the descriptor


def test_the_child_imports_what_the_validator_imports_not_the_checked_folder(package_dir, tmp_path):
    # Run from inside a folder that holds modules named like ones the child imports (`json` before
    # it is handed the validator's path, `frictionless` after): the validator, started without
    # its working folder on its path, imports neither, and neither may its child.
    for name in ("json", "frictionless"):
        marker = tmp_path / f"{name} ran"
        (package_dir / f"{name}.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise ImportError('shadow')\n")
    # Like the console script: the working folder is not on the path, and no -P to hand on.
    launch = "import sys; del sys.path[0]; from peacetalks.cli import main; main(prog_name='peacetalks')"
    command = [sys.executable, "-c", launch, "validate", "--frictionless", "full", "."]
    result = subprocess.run(command, cwd=package_dir, capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "valid: . (9 tables, 123 rows)")
    assert sorted(p.name for p in tmp_path.glob("* ran")) == []


def test_a_crash_of_the_child_alone_is_not_reported(package_dir, tmp_path, monkeypatch):
    # A frictionless that only the child would import (this process imported the real one
    # already): the child fails, the validator runs the pass itself, and the report is the same.
    import frictionless  # noqa: F401  (imported here first, as validate would)

    expected = [(p.file, p.line, p.rule) for p in validate_package(package_dir, frictionless="full").problems]
    fake = tmp_path / "fake" / "frictionless"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise RuntimeError('only in the child')\n")
    monkeypatch.syspath_prepend(str(fake.parent))
    package, _ = read_package(package_dir)
    assert check_frictionless.start_data_pass(package).findings() is None
    assert [(p.file, p.line, p.rule) for p in validate_package(package_dir, frictionless="full").problems] == expected


@pytest.mark.parametrize("mode", ["auto", "full"])
def test_the_child_is_stopped_when_our_reader_finds_damage(package_dir, monkeypatch, mode):
    # Frictionless's row reader could take minutes on a damaged file (one row with 47,000 stray
    # commas took 7.5 minutes): a child still at work then is stopped, not waited for.
    damage = ragged_row(package_dir)
    started = []

    def slow_child(package):
        started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], stdout=subprocess.PIPE))
        return check_frictionless.DataPass(started[-1])

    monkeypatch.setattr(check_frictionless, "start_data_pass", slow_child)
    begun = time.monotonic()
    found = validate_package(package_dir, frictionless=mode).problems
    assert time.monotonic() - begun < 60
    assert (damage.file, damage.line, damage.rule) in {(p.file, p.line, p.rule) for p in found}
    assert [p for p in found if p.rule.startswith("frictionless")] == []
    assert len(started) == 1
    assert started[0].poll() is not None  # stopped, not left running


def test_the_child_is_stopped_when_the_schemas_block_it(package_dir, monkeypatch):
    # It starts before the schemas are checked; a schema that leaves a table unreadable ends it there.
    schema = package_dir / "schemas/actors.schema.json"
    replace_in(schema, '"minLength": 1', '"minLength": 1, "pattern": "a{2000}"')
    started = []

    def slow_child(package):
        started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], stdout=subprocess.PIPE))
        return check_frictionless.DataPass(started[-1])

    import peacetalks.run.validate

    running_beside_tables = []
    check_tables = peacetalks.run.validate.check_tables

    def noting_check_tables(*args):
        running_beside_tables.append(started[0].poll() is None)
        return check_tables(*args)

    monkeypatch.setattr(check_frictionless, "start_data_pass", slow_child)
    monkeypatch.setattr(peacetalks.run.validate, "check_tables", noting_check_tables)
    found = validate_package(package_dir).problems
    assert [(p.file, p.column, p.rule) for p in found] == [("schemas/actors.schema.json", "name", "schema")]
    assert len(started) == 1
    # Stopped before the other tables are checked, not left to take the other core from them.
    assert running_beside_tables == [False]


def test_a_child_only_when_the_data_pass_is_to_run(package_dir, monkeypatch):
    import peacetalks.run.validate

    started = []
    real_start = check_frictionless.start_data_pass
    tables_checked = []
    real_check_tables = peacetalks.run.validate.check_tables

    def noting_start(package):
        started.append(bool(tables_checked))  # started after our own checks?
        return real_start(package)

    def noting_check_tables(*args):
        tables_checked.append(True)
        return real_check_tables(*args)

    monkeypatch.setattr(check_frictionless, "start_data_pass", noting_start)
    monkeypatch.setattr(peacetalks.run.validate, "check_tables", noting_check_tables)
    assert validate_package(package_dir, frictionless="descriptor").problems == []
    assert validate_package(package_dir, frictionless="off").problems == []
    assert started == []
    monkeypatch.setattr(check_frictionless, "FULL_CHECK_MAX_BYTES", 1_000)
    assert validate_package(package_dir, frictionless="auto").problems == []
    assert started == []
    tables_checked.clear()
    # Asked for on a large package: after our own checks (both cores were theirs), in a child all the same.
    assert validate_package(package_dir, frictionless="full").problems == []
    assert started == [True]
    monkeypatch.setattr(check_frictionless, "FULL_CHECK_MAX_BYTES", 20_000_000)
    tables_checked.clear()
    assert validate_package(package_dir, frictionless="auto").problems == []
    assert started == [True, False]  # a small package's: beside them, from the start


def test_the_child_stops_when_its_parent_is_gone():
    # Closing its stdin is what the system does when the validator dies, even by `kill -9`.
    package, _ = read_package(ROOT)
    child = check_frictionless.start_data_pass(package)
    child.process.stdin.close()
    assert child.findings() is None  # no findings: frictionless's pass takes longer than that
    assert child.process.returncode == 1


@pytest.mark.parametrize("executable", [None, ""])
def test_without_a_python_to_start_frictionless_runs_in_the_validator(package_dir, monkeypatch, executable):
    # An embedded interpreter may have no `sys.executable`: the pass runs here, as it always could.
    break_descriptor(package_dir)
    monkeypatch.setattr(sys, "executable", executable)
    package, _ = read_package(package_dir)
    assert check_frictionless.start_data_pass(package) is None
    found = [(p.file, p.rule) for p in validate_package(package_dir, frictionless="full").problems]
    assert found == [("datapackage.json", "frictionless:package-error")]


def test_a_path_entry_that_is_not_text_does_not_stop_the_child(monkeypatch):
    # The import system skips such entries; so does the path handed to the child.
    from pathlib import Path

    monkeypatch.setattr(sys, "path", [*sys.path, Path("/nonexistent")])
    package, _ = read_package(ROOT)
    assert check_frictionless.start_data_pass(package).findings() == []


def test_frictionless_reads_the_declared_dialect_without_guessing_it(package_dir, monkeypatch):
    """csv.Sniffer's guess backtracks for seconds on a long cell of commas: frictionless must
    not call it, and must still read every file and find what it finds."""
    import csv

    def tripwire(self, sample, delimiters=None):
        raise AssertionError("frictionless guessed a dialect")

    monkeypatch.setattr(csv.Sniffer, "sniff", tripwire)
    statuses = package_dir / "data/statuses.csv"
    replace_in(statuses, ",90,percent,", ",90%,percent,")
    rehash(package_dir)
    package, _ = read_package(package_dir)
    found = check_frictionless.check_with_frictionless(package, {r.name: r.path for r in package.resources}, full=True)
    line = line_of(statuses, ",90%,percent,")
    assert [(p.file, p.line, p.column, p.rule) for p in found] == [("data/statuses.csv", line, "value", "type")]
    assert csv.Sniffer.sniff is tripwire  # put back as it was


def test_a_declared_delimiter_is_the_one_frictionless_reads_with(tmp_path):
    """The Sniffer's stand-in gives Data Package's default dialect, with a declared delimiter."""
    import csv

    with check_frictionless.declared_dialect():
        default = csv.Sniffer().sniff("a;b\n1;2\n", ",\t;|")
        declared = csv.Sniffer().sniff("a,b\n1,2\n", ";")
    assert (default.delimiter, default.quotechar, default.doublequote) == (",", '"', True)
    assert declared.delimiter == ";"
    assert csv.excel.delimiter == ","  # the stand-in never changes the standard dialect


def test_a_child_past_its_deadline_is_stopped():
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    with pytest.raises(check_frictionless.PassTooLong):
        check_frictionless.DataPass(sleeper, limit=0.5).findings()
    assert sleeper.returncode is not None  # stopped, not left running
    assert sleeper.stdout.closed and sleeper.stdin.closed


@pytest.mark.parametrize("padding", [0, 200_000])
def test_a_child_that_finished_before_its_findings_are_asked_for_is_not_past_its_deadline(padding):
    # Our own checks can outlast the limit; a pass that finished meanwhile, its output (over a pipe's
    # 64 KB, too) read as it came, gives its findings.
    finished = subprocess.Popen([sys.executable, "-c", f"print(' ' * {padding} + '[]')"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    data_pass = check_frictionless.DataPass(finished, limit=0.5)
    begun = time.monotonic()
    while finished.poll() is None:
        assert time.monotonic() - begun < 60
        time.sleep(0.05)
    time.sleep(0.6)  # past the deadline
    assert data_pass.findings() == []


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no interval timer here")
def test_a_child_is_stopped_when_waiting_for_it_is_interrupted():
    # Ctrl-C sent to the validator alone (the child is not in the terminal's group, or a program
    # stops it). Python 3.11 then takes the reading thread for done: the child must be asked.
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    data_pass = check_frictionless.DataPass(sleeper)

    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(KeyboardInterrupt):
            data_pass.findings()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert sleeper.returncode == -signal.SIGKILL  # stopped, not waited for


def test_the_time_limit_grows_with_the_data(package_dir, monkeypatch):
    package, _ = read_package(package_dir)
    size = sum((package_dir / r.path).stat().st_size for r in package.resources)
    limit = check_frictionless.TIME_LIMIT_SECONDS + check_frictionless.TIME_LIMIT_SECONDS_PER_MB * size / 1_000_000
    assert check_frictionless.time_limit(package) == pytest.approx(limit)
    assert check_frictionless.time_limit(package) > check_frictionless.TIME_LIMIT_SECONDS


def backtracking_package(root):
    """A package with a cell on which Python's `re`, which frictionless checks a pattern with,
    backtracks for hours: (a+)+ against 40 a's and a "!". RE2, which our checks use, does not."""
    from conftest import one_table_package

    fields = [
        {"name": "id", "type": "string", "description": "The row."},
        {"name": "code", "type": "string", "description": "A code.", "constraints": {"pattern": "[A-Z].*|(a+)+"}},
    ]
    return one_table_package(root, fields, "id,code\nx,Fine\ny," + "a" * 40 + "!\n")


def test_frictionless_is_given_no_pattern_so_a_cell_python_s_re_backtracks_on_holds_nothing(tmp_path):
    # Its pass over the data got the patterns, and `validate` waited on it until its time limit (30
    # s), to report no more than "too long"; our own check reports the cell.
    root = backtracking_package(tmp_path / "p")
    command = [sys.executable, "-m", "peacetalks", "validate", "--format", "json", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=25)  # the pass's 30 s fail here
    assert result.returncode == 1, result.stderr
    found = [(p["file"], p["line"], p["column"], p["rule"]) for p in json.loads(result.stdout)["problems"]]
    assert found == [("t.csv", 3, "code", "pattern")]


# A child in place of frictionless's pass, stuck in one regular expression match: in C, where its
# thread that watches stdin cannot run. The arguments are those of `check_frictionless.CHILD`.
STUCK_CHILD = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from peacetalks.checks.check_frictionless import stop_with_parent; stop_with_parent(); "
    "import re; re.match('(a+)+$', 'a' * 40 + '!')"
)


def test_a_pass_past_its_time_limit_is_stopped_and_said_so(tmp_path):
    # A safety net now that frictionless gets no pattern: 3 s here.
    root = backtracking_package(tmp_path / "p")
    launch = (
        f"import sys; import peacetalks.checks.check_frictionless as c; c.TIME_LIMIT_SECONDS = 3; c.CHILD = {STUCK_CHILD!r}; "
        "from peacetalks.cli import main; main(sys.argv[1:], prog_name='peacetalks')"
    )
    command = [sys.executable, "-c", launch, "validate", "--format", "json", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)  # a hang fails here
    assert result.returncode == 1, result.stderr
    found = [(p["file"], p["line"], p["column"], p["rule"]) for p in json.loads(result.stdout)["problems"]]
    assert found == [("datapackage.json", None, None, "frictionless:too-long"), ("t.csv", 3, "code", "pattern")]
    stopped = json.loads(result.stdout)["problems"][0]
    assert "did not finish within 3 s" in stopped["message"]
    assert "--frictionless descriptor" in stopped["hint"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the system's kill with the parent is Linux's")
def test_a_child_stuck_in_one_regular_expression_dies_with_the_validator(tmp_path):
    # Inside one match the child's thread that watches stdin cannot run: killed then, the
    # validator would leave it spinning for hours.
    import os
    import signal
    from pathlib import Path

    root = backtracking_package(tmp_path / "p")
    launch = (
        f"import sys; import peacetalks.checks.check_frictionless as c; c.CHILD = {STUCK_CHILD!r}; "
        "from peacetalks.cli import main; main(sys.argv[1:], prog_name='peacetalks')"
    )
    validator = subprocess.Popen([sys.executable, "-c", launch, "validate", str(root)], stdout=subprocess.DEVNULL)

    def cpu_seconds(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    children: list[int] = []
    try:
        begun = time.monotonic()
        # Inside the match: its imports and the two rows take under 2 s of CPU here.
        while not children or cpu_seconds(children[0]) < 4:
            assert time.monotonic() - begun < 60, "the child never got to the match"
            time.sleep(0.2)
            children = [int(pid) for pid in Path(f"/proc/{validator.pid}/task/{validator.pid}/children").read_text().split()]
        os.kill(validator.pid, signal.SIGKILL)
        validator.wait()
        begun = time.monotonic()
        while alive(children[0]) and time.monotonic() - begun < 10:
            time.sleep(0.1)
        assert not alive(children[0])
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        validator.kill()
        validator.wait()


def test_a_pass_in_the_validator_s_own_process_does_not_hang_on_such_a_cell(tmp_path):
    # No child (a frozen interpreter, or one that cannot start): frictionless's pass runs here, where
    # nothing could stop a match, so without the patterns; ours (RE2) report the cell.
    root = backtracking_package(tmp_path / "p")
    launch = (
        "import sys; import peacetalks.checks.check_frictionless as c; c.start_data_pass = lambda package: None; "
        "from peacetalks.cli import main; main(sys.argv[1:], prog_name='peacetalks')"
    )
    for mode in ("auto", "full"):
        command = [sys.executable, "-c", launch, "validate", "--format", "json", "--frictionless", mode, str(root)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)  # a hang fails here
        found = [(p["file"], p["line"], p["column"], p["rule"]) for p in json.loads(result.stdout)["problems"]]
        assert found == [("t.csv", 3, "code", "pattern")]


def test_peacetalks_frictionless_sets_the_mode_when_none_is_given(package_dir, monkeypatch):
    break_descriptor(package_dir)
    rehash(package_dir)
    rules = lambda **options: {p.rule for p in validate_package(package_dir, **options).problems}  # noqa: E731
    assert "frictionless:package-error" in rules()
    monkeypatch.setenv("PEACETALKS_FRICTIONLESS", "off")
    assert rules() == set()
    assert "frictionless:package-error" in rules(frictionless="descriptor")  # an explicit mode wins
    result = CliRunner().invoke(main, ["validate", str(package_dir)])
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (0, f"valid: {package_dir} (9 tables, 123 rows)")


def test_a_mode_peacetalks_frictionless_does_not_know_is_refused(package_dir, monkeypatch):
    monkeypatch.setenv("PEACETALKS_FRICTIONLESS", "fast")
    with pytest.raises(ValueError, match="frictionless must be one of auto, full, descriptor, off, not 'fast'"):
        validate_package(package_dir)
    result = CliRunner().invoke(main, ["validate", str(package_dir)])
    assert result.exit_code == 2
    assert "PEACETALKS_FRICTIONLESS" in result.stderr and "'fast' is not one of" in result.stderr
