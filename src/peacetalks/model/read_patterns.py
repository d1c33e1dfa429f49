"""Table Schema patterns as the checks use them: matched against the whole value (`anchored`),
and refused, with a located reason, when Python cannot use them or warns about them
(`pattern_problem`)."""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import warnings

# The hint for a pattern Python warns about (a `[` inside a character class and the like).
NESTED_SET_HINT = (
    "Table Schema patterns are XML Schema regular expressions: inside [...] write a literal [ as \\[, "
    "and drop brackets doubled by mistake ([[a-z]] means [a-z]); POSIX classes such as [[:alpha:]] do not exist there"
)

# The hint for a pattern Python reads and RE2, which the checks mostly run on, refuses.
RE2_HINT = (
    "RE2 takes repeat counts up to 1000, nested repeats multiplied; XML Schema regular expressions, which "
    "Table Schema patterns are, have no possessive quantifiers, atomic groups, conditionals or comments either"
)


def anchored(pattern: str) -> str:
    """Table Schema patterns must match the whole value (XML Schema regex semantics): `\\Z` after
    it. A final unescaped `$` then adds nothing (`$\\Z` matches where `\\Z` does) and is dropped:
    pandas scans every value for a line end before it lets pyarrow match a pattern that ends in `$`
    (Python's `$` also matches before a final line end), about a quarter of the check's time."""
    escapes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
    if pattern.endswith("$") and escapes % 2 == 0:
        pattern = pattern[:-1]
    return rf"(?:{pattern})\Z"


# The same few patterns recur across fields and tables (37 in this package, 10 distinct), and each
# is compiled twice after emptying `re`'s cache: about 40 ms a validation, uncached.
@functools.lru_cache(maxsize=256)
def pattern_problem(pattern: str) -> tuple[str, str | None] | None:
    """Why the checks cannot use `pattern`, and a hint; None when they can.

    Refused: a pattern Python cannot compile, alone or as the checks compile it (`anchored`: an
    inline flag such as `(?i)` must then come first, and XML Schema has none); and one Python warns
    about (FutureWarning), such as `[[a-z]]`: a `[` inside a character class is not allowed in XML
    Schema, Python reads it as a literal today and warns that this will change. Reported here, once,
    rather than as Python's warning on stderr each time pandas compiles the pattern."""
    for form in (pattern, anchored(pattern)):
        # `re` caches what it compiled, and a cached pattern does not warn again: a pattern seen
        # earlier in this process (a notebook, a second validation) would pass unnoticed.
        re.purge()
        # Records, rather than raises, the warning, so that a pattern that is also invalid gets
        # Python's error, the more precise message. (The hashing thread, the only other one
        # running now, issues no warning.)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                re.compile(form)
            # OverflowError: a repeat count beyond what `re` can hold (a{4294967296}); RecursionError:
            # thousands of nested groups. Both are patterns Python cannot use, like a syntax error.
            except (re.error, OverflowError, RecursionError) as error:
                if form is pattern:
                    return f"the pattern is not a valid regular expression ({error})", None
                flags = "global flags" in str(error)
                hint = "XML Schema regular expressions, which Table Schema patterns are, have no inline flags such as (?i)"
                return f"the pattern cannot be matched against a whole value ({error})", hint if flags else None
        future = [w for w in caught if issubclass(w.category, FutureWarning)]
        if future:
            return f"Python warns that it will read the pattern differently ({future[0].message}; counting from 0)", NESTED_SET_HINT
    return engine_problem(pattern)


@functools.lru_cache(maxsize=256)
def engine_problem(pattern: str) -> tuple[str, str | None] | None:
    """Why the engine the checks run on refuses a pattern Python reads: pandas hands most patterns to
    pyarrow's RE2 (an ArrowException), which has no repeat count over 1,000 (`.{0,100000}`), no possessive quantifier
    (`a*+`), no atomic group or conditional. Asked of pandas itself, as Pandera's check asks it
    (`str.match` on the text dtype the columns have), so its choice between RE2 and Python's `re`
    is not restated here; one cell, because pandas does not compile a pattern for no cells."""
    import pandas as pd
    import pyarrow as pa

    from peacetalks.model.convert_types import text_column

    # A column as the checks get it (`text_column`): the same dtype, so the same engine.
    probe = text_column(pd.Series(["x"], dtype="str"), [""])
    if runs_on_python(pattern, probe):
        # Never RE2's (`\s`, a lookaround, ...): nothing to ask it, and Python's `re` can backtrack
        # for hours on one letter, `(?:a?|b?){36}\s` on "x".
        return None
    try:
        probe.str.match(anchored(pattern))
    except pa.ArrowException as error:
        hint = RE2_HINT
        return f"the pattern cannot be used by the checks' regular expression engine, RE2 ({error})", hint
    return None


def match_whole(pattern: str, values, name: str | None = None):
    """Whether each of `values` (text) matches `pattern` whole, as the pattern check matches a
    column (`matches`, over the columns' text dtype, here named `name`): the same engine, so the
    same verdicts. A value whose match was stopped (`undecided`) does not match. A numpy array of
    booleans."""
    import numpy as np
    import pandas as pd

    from peacetalks.model.convert_types import text_column

    values = list(values)
    try:
        column = text_column(pd.Series(values, dtype="str", name=name), [])
    except UnicodeEncodeError:
        # A lone surrogate (an item written as "\ud800" in JSON) is not text any engine here can
        # read, nor a file can hold: it fails the pattern, and the others are matched without it.
        readable = np.array([encodes(value) for value in values], dtype=bool)
        verdicts = np.zeros(len(values), dtype=bool)
        verdicts[readable] = match_whole(pattern, [v for v, ok in zip(values, readable, strict=True) if ok], name)
        return verdicts
    return matches(pattern, column).fillna(False).to_numpy(dtype=bool)


