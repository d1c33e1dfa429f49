"""The Dialect value: the standard's defaults, v1 keys and frictionless 5's `csv` keys, and the
values the standard does not allow, each named with its JSON path."""

from __future__ import annotations

import csv

import pytest

from peacetalks.model.dialect import PLAIN, compression_of, dialect_of, dialect_problems, encoding_problem


def test_no_dialect_is_the_plain_one():
    assert dialect_of(None) == PLAIN and PLAIN.plain and PLAIN.csv_plain and PLAIN.header_line == 1


def test_v1_keys_and_frictionless_csv_keys_are_read_the_top_level_winning():
    dialect = dialect_of({"csv": {"delimiter": ";", "quoteChar": "'"}, "delimiter": "|", "headerRows": [2, 3], "commentChar": "#"})
    assert (dialect.delimiter, dialect.quote_char, dialect.header_rows, dialect.comment_char) == ("|", "'", (2, 3), "#")
    assert dialect.header_line == 3 and dialect.first_data_line == 4 and not dialect.csv_plain


def test_the_csv_module_reads_by_the_dialect():
    dialect = dialect_of({"delimiter": ";", "quoteChar": "'", "skipInitialSpace": True})
    assert next(csv.reader(["a; 'b;c'"], **dialect.csv_options())) == ["a", "b;c"]


def test_utf8_declared_is_plain_and_other_encodings_are_kept():
    assert dialect_of(None, "UTF8").plain
    assert dialect_of(None, "cp1252").encoding == "cp1252" and not dialect_of(None, "cp1252").utf8


@pytest.mark.parametrize(
    ("dialect", "path", "value"),
    [
        ({"delimiter": ";;"}, ("delimiter",), ";;"),
        ({"csv": {"delimiter": 1}}, ("csv", "delimiter"), 1),
        ({"headerRows": [0]}, ("headerRows",), [0]),
        ({"headerRows": []}, ("headerRows",), []),
        ({"commentRows": ["1"]}, ("commentRows",), ["1"]),
        ({"doubleQuote": 1}, ("doubleQuote",), 1),
        ({"delimiter": "'", "quoteChar": "'"}, ("quoteChar",), "'"),
    ],
)
def test_values_the_standard_does_not_allow_are_named_at_their_path(dialect, path, value):
    [(where, message, shown)] = dialect_problems(dialect, ("resources", 0, "dialect"))
    assert where == ("resources", 0, "dialect", *path) and shown == value and ("must be" in message or "cannot" in message)


def test_encodings_and_compressions():
    assert encoding_problem("cp1252") is None and encoding_problem("utf-16") is None
    assert "not an encoding" in encoding_problem("klingon") and encoding_problem(8) == "`encoding` must be a string"
    assert compression_of({}, "t.csv.gz") == "gz" and compression_of({}, "t.csv") is None
    assert compression_of({"compression": "bz2"}, "t.dat") == "bz2" and compression_of({"compression": "rar"}, "t.rar") == ""
