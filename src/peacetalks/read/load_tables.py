"""`load()`: the package's tables as typed pandas DataFrames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from peacetalks.checks.check_data import ENUM_MESSAGE, check_header
from peacetalks.model.convert_types import convert_frame, enum_values, read_schema_value
from peacetalks.model.read_package import DESCRIPTOR, find_descriptor, read_package
from peacetalks.read.read_sources import read_resource, relocate
from peacetalks.report.problems import Problem

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]


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
        table = read_resource(package.root, resource)
        if table.problems:
            raise PackageError(relocate(package, table.problems))
        text, header_problems = check_header(table, resource)
        typed, type_problems = convert_frame(text, resource.schema, table.file)
        problems = header_problems + type_problems + values_outside_enums(text, typed, resource, table.file)
        if problems:
            raise PackageError(relocate(package, problems))
        tables[resource.name] = as_categoricals(typed, resource).reset_index(drop=True)
    return tables


def values_outside_enums(text: pd.DataFrame, typed: pd.DataFrame, resource, file: str) -> list[Problem]:
    """A categorical cannot hold a value outside its categories: it would become NA without a word."""
    problems = []
    for field in resource.fields:
        allowed = enum_values(field)
        name = field["name"]
        if allowed is None or name not in typed.columns:
            continue
        column = typed[name]
        outside = column.notna() & ~column.isin([read_schema_value(value, field) for value in allowed])
        for line in column.index[outside]:
            problems.append(
                Problem.at(file, "enum", ENUM_MESSAGE, line=int(line), column=name, value=text.at[line, name])
            )
    return problems


def as_categoricals(typed: pd.DataFrame, resource) -> pd.DataFrame:
    for field in resource.field_views:
        if field.enum is not None and field.name in typed.columns and field.type == "string":
            typed[field.name] = typed[field.name].astype(pd.CategoricalDtype(categories=field.enum))
    return typed
