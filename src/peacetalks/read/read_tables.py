"""Read a CSV file into a DataFrame of strings, indexed by editor line number.

Every cell is read as text (nothing is guessed), so the checks can report the
value exactly as the curator typed it. The index of each row is the line on
which that record starts in the file (header = line 1), which is the number
every report uses. pyarrow reads the common case fast; files it cannot read
(ragged rows, blank lines) are read again with the csv module, which locates
each damaged record.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from peacetalks.model.dialect import PLAIN, Dialect
from peacetalks.report import save_hints
from peacetalks.report.problems import Problem

# The csv module refuses fields over 128 KiB by default; a huge cell is reported
# by check_cells.py with its line, not as a parse failure.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


# A file larger than two batches is read and checked a batch at a time (validate.py), so memory
# follows the batch, not the file. The variable lets the tests run every package in tiny batches.
def batch_bytes(default: int = 16 << 20) -> int:
    """PEACETALKS_BATCH_BYTES, or the default when it is unset or not a positive whole number
    (0 would read no bytes at all, and every batched table as empty)."""
    try:
        value = int(os.environ.get("PEACETALKS_BATCH_BYTES", default))
    except ValueError:
        return default
    return value if value > 0 else default


BATCH_BYTES = batch_bytes()


@dataclass
class RawTable:
    name: str
    file: str
    header: list[str]
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    # Each column's text encoded once (check_cells.text_codes), shared by the Pandera value checks
    # and the cell checks of the same table or batch.
    encoded: dict = field(default_factory=dict, repr=False, compare=False)
    # The line the header's problems are reported at (its last row under a dialect's `headerRows`).
    header_line: int = 1


def empty_table(name: str, file: str, problems: list[Problem]) -> RawTable:
    return RawTable(name, file, [], pd.DataFrame(), problems)


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """The text of a file that is not plain UTF-8, and the one problem that says so. A byte-order mark
    is dropped and the rest read; bytes that are not UTF-8 are read in the Windows code page they
    leave no doubt about (`legacy_encoding`); the text is None when they cannot be read for certain."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = 'the file is UTF-16 (a spreadsheet\'s "Unicode text"), not UTF-8; its byte-order mark says so, and it was checked so'
        try:
            return raw.decode("utf-16"), [Problem.at(file, "encoding", message, line=1, hint=save_hints.ENCODING)]
        except UnicodeDecodeError:
            message = 'the file starts like UTF-16 (a spreadsheet\'s "Unicode text") but does not decode as it; its values are not checked'
            return None, [Problem.at(file, "encoding", message, line=1, hint=save_hints.ENCODING_UNSURE)]
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        message = "the file starts with a byte-order mark (BOM); the table is read without it"
        problems.append(Problem.at(file, "bom", message, line=1, hint=save_hints.BOM))
    try:
        return raw.decode("utf-8"), problems
    except UnicodeDecodeError:
        pass
    from peacetalks.read.legacy_encoding import read_legacy

    reading = read_legacy(raw)
    if reading.text is None:
        message = f"the file is not valid UTF-8, and which encoding it is in cannot be told: {reading.why}; its values are not checked"
        problem = Problem.at(file, "encoding", message, line=reading.line, value=reading.value, hint=save_hints.ENCODING_UNSURE)
        return None, [*problems, problem]
    message = f"the file is not UTF-8; every Windows code page that fits its bytes reads them as {reading.name} does, and it was checked so"
    problem = Problem.at(file, "encoding", message, line=reading.line, value=reading.value, hint=save_hints.ENCODING)
    return reading.text, [*problems, problem]


