"""Check each table against its own Table Schema: header, types, and the
Pandera schema built from it (required, unique, keys, enums, patterns, ranges)."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pandera.pandas as pa

from peacetalks.model.build_pandera import build_schema
from peacetalks.model.convert_types import convert_frame, encode, enum_values, on_rows
from peacetalks.model.field import Field
from peacetalks.model.read_package import Resource
from peacetalks.model.read_patterns import BACKTRACKING_HINT, forget_undecided, undecided
from peacetalks.read.read_tables import RawTable
from peacetalks.report.problems import RUN_MIN, Found, Places, Problem, drop_at, problems_at

# Also said by `load()` of a value its categorical cannot hold.
ENUM_MESSAGE = "not one of the allowed values"

# Pandera check name -> (rule, message).
PANDERA_RULES = {
    "not_nullable": ("required", "a value is required"),
    "field_uniqueness": ("unique", "the value appears on an earlier line"),
    "multiple_fields_uniqueness": ("primary-key", "the primary key repeats an earlier row"),
    "enum": ("enum", ENUM_MESSAGE),
    "pattern": ("pattern", "does not match the pattern"),
    "length": ("length", "the text is too short or too long"),
    "minimum": ("range", "below the minimum"),
    "maximum": ("range", "above the maximum"),
    "exclusiveMinimum": ("range", "not above the exclusive minimum"),
    "exclusiveMaximum": ("range", "not below the exclusive maximum"),
}


def renamed_hint(name: str, expected: list[str], header: list[str]) -> str | None:
    """A column the schema declares, the header lacks and `name` resembles: probably renamed."""
    import difflib

    close = difflib.get_close_matches(name, [n for n in expected if n not in header], n=1, cutoff=0.5)
    return f"renamed? the schema declares {close[0]!r}, which the header lacks" if close else None


def check_header(table: RawTable, resource: Resource) -> tuple[pd.DataFrame, list[Problem]]:
    """Compare the header row with the schema, as its `fieldsMatch` says (Table Schema v2; "exact"
    by default); return the frame with the schema's columns only. A schema inferred from the
    header has nothing to compare."""
    if getattr(resource, "inferred", False):
        present = list(dict.fromkeys(name for name in resource.field_names if name in table.header))
        return table.frame.loc[:, ~table.frame.columns.duplicated()][present], []
    match = resource.schema.get("fieldsMatch", "exact")
    extra_allowed = match in ("subset", "partial")
    missing_allowed = match in ("superset", "partial")
    problems: list[Problem] = []
    expected = resource.field_names
    seen: set[str] = set()
    spaced: dict[str, str] = {}
    if match == "partial" and not set(expected) & set(table.header):
        extra_allowed = missing_allowed = False  # partial: at least one field must be there
    for position, name in enumerate(table.header, start=1):
        if name in seen:
            problems.append(
                Problem.at(
                    table.file, "duplicate-column", f"column {position} repeats the header {name!r}", line=table.header_line, column=name
                )
            )
        elif name != name.strip() and name.strip() in expected and name.strip() not in table.header:
            # Read as that field: the label breaks a SHOULD of the standard, a house rule.
            problems.append(
                Problem.at(
                    table.file,
                    "header-spaces",
                    "the header has spaces around the name",
                    line=table.header_line,
                    column=name.strip(),
                    value=name,
                    hint="run `peacetalks fix`: it removes them and changes no value",
                )
            )
            spaced[name] = name.strip()
            name = name.strip()
        elif name not in expected and not extra_allowed:
            problems.append(
                Problem.at(
                    table.file,
                    "extra-column",
                    f"column {position} is not in the schema ({resource.schema_file})",
                    line=table.header_line,
                    column=name,
                    hint=renamed_hint(name, expected, table.header) or "add the field to the schema first, or remove the column",
                )
            )
        seen.add(name)
    for name in expected:
        if name not in seen and not missing_allowed:
            problems.append(
                Problem.at(
                    table.file,
                    "missing-column",
                    f"the schema ({resource.schema_file}) declares this column but the header lacks it",
                    line=table.header_line,
                    column=name,
                )
            )
    if not problems and match == "exact" and list(table.header) != expected:
        # Same names, other order: our checks go by name, but Data Package readers (frictionless
        # among them) match fields by position, and would read every value into the wrong field.
        first = next(i for i, (got, want) in enumerate(zip(table.header, expected, strict=True)) if got != want)
        problems.append(
            Problem.at(
                table.file,
                "column-order",
                f"column {first + 1} is {table.header[first]!r} but the schema ({resource.schema_file}) has {expected[first]!r} there",
                line=table.header_line,
                column=table.header[first],
                hint="order: " + ", ".join(expected),
            )
        )
    present = [name for name in expected if name in seen]
    frame = table.frame.loc[:, ~table.frame.columns.duplicated()].rename(columns=spaced)
    return frame[present], problems


def check_name(schema: pa.DataFrameSchema, column: str | None, check: str, number) -> str:
    """Pandera reports a check by its repr; our checks carry the rule as their name, found by number."""
    if column in schema.columns and number is not None and not pd.isna(number):
        checks = schema.columns[column].checks
        if 0 <= int(number) < len(checks) and checks[int(number)].name:
            return checks[int(number)].name
    return check


# The rules whose message and hint depend on the failing value alone: many failures of one of them
# in one column are reported together (`problems_at`), a distinct value at a time.
BY_VALUE_RULES = {"required", "enum", "pattern", "length", "range"}


def pandera_problems(failures: pd.DataFrame, schema: pa.DataFrameSchema, resource: Resource, file: str, text: pd.DataFrame) -> list[Found]:
    many, failures = many_alike(failures, schema)
    problems: list[Found] = [p for (column, check), lines in many for p in problems_told_alike(column, check, lines, resource, file, text)]
    key = resource.primary_key
    firsts: dict[tuple, dict] = {}
    for row in failures.itertuples(index=False):
        column = None if pd.isna(row.column) else str(row.column)
        check = check_name(schema, column, str(row.check), row.check_number)
        rule, message = PANDERA_RULES.get(check, (check, f"failed the check {check}"))
        line = None if pd.isna(row.index) else int(row.index)
        if rule == "primary-key":
            if column != key[0]:
                continue  # one problem per row, not one per key column
            value = ", ".join(str(text.at[line, c]) for c in key)
            column = ", ".join(key)
            message = f"the primary key ({column}) repeats an earlier row"
        elif line is not None and column in text.columns:
            value = text.at[line, column]
        else:
            value = row.failure_case
        hint = None
        if rule in BY_VALUE_RULES:
            message, hint = told(rule, message, value, resource, column)
        elif rule in ("unique", "primary-key") and line is not None:
            columns = tuple(key) if rule == "primary-key" else (column,)
            if columns not in firsts:
                repeats = failures.loc[failures["check"].astype(str).eq(str(row.check)) & failures["index"].notna(), "index"]
                firsts[columns] = first_lines(text, list(columns), sorted({int(i) for i in repeats}))
            first = firsts[columns].get(tuple(text.loc[line, list(columns)]))
            hint = f"first on line {first}" if first is not None and first != line else None
        problems.append(Problem.at(file, rule, message, line=line, column=column, value=value, hint=hint))
    return problems


def told(rule: str, message: str, value, resource: Resource, column: str | None) -> tuple[str, str | None]:
    """The message and hint of a failure of a value check (`BY_VALUE_RULES`): the allowed values,
    the pattern, the lengths."""
    field = resource.field(column) if column else None
    hint = None
    if rule == "enum" and field is not None:
        allowed = enum_values(field) or []
        hint = allowed_hint(allowed, resource.schema_file)
        if isinstance(value, str) and value != value.strip() and value.strip() in allowed:
            # Otherwise `"agreed "` is shown the list it is in, with no word of the space.
            hint = f"the value has spaces around it: {value.strip()!r} is allowed"
    elif rule == "pattern" and field is not None:
        pattern = field["constraints"]["pattern"]
        hint = f"pattern: {pattern}"
        stopped = undecided(pattern, column, value)
        if stopped:
            message, hint = f"whether the value matches the pattern is unknown: {stopped}", f"{hint}; {BACKTRACKING_HINT}"
    elif rule == "length" and field is not None:
        constraints = field["constraints"]
        hint = f"length from {constraints.get('minLength', 0)} to {constraints.get('maxLength', 'any')}"
    return message, hint


def many_alike(failures: pd.DataFrame, schema: pa.DataFrameSchema) -> tuple[list[tuple[tuple, pd.Series]], pd.DataFrame]:
    """The failures of a value check (`BY_VALUE_RULES`) in one column on `RUN_MIN` lines or more, as
    ((column, check name), lines); and the other failures, to be told one by one."""
    if len(failures) < RUN_MIN:
        return [], failures
    located = failures[failures["index"].notna() & failures["column"].notna()]
    many, taken = [], []
    for (column, check, number), group in located.groupby(["column", "check", "check_number"], dropna=False, sort=False):
        name = check_name(schema, str(column), str(check), number)
        if len(group) >= RUN_MIN and PANDERA_RULES.get(name, (name,))[0] in BY_VALUE_RULES:
            many.append(((str(column), name), group["index"].astype("int64")))
            taken.append(group.index)
    if not many:
        return [], failures
    return many, failures.drop(index=pd.Index(np.concatenate([t.to_numpy() for t in taken])))


def problems_told_alike(column: str, check: str, lines: pd.Series, resource: Resource, file: str, text: pd.DataFrame) -> list[Found]:
    """One value check's failures in one column, told (`told`) once per distinct value, not per line."""
    rule, message = PANDERA_RULES[check]
    lines = np.unique(lines.to_numpy())
    values = text[column].reindex(lines) if column in text.columns else pd.Series([None] * len(lines), index=lines)
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    found: list[Found] = []
    tellings: dict[tuple, list[int]] = {}
    for code, value in enumerate(distinct):
        tellings.setdefault(told(rule, message, value, resource, column), []).append(code)
    if (codes < 0).any():
        tellings.setdefault(told(rule, message, None, resource, column), []).append(-1)
    for (said, hint), chosen in tellings.items():
        mask = np.isin(codes, chosen)
        found += problems_at(file, rule, said, lines[mask], values.iloc[mask], column=column, hint=hint)
    return found


