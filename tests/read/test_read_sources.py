"""Tables read as the standard describes them: each case asserts the exact rule, file and line a
person finds the slip at in the original file."""

from __future__ import annotations

import bz2
import gzip
import json
import socket
import zipfile
from pathlib import Path

import pytest

import peacetalks.read.read_tables
from peacetalks.model.read_package import read_package
from peacetalks.read.read_sources import read_resource
from peacetalks.run.validate import validate_package

FIELDS = [
    {"name": "id", "type": "string", "description": "Row."},
    {"name": "n", "type": "integer", "description": "N.", "constraints": {"enum": [1, 2, 3]}},
]
UNSET = object()


def package(root: Path, files: dict[str, bytes], descriptor_name: str = "datapackage.json", **resource) -> Path:
    """A one-table package `t` (key `id`) with these resource keys (UNSET drops one) and files."""
    item = {"name": "t", "path": "t.csv", "schema": {"fields": FIELDS, "primaryKey": ["id"]}, **resource}
    item = {key: value for key, value in item.items() if value is not UNSET}
    descriptor = {"name": "t", "title": "T", "description": "A table.", "version": "1.0.0", "licenses": [{"name": "CC0-1.0"}]}
    descriptor["resources"] = [item]
    root.mkdir(parents=True, exist_ok=True)
    if descriptor_name.endswith((".yaml", ".yml")):
        import yaml

        (root / descriptor_name).write_text(yaml.safe_dump(descriptor), encoding="utf-8")
    else:
        (root / descriptor_name).write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def found(root: Path, frictionless: str = "off") -> list[tuple]:
    """The notes, then the problems: (rule, file, line, column, value)."""
    outcome = validate_package(root, frictionless=frictionless)
    return [(p.rule, p.file, p.line, p.column, p.value) for p in [*outcome.notes, *outcome.problems]]


def descriptor_line(root: Path, text: str, nth: int = 1) -> int:
    lines = [n for n, line in enumerate((root / "datapackage.json").read_text(encoding="utf-8").splitlines(), start=1) if text in line]
    return lines[nth - 1]


@pytest.mark.parametrize("frictionless", ["off", "auto"])
def test_a_semicolon_file_reports_the_bad_value_at_its_line(tmp_path, frictionless):
    root = package(tmp_path, {"t.csv": b"id;n\na;1\nb;2\nc;3\nd;9\n"}, dialect={"delimiter": ";"})
    assert found(root, frictionless) == [("enum", "t.csv", 5, "n", "9")]


def test_a_semicolon_file_without_its_dialect_is_told_so_once_and_read_through(tmp_path):
    """The header read by semicolons names the schema's fields: the rows are read so, and checked."""
    root = package(tmp_path, {"t.csv": b"id;n\na;1\nb;2\nc;9\n"})
    assert found(root) == [("delimiter", "t.csv", 1, None, "id;n"), ("enum", "t.csv", 4, "n", "9")]


def test_a_declared_delimiter_is_not_hinted_at_but_another_one_is(tmp_path):
    root = package(tmp_path, {"t.csv": b"id\tn\na\t1\n"}, dialect={"delimiter": ";"})
    [problem] = validate_package(root, frictionless="off").problems
    assert (problem.rule, problem.line) == ("header", 1) and "tabs, not semicolons" in problem.message


@pytest.mark.parametrize("frictionless", ["off", "auto"])
def test_a_cp1252_file_reads(tmp_path, frictionless):
    root = package(tmp_path, {"t.csv": "id,n\nÉlysée,1\nb,7\n".encode("cp1252")}, encoding="cp1252")
    assert found(root, frictionless) == [("enum", "t.csv", 3, "n", "7")]
    table = read_resource(root, read_package(root)[0].resources[0])
    assert table.frame.loc[2, "id"] == "Élysée"


def test_bytes_that_do_not_decode_in_the_declared_encoding_are_an_encoding_problem_at_their_line(tmp_path):
    root = package(tmp_path, {"t.csv": "id,n\na,1\né,2\n".encode("latin-1")}, encoding="ascii")
    assert [(p[0], p[1], p[2]) for p in found(root)] == [("encoding", "t.csv", 3)]