def text_only_options(width: int, block_size: int, skip_rows: int = 1, use_threads: bool = True, dialect: Dialect = PLAIN) -> dict:
    """pyarrow CSV options that keep every cell as the text typed: nothing guessed, nothing turned
    into null (the schema's missing values decide that later), blank lines kept so they can be reported.
    No UTF-8 check cell by cell: the callers check the bytes in one pass first (`is_utf8`), which
    takes about a tenth of the parse's time off."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"f{i}" for i in range(width)]
    return {
        "read_options": pacsv.ReadOptions(skip_rows=skip_rows, column_names=names, block_size=block_size, use_threads=use_threads),
        "parse_options": pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False, **dialect.parse_options()),
        "convert_options": pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
            check_utf8=False,
        ),
    }


def runs_on(table) -> bool:
    """Whether the last record read holds a line break: a quote pyarrow read on to the end of what it
    was given (a quote left open, or a quoted value cut at a batch's end)."""
    return bool(table.num_rows) and any("\n" in (column[-1].as_py() or "") for column in table.columns)


def read_with_pyarrow(raw: bytes, width: int, dialect: Dialect = PLAIN) -> pd.DataFrame | None:
    """Fast path: None when pyarrow refuses the file or when records span lines."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if spaced_quotes(raw, dialect):
        return None  # a quoted value after the delimiter and a space: the csv module reads it
    try:
        table = pacsv.read_csv(io.BytesIO(raw), **text_only_options(width, block_size=1 << 24, dialect=dialect))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    if lines != table.num_rows + 1:
        return None  # a quoted newline: line numbers need the slow path
    if runs_on(table):
        return None  # a quote left open, read by pyarrow to the end of the file: the csv module locates it
    if quoted_wrongly(table, raw, header_lines=1, dialect=dialect):
        return None  # the csv module reports the line, and reads the records around it
    table = skip_initial_space(table, dialect)
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


# A record by CSV's rules as the csv module reads them strictly, on one line with its line end:
# fields that are empty, quoted (a quote inside doubled), or unquoted and not starting with a quote
# (where a quote is a character like any other: `a 5" screen`). RE2 matches it in linear time.
STRICT_RECORD = r'^(?:"(?:[^"]|"")*"|[^",\r\n][^,\r\n]*|)(?:,(?:"(?:[^"]|"")*"|[^",\r\n][^,\r\n]*|))*\r?\n?$'


def strict_record(dialect: Dialect) -> str:
    """`STRICT_RECORD` for a dialect's delimiter, quote and escape characters."""
    if dialect.csv_plain:
        return STRICT_RECORD

    def char(c: str) -> str:
        return c if c.isalnum() else {"\t": r"\t"}.get(c, "\\" + c)

    d = char(dialect.delimiter)
    q = char(dialect.quote_char) if dialect.quote_char else None
    e = char(dialect.escape_char) if dialect.escape_char else None
    escaped = f"|{e}." if e else ""
    no_escape = e or ""
    unquoted = f"(?:[^{d}{q or ''}\\r\\n{no_escape}]{escaped})(?:[^{d}\\r\\n{no_escape}]{escaped})*"
    if q:
        doubled = f"|{q}{q}" if dialect.double_quote else ""
        field = f"{q}(?:[^{q}{no_escape}]{doubled}{escaped})*{q}|{unquoted}|"
    else:
        field = f"{unquoted}|"
    return f"^(?:{field})(?:{d}(?:{field}))*\\r?\\n?$"


def spaced_quotes(raw, dialect: Dialect) -> bool:
    """Under `skipInitialSpace`, whether a quoted value follows a delimiter and spaces: pyarrow would
    read the quote as text, so the csv module reads such a file."""
    if not dialect.skip_initial_space or dialect.quote_char is None:
        return False
    pattern = re.escape(dialect.delimiter.encode()) + b" +" + re.escape(dialect.quote_char.encode())
    return re.search(pattern, bytes(raw)) is not None


def skip_initial_space(table, dialect: Dialect):
    """`skipInitialSpace`: the spaces after each delimiter are not part of the value."""
    if not dialect.skip_initial_space:
        return table
    import pyarrow.compute as pc

    columns = [column if number == 0 else pc.utf8_ltrim(column, characters=" ") for number, column in enumerate(table.columns)]
    return table.from_arrays(columns, names=table.column_names)


def quoted_wrongly(table, raw, header_lines: int = 0, dialect: Dialect = PLAIN) -> bool:
    """Whether pyarrow read a record from a quote that breaks CSV's rules: a straight quote inside a
    quoted value, not doubled (`"called them "not easy" but"`). pyarrow reads on without a word,
    and the value loses the quote and gains another one at its end; the csv module (`strict`)
    refuses the record, and the caller then reads the file with it, which reports the line. Only
    records with a cell holding a quote are looked at, since a value read this way keeps the quote
    that was meant to close it, and the last one when the file does not end with a line end (a
    quote left open there reads as a plain value). The file's quote marks alone cannot tell (`a 5"
    screen` is valid). Records are one a line here (the callers check it), after `header_lines` lines."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    quote = dialect.quote_char
    if quote is None:
        return False  # no quoting: no record can break its rules
    holding = np.zeros(table.num_rows, dtype=bool)
    for column in table.columns:
        # A copy of each column's bytes searched with memchr: under 1 ms for 16 MB, where
        # `match_substring` takes about 27 ms; it runs only on a column that holds a quote at all.
        if any(chunk.buffers()[2] is not None and chunk.buffers()[2].to_pybytes().find(quote.encode()) >= 0 for chunk in column.chunks):
            holding |= pc.match_substring(column, quote).to_numpy(zero_copy_only=False)
    if table.num_rows and bytes(raw[-1:]) != b"\n":
        holding[-1] = True
    if not holding.any():
        return False
    # Every line of the file as one Arrow array over its own bytes, line ends included; the lines
    # looked at are taken from it and matched at once: a csv reader made for each line with a
    # doubled quote would cost many times pyarrow's parse.
    starts = np.concatenate(([0], np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == ord("\n")) + 1))
    if starts[-1] != len(raw):
        starts = np.append(starts, len(raw))
    lines = pa.LargeStringArray.from_buffers(len(starts) - 1, pa.py_buffer(starts.astype(np.int64)), pa.py_buffer(raw))
    rows = np.flatnonzero(holding) + header_lines
    looked_at = lines.take(pa.array(rows))
    for row in rows[~pc.match_substring_regex(looked_at, strict_record(dialect)).to_numpy(zero_copy_only=False)]:
        # What RE2 doubts, the csv module decides (a field the pattern does not foresee).
        line = bytes(raw[starts[row] : starts[row + 1]]).decode("utf-8").rstrip("\r\n")
        try:
            next(csv.reader([line], strict=True, **dialect.csv_options()))
        except csv.Error:
            return True
    return False


OPEN_QUOTE_HINT = 'a value with a comma, a quote or a line break needs double quotes around it, and a quote inside it doubled ("")'


# By whether the row has more cells than the header, or fewer: a column added to the header but not
# to the rows has nothing to do with commas inside values.
RAGGED_HINTS = {
    True: "a comma inside a value needs the value in double quotes",
    False: "every row needs a cell for each column of the header, an empty one too (two commas in a row): "
    "was a column added to the header only?",
}


class Lines:
    """The lines of a text, for the csv module, from a line that can be set again: after a record
    it refuses, reading goes on at the line after that record's first."""

    def __init__(self, text: str):
        self.lines = io.StringIO(text, newline="").readlines()
        self.next = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        self.next += 1
        return self.lines[self.next - 1]


def lenient_record(line: str, dialect: Dialect = PLAIN) -> list[str]:
    try:
        return next(csv.reader([line], **dialect.csv_options()), [])
    except csv.Error:
        return []


def read_with_csv_module(text: str, file: str, width: int, dialect: Dialect = PLAIN) -> tuple[pd.DataFrame, list[Problem]]:
    """Slow path: walk the records, remembering the line each one starts on. A record the csv
    module refuses is reported at its first line, and reading goes on at the next line, so that one
    stray quote costs one record, not the rest of the table. (A quote left open swallows the lines
    after it into one record; read again, those lines are the records they were.)"""
    problems: list[Problem] = []
    source = Lines(text)
    options = dialect.csv_options()
    reader = csv.reader(source, strict=True, **options)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        next(reader)  # header, read by the caller
    except (StopIteration, csv.Error):
        source.next = 1
    # After a quote left open to the end of the file, each line is read as a record of its own: read
    # on from each next line, a file whose lines each open such a quote would take quadratic time.
    alone = False
    while True:
        start = source.next + 1
        try:
            if alone:
                if source.next >= len(source.lines):
                    break
                source.next += 1
                record = next(csv.reader([source.lines[start - 1]], strict=True, **options), [])
            else:
                record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            # At the record's first line: a quote left open there runs on into the lines after it.
            runs_on_to = f" (the record runs on to line {source.next})" if source.next > start else ""
            problems.append(Problem.at(file, "csv-syntax", f"cannot parse the CSV: {error}{runs_on_to}", line=start, hint=OPEN_QUOTE_HINT))
            if source.next > start:
                alone = alone or source.next >= len(source.lines)
                source.next = start  # on at the line after the record's first (`next` counts from 0)
                continue
            # A record on one line (a straight quote inside a quoted value) keeps its cells as a
            # lenient reader, frictionless's for one, reads them, so that its key is still there for
            # the rows that point at it: one slip, one problem, not one for each row pointing at it.
            record = lenient_record(source.lines[start - 1], dialect)
            if len(record) != width:
                continue
        if not record:
            problems.append(Problem.at(file, "blank-row", "blank line inside the table", line=start))
            continue
        if len(record) != width:
            problems.append(
                Problem.at(
                    file,
                    "ragged-row",
                    f"the row has {len(record)} cells but the header has {width}",
                    line=start,
                    hint=RAGGED_HINTS[len(record) > width],
                )
            )
            continue
        rows.append(record)
        lines.append(start)
    frame = pd.DataFrame(rows, columns=[f"f{i}" for i in range(width)], index=pd.Index(lines, dtype="int64"), dtype="str")
    return frame, problems


SEPARATORS = {"semicolons": ";", "tabs": "\t", "commas": ","}


def other_separator(header: list[str], fields=(), dialect: Dialect = PLAIN) -> str | None:
    """What a header of one cell, such as `meeting_id;proposal_id;quote`, was separated by instead of
    commas: semicolons (how a spreadsheet set to a language with decimal commas saves "CSV") or
    tabs. None for a header of several cells, or one name, or the name of one of the table's
    `fields` (a column may be named `id;code`)."""
    if len(header) != 1 or header[0] in fields:
        return None
    for name, separator in (("semicolons", ";"), ("tabs", "\t"), ("commas", ",")):
        if separator == dialect.delimiter:
            continue  # what the dialect declares (a header of one cell is then one name)
        parts = header[0].split(separator)
        if len(parts) > 1 and all(part.strip() for part in parts):
            return name
    return None


def read_header(text: str, dialect: Dialect = PLAIN) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), **dialect.csv_options()), [])
    except csv.Error:
        return []


