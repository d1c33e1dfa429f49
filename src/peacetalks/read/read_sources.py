"""Read any table the Data Package standard describes into the frame `read_tables` gives for a
plain CSV file: every cell as text, indexed by line, with what is wrong with the file.

- A plain file (UTF-8, comma, double quote, one header row on line 1, uncompressed) goes to
  `read_tables.read_table` as it is.
- Otherwise the stored bytes are decompressed (gz, bz2, zip with one member, xz: by the declared
  `compression` or the path's extension), decoded from the declared `encoding` and handed to the
  same readers as UTF-8, with the resource's dialect (`model.dialect.Dialect`): pyarrow where it
  can, the csv module where it cannot.
- Line numbers are always the lines a person sees in the original file, decompressed: the header
  is reported at its (last) header row; rows skipped as `headerRows`, `commentRows` or lines
  starting with `commentChar` keep the numbering of the rows around them.
- A multipart table (`path` a list) is one table; only its first part has the header. A problem
  names the part its row is in, and the line within that part. While the table is checked, the
  rows of part k (from 0) carry `k * PART_STRIDE + line`; `relocate` turns them back into
  (part, line) at the end.
- Inline `data` (a list of lists with the header first, or a list of objects) is read as rows of
  text (a number as its JSON text, null as an empty cell). Its problems name `datapackage.json`
  and the line there where the row starts (`JsonLines`), so that a user can go to the row; while
  it is checked, a row carries `PART_STRIDE + its row number` (header = 1), turned into that line
  by `relocate`.
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
import json
from pathlib import Path

import pandas as pd

from peacetalks.model.dialect import Dialect
from peacetalks.model.read_package import DESCRIPTOR, JsonLines, Package, Resource
from peacetalks.read import read_tables
from peacetalks.read.read_tables import RawTable, drop_blank_rows, empty_table
from peacetalks.report import save_hints
from peacetalks.report.problems import Problem

# Lines of a part beyond the first, and rows of inline data, are numbered from k * PART_STRIDE
# while checked: far above any line of a real file, so that `relocate` can tell them.
PART_STRIDE = 10**12

SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}


def read_resource(root: Path, resource: Resource) -> RawTable:
    """The resource's table, read as its descriptor says."""
    if resource.data is not None:
        return read_inline(resource)
    if len(resource.files) > 1:
        return read_parts(root, resource)
    if resource.dialect.plain:
        return read_tables.read_table(root, resource.name, resource.path, resource.field_names)
    return read_file(root, resource.name, resource.path, resource.field_names, resource.dialect)


LINE_END_NAMES = {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}


def line_end_problems(root: Path, resource: Resource, sample: int = 1 << 16) -> list[Problem]:
    """One problem when the first line of a table's file ends otherwise than the package's line ends
    (`lineTerminator`, else LF). A spreadsheet ends every line alike, and the readers take any line
    end, so the first one stands for the file; a value's own line breaks are never looked at. A
    validation rule (house profile), not a reading one: `load()` reads such a table as any other."""
    if resource.data is not None or not resource.files:
        return []
    try:
        with open_stored(root / resource.files[0], resource.dialect.compression) as handle:
            head = handle.read(sample)
    except Exception:  # any damage is reported when the table is read
        return []
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    newline, carriage = head.find(b"\n"), head.find(b"\r")
    if newline < 0 and (carriage < 0 or carriage == len(head) - 1):
        return []  # one line, or one that may go on past the sample
    if carriage >= 0 and (newline < 0 or carriage < newline - 1):
        found = "\r"
    else:
        found = "\r\n" if newline > 0 and head[newline - 1 : newline] == b"\r" else "\n"
    expected = resource.dialect.line_terminator
    if found == expected:
        return []
    names = LINE_END_NAMES
    return [
        Problem.at(
            resource.files[0],
            "line-ends",
            f"the lines end in {names[found]}, not {names[expected]} as the package's tables do",
            line=1,
            hint=save_hints.LINE_ENDS,
        )
    ]


