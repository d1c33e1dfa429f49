"""The batch reader: a large file cut at line ends, each piece parsed on its own, must give
exactly the rows and editor lines of the whole file, and refuse a cut inside a quoted value."""

from __future__ import annotations

import gc
import sys
import weakref
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import peacetalks.read.read_tables
from peacetalks.read.read_tables import batch_bytes, cut_at_line_ends, drop_blank_rows, read_batches, read_with_pyarrow, scan_header


def batches_of(path: Path, width: int) -> list[tuple[int, list[str]]]:
    return [(line, list(row)) for frame in read_batches(path, width) for line, row in zip(frame.index, frame.to_numpy(), strict=True)]


def test_batches_give_the_whole_file_with_its_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", 40)
    raw = b"a,b,c\n" + b"".join(b'%d,"x, %d",\r\n' % (n, n) for n in range(50)) + b",,last"
    path = tmp_path / "t.csv"
    path.write_bytes(raw)
    whole = read_with_pyarrow(raw, 3)
    got = batches_of(path, 3)
    assert len(got) == 51
    assert got == [(line, list(row)) for line, row in zip(whole.index, whole.to_numpy(), strict=True)]
    assert got[0] == (2, ["0", "x, 0", ""]) and got[-1] == (52, ["", "", "last"])


def test_a_cut_inside_a_quoted_value_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pyarrow reads an unclosed quote at the end of a piece as a value, and the rest of it
    # ('y,z,w"') as a record of three columns: the line count would not notice.
    monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", 55)
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b,c\n" + b"1,2,3\n" * 8 + b'4,5,"x\ny,z,w"\n' + b"6,7,8\n" * 8)
    with pytest.raises(pa.ArrowInvalid, match="spans a batch boundary"):
        batches_of(path, 3)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'1,"two\nlines",3\n', "a record spans lines"),  # editor lines would no longer match rows
        (b"1,2\x00,3\n", "a NUL byte"),  # binary: the whole-file reader reports it
        (b"1,Zelensk\xe9,3\n", "not UTF-8"),  # Windows-1252: the whole-file reader reports the line
    ],
)
def test_what_batches_cannot_number_is_refused(tmp_path: Path, body: bytes, reason: str) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b,c\n" + b"1,2,3\n" * 5 + body + b"4,5,6\n" * 5)
    with pytest.raises(pa.ArrowInvalid, match=reason):
        batches_of(path, 3)


def test_a_record_longer_than_a_batch_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", 16)
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b,c\n1,2,3\n" + b"x," + b"y" * 100 + b",z\n4,5,6")
    assert batches_of(path, 3) == [(2, ["1", "2", "3"]), (3, ["x", "y" * 100, "z"]), (4, ["4", "5", "6"])]


def test_a_cut_inside_a_quoted_value_is_refused_even_beside_stray_quotes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A quote inside an unquoted cell is valid CSV; with one on each side of the cut, counting
    # quote marks would pass the cut and pyarrow would read line 11's note as 'first line\n'.
    rows = [b"id,note,tag\n", *(b"%d,filler,t\n" % i for i in range(2, 10))]
    rows += [b'10,a 5" screen,t\n', b'11,t,"first line\n', b'second line, x, y"\n', b'13,a 7" tablet,t\n']
    raw = b"".join(rows)
    path = tmp_path / "t.csv"
    path.write_bytes(raw)
    monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", raw.index(b"second line") - len(rows[0]))
    with pytest.raises(pa.ArrowInvalid, match="spans a batch boundary"):
        batches_of(path, 3)


def test_a_stray_quote_alone_is_read_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", 40)
    raw = b"a,b,c\n" + b"".join(b"%d,x,y\n" % n for n in range(20)) + b'20,a 5" screen,y\n' + b"21,x,y\n"
    path = tmp_path / "t.csv"
    path.write_bytes(raw)
    got = batches_of(path, 3)
    assert (22, ["20", 'a 5" screen', "y"]) in got and len(got) == 22


def test_a_byte_order_mark_at_the_start_of_a_batch_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pyarrow drops a BOM at the start of its input, and so would hide it in the cell it starts.
    head = b"a,b,c\n" + b"1,2,3\n" * 4
    path = tmp_path / "t.csv"
    path.write_bytes(head + b"\xef\xbb\xbf4,5,6\n" + b"7,8,9\n")
    monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", len(head) - len(b"a,b,c\n"))
    with pytest.raises(pa.ArrowInvalid, match="byte-order mark"):
        batches_of(path, 3)


