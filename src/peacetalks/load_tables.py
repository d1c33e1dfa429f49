"""`load()`: the package's tables as typed pandas DataFrames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from peacetalks.convert_types import convert_frame
from peacetalks.problems import Problem
from peacetalks.read_package import DESCRIPTOR, find_descriptor, read_package
from peacetalks.read_tables import read_table

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


class PackageError(Exception):
    """The package could not be read; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first.location()}: [{first.rule}] {first.message}{more}")


def default_path() -> Path:
    """The current folder when it holds a package, else the repository this module was installed from."""
    if find_descriptor(None).is_file():
        return Path.cwd()
    if (REPOSITORY_ROOT / DESCRIPTOR).is_file():
        return REPOSITORY_ROOT
    return Path.cwd()


def load(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Read every table of the package into a DataFrame typed from its Table Schema.

    `path` is a datapackage.json or its folder; by default the current folder,
    or the repository this package was installed from. Enum columns are
    categoricals, numbers are numbers, missing values are NA. Raises
    `PackageError` when a table cannot be read or a value does not fit its type
    (run `peacetalks validate` for the full report).
    """
    package, problems = read_package(default_path() if path is None else path)
    if package is None or problems:
        raise PackageError(problems)
    tables: dict[str, pd.DataFrame] = {}
    for resource in package.resources:
        table = read_table(package.root, resource.name, resource.path)
        if table.problems:
            raise PackageError(table.problems)
        present = [name for name in resource.field_names if name in table.header]
        typed, type_problems = convert_frame(table.frame[present], resource.schema, table.file, categorical=True)
        if type_problems:
            raise PackageError(type_problems)
        tables[resource.name] = typed.reset_index(drop=True)
    return tables
