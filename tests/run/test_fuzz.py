"""Property: whatever happens to the package's files, `peacetalks validate` ends
with exit 0, 1 or 2, prints a report, never a traceback, never an internal
error, and finishes within a time bound.

Hypothesis mutates the real package at random: bytes (flip, insert, delete,
truncate), rows (drop, duplicate, swap, blank), cells (any text, including
quotes, commas, newlines, formula prefixes, huge values) and descriptor or
schema keys (rename, delete, replace by any JSON value). No network is used.
Its size is the Hypothesis profile's (conftest): 10 examples in `make test`, 200 in
`make test-slow`.
"""

from __future__ import annotations

import atexit
import csv
import io
import json
import shutil
import socket
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_package
from peacetalks.cli import main

SECONDS_PER_RUN = 20

PRISTINE = copy_package(Path(tempfile.mkdtemp(prefix="peacetalks-fuzz-")) / "package")
atexit.register(shutil.rmtree, PRISTINE.parent, ignore_errors=True)
FILES = sorted(str(p.relative_to(PRISTINE)) for p in PRISTINE.rglob("*") if p.is_file())
CSV_FILES = [f for f in FILES if f.endswith(".csv")]
JSON_FILES = [f for f in FILES if f.endswith(".json")]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
cell_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "=1+1", "+x", "-", "@SUM(A1)", '"', '""', ",", "\n", "\r\n", "\x00", "NaN", "null", "1e400", "-0", "2025-02-30"]
    ),
    st.builds(lambda s, n: s * n, st.sampled_from(["x", "é", ",", '"']), st.integers(30_000, 140_000)),
)


def mutate_bytes(raw: bytes, data: st.DataObject) -> bytes:
    kind = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
    at = data.draw(st.integers(0, max(len(raw) - 1, 0)))
    if kind == "flip" and raw:
        return raw[:at] + bytes([data.draw(st.integers(0, 255))]) + raw[at + 1 :]
    if kind == "insert":
        return raw[:at] + data.draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    if kind == "delete":
        return raw[:at] + raw[at + data.draw(st.integers(1, 64)) :]
    return raw[:at]


def mutate_rows(raw: bytes, data: st.DataObject) -> bytes:
    lines = raw.split(b"\n")
    kind = data.draw(st.sampled_from(["drop", "duplicate", "swap", "blank", "crlf"]))
    at = data.draw(st.integers(0, len(lines) - 1))
    other = data.draw(st.integers(0, len(lines) - 1))
    if kind == "drop":
        del lines[at]
    elif kind == "duplicate":
        lines.insert(other, lines[at])
    elif kind == "swap":
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == "blank":
        lines.insert(at, b"")
    else:
        lines[at] += b"\r"
    return b"\n".join(lines)


def mutate_cell(raw: bytes, data: st.DataObject) -> bytes:
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    if not rows:
        return raw  # an earlier mutation emptied the file (seen in a fresh clone's CI run)
    row = data.draw(st.integers(0, len(rows) - 1))
    if not rows[row]:
        return raw
    column = data.draw(st.integers(0, len(rows[row]) - 1))
    rows[row][column] = data.draw(cell_text)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def json_paths(value, path=()):
    """Every (container path, key) in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key
            yield from json_paths(item, (*path, key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield path, number
            yield from json_paths(item, (*path, number))


def mutate_json(raw: bytes, data: st.DataObject) -> bytes:
    document = json.loads(raw)
    paths = list(json_paths(document))
    if not paths:
        return raw  # an earlier mutation left an empty or scalar document: nothing to change in it
    parent_path, key = data.draw(st.sampled_from(paths))
    parent = document
    for step in parent_path:
        parent = parent[step]
    kind = data.draw(st.sampled_from(["delete", "replace", "rename"] if isinstance(parent, dict) else ["delete", "replace"]))
    if kind == "delete":
        del parent[key]
    elif kind == "replace":
        parent[key] = data.draw(json_values)
    else:
        parent[data.draw(st.text(min_size=1, max_size=12))] = parent.pop(key)
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


MUTATIONS = {"bytes": mutate_bytes, "rows": mutate_rows, "cell": mutate_cell, "json": mutate_json}


def no_network(self, address):
    raise AssertionError(f"validation opened a network connection to {address}")


def run_validate(root: Path, output_format: str, frictionless: str):
    """Run the CLI with every socket connection refused: validation must read only the package."""
    started = time.monotonic()
    with mock.patch.object(socket.socket, "connect", no_network), mock.patch.object(socket, "create_connection", no_network):
        result = CliRunner().invoke(main, ["validate", str(root), "--format", output_format, "--frictionless", frictionless])
    return result, time.monotonic() - started


@settings(
    deadline=timedelta(seconds=SECONDS_PER_RUN),
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # "explain" re-runs hundreds of times
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_validator_always_reports_and_never_crashes(data: st.DataObject) -> None:
    root = Path(tempfile.mkdtemp(prefix="peacetalks-fuzz-")) / "package"
    shutil.copytree(PRISTINE, root)
    try:
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            kind = data.draw(st.sampled_from(sorted(MUTATIONS)), label="kind")
            choices = {"cell": CSV_FILES, "json": JSON_FILES}.get(kind, FILES)
            path = root / data.draw(st.sampled_from(choices), label="file")
            raw = path.read_bytes()
            try:
                path.write_bytes(MUTATIONS[kind](raw, data))
            except (UnicodeDecodeError, json.JSONDecodeError, csv.Error, ValueError):
                continue  # an earlier mutation made the file unparseable for this one: the bytes mutation covers it
        output_format = data.draw(st.sampled_from(["text", "json"]), label="format")
        frictionless = data.draw(st.sampled_from(["off", "auto"]), label="frictionless")
        result, seconds = run_validate(root, output_format, frictionless)

        assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        assert "internal-error" not in result.output, result.output
        assert result.output.strip(), "no report at all"
        assert seconds < SECONDS_PER_RUN
        if output_format == "json":
            report = json.loads(result.stdout)
            assert report["valid"] == (result.exit_code == 0)
            assert report["problem_count"] == len(report["problems"])
            for problem in report["problems"]:
                assert set(problem) == {"file", "line", "column", "rule", "message", "value", "hint"}
                assert problem["line"] is None or problem["line"] >= 1
        elif result.exit_code == 0:
            assert result.output.startswith("valid:")
        else:
            assert result.output.rstrip().splitlines()[-1].startswith("invalid:")
        if changed_under_unchanged_descriptor(root):
            # The descriptor still holds the pristine hashes, so any changed byte must be caught.
            assert result.exit_code == 1, result.output
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def changed_under_unchanged_descriptor(root: Path) -> bool:
    if (root / "datapackage.json").read_bytes() != (PRISTINE / "datapackage.json").read_bytes():
        return False
    for name in FILES:
        if name.startswith("data/"):
            mutated = root / name
            if not mutated.is_file() or mutated.read_bytes() != (PRISTINE / name).read_bytes():
                return True
    return False


def test_unmutated_copy_is_valid() -> None:
    result, _ = run_validate(PRISTINE, "text", "off")
    assert result.exit_code == 0, result.output
    assert ROOT.exists()
