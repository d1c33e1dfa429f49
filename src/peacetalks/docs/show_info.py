"""`peacetalks info`: what the package is and what it holds, as a tidy terminal table.

Rows are counted with the csv module (quoted cells may span lines), so this
stays fast and needs no pandas.
"""

from __future__ import annotations

import csv
import shutil
import textwrap

from peacetalks.model.read_package import Package


def count_rows(package: Package, path: str) -> int | None:
    """Data rows in the CSV (header excluded), or None when it cannot be read."""
    try:
        with (package.root / path).open(encoding="utf-8", newline="") as handle:
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def describe(item: dict, *keys: str) -> str:
    return " ".join(str(item[k]) for k in keys if item.get(k))


def table(rows: list[tuple[str, ...]], right: set[int], last_width: int) -> list[str]:
    """Columns padded to their widest cell; the last column wraps at `last_width`."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for number, row in enumerate(rows):
        cells = [row[i].rjust(w) if i in right else row[i].ljust(w) for i, w in enumerate(widths)]
        wrapped = textwrap.wrap(row[-1], max(last_width, 20)) or [""]
        indent = "  ".join(" " * w for w in widths)
        lines.append("  ".join([*cells, wrapped[0]]).rstrip())
        lines.extend(f"{indent}  {more}" for more in wrapped[1:])
        if number == 0:
            lines.append("  ".join("-" * w for w in [*widths, min(max(len(r[-1]) for r in rows), max(last_width, 20))]))
    return lines


def info_lines(package: Package, width: int | None = None) -> list[str]:
    width = width or shutil.get_terminal_size((100, 24)).columns
    descriptor = package.descriptor
    lines = [*textwrap.wrap(str(descriptor.get("title") or descriptor.get("name") or "(untitled package)"), width), ""]
    facts = [("name", str(descriptor.get("name", ""))), ("version", str(descriptor.get("version", "")))]
    facts += [("licence", describe(x, "name", "path")) for x in descriptor.get("licenses") or [] if isinstance(x, dict)]
    facts += [("source", describe(x, "title", "path")) for x in descriptor.get("sources") or [] if isinstance(x, dict)]
    label = max(len(key) for key, _ in facts)
    for key, value in facts:
        wrapped = textwrap.wrap(value, max(width - label - 2, 20)) or [""]
        lines.append(f"{key.ljust(label)}  {wrapped[0]}")
        lines.extend(" " * (label + 2) + more for more in wrapped[1:])
    lines.append("")
    rows = [("table", "rows", "description")]
    total = 0
    for resource in package.resources:
        count = count_rows(package, resource.path)
        total += count or 0
        rows.append((resource.name, "?" if count is None else str(count), str(resource.descriptor.get("description", ""))))
    rows.append(("total", str(total), f"{len(package.resources)} tables"))
    first = max(len(r[0]) for r in rows) + max(len(r[1]) for r in rows) + 4
    lines.extend(table(rows, right={1}, last_width=width - first))
    return lines
