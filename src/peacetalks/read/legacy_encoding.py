"""The text of a table that is not UTF-8, when the encoding it was saved in can be told for certain.

A spreadsheet saves plain "CSV" in the Windows code page of the computer's language: Excel, and
LibreOffice's "Western Europe (Windows-1252)". Those code pages agree on ASCII and on much else
(curly quotes and dashes are the same bytes in all of them), and differ on letters (the byte E8 is
`è` in cp1252, `č` in cp1250, `и` in cp1251). So each page is tried on the bytes above 127 that the
file holds; a page that leaves one of them undefined, reads it as a control character, or reads it
as a letter of another script than the Latin letters it stands next to (`Zelensk\xe9` is `Zelenské`
in cp1252, `Zelenskй` in cp1251), is ruled out; the reading is certain when every page left reads
every one of those bytes the same way.
Detectors (charset-normalizer, chardet) guess from letter statistics: on this package's tables
saved as cp1252, charset-normalizer's first guess is cp775, which reads `“` as `ō`.

A file that mixes UTF-8 with another encoding (one cell pasted from elsewhere) is never certain.
Mac Roman (Excel for Mac's plain "CSV") is not among the pages tried: it reads the bytes of curly
quotes as accented letters, so it would make every table with a curly quote uncertain. But the bytes
80 to 9F that the Windows pages read as letters (`Ž`, `š`, `ˆ`...) are its commonest accented
letters (`é`, `ö`, `à`...): a file with one is not certain either. Its files are read by naming it
(`peacetalks fix --encoding mac-roman`).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

# cp1252 first: the one named when the pages agree, as the most common.
WINDOWS_CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258")

# A byte above 127 with an ASCII letter before or after it.
BESIDE_LATIN = re.compile(rb"[A-Za-z][\x80-\xff]|[\x80-\xff][A-Za-z]")

NAMES = {"cp1252": "Windows-1252", "cp1250": "Windows-1250", "cp1251": "Windows-1251"}


@dataclass(frozen=True)
class Reading:
    """What a file that is not UTF-8 reads as: `text` and the `encoding` read in when certain, else
    None and `why`. `line` and `value`: the first line with a byte that is not UTF-8, and its bytes."""

    text: str | None
    encoding: str | None
    line: int
    value: str
    why: str = ""

    @property
    def name(self) -> str:
        return NAMES.get(self.encoding or "", self.encoding or "")


def first_bad_byte(raw: bytes) -> tuple[int, int]:
    """The offset of the first byte that is not UTF-8, and its line (from 1)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start, raw[: error.start].count(b"\n") + 1
    return len(raw), raw.count(b"\n") + 1


def read_legacy(raw: bytes, encoding: str | None = None) -> Reading:
    """`raw` (not UTF-8, no byte-order mark) decoded in `encoding`, or in the Windows code page
    its bytes leave no doubt about."""
    start, line = first_bad_byte(raw)
    value = raw[start : start + 4].hex(" ")
    if encoding is not None:
        name = codecs.lookup(encoding).name
        try:
            return Reading(raw.decode(name), name, line, value)
        except UnicodeDecodeError as error:
            at = raw[: error.start].count(b"\n") + 1
            return Reading(None, None, at, raw[error.start : error.start + 4].hex(" "), f"line {at} does not decode as {encoding}")
    if any(ord(c) > 0x7F and not 0xDC80 <= ord(c) <= 0xDCFF for c in raw.decode("utf-8", errors="surrogateescape")):
        return Reading(None, None, line, value, "the file mixes UTF-8 with another encoding (a cell pasted from elsewhere?)")
    high = sorted(set(raw.translate(None, bytes(range(128)))), key=lambda byte: raw.index(bytes([byte])))
    beside_latin = {match.group()[0] if match.group()[0] > 127 else match.group()[1] for match in BESIDE_LATIN.finditer(raw)}
    readings: dict[str, dict[int, str]] = {}
    for page in WINDOWS_CODE_PAGES:
        table = {}
        for byte in high:
            try:
                char = bytes([byte]).decode(page)
            except UnicodeDecodeError:
                break
            if unicodedata.category(char) == "Cc":
                break
            if byte in beside_latin and unicodedata.category(char).startswith("L") and not unicodedata.name(char, "").startswith("LATIN"):
                break
            table[byte] = char
        else:
            readings[page] = table
    if not readings:
        return Reading(None, None, line, value, "no Windows code page reads every byte of it")
    first = next(iter(readings))
    for byte in high:
        differ = {page: table[byte] for page, table in readings.items() if table[byte] != readings[first][byte]}
        if differ:
            at = raw[: raw.index(bytes([byte]))].count(b"\n") + 1
            shown = ", ".join(f"{page} as {char!r}" for page, char in {first: readings[first][byte], **differ}.items())
            return Reading(None, None, at, f"{byte:02x}", f"the byte {byte:02x} on line {at} reads differently in each code page: {shown}")
    for byte in high:
        char = readings[first][byte]
        if byte < 0xA0 and unicodedata.category(char).startswith("L"):
            at = raw[: raw.index(bytes([byte]))].count(b"\n") + 1
            mac = bytes([byte]).decode("mac_roman")
            why = f"the byte {byte:02x} on line {at} is {char!r} in the Windows code pages, but {mac!r} in Mac Roman (Excel for Mac)"
            return Reading(None, None, at, f"{byte:02x}", why)
    return Reading(raw.decode(first), first, line, value)
