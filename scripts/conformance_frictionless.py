"""Record what `frictionless validate` says about each conformance case.

Runs the frictionless command line (the installed version) on every case of
tests/conformance/cases.json and writes its verdict into the manifest as
`frictionless`, with its findings as `frictionless_errors` (its error types, each with
`:row` when it names one), so that docs/conformance.md can
list where the standard's verdict differs. The cases with remote parts make
frictionless try the network; without one it reports the fetch as failed, and
that is what is recorded.

    .venv/bin/python scripts/conformance_frictionless.py          # rewrite the manifest
    .venv/bin/python scripts/conformance_frictionless.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "tests" / "conformance" / "cases.json"
CASES = MANIFEST.parent / "cases"


def frictionless_verdict(case: dict) -> tuple[str, list[str]]:
    executable = shutil.which("frictionless", path=str(Path(sys.executable).parent)) or "frictionless"
    result = subprocess.run(
        [executable, "validate", case["descriptor"], "--type", "package", "--json"],
        cwd=CASES / case["id"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    errors = [error["type"] for error in report.get("errors", [])]
    for task in report.get("tasks", []):
        for error in task.get("errors", []):
            row = error.get("rowNumber")
            errors.append(error["type"] if row is None else f"{error['type']}:{row}")
    return ("valid" if report["valid"] else "invalid"), errors


def main() -> int:
    check = "--check" in sys.argv[1:]
    cases = json.loads(MANIFEST.read_text(encoding="utf-8"))
    stale = []
    for case in cases:
        verdict, errors = frictionless_verdict(case)
        if (case.get("frictionless"), case.get("frictionless_errors")) != (verdict, errors):
            stale.append(case["id"])
        case["frictionless"] = verdict
        case["frictionless_errors"] = errors
        print(f"{case['id']}: expected {case['expected']}, frictionless {verdict}")
    if check:
        if stale:
            print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1 if stale else 0
    MANIFEST.write_text(json.dumps(cases, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
