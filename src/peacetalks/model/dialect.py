"""How a table's file is read: its CSV dialect, its text encoding and its compression.

Built once from a resource's descriptor (`dialect_of`), with the defaults of the Data Package
standard, and handed to every reader: pyarrow's parse options, the csv module's, the pattern that
tells a well-quoted record (`read_tables.quoted_wrongly`). Data Package v1 writes the CSV keys at
the top of `dialect`; frictionless 5 also takes them under `dialect.csv`: both are read, the top
level winning.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field

# Compression by the file's extension, as frictionless decompresses it.
COMPRESSION_BY_EXTENSION = {"gz": "gz", "gzip": "gz", "bz2": "bz2", "zip": "zip", "xz": "xz"}
COMPRESSIONS = set(COMPRESSION_BY_EXTENSION.values())


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quote_char: str | None = '"'  # None: no quoting at all (`quoteChar: ""`)
    double_quote: bool = True
    escape_char: str | None = None
    skip_initial_space: bool = False
    header: bool = True
    header_rows: tuple[int, ...] = (1,)
    header_join: str = " "
    comment_char: str | None = None
    comment_rows: tuple[int, ...] = ()
    encoding: str | None = None  # as declared; None: not declared (UTF-8, today's messages)
    compression: str | None = None  # "gz", "bz2", "zip", "xz" or None
    # How the lines end when written (`lineTerminator`): every reader takes any line end, so it does
    # not make a dialect less plain; the house profile holds a table to it (`line-ends`).
    line_terminator: str = field(default="\n", compare=False)

    @property
    def csv_plain(self) -> bool:
        """Comma, double quote doubled, one header row on line 1, no comments: what the fast reader
        was first written for."""
        return self == Dialect(encoding=self.encoding, compression=self.compression)

    @property
    def plain(self) -> bool:
        """Read exactly as an undeclared file: UTF-8, uncompressed, `csv_plain`."""
        return self == PLAIN

    @property
    def utf8(self) -> bool:
        """The bytes are UTF-8 as they are (no transcoding); `utf-8-sig` drops a leading BOM first."""
        return self.encoding is None or codecs.lookup(self.encoding).name in ("utf-8", "utf-8-sig")

    @property
    def header_line(self) -> int:
        """The line problems with the header are reported at: its last row; 1 with no header."""
        return max(self.header_rows) if self.header and self.header_rows else 1

    @property
    def first_data_line(self) -> int:
        return self.header_line + 1 if self.header and self.header_rows else 1

    def csv_options(self) -> dict:
        """The csv module's format parameters."""
        options = {
            "delimiter": self.delimiter,
            "doublequote": self.double_quote,
            "escapechar": self.escape_char,
            "skipinitialspace": self.skip_initial_space,
        }
        if self.quote_char is None:
            import csv

            options["quoting"] = csv.QUOTE_NONE
        else:
            options["quotechar"] = self.quote_char
        return options

    def parse_options(self) -> dict:
        """pyarrow's ParseOptions keywords (skipInitialSpace is applied after parsing)."""
        return {
            "delimiter": self.delimiter,
            "quote_char": self.quote_char if self.quote_char is not None else False,
            "double_quote": self.double_quote,
            "escape_char": self.escape_char if self.escape_char is not None else False,
        }


PLAIN = Dialect()


def one_char(value) -> bool:
    return isinstance(value, str) and len(value) == 1 and value not in "\r\n"


def row_numbers(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)


