"""`peacetalks fix`: rewrite the tables a spreadsheet saved back into the package's form (UTF-8
without a byte-order mark, the declared delimiter, the package's line ends, quotes only where a
value needs them) without changing a single value.

Each table is parsed by the csv module as it was saved, and written again by it in the package's
form. The new file is written beside the old one, read back and parsed; only when it gives every
value of the old one, in the same rows, does it replace the old one, which is kept in a backup
folder first. A file whose encoding or delimiter cannot be told for certain, or whose records the
csv module cannot parse, is left as it is, with a located problem saying why.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import shutil
import stat
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from peacetalks.model.dialect import Dialect
from peacetalks.model.read_package import Package, Resource
from peacetalks.read.legacy_encoding import read_legacy
from peacetalks.read.read_sources import LINE_END_NAMES
from peacetalks.read.read_tables import SEPARATORS
from peacetalks.report import save_hints
from peacetalks.report.problems import Problem

# Where the files fix replaced are kept, under the package's folder: one folder a run.
BACKUP_FOLDER = ".peacetalks-fix"

DELIMITER_NAMES = {separator: name for name, separator in SEPARATORS.items()} | {"|": "bars"}


@dataclasses.dataclass
class FileFix:
    """What fix did to one table's file: the changes made, in words; or why it left it alone."""

    path: str
    changes: list[str] = dataclasses.field(default_factory=list)
    refused: Problem | None = None
    skipped: str | None = None  # a file fix does not rewrite (compressed, inline...), and why
    warnings: list[Problem] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Rewrite:
    """A table's file as the package wants it, and the records it must read as."""

    content: bytes
    records: list[list[str]]
    changes: list[str]
    warnings: list[Problem] = dataclasses.field(default_factory=list)


class Refused(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def refuse(file: str, rule: str, message: str, line: int | None = None, value: object = None, hint: str | None = None) -> Refused:
    return Refused(Problem.at(file, rule, f"not changed: {message}", line=line, value=value, hint=hint))


def skipped_because(resource: Resource) -> str | None:
    """Why a table's file is not one fix rewrites, or None."""
    dialect = resource.dialect
    if resource.data is not None:
        return "its rows are inline in the descriptor"
    if len(resource.files) != 1:
        return "it is a table of several files"
    if dialect.compression:
        return f"it is compressed ({dialect.compression})"
    if not dialect.utf8:
        return f"it declares the encoding {dialect.encoding!r}, which fix does not write"
    plain = Dialect(
        delimiter=dialect.delimiter,
        quote_char=dialect.quote_char,
        double_quote=dialect.double_quote,
        encoding=dialect.encoding,
        escape_char=dialect.escape_char,
    )
    if dialect != plain:
        return "its dialect has header rows, comments or skipInitialSpace, which fix does not write"
    return None


def decoded(raw: bytes, file: str, encoding: str | None) -> tuple[str, list[str], str | None]:
    """The file's text, what had to be undone to read it, and the code page it was in (None for
    Unicode); Refused when it cannot be read for certain."""
    changes = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), ["UTF-16 → UTF-8"], None
        except UnicodeDecodeError as error:
            raise refuse(file, "encoding", "it starts like UTF-16 but does not decode as it", line=1, value=str(error)) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        changes.append("removed the byte-order mark")
    try:
        return raw.decode("utf-8"), changes, None  # UTF-8 whatever `encoding` says: it names what the others are in
    except UnicodeDecodeError:
        pass
    reading = read_legacy(raw, encoding)
    if reading.text is None:
        hint = save_hints.ENCODING_UNSURE
        raise refuse(file, "encoding", f"it is not UTF-8, and {reading.why}", line=reading.line, value=reading.value, hint=hint)
    if reading.encoding in ("utf-8", "utf-8-sig"):
        return reading.text, changes, None
    return reading.text, [*changes, f"{reading.name} → UTF-8"], reading.name


def source_delimiter(text: str, resource: Resource, file: str) -> str:
    """The delimiter the file was saved with: the declared one, unless the header read by another
    one names the schema's fields, each once, and read by the declared one does not."""
    dialect = resource.dialect
    fields = resource.field_names
    first = text.splitlines()[0] if text else ""

    def header(delimiter: str) -> list[str]:
        try:
            return next(csv.reader([first], **dataclasses.replace(dialect, delimiter=delimiter).csv_options()), [])
        except csv.Error:
            return []

    def names_fields(labels: list[str]) -> bool:
        return bool(fields) and len(labels) == len(fields) and {label.strip() for label in labels} == set(fields)

    declared = header(dialect.delimiter)
    if names_fields(declared) or not fields or resource.inferred:
        return dialect.delimiter
    others = [d for d in (";", "\t", ",", "|") if d != dialect.delimiter and names_fields(header(d))]
    if len(others) == 1:
        return others[0]
    if len(declared) == 1 and any(len(header(d)) > 1 for d in (";", "\t", ",", "|") if d != dialect.delimiter):
        message = "its header, read by any delimiter, does not name the schema's fields, so the delimiter cannot be told"
        raise refuse(file, "header", message, line=1, value=first, hint=save_hints.DELIMITER)
    return dialect.delimiter  # a header with other problems: the validator reports them, fix keeps the delimiter


