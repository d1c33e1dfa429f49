"""`docs/rules.md` and `peacetalks rules`: the rule registry (`report/rules.py`) as a page."""

from __future__ import annotations

from peacetalks.report.rules import RULES, Rule

INTRO = """# The rules

Every problem the validator reports names one of these rules. Generated from the rule registry
(`src/peacetalks/report/rules.py`) by `peacetalks rules --format markdown`; do not edit by hand.

- **standard**: the Data Package standard's own rules; every package is held to them.
- **house**: stricter rules a package opts into by declaring `"peacetalks": {"profile": "house"}` in its
  descriptor (this package does), or that `peacetalks validate --profile house` applies.
- A **note** says what was not checked, and why; it never makes a package invalid.
"""


def grouped() -> dict[str, list[Rule]]:
    kinds: dict[str, list[Rule]] = {}
    for item in RULES.values():
        kinds.setdefault(item.kind, []).append(item)
    return kinds


def rules_markdown() -> str:
    lines = [INTRO]
    for kind, rules in grouped().items():
        lines += [f"## {kind}", "", "| rule | applies to | profile | what it catches |", "|---|---|---|---|"]
        for item in rules:
            name = f"`{item.name}*`" if item.name.endswith(":") else f"`{item.name}`"
            profile = item.profile if item.fails else f"{item.profile} (note)"
            lines.append(f"| {name} | {item.scope} | {profile} | {item.description} |")
        lines.append("")
    return "\n".join(lines)


def rules_text() -> str:
    width = max(len(name) for name in RULES) + 1
    lines = []
    for item in RULES.values():
        profile = item.profile if item.fails else f"{item.profile}, note"
        lines.append(f"{item.name:<{width}} {item.scope:<13} {profile:<15} {item.description}")
    return "\n".join(lines)