def first_lines(text: pd.DataFrame, columns: list[str], repeats: list[int]) -> dict[tuple, int]:
    """The line on which the values of `columns` on each of the lines `repeats` first appear, so that
    a repeated key says which line it repeats. The table's rows
    are narrowed to those holding a repeated value in each key column (`isin`, a mask of one byte a
    row: a pass of `duplicated` over a million keys added 80 MB to the peak), and compared there."""
    import numpy as np

    wanted = {tuple(values) for values in text.loc[repeats, columns].itertuples(index=False, name=None)}
    # Narrowed by each key column: by the first alone, a column of a few values leaves most rows
    # to the loop below.
    keep = np.ones(len(text), dtype=bool)
    for at, name in enumerate(columns):
        keep &= text[name].isin({values[at] for values in wanted}).to_numpy()
    narrowed = text.loc[keep, columns]
    firsts: dict[tuple, int] = {}
    for line, values in zip(narrowed.index, narrowed.itertuples(index=False, name=None), strict=True):
        if values in wanted:
            firsts.setdefault(values, int(line))
    return firsts


# An enum hint lists at most this many values: with 20,000 allowed values and many failing
# cells, a full list on every problem held gigabytes.
HINT_VALUES = 30

# A table (or batch) of fewer rows has its value checks run on every row (`run_pandera`): encoding
# each column and a second Pandera run cost more than they save (on actors-like tables, the two
# take about as long near this many rows).
BY_VALUE_MIN_ROWS = 10_000


