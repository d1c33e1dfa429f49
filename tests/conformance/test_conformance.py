"""The conformance corpus: packages, resources, schemas and CSVs from frictionless-py's
test data (tests/conformance/cases/, listed in cases.json), each validated in the
default profile, which is the Data Package standard's verdict.

Each case asserts the verdict and, for invalid data, the lines named in each file
(the line a person sees in an editor, header = line 1). Validation must open no
network connection: every case runs with sockets and name lookups blocked.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from peacetalks import validate_package
from peacetalks.report.rules import fails

# 95 packages, each checked with frictionless's pass over the data in a child process: `make test-slow`.
pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
CASES = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
DOCS = HERE.parents[1] / "docs" / "conformance.md"

BLOCKED = "conformance test: network blocked"


class NetworkBlocked(OSError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Sockets cannot connect and names cannot be looked up; every attempt is recorded."""
    attempts: list[str] = []

    def refuse(what):
        def refused(*args, **kwargs):
            attempts.append(f"{what}{args[1:] if what.startswith('socket.') else args}")
            raise NetworkBlocked(BLOCKED)

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


def is_note(problem) -> bool:
    """A note (something not checked, a schema inferred) does not fail a package and names no broken line."""
    return not fails(problem.rule)


def lines_by_file(problems) -> dict[str, list[int]]:
    found: dict[str, set[int]] = {}
    for problem in problems:
        if problem.line is not None and not is_note(problem):
            found.setdefault(problem.file, set()).add(problem.line)
    return {file: sorted(lines) for file, lines in sorted(found.items())}


def shown(problems) -> str:
    return "\n".join(f"  {p.file}:{p.line}:{p.column} [{p.rule}] {p.message}" for p in problems) or "  (no problems)"


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case(case: dict, no_network: list[str]) -> None:
    """Each case gets the standard's verdict and names its lines; or, where the manifest says why
    we differ (`ours`: a deliberate difference or a known gap, listed in docs/conformance.md),
    exactly the verdict and lines said there, so that a change on either side shows."""
    wanted = case.get("ours", {"verdict": case["expected"], **({"lines": case["lines"]} if "lines" in case else {})})
    outcome = validate_package(CASES_DIR / case["id"] / case["descriptor"])
    report = f"{case['id']}: expected {wanted['verdict']}, got\n{shown(outcome.problems)}"
    assert not no_network, f"{case['id']} tried the network: {no_network}"
    assert not any(BLOCKED in p.message for p in outcome.problems), report
    assert outcome.valid is (wanted["verdict"] == "valid"), report
    if "lines" in wanted:
        assert lines_by_file(outcome.problems) == wanted["lines"], report


REMOTE = [case for case in CASES if case["id"].startswith("remote_") or case["id"] == "pkg_remote_url_resource"]


def test_the_network_is_blocked(no_network: list[str]) -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("raw.githubusercontent.com", 443), timeout=1)
    with pytest.raises(NetworkBlocked):
        socket.socket().connect(("192.0.2.1", 443))
    assert len(no_network) == 2


@pytest.mark.parametrize("case", REMOTE, ids=[case["id"] for case in REMOTE])
def test_remote_parts_are_a_note_not_a_fetch(case: dict, no_network: list[str]) -> None:
    """A remote resource or schema is named in a note; nothing is fetched and the package stays valid."""
    outcome = validate_package(CASES_DIR / case["id"] / case["descriptor"])
    assert no_network == []
    assert outcome.valid, shown(outcome.problems)
    assert any(p.rule == "not-checked" and ("http" in p.message or "remote" in p.message.lower()) for p in outcome.notes), (
        "the report should say which remote part was not checked:\n" + shown(outcome.notes)
    )


def test_manifest() -> None:
    """Every case has its files, a standard verdict, and the lines it names exist."""
    assert len(CASES) >= 60
    assert len({case["id"] for case in CASES}) == len(CASES)
    for case in CASES:
        folder = CASES_DIR / case["id"]
        assert (folder / case["descriptor"]).is_file(), case["id"]
        assert case["expected"] in {"valid", "invalid"}, case["id"]
        assert case["frictionless"] in {"valid", "invalid"}, case["id"]
        assert ("why" in case) is (case["expected"] != case["frictionless"]), case["id"]
        assert case["origin"] and all(origin.startswith("data/") for origin in case["origin"]), case["id"]
        for file, lines in case.get("lines", {}).items():
            assert case["expected"] == "invalid", case["id"]
            assert (folder / file).is_file(), (case["id"], file)
            assert lines == sorted(set(lines)) and lines[0] >= 1, (case["id"], file)


OURS_HEADING = "## Where peacetalks differs from the standard"


def test_docs_list_every_disagreement() -> None:
    """docs/conformance.md has a row for every case where the standard and frictionless disagree, and no other."""
    frictionless_part = DOCS.read_text(encoding="utf-8").split(OURS_HEADING, 1)[0]
    table_ids = set(re.findall(r"^\| `([a-z0-9_]+)` \|", frictionless_part, flags=re.MULTILINE))
    disagreements = {case["id"] for case in CASES if case["expected"] != case["frictionless"]}
    assert table_ids == disagreements


def test_docs_list_every_case_where_we_differ_from_the_standard() -> None:
    """docs/conformance.md's second table has a row for every case the manifest marks `ours`, and no other."""
    text = DOCS.read_text(encoding="utf-8").split(OURS_HEADING, 1)
    assert len(text) == 2, f"docs/conformance.md needs a {OURS_HEADING!r} section"
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text[1], flags=re.MULTILINE))
    assert listed == {case["id"] for case in CASES if "ours" in case}