# ---------------------------------------------------------------- bytes


def open_stored(path: Path, compression: str | None):
    """A binary handle on the file's content, decompressed as it is read."""
    if compression == "gz":
        import gzip

        return gzip.open(path, "rb")
    if compression == "bz2":
        import bz2

        return bz2.open(path, "rb")
    if compression == "xz":
        import lzma

        return lzma.open(path, "rb")
    if compression == "zip":
        import zipfile

        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) != 1:
            archive.close()
            raise OSError(f"the zip archive holds {len(members)} files, not one")
        return archive.open(members[0])
    return open(path, "rb")


def stored_content(path: Path, compression: str | None, file: str) -> tuple[bytes | None, list[Problem]]:
    try:
        with open_stored(path, compression) as handle:
            return handle.read(), []
    except FileNotFoundError:
        return None, [Problem.at(file, "file-missing", "the table's CSV file does not exist")]
    except (OSError, EOFError, ValueError) as error:
        what = f"cannot decompress it as {compression}" if compression else "cannot read the file"
        detail = getattr(error, "strerror", None) or error
        return None, [Problem.at(file, "file-unreadable", f"{what}: {detail}")]
    except Exception as error:  # zlib.error, zipfile.BadZipFile, lzma.LZMAError
        return None, [Problem.at(file, "file-unreadable", f"cannot decompress it as {compression}: {error}")]


