"""The spreadsheet round trip, with the real package: a table saved as Excel and LibreOffice save
it (written with the csv module as each program writes), one cell edited wrongly in each. After
each save: `validate`, `fix`, `validate`; only the wrong cell is left, located, and no other value
of any table changed.

The table is statuses.csv: it has curly quotes (not ASCII, so an encoding means something), quoted
values with commas, and a boolean, which both programs write as `TRUE`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, line_of
from package_edits import rows_of, run_cli
from peacetalks.cli import main
from peacetalks.model.read_package import read_package

TABLE = "data/statuses.csv"
# The columns a spreadsheet writes back as TRUE and FALSE, read from the table's schema.
BOOLEANS = [
    field["name"]
    for resource in read_package(ROOT)[0].resources
    if resource.path == TABLE
    for field in resource.fields
    if field.get("type") == "boolean"
]


@dataclass(frozen=True)
class Save:
    encoding: str  # "utf-8-sig" writes a byte-order mark
    delimiter: str
    line_end: str
    quote_all: bool
    told: tuple[str, ...]  # the rules validate reports about the file's form, besides hash and bytes
    fixed: str  # what fix says it changed
    wrong: tuple[str, str, str, str]  # row id, column, the wrong value, the rule it breaks


SAVES = {
    # Excel, "CSV UTF-8 (Comma delimited)", English locale.
    "excel_csv_utf8": Save(
        "utf-8-sig", ",", "\r\n", False, ("bom", "line-ends"), "removed the byte-order mark; CRLF → LF",
        ("berlin_talks_not_easy", "certainty", "likely", "enum"),
    ),
    # Excel, "CSV UTF-8 (Comma delimited)", in a locale with decimal commas (German, French...).
    "excel_csv_utf8_semicolons": Save(
        "utf-8-sig", ";", "\r\n", False, ("bom", "delimiter", "line-ends"), "removed the byte-order mark; semicolons → commas; CRLF → LF",
        ("peace_talks_ongoing", "basis", "said", "enum"),
    ),
    # Excel, "CSV (Comma delimited)": the Windows code page, here Western Europe's.
    "excel_csv_windows_1252": Save(
        "cp1252", ",", "\r\n", False, ("encoding", "line-ends"), "Windows-1252 → UTF-8; CRLF → LF",
        ("territorial_concessions_no_agreement", "value", "about 20", "type"),
    ),
    # LibreOffice, Text CSV, UTF-8, "Quote all text cells" (and numbers too, here).
    "libreoffice_all_quoted": Save(
        "utf-8", ",", "\n", True, (), "quotes only where a value needs them",
        ("berlin_talks_not_easy", "status", "Difficult", "enum"),
    ),
    # LibreOffice, Text CSV, "Western Europe (Windows-1252/WinLatin 1)", field delimiter ";".
    "libreoffice_windows_1252_semicolons": Save(
        "cp1252", ";", "\n", True, ("encoding", "delimiter"),
        "Windows-1252 → UTF-8; semicolons → commas; quotes only where a value needs them",
        ("territorial_concessions_no_agreement", "proposal_id", "no_such_proposal", "foreign-key"),
    ),
}


def spreadsheet_rows(rows: list[list[str]], booleans: list[str]) -> list[list[str]]:
    """The rows as a spreadsheet holds them: a boolean as TRUE or FALSE."""
    header = rows[0]
    at = [header.index(name) for name in booleans]
    return [header] + [[value.upper() if i in at else value for i, value in enumerate(row)] for row in rows[1:]]


def save_as(path: Path, rows: list[list[str]], save: Save) -> None:
    out = io.StringIO()
    quoting = csv.QUOTE_ALL if save.quote_all else csv.QUOTE_MINIMAL
    csv.writer(out, delimiter=save.delimiter, lineterminator=save.line_end, quoting=quoting).writerows(rows)
    path.write_bytes(out.getvalue().encode(save.encoding))


def fix(root: Path, *args: str):
    result = CliRunner().invoke(main, ["fix", str(root), *args])
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit)), result.output
    return result


def located(report: dict) -> list[tuple]:
    return sorted((p["rule"], p["file"], p["line"], p["column"]) for p in report["problems"])


@pytest.mark.parametrize("name", list(SAVES))
def test_save_validate_fix_validate_leaves_only_the_wrong_cell(package_dir: Path, name: str) -> None:
    save = SAVES[name]
    assert BOOLEANS, f"{TABLE} needs a boolean column for the TRUE a spreadsheet writes"
    path = package_dir / TABLE
    rows = rows_of(path)
    row_id, column, wrong, rule = save.wrong
    line = line_of(path, row_id + ",")
    [row] = [r for r in rows if r[0] == row_id]
    row[rows[0].index(column)] = wrong
    save_as(path, spreadsheet_rows(rows, BOOLEANS), save)

    code, report, output = run_cli(package_dir)
    assert code == 1
    wrong_cell = (rule, TABLE, line, column)
    # Read through: the wrong cell is found before fix, beside one problem for each thing about the form,
    # and one for the file's change (`bytes` when its size changed, else `hash`).
    changed = "bytes" if path.stat().st_size != (ROOT / TABLE).stat().st_size else "hash"
    assert located(report) == sorted([wrong_cell, (changed, TABLE, None, None)]
                                     + [(told, TABLE, 1 if told != "encoding" else 2, None) for told in save.told]), output

    result = fix(package_dir)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"{TABLE}: {save.fixed}"
    assert "recorded the new hashes and sizes in datapackage.json" in result.output

    code, report, output = run_cli(package_dir)
    assert (code, located(report)) == (1, [wrong_cell]), output

    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    assert_nothing_else_changed(package_dir, {(TABLE, line, column): wrong})


def assert_nothing_else_changed(root: Path, edited: dict[tuple, str]) -> None:
    """Every value of every table as in the package, but the cells in `edited` (file, line, column)
    and the booleans, which the spreadsheet wrote as TRUE and FALSE; every other table byte for byte."""
    for original in sorted((ROOT / "data").glob("*.csv")):
        file = f"data/{original.name}"
        now = root / file
        if file != TABLE:
            assert now.read_bytes() == original.read_bytes(), file
            continue
        before, after = rows_of(original), rows_of(now)
        assert after[0] == before[0] and len(after) == len(before)
        for number, (old_row, new_row) in enumerate(zip(before[1:], after[1:], strict=True), start=2):
            for name, old, new in zip(before[0], old_row, new_row, strict=True):
                expected = edited.get((file, number, name), old.upper() if name in BOOLEANS else old)
                assert new.encode("utf-8") == expected.encode("utf-8"), (file, number, name)


def test_fix_on_the_clean_package_changes_nothing(package_dir: Path) -> None:
    before = {p: p.read_bytes() for p in package_dir.rglob("*") if p.is_file()}
    result = fix(package_dir)
    assert (result.exit_code, result.output) == (0, "nothing needed fixing\n")
    assert {p: p.read_bytes() for p in package_dir.rglob("*") if p.is_file()} == before


def test_fix_refuses_a_table_whose_code_page_cannot_be_told_and_leaves_it_byte_for_byte(package_dir: Path) -> None:
    """`è` is the byte E8 in cp1252, which is `č` in cp1250 and cp1257: both Latin, both possible."""
    path = package_dir / "data/actors.csv"
    text = path.read_text(encoding="utf-8").replace("Volodymyr Zelensky", "Volodymyr Zelenskè", 1)
    path.write_bytes(text.encode("cp1252"))
    saved = path.read_bytes()
    line = text.split("\n").index(next(t for t in text.split("\n") if "Zelenskè" in t)) + 1
    result = fix(package_dir)
    assert result.exit_code == 1
    assert path.read_bytes() == saved
    assert f"data/actors.csv, line {line}: not changed: it is not UTF-8, and the byte e8 on line {line} reads differently" in result.stderr
    assert "cp1252 as 'è', cp1250 as 'č'" in result.stderr and "[encoding]" in result.stderr
    assert "peacetalks fix --encoding cp1252" in result.stderr
    assert not (package_dir / ".peacetalks-fix").exists()
    # Named, the encoding is certain: the table is rewritten, and reads as it was typed.
    result = fix(package_dir, "--encoding", "cp1252")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == text


def test_a_character_the_code_page_lacks_is_lost_by_the_spreadsheet_and_fix_says_where_to_look(package_dir: Path) -> None:
    """Excel's "CSV (Comma delimited)" writes `?` for each character the code page lacks, without a
    word: the value is lost before fix sees the file. fix converts the rest and names the cell."""
    path = package_dir / "data/actors.csv"
    rows = rows_of(path)
    [row] = [r for r in rows if r[0] == "volodymyr_zelensky"]
    row[rows[0].index("aliases")] = "Володимир Зеленський"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("cp1252", errors="replace"))
    result = fix(package_dir)
    assert result.exit_code == 0, result.output
    line = line_of(path, "volodymyr_zelensky,")
    told = f"  warning: data/actors.csv, line {line}, column aliases: '????????? ??????????': a spreadsheet saving in Windows-1252"
    assert told in result.output
    assert result.output.count("warning:") == 1