def test_undeclared_encoding_keeps_the_utf8_message(tmp_path):
    """`é` alone is `й` in cp1251: which code page it was saved in cannot be told, and it is said so."""
    root = package(tmp_path, {"t.csv": "id,n\né,1\n".encode("cp1252")})
    [problem] = validate_package(root, frictionless="off").problems
    assert (problem.rule, problem.line, problem.value) == ("encoding", 2, "e9")
    assert problem.message.startswith("the file is not valid UTF-8, and which encoding it is in cannot be told: ")
    assert "cp1252 as 'é', cp1251 as 'й'" in problem.message and problem.message.endswith("its values are not checked")
    assert "peacetalks fix --encoding cp1252" in problem.hint


def test_an_undeclared_cp1252_table_it_can_only_be_is_read_through(tmp_path):
    """Curly quotes are the same bytes in every Windows code page, and `é` beside Latin letters is
    Latin in the pages left: one `encoding` problem, and the table checked in full."""
    root = package(tmp_path, {"t.csv": "id,n\n\u201cZelenské\u201d,1\nb,7\n".encode("cp1252")})
    problems = validate_package(root, frictionless="off").problems
    assert [(p.rule, p.line, p.value) for p in problems] == [("encoding", 2, "93 5a 65 6c"), ("enum", 3, "7")]
    assert "Windows-1252" in problems[0].message and "peacetalks fix" in problems[0].hint


def test_a_bom_under_utf8_sig_and_a_utf16_file_read(tmp_path):
    root = package(tmp_path / "sig", {"t.csv": b"\xef\xbb\xbfid,n\na,1\nb,5\n"}, encoding="utf-8-sig")
    assert found(root) == [("enum", "t.csv", 3, "n", "5")]
    root = package(tmp_path / "16", {"t.csv": "id,n\na,1\nb,5\n".encode("utf-16")}, encoding="utf-16")
    assert found(root) == [("enum", "t.csv", 3, "n", "5")]


@pytest.mark.parametrize(
    ("name", "pack", "options"),
    [
        ("t.csv.gz", gzip.compress, {}),
        ("t.csv.bz2", bz2.compress, {}),
        ("t.dat", gzip.compress, {"compression": "gz", "format": "csv"}),
    ],
)
def test_a_compressed_file_reports_the_line_of_the_content_and_names_the_stored_file(tmp_path, name, pack, options):
    root = package(tmp_path, {name: pack(b"id,n\na,1\nb,7\n")}, path=name, **options)
    assert found(root) == [("enum", name, 3, "n", "7")]


def test_a_zip_with_one_member_is_read_and_its_hash_is_the_stored_file_s(tmp_path):
    import hashlib

    zipped = tmp_path / "src.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("t.csv", "id,n\na,1\nb,7\n")
    data = zipped.read_bytes()
    root = package(tmp_path / "p", {"t.zip": data}, path="t.zip", format="csv", hash=hashlib.md5(data).hexdigest(), bytes=len(data))
    assert found(root) == [("enum", "t.zip", 3, "n", "7")]


def test_a_gzipped_file_is_read_in_batches_with_its_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", 64)
    rows = b"".join(b"r%d;%d\n" % (n, 1 + n % 3) for n in range(200))
    text = b"# made by hand\nid;n\n" + rows.replace(b"r150;1\n", b"r150;8\n").replace(b"r40;2\n", b"# skipped\nr40;2\n")
    root = package(tmp_path, {"t.csv.gz": gzip.compress(text)}, path="t.csv.gz", dialect={"delimiter": ";", "commentChar": "#"})
    line = text.split(b"\n").index(b"r150;8") + 1
    assert found(root) == [("enum", "t.csv.gz", line, "n", "8")]


def test_header_rows_keep_the_original_lines(tmp_path):
    root = package(tmp_path / "a", {"t.csv": b"a title line\nid,n\na,1\nb,7\n"}, dialect={"headerRows": [2]})
    assert found(root) == [("enum", "t.csv", 4, "n", "7")]
    root = package(tmp_path / "b", {"t.csv": b"i,\nd,n\na,1\nb,7\n"}, dialect={"headerRows": [1, 2], "headerJoin": ""})
    assert found(root) == [("enum", "t.csv", 4, "n", "7")]


