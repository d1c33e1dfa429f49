"""The batch reader: a large file cut at line ends, each piece parsed on its own, must give
exactly the rows and editor lines of the whole file, and refuse a cut inside a quoted value."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import peacetalks.read_tables
from peacetalks.read_tables import read_batches, read_with_pyarrow


def batches_of(path: Path, width: int) -> list[tuple[int, list[str]]]:
    return [(line, list(row)) for frame in read_batches(path, width) for line, row in zip(frame.index, frame.to_numpy(), strict=True)]


def test_batches_give_the_whole_file_with_its_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peacetalks.read_tables, "BATCH_BYTES", 40)
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
    monkeypatch.setattr(peacetalks.read_tables, "BATCH_BYTES", 55)
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b,c\n" + b"1,2,3\n" * 8 + b'4,5,"x\ny,z,w"\n' + b"6,7,8\n" * 8)
    with pytest.raises(pa.ArrowInvalid, match="spans a batch boundary"):
        batches_of(path, 3)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'1,"two\nlines",3\n', "a record spans lines"),  # editor lines would no longer match rows
        (b"1,2\x00,3\n", "a NUL byte"),  # binary: the whole-file reader reports it
    ],
)
def test_what_batches_cannot_number_is_refused(tmp_path: Path, body: bytes, reason: str) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b,c\n" + b"1,2,3\n" * 5 + body + b"4,5,6\n" * 5)
    with pytest.raises(pa.ArrowInvalid, match=reason):
        batches_of(path, 3)


def test_a_record_longer_than_a_batch_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peacetalks.read_tables, "BATCH_BYTES", 16)
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b,c\n1,2,3\n" + b"x," + b"y" * 100 + b",z\n4,5,6")
    assert batches_of(path, 3) == [(2, ["1", "2", "3"]), (3, ["x", "y" * 100, "z"]), (4, ["4", "5", "6"])]
