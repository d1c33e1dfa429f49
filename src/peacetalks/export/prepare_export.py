"""What every export shares: the package read once, its cells as plain Python
values, and the rule that an export never overwrites a file unasked.

Each `export_*` module turns a `PackageTables` into one format; everything it
writes about columns (types, keys, allowed values, descriptions) comes from the
Table Schemas, never from a list kept here.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from peacetalks.export.render_markdown import markdown_to_text
from peacetalks.model.convert_types import read_schema_value
from peacetalks.model.field import Field
from peacetalks.model.read_package import Package, Resource, read_package
from peacetalks.read.load_tables import PackageError, default_path, load

# A fixed moment for formats that store one (xlsx properties, zip entries):
# the same package gives the same bytes on every run.
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)


class OutputExists(Exception):
    """OUTPUT is already there and the user did not pass --force."""


@dataclass
class PackageTables:
    package: Package
    frames: dict[str, pd.DataFrame]

    @property
    def resources(self) -> list[Resource]:
        return [r for r in self.package.resources if r.name in self.frames]

    def rows(self, resource: Resource) -> Iterator[tuple]:
        """Each row of `resource` as a tuple of plain values, in schema order."""
        return native_rows(self.frames[resource.name], resource)

    def row_count(self, resource: Resource) -> int:
        return len(self.frames[resource.name])

    def fractional(self, resource: Resource) -> set[str]:
        """The datetime columns whose cells, or allowed values, have a fraction of a second: written
        as text (`datetime_text`), all their values then carry microseconds, so that the text sorts
        as the moments do (`…10:00:00Z` would sort after `…10:00:00.5Z`)."""
        frame = self.frames[resource.name]
        found = set()
        for field in resource.fields:
            if field_type(field) != "datetime" or field["name"] not in frame.columns:
                continue
            allowed = [read_schema_value(value, field) for value in allowed_values(field)]
            cells = frame[field["name"]].dropna()
            if (cells.dt.microsecond != 0).any() or any(value is not None and value.microsecond for value in allowed):
                found.add(field["name"])
        return found


def read_for_export(path: str | Path | None = None) -> PackageTables:
    """The package at `path` (default: as `load()` finds it) with its typed tables.

    Raises `PackageError`, with every problem, when the package does not validate.
    """
    from peacetalks.run.validate import validate_package

    root = default_path() if path is None else Path(path)
    # An export of an invalid package would carry its slips into every copy (or fail halfway
    # on a database constraint): the package must validate first.
    outcome = validate_package(root, frictionless="off")
    if outcome.problems:
        raise PackageError(outcome.problems)
    package, problems = read_package(root)
    if package is None or problems:
        raise PackageError(problems)
    frames = load(root)
    return PackageTables(package, frames)


def field_type(field: dict) -> str:
    kind = Field(field).type
    return kind if isinstance(kind, str) else "string"


def is_required(field: dict, resource: Resource) -> bool:
    return Field(field, tuple(resource.primary_key)).required


def allowed_values(field: dict) -> list:
    return list(Field(field).enum or [])


def datetime_text(value: dt.datetime, fraction: bool) -> str:
    """A moment as ISO 8601 text in UTC (`Z`), to the second, or to the microsecond in a column with
    fractions (`PackageTables.fractional`): one width a column, so its text sorts as its moments."""
    return value.isoformat(timespec="microseconds" if fraction else "seconds").replace("+00:00", "Z")


def description(item: dict) -> str:
    """The item's `description` as written: Markdown, by the Data Package standard."""
    text = item.get("description")
    return text if isinstance(text, str) else ""


def description_text(item: dict) -> str:
    """The item's description as a reader sees it rendered, without Markdown's marks."""
    return markdown_to_text(description(item))


def to_native(value: object, kind: str) -> object:
    """One typed pandas cell as None, str, int, float, bool, date or datetime."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if kind in ("integer", "year"):
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return bool(value)
    if kind == "date":
        return pd.Timestamp(value).date()
    if kind == "datetime":
        return pd.Timestamp(value).to_pydatetime()
    return str(value)


def native_rows(frame: pd.DataFrame, resource: Resource) -> Iterator[tuple]:
    fields = [f for f in resource.fields if f["name"] in frame.columns]
    columns = [frame[f["name"]].astype(object).tolist() for f in fields]
    kinds = [field_type(f) for f in fields]
    for cells in zip(*columns, strict=True):
        yield tuple(to_native(cell, kind) for cell, kind in zip(cells, kinds, strict=True))


def refuse_existing(output: Path, force: bool, *, folder: bool = False) -> None:
    """Stop before touching something the user has, unless they said --force.

    A folder is never replaced by a file export (nor a file by a folder
    export), even with --force: that would lose more than the user expects.
    """
    if not output.exists() and not output.is_symlink():
        return
    if folder and not output.is_dir():
        raise OutputExists(f"{output} exists and is not a folder; choose another OUTPUT")
    if folder and not any(output.iterdir()):
        return  # an empty folder holds nothing to lose
    if not folder and output.is_dir():
        raise OutputExists(f"{output} is a folder; give a file name as OUTPUT")
    if not force:
        raise OutputExists(f"{output} already exists; pass --force to replace it")


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call `write(temporary)` next to `target`, then move the result into place.

    A failed export leaves no half-written file behind, and an existing one
    is only replaced once the new one is complete.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        temporary.unlink()
        write(temporary)
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()