def test_the_header_s_problems_are_at_its_row(tmp_path):
    root = package(tmp_path, {"t.csv": b"a title line\nid,m\na,1\n"}, dialect={"headerRows": [2]})
    assert {(p[0], p[2]) for p in found(root)} == {("extra-column", 2), ("missing-column", 2)}


def test_comment_lines_and_rows_are_skipped_and_lines_kept(tmp_path):
    root = package(tmp_path / "a", {"t.csv": b"id,n\n# a, comment, with, commas\na,1\n#c\nb,7\n"}, dialect={"commentChar": "#"})
    assert found(root) == [("enum", "t.csv", 5, "n", "7")]
    root = package(tmp_path / "b", {"t.csv": b"id,n\na,1\nnot a row at all\nb,7\n"}, dialect={"commentRows": [3]})
    assert found(root) == [("enum", "t.csv", 4, "n", "7")]


def test_a_file_without_header_takes_the_schema_s_names(tmp_path):
    root = package(tmp_path, {"t.csv": b"a,1\nb,7\n"}, dialect={"header": False})
    assert found(root) == [("enum", "t.csv", 2, "n", "7")]


def test_quote_escape_and_initial_space(tmp_path):
    root = package(tmp_path / "a", {"t.csv": b"id, n\na, 1\n'b, c', 7\n"}, dialect={"quoteChar": "'", "skipInitialSpace": True})
    assert found(root) == [("enum", "t.csv", 3, "n", "7")]
    root = package(tmp_path / "b", {"t.csv": b'id,n\n"a\\"b",1\n"c\\"d",7\n'}, dialect={"escapeChar": "\\", "doubleQuote": False})
    assert found(root) == [("enum", "t.csv", 3, "n", "7")]
    table = read_resource(tmp_path / "b", read_package(tmp_path / "b")[0].resources[0])
    assert list(table.frame["id"]) == ['a"b', 'c"d']


def test_a_stray_quote_under_another_quote_char_is_located(tmp_path):
    root = package(tmp_path, {"t.csv": b"id;n\na;1\n'b'x';2\nc;3\n"}, dialect={"delimiter": ";", "quoteChar": "'"})
    assert [(p[0], p[2]) for p in found(root)] == [("csv-syntax", 3)]


@pytest.mark.parametrize("frictionless", ["off", "auto"])
def test_multipart_names_the_part_and_its_line(tmp_path, frictionless):
    files = {"t1.csv": b"id,n\na,1\nb,2\n", "t2.csv": b"c,3\nd,9\n"}
    root = package(tmp_path, files, path=["t1.csv", "t2.csv"])
    assert found(root, frictionless) == [("enum", "t2.csv", 2, "n", "9")]


def test_multipart_keys_are_unique_across_parts(tmp_path):
    root = package(tmp_path, {"t1.csv": b"id,n\na,1\n", "t2.csv": b"b,2\na,3\n"}, path=["t1.csv", "t2.csv"])
    assert [(p[0], p[1], p[2]) for p in found(root)] == [("primary-key", "t2.csv", 2)]


@pytest.mark.parametrize("frictionless", ["off", "auto"])
def test_inline_rows_are_checked_at_their_json_line(tmp_path, frictionless):
    root = package(tmp_path / "a", {}, path=UNSET, data=[["id", "n"], ["a", 1], ["b", 7]])
    assert found(root, frictionless) == [("enum", "datapackage.json", descriptor_line(root, '"b"') - 1, "n", "7")]
    root = package(tmp_path / "b", {}, path=UNSET, data=[{"id": "a", "n": 1}, {"id": "b", "n": 8}])
    assert found(root, frictionless) == [("enum", "datapackage.json", descriptor_line(root, '"id": "b"') - 1, "n", "8")]


def test_a_yaml_descriptor_and_a_dialect_file(tmp_path):
    files = {"t.csv": b"id|n\na|1\nb|7\n", "dialect.yaml": b"delimiter: '|'\n"}
    root = package(tmp_path, files, descriptor_name="datapackage.yaml", dialect="dialect.yaml")
    assert found(root) == [("enum", "t.csv", 3, "n", "7")]


