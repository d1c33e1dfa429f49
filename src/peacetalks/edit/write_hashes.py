"""`peacetalks hash`: record each resource's `hash` and `bytes` in
datapackage.json and each source text's SHA-256 in its table, after an
intended edit. Files are rewritten only when something changed, and written
to a temporary file first so that an interrupted run loses nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
import tempfile
from pathlib import Path

from peacetalks.checks.check_integrity import file_digest
from peacetalks.model.read_package import DESCRIPTOR, Package, inside
from peacetalks.read.read_tables import read_table
from peacetalks.report.problems import Problem


class CannotHash(Exception):
    """A file that must be rewritten cannot be read; `problems` says where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(problems[0].message)


def replace_atomically(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        # mkstemp creates the file private (0600); keep the permissions the user's file had.
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def update_source_hashes(package: Package) -> list[str]:
    """Rewrite the sha256 column of tables that hold source texts; returns the files changed."""
    changed = []
    for resource in package.resources:
        path_field = next((f.name for f in resource.field_views if f.source_text), None)
        hash_field = next((f.name for f in resource.field_views if f.sha256_of), None)
        if not path_field or not hash_field:
            continue
        csv_path = package.root / resource.path
        table = read_table(package.root, resource.name, resource.path, resource.field_names)
        if table.problems or not table.header:
            raise CannotHash(table.problems or [Problem.at(resource.path, "header", "the file has no header row", line=1)])
        text = csv_path.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header = rows[0]
        if path_field not in header or hash_field not in header:
            continue
        at_path, at_hash = header.index(path_field), header.index(hash_field)
        for row in rows[1:]:
            target = inside(package.root, row[at_path]) if len(row) > at_path else None
            if target is not None and target.is_file():
                row[at_hash] = hashlib.sha256(target.read_bytes()).hexdigest()
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        if out.getvalue() != text:
            replace_atomically(csv_path, out.getvalue().encode("utf-8"))
            changed.append(resource.path)
    return changed


def write_hashes(package: Package) -> list[str]:
    """Update source hashes first (they change a table's bytes), then every resource's hash and bytes."""
    changed = update_source_hashes(package)
    descriptor_path = package.root / DESCRIPTOR
    original = descriptor_path.read_bytes()
    descriptor = json.loads(original)
    for item in descriptor.get("resources", []):
        resource = package.resource(item.get("name")) if isinstance(item, dict) else None
        if resource is None or not (package.root / resource.path).is_file():
            continue
        digest, size = file_digest(package.root / resource.path)
        item["hash"] = f"sha256:{digest}"
        item["bytes"] = size
    content = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if content != original:
        replace_atomically(descriptor_path, content)
        changed.append(DESCRIPTOR)
    return changed