def allowed_hint(allowed: list, schema_file: str) -> str:
    shown = ", ".join(map(str, allowed[:HINT_VALUES]))
    if len(allowed) <= HINT_VALUES:
        return f"allowed: {shown}"
    return f"allowed: {shown}, and {len(allowed) - HINT_VALUES:,} more (the field's enum in {schema_file})"


def check_table(table: RawTable, resource: Resource, *, keys: bool = True) -> tuple[pd.DataFrame, list[Found]]:
    """All single-table checks. Returns the typed frame (for the cross-table checks) and the problems.
    `keys=False` leaves uniqueness and the primary key out: a batch of a table, whose keys are checked
    once over the whole table."""
    forget_undecided()  # the pattern check's stopped matches (`pandera_problems`) are this table's
    text, problems = check_header(table, resource)
    typed, type_problems = convert_frame(text, resource.schema, table.file)
    problems += type_problems
    schema = built_schema(resource, list(typed.columns))
    failures = run_pandera(schema, typed, keys=keys, shared=lambda name: shared_codes(table, resource, typed, name))
    if failures:
        # A cell that is not of its type is already reported; "required" would repeat it.
        unreadable = Places(type_problems, lambda p: p.column)
        found = pandera_problems(pd.concat(failures, ignore_index=True), schema, resource, table.file, text)
        problems += drop_at(found, lambda p: p.rule == "required", unreadable, lambda p: p.column)
    return typed, problems