def matches(pattern: str, column):
    """The pattern check (Pandera's check `pattern`, `build_pandera`): whether each value of
    `column` (text) matches `pattern` whole, as pandas matches it (`str.match` on `anchored`).
    Where pandas would use Python's `re` (`runs_on_python`), the values are matched in a process
    of their own under time limits (`match_with_python`) instead: a value whose match is stopped
    fails, and `undecided` says why. A boolean Series on the column's index."""
    import pandas as pd

    from peacetalks.checks import match_with_python as child

    if not runs_on_python(pattern, column):
        return column.str.match(anchored(pattern), na=False)
    present = column.notna().to_numpy()
    values = column[present].tolist()
    limit = time_left(pattern, column.name, values)
    answer = child.match_with_python(anchored(pattern), values, limit) if values else child.Answer("", 0.0)
    if answer is None:  # no like child here (frozen, Windows): matched here, with no bound, as pandas would
        return column.str.match(anchored(pattern), na=False)
    spend(pattern, column.name, limit - answer.seconds)
    found = answer.verdicts
    verdicts = pd.Series(False, index=column.index)
    verdicts[present] = [verdict == child.MATCHED for verdict in found]
    stopped = [(value, verdict) for value, verdict in zip(values, found, strict=True) if verdict not in (child.MATCHED, child.FAILED)]
    if stopped:
        record_undecided(pattern, column.name, stopped)
    return verdicts


def runs_on_python(pattern: str, column) -> bool:
    """Whether pandas matches `pattern` against `column` with Python's `re` rather than RE2: for
    `\\s`, a lookaround, a backreference, a `\\u` escape, and `\\w`, `\\d` or `\\b` on non-ASCII
    text, `$` on text with a line break. pandas decides (a private method, hence: when it is
    missing, Python's `re` is assumed, whose matches are bounded here)."""
    decide = getattr(column.array, "_needs_python_regex", None)
    return True if decide is None else bool(decide(anchored(pattern)))


# The time each column has left for Python's `re`, by column name and pattern, while a table is
# checked in batches (`one_time_limit_per_table`), in the thread that checks it.
_TIME_LEFT = threading.local()


@contextlib.contextmanager
def one_time_limit_per_table():
    """Within it, a column's time for matching its values with Python's `re` (`match_with_python.
    column_limit`: 10 s, plus 2 s per million characters) is one for the whole table, carried from batch to batch,
    and shared with the match of its padded ids without their spaces (`check_cells`): not 10 s
    more for each of a large table's batches."""
    _TIME_LEFT.seconds = {}
    try:
        yield
    finally:
        del _TIME_LEFT.seconds


def time_left(pattern: str, column: object, values: list[str]) -> float:
    from peacetalks.checks import match_with_python as child

    left = getattr(_TIME_LEFT, "seconds", {})
    if (column, pattern) not in left:
        return child.column_limit(values)
    return left[(column, pattern)] + child.per_mb_time(values)


def spend(pattern: str, column: object, remaining: float) -> None:
    left = getattr(_TIME_LEFT, "seconds", None)
    if left is not None:
        left[(column, pattern)] = remaining


# Values whose match against a pattern was stopped (`matches`), with why, for the report, by
# pattern, column name and value. Per thread, and forgotten before each table or batch is checked
# (`forget_undecided`): tables are checked in threads, and a value stopped in one column may be
# answered by RE2 in another, where pandas chose RE2 for it.
_UNDECIDED = threading.local()


def stopped_values() -> dict[tuple[str, object, str], str]:
    if not hasattr(_UNDECIDED, "found"):
        _UNDECIDED.found = {}
    return _UNDECIDED.found


def forget_undecided() -> None:
    stopped_values().clear()


def record_undecided(pattern: str, column: object, stopped: list[tuple[str, str]]) -> None:
    from peacetalks.checks import match_with_python as child

    found = stopped_values()
    for value, verdict in stopped:
        if verdict == child.TOO_SLOW:
            why = f"matching it was stopped after {child.value_limit(value):.3g} s"
        elif verdict == child.NOT_REACHED:
            why = (
                f"the column's time for matching ({child.COLUMN_LIMIT_SECONDS:g} s a table, "
                f"plus {child.COLUMN_LIMIT_SECONDS_PER_MB:g} s per million characters of its values) ran out before it"
            )
        else:
            why = "no process could match the column's values (none started, or it ended without an answer)"
        found[(pattern, column, value)] = why


def undecided(pattern: str, column: object, value) -> str | None:
    """Why `value`'s match against `pattern` in the column of that name (None for `match_whole`'s
    unnamed values) was stopped, in this thread since `forget_undecided`, to follow "whether it
    matches is unknown: "; None when it was not."""
    return stopped_values().get((pattern, column, value)) if isinstance(value, str) else None


# The hint for a value whose match was stopped: the pattern is what to change.
BACKTRACKING_HINT = (
    "repeats that nest, as in (a+)+ or (\\w+\\s?)+, can take hours on a value they do not match: "
    "start each repeat with what the one before cannot match, as in \\w+(\\s\\w+)*\\s?"
)


def encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
