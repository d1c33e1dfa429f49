"""Rules that join rows: foreign keys (composite and self-references), no
cycles in self-links, and the row-shape rules a schema declares under its
`peacetalks` key (`exactlyOne`, `together`) and its fields' `requiredWhen`."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from peacetalks.model.read_package import Package, Resource
from peacetalks.report.problems import Problem

Frames = dict[str, pd.DataFrame]


def key_index(frame: pd.DataFrame, columns: list[str]) -> pd.MultiIndex | pd.Index:
    if len(columns) == 1:
        return pd.Index(frame[columns[0]].astype("string"))
    return pd.MultiIndex.from_frame(frame[columns].astype("string"))


def found_in(child: pd.DataFrame, columns: list[str], parent: pd.DataFrame, reference: list[str]) -> np.ndarray:
    """For each child row, whether its key exists in the parent: a hash lookup in pyarrow for one column."""
    if len(columns) == 1:
        import pyarrow as pa
        import pyarrow.compute as pc

        from peacetalks.model.convert_types import encode, on_rows

        # Each distinct child value is looked up once (a few source ids for a million rows).
        codes, distinct = encode(child[columns[0]].astype("string"))
        values = pa.array(distinct, type=pa.large_string())
        keys = pa.array(parent[reference[0]].astype("string"), type=pa.large_string())
        if keys.null_count:  # (a primary key has none: no copy of a million keys)
            keys = pc.drop_null(keys)
        if len(values) < len(keys):
            # Hash the smaller side: the parent keys that any child value names, then look up in those.
            keys = keys.filter(pc.is_in(keys, value_set=values))
        return on_rows(codes, pc.is_in(values, value_set=keys).to_numpy(zero_copy_only=False))
    return np.asarray(key_index(child, columns).isin(key_index(parent, reference)))


def check_foreign_keys(package: Package, frames: Frames, files: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    for resource in package.resources:
        child = frames.get(resource.name)
        if child is None:
            continue
        for fk in resource.foreign_keys:
            columns, target = fk["fields"], fk["resource"]
            parent = frames.get(target)
            if parent is None or not set(columns) <= set(child.columns) or not set(fk["reference_fields"]) <= set(parent.columns):
                continue  # the descriptor checks report keys that name missing tables or fields
            # A reference with any empty part is not a reference (Table Schema semantics).
            rows = child[columns].dropna()
            if rows.empty:
                continue
            found = found_in(rows, columns, parent, fk["reference_fields"])
            shown_target = f"{target}.{', '.join(fk['reference_fields'])}"
            close = close_keys(parent, fk["reference_fields"])
            for line in rows.index[~found]:
                value = ", ".join(str(child.at[line, c]) for c in columns)
                problems.append(
                    Problem.at(
                        files[resource.name],
                        "foreign-key",
                        f"no row in {shown_target} has this value",
                        line=int(line),
                        column=", ".join(columns),
                        value=value,
                        hint=close(value),
                    )
                )
    return problems


# A did-you-mean among at most this many keys (difflib compares the value with each: about 12 ms
# a value at 5,000 keys), for at most this many distinct values a foreign key, and keys this short.
HINT_KEYS = 5_000
HINT_VALUES = 50
HINT_KEY_CHARS = 100


def close_keys(parent: pd.DataFrame, reference: list[str]):
    """A function from a key no parent row has to a did-you-mean hint (None when nothing is close,
    the key has several columns, or the parent has too many keys to compare with)."""
    import difflib
    import functools

    if len(reference) != 1 or len(parent) > HINT_KEYS:
        return lambda value: None
    keys = [str(key) for key in parent[reference[0]].dropna().unique() if len(str(key)) <= HINT_KEY_CHARS]
    asked: set[str] = set()

    def letters(key: str) -> str:
        return re.sub(r"[0-9]", "", key)

    @functools.cache
    def hint(value: str) -> str | None:
        asked.add(value)
        if len(asked) > HINT_VALUES or len(value) > HINT_KEY_CHARS:
            return None  # a column of wrong keys, or a long one: no minutes of comparisons
        close = difflib.get_close_matches(value, keys, n=1, cutoff=0.8)
        # Keys that differ in their digits alone (article_1003, article_1) are other keys, not a typo.
        if not close or letters(close[0]) == letters(value):
            return None
        # A key that differs only in spaces or case is as likely the slip as the value: "did you mean
        # 'russia '?" would ask to copy a stray space into every row.
        for differs, same in (("spaces around it", str.strip), ("capitals", str.casefold)):
            if same(close[0]) == same(value):
                return f"the table it points at has {close[0]!r}, which differs from it only in {differs}: fix whichever is wrong"
        return f"did you mean {close[0]!r}?"

    return hint


def in_cycles(own: pd.Series, link: pd.Series) -> np.ndarray:
    """Which rows lie on a cycle of `own -> link`, found without a Python loop over rows.

    Each row points at the row whose `own` equals its `link` (the last such row,
    as a dict would keep it). After n steps every walk that has not ended sits on
    a cycle, and the cycle's rows are exactly where the walks land; 2^k >= n steps
    take k rounds of pointer doubling.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    size = len(own)
    if size == 0:
        return np.zeros(0, dtype=bool)
    # Looked up in pyarrow (which releases the GIL for the other table's checks) among the rows in
    # reverse, so that the first match found is the last row holding the value.
    backwards = pa.array(own.astype("string"), type=pa.large_string()).take(pa.array(np.arange(size - 1, -1, -1)))
    found = pc.index_in(pa.array(link.astype("string"), type=pa.large_string()), value_set=backwards)
    found = pc.fill_null(found, -1).to_numpy(zero_copy_only=False)
    step = np.where(found >= 0, size - 1 - found, size)  # `size`: the walk ended
    step = np.append(step, size)
    jump = step
    for _ in range(max(1, int(np.ceil(np.log2(size + 1))))):
        jump = jump[jump]
    landed = np.unique(jump[:size])
    on_cycle = np.zeros(size + 1, dtype=bool)
    on_cycle[landed] = True
    return on_cycle[:size]