class Records:
    """The records of a text by the csv module, each with the line end that closes it."""

    def __init__(self, text: str):
        self.lines = io.StringIO(text, newline="").readlines()
        self.next = 0
        self.ends: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        line = self.lines[self.next]
        self.next += 1
        return line

    def read(self, dialect: Dialect, file: str) -> list[list[str]]:
        records = []
        reader = csv.reader(self, strict=True, **dialect.csv_options())
        while True:
            start = self.next + 1
            try:
                record = next(reader)
            except StopIteration:
                return records
            except csv.Error as error:
                raise refuse(file, "csv-syntax", f"the csv module cannot parse the record: {error}", line=start) from None
            last = self.lines[self.next - 1]
            self.ends.append(last[len(last.rstrip("\r\n")) :])
            records.append(record)


def parse(text: str, dialect: Dialect, file: str) -> tuple[list[list[str]], list[str]]:
    records = Records(text)
    return records.read(dialect, file), records.ends


def written(records: list[list[str]], dialect: Dialect, line_end: str) -> str:
    out = io.StringIO()
    options = dialect.csv_options()
    if dialect.quote_char is not None:
        options["quoting"] = csv.QUOTE_MINIMAL
    csv.writer(out, lineterminator=line_end, **options).writerows(records)
    return out.getvalue()


def rewrite(raw: bytes, resource: Resource, file: str, encoding: str | None = None) -> Rewrite:
    """The file as the package wants it; Refused when it cannot be read for certain."""
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise refuse(file, "binary", "the file holds NUL bytes: it is not a text CSV", line=line)
    text, changes, code_page = decoded(raw, file, encoding)
    dialect = resource.dialect
    delimiter = source_delimiter(text, resource, file)
    saved = dataclasses.replace(dialect, delimiter=delimiter)
    records, ends = parse(text, saved, file)
    saved_records = [list(record) for record in records]
    if delimiter != dialect.delimiter:
        names = [DELIMITER_NAMES.get(d, repr(d)) for d in (delimiter, dialect.delimiter)]
        changes.append(" → ".join(names))
    wanted = dialect.line_terminator
    found = list(dict.fromkeys(end for end in ends if end))
    if found and found != [wanted]:
        changes.append(f"{' and '.join(LINE_END_NAMES[end] for end in found)} → {LINE_END_NAMES[wanted]}")
    fields = set(resource.field_names)
    if records and dialect.header and not resource.inferred:
        header = records[0]
        for position, label in enumerate(header):
            name = label.strip()
            if name != label and name in fields and name not in header:
                header[position] = name
                changes.append(f"removed the spaces around the header {name!r}")
    try:
        content = written(records, dialect, wanted)
        # The records written back as they were saved (delimiter, line end, header): what differs is quoting.
        as_saved = written(saved_records, saved, found[0] if found else wanted)
    except csv.Error as error:
        raise refuse(file, "csv-syntax", f"the csv module cannot write its values in the package's dialect: {error}") from None
    if len(found) <= 1 and as_saved.rstrip("\r\n") != text.rstrip("\r\n"):
        changes.append("quotes only where a value needs them")
    if ends and not ends[-1]:
        changes.append("added the line end after the last row")
    warnings = replaced_characters(records, file, code_page) if code_page else []
    return Rewrite(content.encode("utf-8"), records, changes, warnings)


# A question mark inside a word, or several in a row: where a spreadsheet saving in a code page wrote
# one for each character the page lacks (Excel does, without a word).
REPLACED = re.compile(r"(?<=\w)\?(?=\w)|\?{2,}")


def replaced_characters(records: list[list[str]], file: str, encoding: str) -> list[Problem]:
    """The cells of a table saved in a code page that may have lost characters to `?`: fix cannot
    know what was there, so it says where to look."""
    found = []
    header = records[0] if records else []
    line = 1
    for number, record in enumerate(records):
        for position, value in enumerate(record):
            if number and REPLACED.search(value):
                column = header[position] if position < len(header) else None
                message = f"a spreadsheet saving in {encoding} writes `?` for each character it lacks: compare this cell with what it was"
                found.append(Problem.at(file, "encoding", message, line=line, column=column, value=value))
        line += sum(value.count("\n") for value in record) + 1
    return found


def replace_verified(path: Path, rewritten: Rewrite, dialect: Dialect, backup: Path) -> None:
    """Write the new file beside the old, read it back, and replace the old (kept in `backup`) only
    when it parses to the very same records. Raises ValueError when it does not."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(rewritten.content)
            out.flush()
            os.fsync(out.fileno())
        back = Path(temporary).read_bytes().decode("utf-8")
        records, _ = parse(back, dialect, path.name)
        if records != rewritten.records:
            raise ValueError(f"{path}: the rewritten file does not read as the same values; the file was left as it was")
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, backup)
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def backup_folder(root: Path) -> Path:
    return root / BACKUP_FOLDER / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def fix_tables(package: Package, encoding: str | None = None) -> tuple[list[FileFix], Path | None]:
    """Every table's file in the package's form. Returns what was done to each, and the folder the
    replaced files are kept in (None when none was replaced)."""
    results = []
    kept = backup_folder(package.root)
    replaced = False
    for resource in package.resources:
        file = resource.path
        why = skipped_because(resource)
        if why is not None:
            results.append(FileFix(file, skipped=why))
            continue
        path = package.root / file
        try:
            raw = path.read_bytes()
        except OSError as error:
            results.append(FileFix(file, skipped=f"it cannot be read: {error.strerror or error}"))
            continue
        try:
            rewritten = rewrite(raw, resource, file, encoding)
        except Refused as refusal:
            results.append(FileFix(file, refused=refusal.problem))
            continue
        if rewritten.content == raw:
            results.append(FileFix(file))
            continue
        replace_verified(path, rewritten, resource.dialect, kept / file)
        replaced = True
        results.append(FileFix(file, rewritten.changes, warnings=rewritten.warnings))
    return results, (kept if replaced else None)