def test_a_header_with_a_nul_byte_is_left_to_the_whole_file_reader(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b,c\x00\n1,2,3\n")
    assert scan_header(path) is None


@pytest.mark.parametrize(("setting", "expected"), [("4096", 4096), ("0", 16 << 20), ("-5", 16 << 20), ("lots", 16 << 20)])
def test_batch_size_setting(setting: str, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # 0 would read no bytes at all: every batched table would come out empty, with no problems.
    monkeypatch.setenv("PEACETALKS_BATCH_BYTES", setting)
    assert batch_bytes() == expected


def test_only_rows_with_every_cell_empty_are_dropped_and_reported() -> None:
    frame = pd.DataFrame({"a": ["x", "", "", "y", ""], "b": ["1", "2", "", "", ""]}, index=pd.RangeIndex(2, 7), dtype="str")
    kept, problems = drop_blank_rows(frame, "data/t.csv")
    assert kept.index.tolist() == [2, 3, 5]
    assert kept["b"].tolist() == ["1", "2", ""]
    assert [(p.rule, p.file, p.line) for p in problems] == [("blank-row", "data/t.csv", 4), ("blank-row", "data/t.csv", 6)]


def test_a_table_whose_first_cells_are_all_filled_comes_back_as_it_was() -> None:
    frame = pd.DataFrame({"a": ["x", "y"], "b": ["", ""]}, index=pd.RangeIndex(2, 4), dtype="str")
    kept, problems = drop_blank_rows(frame, "data/t.csv")
    assert kept is frame and problems == []


def test_a_batch_is_freed_once_the_caller_lets_go_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the caller checks a batch, the reader must hold neither that frame nor its bytes:
    the memory of a large check would hold two batches a table instead of one."""
    monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", 40)
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + b"".join(b"%d,x\n" % n for n in range(40)))
    with path.open("rb") as handle:
        handle.readline()
        pieces = cut_at_line_ends(handle)
        piece = next(pieces)
        owner = piece.obj
        del piece
        assert sys.getrefcount(owner) == 2  # `owner` and getrefcount's argument: the generator holds none
    batches = read_batches(path, 2)
    frame = next(batches)
    gone = weakref.ref(frame)
    del frame
    gc.collect()
    assert gone() is None
    assert next(batches).index[0] > 2  # and the reader goes on


def test_a_quote_left_open_is_reported_at_the_line_it_opens(tmp_path: Path) -> None:
    # reported at line 6, where reading stopped, with nothing wrong there
    from peacetalks.read.read_tables import read_table

    (tmp_path / "t.csv").write_text('id,note\na,x\nb,y\nc,"open\nd,z\ne,w"x\nf,v\n', encoding="utf-8")
    table = read_table(tmp_path, "t", "t.csv")
    [problem] = table.problems
    assert (problem.rule, problem.line) == ("csv-syntax", 4)
    assert "(the record runs on to line 6)" in problem.message and '("")' in problem.hint
    # The lines the open quote swallowed are read again as the records they are (`w"x` is valid CSV).
    assert table.frame.index.tolist() == [2, 3, 5, 6, 7]
    assert table.frame["id"].tolist() == ["a", "b", "d", "e", "f"]


def test_a_straight_quote_inside_a_quoted_value_is_reported_and_the_record_read_leniently(tmp_path: Path) -> None:
    from peacetalks.read.read_tables import read_table

    (tmp_path / "t.csv").write_text('id,note\na,"called them "not easy" but"\nb,y\n', encoding="utf-8")
    table = read_table(tmp_path, "t", "t.csv")
    assert [(p.rule, p.line) for p in table.problems] == [("csv-syntax", 2)]
    assert table.frame["id"].tolist() == ["a", "b"]  # the key stays, for the rows pointing at it


def test_a_straight_quote_inside_a_quoted_value_makes_a_batch_be_read_whole(tmp_path: Path) -> None:
    import pyarrow as pa

    (tmp_path / "t.csv").write_text('id,note\na,x\nb,"called them "not easy" but"\n', encoding="utf-8")
    with pytest.raises(pa.ArrowInvalid, match="a straight quote inside a quoted value"):
        list(read_batches(tmp_path / "t.csv", 2))


@pytest.mark.parametrize(("separator", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_separated_by_semicolons_or_tabs_is_one_problem(tmp_path: Path, separator: str, named: str) -> None:
    """saved with semicolons, a table gave a missing column for each
    field, an extra one for the whole header, and a ragged row for each line with a comma. With no
    schema's names to compare its header with, it is not read by them."""
    from peacetalks.read.read_tables import read_table

    text = f"id{separator}note\na{separator}x, y\nb{separator}z\n"
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    table = read_table(tmp_path, "t", "t.csv")
    assert [(p.rule, p.line, p.value) for p in table.problems] == [("header", 1, f"id{separator}note")]
    assert table.problems[0].message.startswith(f"the values are separated by {named}, not commas")
    assert table.header == [] and table.frame.empty
    assert scan_header(tmp_path / "t.csv") is None  # a large one too is read whole, and reported so


def test_a_header_of_one_name_is_not_taken_for_another_separator(tmp_path: Path) -> None:
    from peacetalks.read.read_tables import read_table

    (tmp_path / "t.csv").write_text("note;\nx;\n", encoding="utf-8")
    table = read_table(tmp_path, "t", "t.csv")
    assert table.problems == [] and table.header == ["note;"]


def test_a_ragged_row_s_hint_follows_whether_it_has_cells_too_many_or_too_few(tmp_path: Path) -> None:
    from peacetalks.read.read_tables import read_table

    (tmp_path / "t.csv").write_text("id,note,added\na,x,1\nb,y\nc,z,2,3\n", encoding="utf-8")
    problems = read_table(tmp_path, "t", "t.csv").problems
    assert [(p.rule, p.line) for p in problems] == [("ragged-row", 3), ("ragged-row", 4)]
    assert problems[0].hint.endswith("was a column added to the header only?")
    assert problems[1].hint == "a comma inside a value needs the value in double quotes"


def test_lines_that_each_open_a_quote_to_the_end_are_each_read_on_their_own(tmp_path: Path) -> None:
    """Read on from the next line after each, such lines take quadratic time."""
    from peacetalks.read.read_tables import read_table

    (tmp_path / "t.csv").write_text('id,v,w\nk0,a",",x\nk1,a",",x\nk2,a",",x\n', encoding="utf-8")
    problems = read_table(tmp_path, "t", "t.csv").problems
    assert [(p.rule, p.line) for p in problems] == [("csv-syntax", 2), ("csv-syntax", 3), ("csv-syntax", 4)]
    assert "(the record runs on to line 4)" in problems[0].message
    assert "runs on" not in problems[1].message  # read on its own, after the first ran to the end


def test_a_quote_left_open_in_a_last_line_with_no_line_end_is_reported(tmp_path: Path) -> None:
    """pyarrow read `"open quote never closed` as a plain value."""
    from peacetalks.read.read_tables import read_table

    (tmp_path / "t.csv").write_bytes(b'id,v\nk1,x\nk2,"open quote never closed')
    assert [(p.rule, p.line) for p in read_table(tmp_path, "t", "t.csv").problems] == [("csv-syntax", 3)]


def test_a_column_named_with_a_semicolon_is_not_taken_for_another_separator(tmp_path: Path) -> None:
    """a table of one column named `id;code` was reported as separated by semicolons."""
    from peacetalks.read.read_tables import read_table

    (tmp_path / "t.csv").write_text("id;code\na;1\nb;2\n", encoding="utf-8")
    assert read_table(tmp_path, "t", "t.csv", ["id;code"]).problems == []
    assert scan_header(tmp_path / "t.csv", fields=["id;code"]) == ["id;code"]
    assert [p.rule for p in read_table(tmp_path, "t", "t.csv").problems] == ["header"]  # schema unknown


def test_quotes_that_follow_the_rules_keep_the_fast_path(tmp_path: Path) -> None:
    """A doubled quote inside a quoted value, and a quote inside an unquoted one, are valid CSV."""
    raw = b'id,note\na,"say ""hi"", then go"\nb,a 5" screen\nc,plain\n'
    frame = read_with_pyarrow(raw, 2)
    assert frame is not None
    assert frame.iloc[:, 1].tolist() == ['say "hi", then go', 'a 5" screen', "plain"]


@pytest.mark.parametrize("batch", [None, 32])
def test_a_quote_left_open_in_the_last_record_is_not_read_to_the_end_of_the_file(tmp_path: Path, monkeypatch, batch) -> None:
    # pyarrow read `"open` and the line end after it as one cell, and nothing was reported
    from conftest import one_table_package
    from peacetalks.run.validate import validate_package

    fields = [{"name": "id", "type": "string", "description": "Row."}, {"name": "note", "type": "string", "description": "A note."}]
    rows = "".join(f"r{n},x\n" for n in range(20))
    one_table_package(tmp_path, fields, "id,note\n" + rows + 'b,"open\n')
    if batch:
        monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", batch)
    [problem] = validate_package(tmp_path, frictionless="off").problems
    assert (problem.file, problem.line, problem.rule) == ("t.csv", 22, "csv-syntax")


def test_a_quote_left_open_in_the_header_is_a_syntax_problem_at_line_1(tmp_path: Path) -> None:
    # the rows were read into the header's last name, as a missing and an extra column
    from peacetalks.read.read_tables import read_table

    (tmp_path / "t.csv").write_text('id,"note\na,x\nb,y\n', encoding="utf-8")
    table = read_table(tmp_path, "t", "t.csv")
    assert [(p.rule, p.line) for p in table.problems] == [("csv-syntax", 1)] and table.header == []