# Each dialect key: the check its value must pass, and what it must be, said when it does not.
KEY_RULES = {
    "delimiter": (one_char, "a string of one character"),
    "quoteChar": (lambda v: one_char(v) or v == "", "a string of one character"),
    "doubleQuote": (lambda v: isinstance(v, bool), "true or false"),
    "escapeChar": (one_char, "a string of one character"),
    "skipInitialSpace": (lambda v: isinstance(v, bool), "true or false"),
    "header": (lambda v: isinstance(v, bool), "true or false"),
    "headerRows": (lambda v: row_numbers(v) and bool(v), "a non-empty list of positive row numbers"),
    "headerJoin": (lambda v: isinstance(v, str), "a string"),
    "commentChar": (one_char, "a string of one character"),
    "commentRows": (row_numbers, "a list of positive row numbers"),
    "lineTerminator": (lambda v: isinstance(v, str) and v in ("\n", "\r\n", "\r"), 'one of "\\n", "\\r\\n", "\\r"'),
    "nullSequence": (lambda v: isinstance(v, str), "a string"),
    "skipBlankRows": (lambda v: isinstance(v, bool), "true or false"),
    "caseSensitiveHeader": (lambda v: isinstance(v, bool), "true or false"),
    "headerCase": (lambda v: isinstance(v, bool), "true or false"),
}


def dialect_problems(dialect: dict, at: tuple = ()) -> list[tuple[tuple, str, object]]:
    """(JSON path, message, value) for each key whose value the standard does not allow."""
    found = []
    merged = merged_keys(dialect)
    for key, (where, value) in merged.items():
        check = KEY_RULES.get(key)
        if check is not None and not check[0](value):
            found.append(((*at, *where), f"dialect `{key}` must be {check[1]}", value))
    if "delimiter" in merged and "quoteChar" in merged and merged["delimiter"][1] == merged["quoteChar"][1]:
        found.append(((*at, *merged["quoteChar"][0]), "dialect `quoteChar` cannot be the delimiter", merged["quoteChar"][1]))
    return found


def merged_keys(dialect: dict) -> dict[str, tuple[tuple, object]]:
    """Every key with the path it was written at: `csv.<key>` (frictionless 5), then the top level."""
    merged: dict[str, tuple[tuple, object]] = {}
    inner = dialect.get("csv")
    if isinstance(inner, dict):
        merged.update({key: (("csv", key), value) for key, value in inner.items()})
    merged.update({key: ((key,), value) for key, value in dialect.items() if key != "csv"})
    return merged


def encoding_problem(encoding) -> str | None:
    if not isinstance(encoding, str):
        return "`encoding` must be a string"
    try:
        codecs.lookup(encoding)
    except LookupError:
        return f"`encoding` {json.dumps(encoding)} is not an encoding known here"
    if codecs.lookup(encoding).name in ("utf-16", "utf-32"):
        return None
    try:
        "\n,".encode(encoding)
    except (UnicodeError, LookupError):
        return f"`encoding` {json.dumps(encoding)} is not a text encoding"
    return None


def compression_of(item: dict, path: str) -> str | None:
    """The declared `compression`, else the one the path's extension implies; "" when the declared
    one is unknown here."""
    declared = item.get("compression")
    if isinstance(declared, str) and declared:
        return COMPRESSION_BY_EXTENSION.get(declared.lower().lstrip("."), "")
    if declared is not None and declared != "":
        return ""
    extension = path.rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return COMPRESSION_BY_EXTENSION.get(extension)


def dialect_of(dialect: dict | None, encoding: str | None = None, compression: str | None = None, tsv: bool = False) -> Dialect:
    """The Dialect of a resource whose `dialect` passed `dialect_problems` (an object, or None)."""
    keys = {key: value for key, (_, value) in merged_keys(dialect or {}).items()}
    quote = keys.get("quoteChar", '"')
    return Dialect(
        delimiter=keys.get("delimiter", "\t" if tsv else ","),
        quote_char=quote if quote != "" else None,
        double_quote=keys.get("doubleQuote", True),
        escape_char=keys.get("escapeChar"),
        skip_initial_space=keys.get("skipInitialSpace", False),
        header=keys.get("header", True),
        header_rows=tuple(keys.get("headerRows", [1])),
        header_join=keys.get("headerJoin", " "),
        comment_char=keys.get("commentChar"),
        comment_rows=tuple(keys.get("commentRows", [])),
        encoding=encoding if encoding is not None and not is_plain_utf8(encoding) else None,
        compression=compression,
        line_terminator=keys.get("lineTerminator", "\n"),
    )


def is_plain_utf8(encoding: str) -> bool:
    """`utf-8` (any spelling) reads exactly as an undeclared encoding."""
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False