def test_a_resource_without_schema_gets_the_note_and_its_structure_checked(tmp_path):
    root = package(tmp_path / "a", {"t.csv": b"id,n\na,1\nb,7\n"}, schema=UNSET)
    assert found(root) == [("schema-inferred", "t.csv", None, None, None)]
    assert validate_package(root).valid, "a note never fails a package"
    root = package(tmp_path / "b", {"t.csv": b"id,n\na,1\nb,7,3\n"}, schema=UNSET)
    assert [(p[0], p[2]) for p in found(root)] == [("schema-inferred", None), ("ragged-row", 3)]


def test_a_non_tabular_resource_is_checked_for_its_hash_only(tmp_path):
    root = package(tmp_path, {"notes.txt": b"not, a\n table"}, path="notes.txt", schema=UNSET, hash="md5:00")
    [(rule, file, _line, _column, _value)] = found(root)
    assert (rule, file) == ("hash", "notes.txt")
    root = package(tmp_path / "ok", {"shape.geojson": b'{"type": "Point"}'}, path="shape.geojson", schema=UNSET, bytes=17)
    assert found(root) == []


def test_a_missing_non_tabular_file_is_reported(tmp_path):
    root = package(tmp_path, {}, path="notes.txt", schema=UNSET)
    assert found(root) == [("file-missing", "notes.txt", None, None, None)]


def test_a_remote_resource_is_noted_and_never_fetched(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("validation opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    root = package(tmp_path, {}, path="https://example.com/t.csv")
    assert found(root, "auto") == [("not-checked", "datapackage.json", descriptor_line(root, "https://example.com"), None, None)]


def test_a_spreadsheet_is_noted_and_nothing_else(tmp_path):
    root = package(tmp_path, {"t.xlsx": b"PK\x03\x04 not really"}, path="t.xlsx")
    assert found(root) == [("not-checked", "t.xlsx", None, None, None)]


def test_absolute_and_climbing_paths_stay_unsafe(tmp_path):
    root = package(tmp_path / "p", {}, path=["t1.csv", "../t2.csv"])
    assert [p[0] for p in found(root)] == ["unsafe-path"]


def test_a_compressed_table_is_batched_by_the_size_of_its_content(tmp_path):
    """A gzip or zip file records its content's size: a small archive of a large table is read in batches."""
    from peacetalks.read.read_sources import batch_size

    content = b"id,n\n" + b"a,1\n" * 50_000  # compresses to a few hundred bytes
    root = package(tmp_path / "gz", {"t.csv.gz": gzip.compress(content)}, path="t.csv.gz")
    found, _ = read_package(root)
    assert batch_size(root, found.resources[0]) == len(content) > 10 * (root / "t.csv.gz").stat().st_size
    archive = tmp_path / "t.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("t.csv", content)
    root = package(tmp_path / "zip", {"t.zip": archive.read_bytes()}, path="t.zip", format="csv")
    found, _ = read_package(root)
    assert batch_size(root, found.resources[0]) == len(content)


@pytest.mark.parametrize("encoding", ["cp1252", "iso8859-1", "iso8859-7"])
def test_a_single_byte_encoding_is_transcoded_as_its_codec_does(encoding):
    from peacetalks.read.read_sources import single_byte_to_utf8

    text = "id,quote\na,“not easy” – ‘progress’ ÿ\nb,plain\n" if encoding == "cp1252" else "id,q\na,é ü\n"
    if encoding == "iso8859-7":
        text = "id,q\na,Ουκρανία\n"
    stored = text.encode(encoding)
    assert single_byte_to_utf8(stored, encoding) == stored.decode(encoding).encode("utf-8") == text.encode("utf-8")


def test_bytes_a_single_byte_encoding_leaves_undefined_go_to_its_codec():
    from peacetalks.read.read_sources import single_byte_to_utf8

    assert single_byte_to_utf8(b"id\n\x81\n", "cp1252") is None  # 0x81 is not a cp1252 character
    assert single_byte_to_utf8("id\n".encode("utf-16"), "utf-16") is None
