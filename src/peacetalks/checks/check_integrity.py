"""Each resource's declared `hash` and `bytes` against the file on disk, so an
edited or truncated download is caught even when every value looks plausible."""

from __future__ import annotations

import hashlib

from peacetalks.model.read_package import Package
from peacetalks.report.problems import Problem

# Hashing runs in a thread beside the table checks: each block read and hashed hands the GIL
# back and forth, so large blocks mean few hand-overs (8 MB: about a hundred for 900 MB).
HASH_BLOCK = 8 << 20


def file_digest(path, algorithm: str = "sha256", more=()) -> tuple[str, int]:
    """The digest and size of a file as stored (compressed, if it is), or of several (`more`: the
    other parts of a multipart table) one after the other."""
    digest = hashlib.new(algorithm)
    size = 0
    for each in (path, *more):
        with open(each, "rb") as handle:
            for block in iter(lambda handle=handle: handle.read(HASH_BLOCK), b""):
                digest.update(block)
                size += len(block)
    return digest.hexdigest(), size


def check_integrity(package: Package) -> list[Problem]:
    problems: list[Problem] = []
    for resource in package.files:
        # A file that is not a table: whether it is there is checked here (a table's reader says it).
        problems += [
            Problem.at(part, "file-missing", f"resource {resource.name!r}: the file does not exist")
            for part in resource.files
            if not (package.root / part).is_file()
        ]
    for resource in [*package.resources, *package.files]:
        if not resource.files:
            continue  # inline data: no file to measure
        path = package.root / resource.files[0]
        declared_hash = resource.descriptor.get("hash")
        declared_bytes = resource.descriptor.get("bytes")
        if (declared_hash is None and declared_bytes is None) or not all((package.root / part).is_file() for part in resource.files):
            continue
        algorithm, _, expected = str(declared_hash).rpartition(":") if declared_hash else ("", "", "")
        algorithm = algorithm or "md5"
        if algorithm not in {"md5", "sha1", "sha256", "sha512"}:
            problems.append(
                Problem.at("datapackage.json", "hash", f"resource {resource.name!r}: unknown hash algorithm", value=declared_hash)
            )
            continue
        actual, size = file_digest(path, algorithm, [package.root / part for part in resource.files[1:]])
        changed = integrity_problem(resource.path, algorithm, declared_bytes, size, bool(declared_hash) and actual != expected)
        if changed is not None:
            problems.append(changed)
    return problems


# What to do about a file that changed since its hash was recorded, when nothing else is wrong with it;
# `validate` words it otherwise when the file has other problems (`INTEGRITY_AFTER_PROBLEMS`).
INTEGRITY_HINT = "if the edit is intended, run `peacetalks hash` (or `make hashes`) to record it; if not, restore the file"
INTEGRITY_AFTER_PROBLEMS = (
    "run `peacetalks hash` (or `make hashes`) only once the problems above are fixed, or intended: it records the file as it is"
)


def integrity_problem(file: str, algorithm: str, declared_bytes, size: int, hash_differs: bool) -> Problem | None:
    """One problem for a file that is not the one the descriptor describes: `bytes` when its size
    differs (its hash then differs too, and is not said twice), else `hash`. Neither hash is shown:
    two 64-character strings tell a person nothing the rule does not."""
    if declared_bytes is not None and declared_bytes != size:
        how = "it was edited or cut short" if size < declared_bytes else "it was edited"
        return Problem.at(
            file, "bytes", f"the file has {size} bytes but datapackage.json says {declared_bytes}: {how}", hint=INTEGRITY_HINT
        )
    if hash_differs:
        same = " (its size is the same)" if declared_bytes is not None else ""
        return Problem.at(
            file, "hash", f"the file's {algorithm} is not the one datapackage.json records: it was edited{same}", hint=INTEGRITY_HINT
        )
    return None