def as_utf8(raw: bytes, dialect: Dialect, file: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes as UTF-8, line for line; None and the problem when they do not decode."""
    if dialect.encoding is None:
        clean = not raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) and read_tables.is_utf8(raw)
        if clean:
            return raw, []
        text, problems = read_tables.decode(raw, file)  # read through a byte-order mark, or a certain legacy encoding
        return (text.encode("utf-8") if text is not None else None), problems
    name = codecs.lookup(dialect.encoding).name
    if name == "utf-8-sig":
        raw = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        if read_tables.is_utf8(raw):
            return raw, []
        name = "utf-8"
    try:
        text = raw.decode(name)
    except UnicodeDecodeError as error:
        prefix = raw[: error.start].decode(name, errors="replace")
        line = prefix.count("\n") + 1
        return None, [
            Problem.at(
                file,
                "encoding",
                f"the bytes do not decode as the declared encoding {dialect.encoding!r}",
                line=line,
                value=raw[error.start : error.start + 4].hex(" "),
                hint="declare the encoding the file was saved in, or re-save it as UTF-8",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]  # the byte-order mark of a UTF-16 or UTF-32 file
    return text.encode("utf-8"), []


# ---------------------------------------------------------------- lines


@dataclasses.dataclass
class Body:
    """The data lines of a file, after its header and skipped lines, with a header line before
    them (what the readers skip), and the original line of each of them."""

    canon: bytes  # a placeholder header line, then the data lines
    header: list[str]
    first: int  # the original line of the first data line when no line inside is skipped
    lines: object = None  # numpy array: original line of each data line, when some are skipped

    def line(self, read_line: int) -> int:
        """The original line of a line of `canon` (its data start at line 2)."""
        if self.lines is None:
            return read_line - 2 + self.first
        index = read_line - 2
        return int(self.lines[index]) if 0 <= index < len(self.lines) else int(self.lines[-1]) + 1 if len(self.lines) else read_line


def line_starts(data: bytes):
    import numpy as np

    starts = np.concatenate(([0], np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n")) + 1))
    if starts[-1] != len(data):
        starts = np.append(starts, len(data))
    return starts  # starts[i]: start of line i + 1; the last entry is the end


def commented_lines(data: bytes, starts, dialect: Dialect) -> set[int]:
    """The lines (from 1) that start with the dialect's `commentChar`."""
    import numpy as np

    if dialect.comment_char is None or len(starts) < 2:
        return set()
    marker = dialect.comment_char.encode("utf-8")
    if len(marker) == 1:
        firsts = starts[:-1]
        heads = np.frombuffer(data, dtype=np.uint8)
        hit = firsts < len(data)
        hit[hit] = heads[firsts[hit]] == marker[0]
        return {int(n) + 1 for n in np.flatnonzero(hit)}
    return {n for n in range(1, len(starts)) if bytes(data[starts[n - 1] : starts[n - 1] + len(marker)]) == marker}


def split_body(data: bytes, dialect: Dialect, fields: list[str], header_width: int | None = None) -> Body:
    """Header and data lines of UTF-8 bytes, by the dialect. `header_width`: a part after the first
    of a multipart table, which has no header of its own."""
    import numpy as np

    starts = line_starts(data)
    count = len(starts) - 1
    # Lines starting with `commentChar` are skipped before the header rows are counted (as
    # frictionless reads a file whose first line is a comment).
    commented = commented_lines(data, starts, dialect)
    rows_at = [n for n in range(1, count + 1) if n not in commented] if commented else None
    wanted = dialect.header_rows if dialect.header and header_width is None else ()
    header_lines = [rows_at[n - 1] if rows_at is not None else n for n in wanted if n <= (len(rows_at) if rows_at is not None else count)]
    zone = max(header_lines, default=0)
    header: list[str] = []
    if zone:
        rows = []
        for number in header_lines:
            if number <= count:
                line = bytes(data[starts[number - 1] : starts[number]]).decode("utf-8")
                rows.append(read_tables.read_header(line, dialect))
        width = max((len(r) for r in rows), default=0)
        header = [dialect.header_join.join(cell for cell in (r[i] if i < len(r) else "" for r in rows) if cell) for i in range(width)]
        if len(rows) == 1:
            header = rows[0]
    elif header_width is None:
        header = list(fields)
    skipped = {n for n in dialect.comment_rows if n > zone} | {n for n in commented if n > zone}
    if not skipped:
        return Body(b"\n" + bytes(data[starts[zone] :]), header, zone + 1)
    kept = np.array([n for n in range(zone + 1, count + 1) if n not in skipped], dtype=np.int64)
    pieces = [bytes(data[starts[n - 1] : starts[n]]) for n in kept]
    return Body(b"\n" + b"".join(pieces), header, zone + 1, kept)


# ---------------------------------------------------------------- one file


def read_file(root: Path, name: str, relative: str, fields: list[str], dialect: Dialect, header_width: int | None = None) -> RawTable:
    """A file read by its dialect, encoding and compression; `header_width`: a later part of a
    multipart table (no header; the first part's width)."""
    file = relative
    raw, problems = stored_content(root / relative, dialect.compression, file)
    if raw is None:
        return empty_table(name, file, problems)
    if not raw or raw.isspace():
        if header_width is not None:
            return RawTable(name, file, [], pd.DataFrame(), [])
        return empty_table(name, file, [Problem.at(file, "empty-file", "the file is empty; a table needs at least its header row", line=1)])
    data, problems = as_utf8(raw, dialect, file)
    del raw
    if data is None:
        return empty_table(name, file, problems)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return empty_table(name, file, [Problem.at(file, "binary", "the file holds NUL bytes: it is binary, not a text CSV", line=line)])
    body = split_body(data, dialect, fields, header_width)
    header_line = dialect.header_line
    header = body.header if header_width is None else [f"f{i}" for i in range(header_width)]
    if header_width is None and dialect.header:
        separator = read_tables.other_separator(header, fields, dialect)
        if separator:
            declared = SEPARATOR_NAMES.get(dialect.delimiter, repr(dialect.delimiter))
            problem = Problem.at(
                file,
                "header",
                f"the values are separated by {separator}, not {declared}",
                line=header_line,
                value=header[0],
                hint="declare the delimiter the file uses in the resource's `dialect`, or re-save the file",
            )
            return empty_table(name, file, [problem])
    width = len(header)
    if width == 0:
        return empty_table(name, file, [Problem.at(file, "header", "the header row is empty", line=header_line)])
    frame = read_tables.read_with_pyarrow(body.canon, width, dialect)
    read_problems: list[Problem] = []
    if frame is None:
        frame, read_problems = read_tables.read_with_csv_module(body.canon.decode("utf-8"), file, width, dialect)
    frame.index = (
        pd.Index([body.line(int(line)) for line in frame.index], dtype="int64")
        if body.lines is not None
        else frame.index + (body.first - 2)
    )
    read_problems = [dataclasses.replace(p, line=body.line(p.line)) if p.line is not None else p for p in read_problems]
    frame.columns = header
    frame, blank_problems = drop_blank_rows(frame, file)
    table = RawTable(name, file, header, frame, problems + read_problems + blank_problems)
    table.header_line = header_line
    return table


def read_parts(root: Path, resource: Resource) -> RawTable:
    """A multipart table: its parts read one after the other, the first with the header."""
    first = read_file(root, resource.name, resource.files[0], resource.field_names, resource.dialect)
    if not first.header:
        return first
    frames = [first.frame]
    problems = list(first.problems)
    width = len(first.header)
    for number, part in enumerate(resource.files[1:], start=1):
        table = read_file(root, resource.name, part, resource.field_names, resource.dialect, header_width=width)
        problems += table.problems
        if table.frame.empty:
            continue
        frame = table.frame.set_axis(first.header, axis=1)
        frame.index = frame.index + number * PART_STRIDE
        frames.append(frame)
    frame = pd.concat(frames) if len(frames) > 1 else first.frame
    table = RawTable(resource.name, first.file, first.header, frame, problems)
    table.header_line = first.header_line
    return table


# ---------------------------------------------------------------- inline data


def cell_text(value) -> str:
    """An inline cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def read_inline(resource: Resource) -> RawTable:
    file = resource.path
    rows = resource.data or []
    if not rows:
        return empty_table(
            resource.name,
            file,
            [Problem.at(file, "empty-file", "`data` holds no rows; a table needs at least its header", line=PART_STRIDE)],
        )
    if all(isinstance(row, dict) for row in rows):
        header = list(resource.field_names) or list(dict.fromkeys(key for row in rows for key in row))
        records = [[cell_text(row.get(name)) for name in header] for row in rows]
        numbers = list(range(2, len(rows) + 2))
        problems: list[Problem] = []
    elif isinstance(rows[0], list):
        header = [cell_text(cell) for cell in rows[0]]
        records, numbers, problems = [], [], []
        for number, row in enumerate(rows[1:], start=2):
            if not isinstance(row, list):
                problems.append(Problem.at(file, "ragged-row", "the row is not a list of cells like the header", line=PART_STRIDE + number))
            elif len(row) != len(header):
                problems.append(
                    Problem.at(
                        file, "ragged-row", f"the row has {len(row)} cells but the header has {len(header)}", line=PART_STRIDE + number
                    )
                )
            else:
                records.append([cell_text(cell) for cell in row])
                numbers.append(number)
    else:
        return empty_table(
            resource.name,
            file,
            [Problem.at(file, "header", "`data` must be a list of lists (the header first) or of objects", line=PART_STRIDE + 1)],
        )
    frame = pd.DataFrame(records, columns=header, index=pd.Index([PART_STRIDE + n for n in numbers], dtype="int64"), dtype="str")
    if not len(records):
        frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in header})
    frame, blank = drop_blank_rows(frame, file)
    table = RawTable(resource.name, file, header, frame, problems + blank)
    table.header_line = PART_STRIDE + 1
    return table


# ---------------------------------------------------------------- schemas


def inferred_schema(root: Path, resource: Resource) -> dict:
    """A schema for a table that has none, as frictionless infers one when asked for text only:
    each column of the header a `string` field (`field1`... with no header)."""
    if resource.data is not None:
        rows = resource.data or []
        if rows and isinstance(rows[0], list):
            names = [cell_text(c) for c in rows[0]]
        else:
            names = list(dict.fromkeys(k for row in rows if isinstance(row, dict) for k in row))
    else:
        names = sample_header(root, resource)
    if not resource.dialect.header and resource.data is None:
        names = [f"field{i}" for i in range(1, len(names) + 1)]
    seen: set[str] = set()
    fields = []
    for name in names:
        if name in seen or not name:
            continue  # the header's own problems (a repeat, a blank) are reported when it is read
        seen.add(name)
        fields.append({"name": name, "type": "string"})
    return {"fields": fields}


def sample_header(root: Path, resource: Resource, sample: int = 1 << 20) -> list[str]:
    """The header of a table's first file, from its first megabyte (its first row with no header)."""
    dialect = resource.dialect
    try:
        with open_stored(root / resource.files[0], dialect.compression) as handle:
            raw = handle.read(sample)
    except Exception:  # any damage is reported when the table is read
        return []
    cut = raw.rfind(b"\n") + 1 or len(raw)
    data, _ = as_utf8(raw[:cut], dialect, resource.path)
    if data is None:
        return []
    if not dialect.header:
        first = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
        return read_tables.read_header(first, dialect)
    return split_body(data, dialect, []).header


def header_zone(root: Path, resource: Resource, sample: int = 1 << 20) -> int:
    """The original line of the last header row (0 with no header), from the first megabyte."""
    dialect = resource.dialect
    if not dialect.header:
        return 0
    try:
        with open_stored(root / resource.files[0], dialect.compression) as handle:
            raw = handle.read(sample)
    except Exception:
        return max(dialect.header_rows)
    data, _ = as_utf8(raw[: raw.rfind(b"\n") + 1 or len(raw)], dialect, resource.path)
    return split_body(data, dialect, []).first - 1 if data is not None else max(dialect.header_rows)


# ---------------------------------------------------------------- batches


# A compressed file whose content size is not recorded in it counts as this many times its size.
COMPRESSION_RATIO = 10


def batch_size(root: Path, resource: Resource) -> int | None:
    """The size of the content of a table that could be read in batches (one file), else None: what
    decides whether it is read whole or in batches, so a small gzip file of a large table is batched."""
    import zipfile

    if resource.data is not None or len(resource.files) != 1:
        return None
    path = root / resource.path
    compression = resource.dialect.compression
    try:
        stored = path.stat().st_size
        if compression == "gz" and stored >= 18:
            with open(path, "rb") as handle:  # the last 4 bytes: the content's size, modulo 2**32
                handle.seek(-4, 2)
                recorded = int.from_bytes(handle.read(4), "little")
            return max(recorded, stored)
        if compression == "zip":
            with zipfile.ZipFile(path) as archive:
                return max((m.file_size for m in archive.infolist()), default=stored)
        return stored * COMPRESSION_RATIO if compression else stored
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None  # the whole-file reader says what is wrong


def batch_header(root: Path, resource: Resource) -> list[str] | None:
    """The header of a table that can be read in batches, None when it must be read whole."""
    dialect = resource.dialect
    if dialect.plain:
        return read_tables.scan_header(root / resource.path, fields=resource.field_names)
    if dialect.header and len(dialect.header_rows) != 1:
        return None
    header = sample_header(root, resource)
    if not header or (dialect.header and read_tables.other_separator(header, resource.field_names, dialect)):
        return None
    return header


def resource_batches(root: Path, resource: Resource, width: int):
    """`read_tables.read_batches` for any dialect, encoding and compression. Raises
    pyarrow.ArrowInvalid when the file cannot be read this way (the caller reads it whole)."""
    dialect = resource.dialect
    if dialect.plain:
        yield from read_tables.read_batches(root / resource.path, width)
        return
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    skip = header_zone(root, resource)
    with open_stored(root / resource.path, dialect.compression) as handle:
        line = 1  # the original line of the next line read
        for piece in utf8_pieces(handle, dialect):
            starts = line_starts(piece)
            count = len(starts) - 1
            numbers = np.arange(line, line + count, dtype=np.int64)
            line += count
            keep = numbers > skip
            if dialect.comment_rows:
                keep &= ~np.isin(numbers, np.array(dialect.comment_rows, dtype=np.int64))
            if dialect.comment_char is not None:
                marker = dialect.comment_char.encode("utf-8")
                codes = np.frombuffer(piece, dtype=np.uint8)
                if len(marker) != 1:
                    raise pa.ArrowInvalid("a comment marker of several bytes")
                keep &= codes[np.minimum(starts[:-1], max(len(piece) - 1, 0))] != marker[0]
            if not keep.any():
                continue
            if not keep.all():
                piece = b"".join(bytes(piece[starts[i] : starts[i + 1]]) for i in np.flatnonzero(keep))
                numbers = numbers[keep]
            lines = read_tables.piece_lines(memoryview(piece))
            options = read_tables.text_only_options(width, block_size=len(piece) + 1, skip_rows=0, use_threads=False, dialect=dialect)
            if read_tables.spaced_quotes(piece, dialect):
                raise pa.ArrowInvalid("a quoted value after a delimiter and spaces")
            table = pacsv.read_csv(pa.BufferReader(pa.py_buffer(piece)), **options)
            read_tables.refuse_piece(table, lines, piece, dialect)
            del piece
            table = read_tables.skip_initial_space(table, dialect)
            frame = table.to_pandas()
            del table
            frame.index = pd.Index(numbers, dtype="int64")
            held = [frame]
            del frame
            yield held.pop()


ASCII = bytes(range(128))


@functools.lru_cache
def single_byte_table(encoding: str) -> dict[int, bytes | None] | None:
    """For a single-byte encoding whose first 128 bytes are ASCII (cp1252, the ISO 8859 family...):
    the UTF-8 of each other byte, None where the encoding leaves a byte undefined. None for any
    other encoding. Read from the codec's own decoding table."""
    import importlib

    try:
        module = importlib.import_module(f"encodings.{encoding.replace('-', '_')}")
    except ImportError:
        return None
    table = getattr(module, "decoding_table", None)
    if not isinstance(table, str) or len(table) != 256 or table[:128] != ASCII.decode("ascii"):
        return None
    return {byte: None if table[byte] == "\ufffe" else table[byte].encode("utf-8") for byte in range(128, 256)}


def single_byte_to_utf8(data: bytes, encoding: str) -> bytes | None:
    """`data` in UTF-8 when `encoding` is single-byte and ASCII-compatible, by replacing only the
    bytes above 127 that occur (a few distinct ones in most text): about twice as fast as decoding
    and encoding the whole piece. None when the codec must decode it (another encoding, or a byte
    it leaves undefined, whose error the codec reports)."""
    table = single_byte_table(encoding)
    if table is None:
        return None
    for byte in set(data.translate(None, ASCII)):
        if table[byte] is None:
            return None
        data = data.replace(bytes([byte]), table[byte])
    return data


def utf8_pieces(handle, dialect: Dialect):
    """The content of a (decompressed) handle as UTF-8 pieces of about BATCH_BYTES, each cut at a
    line end; decoded incrementally from the declared encoding. Raises pyarrow.ArrowInvalid on
    bytes that do not decode (the whole-file reader reports their line)."""
    import pyarrow as pa

    encoding = codecs.lookup(dialect.encoding).name if dialect.encoding else "utf-8"
    transcode = encoding not in ("utf-8",)
    decoder = codecs.getincrementaldecoder(encoding)() if transcode else None
    carry = b""
    first = True
    while True:
        data = handle.read(read_tables.BATCH_BYTES)
        final = not data
        fast = single_byte_to_utf8(data, encoding) if transcode else None
        if fast is not None:
            data = fast
        elif transcode:
            try:
                text = decoder.decode(data, final=final)
            except UnicodeDecodeError as error:
                raise pa.ArrowInvalid("bytes that do not decode") from error
            if first and text.startswith("\ufeff"):
                text = text[1:]
            data = text.encode("utf-8")
        first = first and not data
        data = carry + data
        if final:
            if data:
                yield data
            return
        cut = data.rfind(b"\n") + 1
        carry = data[cut:]
        if cut:
            yield data[:cut]


# ---------------------------------------------------------------- problems


def relocate(package: Package, problems: list[Problem]) -> list[Problem]:
    """Problems at the lines a multipart or inline table carries while it is checked, moved to the
    part and line, or the JSON line of the row, a person can find them at."""
    tables = {r.path: r for r in package.resources if r.data is not None or len(r.files) > 1}
    if not tables:
        return problems
    lines = JsonLines(package.path) if package.path is not None and package.path.suffix == ".json" else None
    moved = []
    for problem in problems:
        resource = tables.get(problem.file)
        if resource is None:
            moved.append(problem)
            continue
        if resource.data is not None:
            number = problem.line - PART_STRIDE if problem.line is not None and problem.line >= PART_STRIDE else None
            # The row's place in `data`: a list of lists holds its header at 0, a list of objects none.
            objects = bool(resource.data) and isinstance(resource.data[0], dict)
            index = None if number is None else (number - 2 if objects else number - 1)
            line = None
            if lines is not None:
                path = ("resources", resource.number, "data") + ((index,) if index is not None and index >= 0 else ())
                line = lines.line(path)
            moved.append(dataclasses.replace(problem, file=DESCRIPTOR, line=line))
        elif problem.line is not None and problem.line >= PART_STRIDE:
            part, line = divmod(problem.line, PART_STRIDE)
            file = resource.files[part] if part < len(resource.files) else problem.file
            moved.append(dataclasses.replace(problem, file=file, line=line))
        else:
            moved.append(problem)
    return moved


class FrictionlessRows:
    """The line, as `relocate` reads it, of a row frictionless numbers in a multipart or inline
    table (header = row 1). Frictionless 5.21 joins a multipart table's parts dropping the first
    line of each part after the first, as if each had a header (the standard gives only the first
    one): its row numbers go on across the parts so."""

    def __init__(self, root: Path, resource: Resource):
        self.resource = resource
        self.root = root
        self.counts: list[int] | None = None

    def line_of(self, row_number: int | None) -> int | None:
        if row_number is None:
            return None
        if self.resource.data is not None:
            return PART_STRIDE + row_number
        if self.counts is None:
            self.counts = [self.line_count(part) for part in self.resource.files]
        before = self.counts[0]
        if row_number <= before:
            return row_number
        for part, count in enumerate(self.counts[1:], start=1):
            if row_number <= before + count - 1:
                return part * PART_STRIDE + row_number - before + 1
            before += count - 1
        return row_number

    def line_count(self, part: str) -> int:
        try:
            with open_stored(self.root / part, self.resource.dialect.compression) as handle:
                data = handle.read()
        except Exception:
            return 0
        return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)

    @property
    def header_line(self) -> int:
        return PART_STRIDE + 1 if self.resource.data is not None else self.resource.dialect.header_line


def frictionless_rows(root: Path, resource: Resource | None):
    """A `FrictionlessRows` for a multipart or inline table, else None (the file's own lines)."""
    if resource is None or (resource.data is None and len(resource.files) < 2):
        return None
    return FrictionlessRows(root, resource)