def shared_codes(table: RawTable, resource: Resource, typed: pd.DataFrame, name: str) -> tuple | None:
    """A string column's codes and distinct values from its text (`text_codes`, which the cell checks
    use as well), the missing values blanked as in the typed column; None for other columns."""
    from peacetalks.checks.check_cells import text_codes
    from peacetalks.model.convert_types import missing_values

    field = resource.field(name)
    missing = missing_values(resource.schema, field)
    if field is None or Field(field).type != "string" or "" not in missing:
        return None
    _, codes, values = text_codes(table, name)
    if codes is None:  # values barely repeat: the typed column itself
        return None, typed[name].reset_index(drop=True)
    return codes, values.mask(values.isin(missing)).astype(typed[name].dtype)


_BUILT: dict[tuple, tuple] = {}
# A large package's tables are checked two at a time, in threads, and share this cache.
_BUILT_LOCK = threading.RLock()


def built_schema(resource: Resource, present: list[str]) -> pa.DataFrameSchema:
    """build_schema, once per table and set of columns: a table checked in batches asks for it per batch."""
    key = (id(resource.schema), resource.name, tuple(present))
    with _BUILT_LOCK:
        if key not in _BUILT or _BUILT[key][0] is not resource.schema:
            if len(_BUILT) > 64:
                _BUILT.clear()
            _BUILT[key] = (resource.schema, build_schema(resource.schema, resource.name, present=present), {})
        return _BUILT[key][1]


def derived(schema: pa.DataFrameSchema, what: str, make):
    """A schema derived from a built one (rows only, values only), cached beside it."""
    with _BUILT_LOCK:
        for _, built, cache in _BUILT.values():
            if built is schema:
                if what not in cache:
                    cache[what] = make()
                return cache[what]
    return make()