def is_utf8(raw: bytes) -> bool:
    """Valid UTF-8, checked by pyarrow over the bytes in place: no str of the whole file is built."""
    import numpy as np
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(raw)], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(raw)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def header_text(raw: bytes) -> str:
    """The first line, decoded (the whole file when lines end in CR only)."""
    end = raw.find(b"\n") + 1 or len(raw)
    if b"\r" in raw[: end - 2]:
        end = len(raw)
    return raw[:end].decode("utf-8")


def read_table(root: Path, name: str, relative: str, fields=()) -> RawTable:
    """The table's CSV as text, indexed by editor line, and what is wrong with the file. `fields`:
    the names its schema declares, if known."""
    file = relative
    try:
        raw = (root / relative).read_bytes()
    except FileNotFoundError:
        return empty_table(name, file, [Problem.at(file, "file-missing", "the table's CSV file does not exist")])
    except OSError as error:
        return empty_table(name, file, [Problem.at(file, "file-unreadable", f"cannot read the file: {error.strerror or error}")])
    if not raw or raw.isspace():  # (not raw.strip(): that copies the whole file)
        return empty_table(name, file, [Problem.at(file, "empty-file", "the file is empty; a table needs at least its header row", line=1)])
    # Fast path: valid UTF-8 without a BOM is checked in place and decoded only if the csv module needs it.
    clean = not raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) and is_utf8(raw)
    text, problems = (None, []) if clean else decode(raw, file)
    if not clean and text is not None:
        # Read through: the text, as UTF-8, goes to the same readers; `problems` says how it was read.
        raw, clean = text.encode("utf-8"), True
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return empty_table(name, file, [Problem.at(file, "binary", "the file holds NUL bytes: it is binary, not a text CSV", line=line)])
    if text is None and not clean:
        return empty_table(name, file, problems)
    first = header_text(raw) if clean else text
    if re.split(r"\r\n|\r|\n", first, maxsplit=1)[0].count('"') % 2:
        # A header name cannot span lines: a quote left open would swallow the rows into it.
        problem = Problem.at(file, "csv-syntax", "the header row has a quote left open", line=1, hint=OPEN_QUOTE_HINT)
        return empty_table(name, file, [problem])
    header = read_header(first)
    dialect = PLAIN
    separator = other_separator(header, fields)
    if separator:
        dialect = Dialect(delimiter=SEPARATORS[separator])
        header = read_header(first, dialect)
        if not fields or len(header) != len(fields) or {label.strip() for label in header} != set(fields):
            # One problem, not a ragged row for each line with a comma and a missing column for each field.
            problem = Problem.at(
                file,
                "header",
                f"the values are separated by {separator}, not commas, and the header read so is not the schema's: the table is not read",
                line=1,
                value=first.splitlines()[0] if first else "",
                hint=save_hints.DELIMITER,
            )
            return empty_table(name, file, [*problems, problem])
        # The schema's names, each once: the table reads the same by this separator, for certain.
        message = f"the values are separated by {separator}, not commas; the table was read by them"
        problems = [*problems, Problem.at(file, "delimiter", message, line=1, value=first.splitlines()[0], hint=save_hints.DELIMITER)]
    width = len(header)
    if width == 0:
        return empty_table(name, file, [*problems, Problem.at(file, "header", "the first line must be the header row", line=1)])
    frame = read_with_pyarrow(raw, width, dialect)
    if frame is None:
        frame, read_problems = read_with_csv_module(text if text is not None else raw.decode("utf-8"), file, width, dialect)
        problems = problems + read_problems
    frame.columns = header
    frame, blank_problems = drop_blank_rows(frame, file)
    return RawTable(name, file, header, frame, problems + blank_problems)


