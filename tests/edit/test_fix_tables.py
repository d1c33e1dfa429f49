"""`fix_tables`: each thing a spreadsheet changes about a table's form is put back, values kept;
a file that cannot be read for certain is left byte for byte, with the located reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import one_table_package
from peacetalks.edit.fix_tables import Rewrite, fix_tables, replace_verified
from peacetalks.model.dialect import Dialect
from peacetalks.model.read_package import read_package
from peacetalks.run.validate import validate_package

FIELDS = [
    {"name": "id", "type": "string", "description": "Key."},
    {"name": "note", "type": "string", "description": "Note."},
]


def fixed(root: Path, encoding: str | None = None):
    package, problems = read_package(root)
    assert package is not None, problems
    [result], kept = fix_tables(package, encoding)
    return result, kept


def table(tmp_path: Path, raw: bytes, **resource) -> Path:
    root = one_table_package(tmp_path / "p", FIELDS, "id,note\n")
    (root / "t.csv").write_bytes(raw)
    if resource:
        descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["resources"][0].update(resource)
        (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def test_excel_unicode_text_utf16_with_tabs_is_rewritten(tmp_path: Path) -> None:
    root = table(tmp_path, "id\tnote\r\na\t“quoted”, with a comma\r\n".encode("utf-16"))
    result, kept = fixed(root)
    assert result.changes == ["UTF-16 → UTF-8", "tabs → commas", "CRLF → LF"]
    assert (root / "t.csv").read_bytes() == 'id,note\na,"“quoted”, with a comma"\n'.encode()
    assert (kept / "t.csv").read_bytes() == "id\tnote\r\na\t“quoted”, with a comma\r\n".encode("utf-16")


def test_line_breaks_inside_values_and_blank_lines_stay_as_they_are(tmp_path: Path) -> None:
    raw = b'id,note\r\na,"two\r\nlines"\r\n\r\nb,"one\nmore"\r\n'
    root = table(tmp_path, raw)
    result, _ = fixed(root)
    assert result.changes == ["CRLF → LF"]
    assert (root / "t.csv").read_bytes() == b'id,note\na,"two\r\nlines"\n\nb,"one\nmore"\n'


def test_spaces_around_a_header_name_are_removed(tmp_path: Path) -> None:
    root = table(tmp_path, b"id,note \na,x\n")
    result, _ = fixed(root)
    assert result.changes == ["removed the spaces around the header 'note'"]
    assert (root / "t.csv").read_bytes() == b"id,note\na,x\n"


def test_a_missing_last_line_end_is_added(tmp_path: Path) -> None:
    root = table(tmp_path, b"id,note\na,x")
    assert fixed(root)[0].changes == ["added the line end after the last row"]
    assert (root / "t.csv").read_bytes() == b"id,note\na,x\n"


def test_the_declared_line_terminator_is_the_one_written(tmp_path: Path) -> None:
    root = table(tmp_path, b"id,note\na,x\n", dialect={"lineTerminator": "\r\n"})
    assert fixed(root)[0].changes == ["LF → CRLF"]
    assert (root / "t.csv").read_bytes() == b"id,note\r\na,x\r\n"
    assert fixed(root)[0].changes == []  # and CRLF is then what the table should have
    assert [p.rule for p in validate_package(root, frictionless="off").problems] == []


@pytest.mark.parametrize(
    ("raw", "rule", "line", "said"),
    [
        # One cell pasted from a cp1252 file into a UTF-8 one.
        ("id,note\na,“x”\n".encode() + "b,Zelenské\n".encode("cp1252"), "encoding", 3, "mixes UTF-8 with another encoding"),
        (b"id,note\na,x\x00y\n", "binary", 2, "NUL bytes"),
        (b"id;code\na;1\n", "header", 1, "the delimiter cannot be told"),
        (b'id,note\na,"open\n', "csv-syntax", 2, "cannot parse"),
    ],
)
def test_what_cannot_be_read_for_certain_is_left_byte_for_byte(tmp_path: Path, raw: bytes, rule: str, line: int, said: str) -> None:
    root = table(tmp_path, raw)
    result, kept = fixed(root)
    assert (result.refused.rule, result.refused.line, result.changes, kept) == (rule, line, [], None)
    assert said in result.refused.message and result.refused.message.startswith("not changed: ")
    assert (root / "t.csv").read_bytes() == raw


def test_a_compressed_or_inline_table_is_left_and_said_so(tmp_path: Path) -> None:
    import gzip

    root = table(tmp_path, gzip.compress(b"id,note\r\na,x\r\n"), path="t.csv.gz")
    (root / "t.csv.gz").write_bytes((root / "t.csv").read_bytes())
    result, _ = fixed(root)
    assert result.skipped == "it is compressed (gz)"


def test_a_rewrite_that_would_not_read_as_the_same_values_replaces_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,note\na,x\n")
    wrong = Rewrite(b"id,note\na,y\n", [["id", "note"], ["a", "x"]], ["CRLF → LF"])
    with pytest.raises(ValueError, match="does not read as the same values"):
        replace_verified(path, wrong, Dialect(), tmp_path / "kept" / "t.csv")
    assert path.read_bytes() == b"id,note\na,x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]  # no temporary file, no copy left