def run_pandera(schema: pa.DataFrameSchema, typed: pd.DataFrame, *, keys: bool = True, shared=None) -> list[pd.DataFrame]:
    """Pandera's failure cases, indexed by line. The row-level parts of the schema (required, unique,
    primary key) run on every row; each column's value checks (enum, pattern, length, range) run
    once per distinct value, and a failing value is mapped back to every row holding it: most
    columns repeat a few values (source ids, enums), so this is far less work than every cell.
    The value checks stay in the row-level run for a small table (`BY_VALUE_MIN_ROWS`), and for a
    column whose values barely repeat (ids: `encode` gives no codes): its distinct values would be
    the column again, and every other column's values would be padded to its length.
    `shared(name)`, when given, returns a column's codes and distinct values already computed."""
    failures: list[pd.DataFrame] = []
    checked = [name for name, column in schema.columns.items() if column.checks]
    by_value_checked = checked if len(typed) >= BY_VALUE_MIN_ROWS else []
    encoded = {name: (shared and shared(name)) or encode(typed[name]) for name in by_value_checked}
    by_value = [name for name in by_value_checked if encoded[name][0] is not None]
    rows = derived(schema, f"rows {keys} {by_value}", lambda: rows_only(schema, by_value, keys))
    try:
        rows.validate(typed, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        failures.append(errors.failure_cases)
    if not by_value:
        return failures
    # One frame of every such column's distinct values, padded with missing cells (which the
    # checks skip), so Pandera runs once rather than once per column.
    longest = max(len(encoded[name][1]) for name in by_value)
    values = pd.DataFrame({name: encoded[name][1].reindex(range(longest)) for name in by_value})
    # No dtype here: the distinct values carry their column's dtype, which the row-level schema
    # has just checked (Pandera's dtype check costs about a millisecond a column, mostly building
    # an empty failure frame).
    by_value_schema = derived(
        schema,
        f"values {by_value}",
        lambda: pa.DataFrameSchema(
            {name: pa.Column(None, checks=schema.columns[name].checks, nullable=True, name=name) for name in by_value}
        ),
    )
    try:
        by_value_schema.validate(values, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        for name, group in cases.groupby("column", sort=False):
            failures.append(on_lines(group, encoded[name][0], typed.index))
        unplaced = cases[~cases["column"].isin(by_value)]
        if len(unplaced):
            failures.append(unplaced)
    return failures


def rows_only(schema: pa.DataFrameSchema, by_value: list[str], keys: bool) -> pa.DataFrameSchema:
    """The schema without the value checks of the `by_value` columns and without dtypes; when `keys`
    is False (a batch of a large table), also without uniqueness and keys, which are checked once
    over the whole table (`validate.check_keys`).
    No dtypes: the typed columns come from `convert_frame`, which reads the same Table Schema
    through the same `PANDAS_DTYPES` (`test_convert_types` holds the two to each other), and
    Pandera checks a string column's dtype cell by cell and formats the result even when it
    passes: about 80 ms of the real package's 0.4 s of checks."""
    changes: dict[str, dict] = {name: {"dtype": None} for name in schema.columns}
    for name in by_value:
        changes[name]["checks"] = []
    if not keys:
        for change in changes.values():
            change["unique"] = False
    rows = schema.update_columns(changes)  # one copy of the schema: Pandera deep-copies it per call
    if not keys:
        rows.unique = None
        # A column left with nothing to check still costs Pandera about 0.4 ms a batch.
        rows = rows.remove_columns([name for name, column in rows.columns.items() if column.nullable and not column.checks])
    return rows


def on_lines(cases: pd.DataFrame, codes, lines: pd.Index) -> pd.DataFrame:
    """Failure cases over distinct values (index = position among them) as cases over lines."""
    import numpy as np

    located = cases[cases["index"].notna()]
    parts = [cases[cases["index"].isna()]]
    for (check, number), group in located.groupby(["check", "check_number"], dropna=False, sort=False):
        bad = np.zeros(len(lines) if codes is None else int(codes.max(initial=-1)) + 1, dtype=bool)
        bad[group["index"].astype("int64").to_numpy()] = True
        hit = lines[on_rows(codes, bad)]
        first = group.iloc[0]
        parts.append(
            pd.DataFrame(
                {
                    "schema_context": first["schema_context"],
                    "column": first["column"],
                    "check": check,
                    "check_number": number,
                    "failure_case": None,
                    "index": hit.to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