def drop_blank_rows(frame: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """A row with every cell empty is one slip (often a stray line at the end), reported once."""
    if frame.empty:
        return frame, []
    # Only rows whose first cell is empty can be blank: most tables have none (the first column
    # is usually the key), and comparing every cell of a batch held the GIL 0.17 s at 1M rows.
    first = frame.iloc[:, 0] == ""
    if not first.any():
        return frame, []
    candidates = frame[first.to_numpy()]
    blank = candidates.index[(candidates == "").all(axis=1).to_numpy()]
    if not len(blank):
        return frame, []
    problems = [Problem.at(file, "blank-row", "the row is empty", line=int(line)) for line in blank]
    return frame.drop(index=blank), problems


def scan_header(path: Path, block: int = 1 << 20, fields=()) -> list[str] | None:
    """The header of a file that can be read in batches: no BOM, a header on one line. None otherwise,
    and `read_table` then reads the file whole and reports what is wrong."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(block)
    except OSError:
        return None
    if not data or data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return None
    end = data.find(b"\n") + 1
    head = data[:end]
    if not end or head.count(b'"') % 2 or b"\r" in head[:-2] or not head.strip() or b"\x00" in head:
        return None
    try:
        header = read_header(head.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    return header if header and not other_separator(header, fields) else None


def read_batches(path: Path, width: int):
    """The records as frames of text of about BATCH_BYTES each, indexed by editor line, parsed
    with the same options as `read_with_pyarrow`. The file is cut at line ends and each piece
    parsed on its own: pyarrow's streaming reader keeps several blocks in flight (about 350 MB of
    memory for 12 MB batches), and two tables are read at once. Raises pyarrow.ArrowInvalid when
    the file cannot be read this way, and the caller then reads it whole (`refuse_piece`)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open(path, "rb") as handle:
        handle.readline()  # the header, on one line (the caller's `scan_header`)
        line = 2
        for piece in cut_at_line_ends(handle):
            lines = piece_lines(piece)
            options = text_only_options(width, block_size=len(piece) + 1, skip_rows=0, use_threads=False)
            table = pacsv.read_csv(pa.BufferReader(pa.py_buffer(piece)), **options)
            refuse_piece(table, lines, piece)
            del piece
            frame = table.to_pandas()
            del table
            frame.index = pd.RangeIndex(line, line + len(frame))
            line += len(frame)
            # A name bound in a generator holds its value while the generator waits, that is while
            # the caller checks this batch and, next, while the next piece is read and parsed: the
            # frame is handed over with no name left on it (about 20 MB a table at 16 MB batches).
            held = [frame]
            del frame
            yield held.pop()


