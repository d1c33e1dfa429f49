"""The check that ends a whole run of the suite: every rule in the registry was reported by some
test, and every rule reported is in the registry (recorded in SEEN_RULES as each Problem is made).

It is judged once all tests have run, in the process that runs them, or under pytest-xdist in the
controller, from the rules each worker sends at its end (`workeroutput`). It is judged only when
the whole suite ran and passed: a run narrowed by paths, `-k`, `--lf` or a marker other than
`not slow` reports that it was not judged. The tests marked `slow` (`make test-slow`) may be left
out: `make test` alone must trigger every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.report.problems import Problem
from peacetalks.report.rules import RULES

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# The key under which each pytest-xdist worker sends its rules to the controller.
KEY = "peacetalks_rule_coverage"
SEEN_RULES: set[str] = set()
_problem_init = Problem.__init__


def _recording_init(self, *args, **kwargs) -> None:
    _problem_init(self, *args, **kwargs)
    SEEN_RULES.add(self.rule)


Problem.__init__ = _recording_init


def coverage_problems(seen: set[str]) -> list[str]:
    """What is wrong between the rules reported and the registry: nothing, when they are the same."""
    seen = {"frictionless:" if name.startswith("frictionless:") else name for name in seen}
    problems = []
    if unregistered := sorted(seen - set(RULES)):
        problems.append(f"reported but not in the registry: {', '.join(unregistered)}")
    if untriggered := sorted(set(RULES) - seen):
        problems.append(f"in the registry but no test triggers it: {', '.join(untriggered)}")
    return problems


class RunState:
    """What this process knows of the run: the rules seen in other processes, and why the run
    does not cover the whole suite (None when it does)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.partial: str | None = None


STATE = RunState()
VERDICT = pytest.StashKey[str]()


def narrowed_by(config: pytest.Config) -> str | None:
    """Why the command line picks part of the suite, or runs none of it, if it does."""
    if config.getoption("collectonly") or config.getoption("setuponly") or config.getoption("setupplan"):
        return "no test was run"
    if config.getoption("keyword"):
        return "-k"
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if "::" in arg or path not in (ROOT, TESTS):
            return f"the path {arg}"
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    STATE.partial = STATE.partial or narrowed_by(config)


def pytest_deselected(items) -> None:
    if any(item.get_closest_marker("slow") is None for item in items):
        STATE.partial = STATE.partial or "tests not marked slow were deselected"


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """A pytest-xdist worker ended (called in the controller; without pytest-xdist, never)."""
    sent = getattr(node, "workeroutput", {}).get(KEY)
    if error or sent is None:
        STATE.partial = STATE.partial or f"worker {node.gateway.id} ended without its rules"
        return
    STATE.seen.update(sent["seen"])
    STATE.partial = STATE.partial or sent["partial"]


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker: the controller judges
        config.workeroutput[KEY] = {"seen": sorted(SEEN_RULES), "partial": STATE.partial}
        return
    if exitstatus != pytest.ExitCode.OK:
        config.stash[VERDICT] = "not judged: the run did not pass"
        return
    if STATE.partial:
        config.stash[VERDICT] = f"not judged: part of the suite ran ({STATE.partial})"
        return
    problems = coverage_problems(SEEN_RULES | STATE.seen)
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        config.stash[VERDICT] = "FAILED: " + "; ".join(problems)
    else:
        config.stash[VERDICT] = f"every one of the {len(RULES)} rules was reported by some test"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if VERDICT in config.stash:
        terminalreporter.write_line(f"rule registry coverage: {config.stash[VERDICT]}")