def check_cycles(package: Package, frames: Frames, files: dict[str, str]) -> list[Problem]:
    """A self-link (part of, follows, affiliated with) must never lead back to where it started."""
    problems: list[Problem] = []
    for resource in package.resources:
        frame = frames.get(resource.name)
        if frame is None:
            continue
        for fk in resource.foreign_keys:
            if fk["resource"] != resource.name or len(fk["fields"]) != 1 or len(fk["reference_fields"]) != 1:
                continue
            link, own = fk["fields"][0], fk["reference_fields"][0]
            if link not in frame.columns or own not in frame.columns or link == own:  # a field naming itself: the schema check reports it
                continue
            pairs = frame[[own, link]].dropna()
            pairs = pairs[in_cycles(pairs[own], pairs[link])]
            parent_of = dict(zip(pairs[own].astype(str), pairs[link].astype(str), strict=True))
            line_of = dict(zip(pairs[own].astype(str), pairs.index, strict=True))
            reported: set[str] = set()
            done: set[str] = set()
            for start in parent_of:
                path: list[str] = []
                on_path: set[str] = set()
                node = start
                while node in parent_of and node not in done and node not in on_path:
                    path.append(node)
                    on_path.add(node)
                    node = parent_of[node]
                if node in on_path:
                    cycle = path[path.index(node) :]
                    if not reported & set(cycle):
                        first = min(cycle, key=lambda n: line_of[n])
                        ring = " → ".join(cycle[cycle.index(first) :] + cycle[: cycle.index(first)] + [first])
                        line = int(line_of[first])
                        message = f"{link} leads back to itself: {ring}"
                        problems.append(
                            Problem.at(files[resource.name], "cycle", message, line=line, column=link, value=frame.at[line, link])
                        )
                        reported |= set(cycle)
                done |= on_path
    return problems


def check_row_rules(resource: Resource, frame: pd.DataFrame, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for group in resource.rules.get("exactlyOne") or []:
        if not set(group) <= set(frame.columns):
            continue
        count = frame[group].notna().sum(axis=1)
        for line in frame.index[count != 1]:
            got = "none" if count[line] == 0 else "more than one"
            message = f"exactly one of {', '.join(group)} must be set; {got} is"
            problems.append(Problem.at(file, "exactly-one", message, line=int(line), column=", ".join(group)))
    for group in resource.rules.get("together") or []:
        if not set(group) <= set(frame.columns):
            continue
        count = frame[group].notna().sum(axis=1)
        for line in frame.index[(count != 0) & (count != len(group))]:
            empty = [c for c in group if pd.isna(frame.at[line, c])]
            message = f"{', '.join(group)} are set together or left empty together; empty here: {', '.join(empty)}"
            problems.append(Problem.at(file, "together", message, line=int(line), column=", ".join(empty)))
    for field in resource.fields:
        rules = field.get("peacetalks")
        when = rules.get("requiredWhen") if isinstance(rules, dict) else None
        if not isinstance(when, dict) or not when or not {field["name"], *when} <= set(frame.columns):
            continue  # a malformed rule is the schema check's to report
        applies = np.ones(len(frame), dtype=bool)
        for other, value in when.items():
            applies &= np.asarray(frame[other].astype("string").eq(str(value)).fillna(False), dtype=bool)
        condition = " and ".join(f"{other} is {value}" for other, value in when.items())
        for line in frame.index[applies & np.asarray(frame[field["name"]].isna(), dtype=bool)]:
            message = f"{field['name']} must be set when {condition}"
            problems.append(Problem.at(file, "required-when", message, line=int(line), column=field["name"]))
    return problems