def cut_at_line_ends(handle):
    """The rest of an open file in pieces of about BATCH_BYTES, each ending at a line end (the
    last one may lack it), as views of what was read: nothing is copied."""
    size = max(BATCH_BYTES, 1)
    while data := handle.read(size):
        more = bool(handle.peek(1))
        cut = data.rfind(b"\n") + 1 if more else len(data)
        if not cut:  # a record longer than a batch: read it whole
            handle.seek(-len(data), os.SEEK_CUR)
            size *= 2
            continue
        handle.seek(cut - len(data), os.SEEK_CUR)
        size = max(BATCH_BYTES, 1)
        held = [memoryview(data)[:cut]]
        del data  # the bytes live only as long as the caller's view (see read_batches)
        yield held.pop()


def piece_lines(piece: memoryview) -> int:
    """The lines of a piece cut by `cut_at_line_ends`. Raises pyarrow.ArrowInvalid on a NUL byte or
    bytes that are not UTF-8 (the whole-file reader reports them), and on a byte-order mark at the
    start of the piece, which pyarrow would drop from the first cell. numpy counts without holding
    the GIL, which the other table's checks need."""
    import numpy as np
    import pyarrow as pa

    if bytes(piece[:3]) == b"\xef\xbb\xbf":
        raise pa.ArrowInvalid("a byte-order mark at the start of a batch")
    if not is_utf8(piece):  # a piece ends at a line end, never inside a character
        raise pa.ArrowInvalid("not UTF-8")
    codes = np.frombuffer(piece, dtype=np.uint8)
    if not codes.all():
        raise pa.ArrowInvalid("a NUL byte")
    return int(np.count_nonzero(codes == ord("\n"))) + (0 if codes[-1] == ord("\n") else 1)


def refuse_piece(table, lines: int, piece, dialect: Dialect = PLAIN) -> None:
    """Raises pyarrow.ArrowInvalid when the records of a parsed piece are not one a line: a record
    spanning lines (editor lines would no longer match), or a cut inside a quoted value. A piece
    ends at a line end, so such a cut leaves that line end inside the last record's last cells,
    which pyarrow reads silently as a shorter value (and the rest of the value, in the next
    piece, as a record of its own). Counting quote marks cannot tell: a quote inside an unquoted
    cell (`a 5" screen`) is valid CSV. Also refused: a record read from a straight quote inside a
    quoted value (`quoted_wrongly`), which the whole-file reader reports."""
    import pyarrow as pa

    if table.num_rows != lines:
        raise pa.ArrowInvalid("a record spans lines")
    if runs_on(table):
        raise pa.ArrowInvalid("a quoted value spans a batch boundary")
    if quoted_wrongly(table, piece, dialect=dialect):
        raise pa.ArrowInvalid("a straight quote inside a quoted value")
