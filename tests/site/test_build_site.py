"""`peacetalks site` without a browser: where passages are marked, what the folder holds, that two
builds are identical, the command's refusals, and that the committed screenshots show this page."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, copy_package, rehash
from peacetalks.cli import main
from peacetalks.export.prepare_export import read_for_export
from peacetalks.site.build_site import page_stamp, write_site
from peacetalks.site.mark_spans import Mark, find_spans, layout

SCREENSHOTS = {"desktop": ROOT / "docs" / "site-desktop.png", "phone": ROOT / "docs" / "site-phone.png"}
STAMP_KEY = "peacetalks-site-sha256"


def flatten(nodes: list, text: str) -> list:
    """Marks as (span id, text, depth, first, last, children) for assertions; plain text as str."""
    out = []
    for node in nodes:
        if isinstance(node, Mark):
            piece = node.piece
            out.append((piece.span.id, text[piece.start : piece.end], node.depth, piece.first, piece.last, flatten(node.children, text)))
        else:
            out.append(text[node[0] : node[1]])
    return out


def test_every_occurrence_is_a_span_and_one_passage_quoted_by_two_rows_is_one_span():
    text = "ab cd ab\nef"
    spans, row_spans = find_spans({"x": text}, [("r1", "x", "ab"), ("r2", "x", "ab"), ("r3", "x", "d ab\ne"), ("r4", "y", "ab")])
    assert [(s.id, s.start, s.end, s.rows) for s in spans] == [
        ("s1", 0, 2, ["r1", "r2"]),
        ("s2", 4, 10, ["r3"]),
        ("s3", 6, 8, ["r1", "r2"]),
    ]
    assert row_spans == {"r1": ["s1", "s3"], "r2": ["s1", "s3"], "r3": ["s2"]}
    # s2 crosses a paragraph break: two fragments, the first holding its id, the last its labels.
    assert [flatten(p, text) for p in layout(text, spans)] == [
        [("s1", "ab", 1, True, True, ["ab"]), " c", ("s2", "d ab", 1, True, False, ["d ", ("s3", "ab", 2, True, True, ["ab"])])],
        [("s2", "e", 1, False, True, ["e"]), "f"],
    ]


def test_a_span_crossing_the_end_of_another_is_cut_where_that_one_ends():
    text = "one two three four"
    spans, _ = find_spans({"x": text}, [("a", "x", "one two"), ("b", "x", "two three")])
    assert flatten(layout(text, spans)[0], text) == [
        ("s1", "one two", 1, True, True, ["one ", ("s2", "two", 2, True, False, ["two"])]),
        ("s2", " three", 1, False, True, [" three"]),
        " four",
    ]


def test_two_builds_are_identical_and_the_folder_is_a_valid_package(built_site, tmp_path):
    again = write_site(read_for_export(ROOT), tmp_path / "again")
    files = sorted(p.relative_to(built_site) for p in built_site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for relative in files:
        assert (built_site / relative).read_bytes() == (again / relative).read_bytes(), relative
    for expected in [
        "index.html",
        "dictionary.html",
        "site.css",
        "site.js",
        "positions.svg",
        ".nojekyll",
        "datapackage.json",
        "data/actors.csv",
        "data/sources/berlin_talks_article.txt",
        "schemas/statuses.schema.json",
        "exports/peacetalks.db",
        "exports/peacetalks.xlsx",
        "exports/peacetalks.json",
        "exports/parquet/actors.parquet",
    ]:
        assert Path(expected) in files, expected
    from peacetalks.run.validate import validate_package

    assert validate_package(built_site, frictionless="off").problems == []


def test_the_page_loads_nothing_from_elsewhere(built_site):
    for name in ["index.html", "dictionary.html", "site.css", "site.js"]:
        text = (built_site / name).read_text(encoding="utf-8")
        # Links a reader may follow are fine; what the browser fetches by itself must be local.
        fetched = re.findall(r'(?:src|srcset)="([^"]*)"|<link[^>]*href="([^"]*)"|url\(([^)]*)\)|@import', text)
        for groups in fetched:
            target = "".join(groups) if isinstance(groups, tuple) else groups
            assert target and not re.match(r"(?i)^(https?:)?//|^data:", target), (name, target)


def test_every_fact_row_is_in_the_page_with_a_link_to_its_passage(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    for path in sorted((ROOT / "data").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if rows and "quote" in rows[0]:
            for line in range(2, len(rows) + 2):
                row = re.search(rf'<tr id="row-{path.stem}-{line}" tabindex="-1" data-spans="(s\d+)[^"]*">', html)
                assert row is not None, (path.name, line)
                assert f'id="{row.group(1)}" tabindex="0" role="button"' in html


def test_each_fact_shows_whether_the_text_states_it_or_it_is_inferred(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    stated = html.split('data-row="row-statuses-2">')[1].split("</article>")[0]  # peace_talks_ongoing
    assert "<span>basis: <strong>stated</strong></span>" in stated
    assert "<span>certainty: <strong>certain</strong></span>" in stated
    assert "<span>asserted by: <strong>the article itself</strong></span>" in stated
    inferred = html.split('data-row="row-statuses-4">')[1].split("</article>")[0]  # berlin_talks_not_easy
    assert "<span>basis: <strong>inferred</strong></span>" in inferred


def test_site_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path):
    output = tmp_path / "out"
    output.mkdir()
    (output / "mine.txt").write_text("keep", encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(main, ["site", str(output), str(ROOT)])
    assert refused.exit_code == 2
    assert "is a folder that is not empty; pass --force" in refused.output
    assert (output / "mine.txt").read_text(encoding="utf-8") == "keep"
    forced = runner.invoke(main, ["site", str(output), str(ROOT), "--force"])
    assert forced.exit_code == 0, forced.output
    assert f"wrote {output / 'index.html'}" in forced.output
    assert not (output / "mine.txt").exists() and (output / "index.html").is_file()


def test_site_refuses_a_file_and_the_package_folder(tmp_path):
    runner = CliRunner()
    file = tmp_path / "page.html"
    file.write_text("x", encoding="utf-8")
    refused = runner.invoke(main, ["site", str(file), str(ROOT)])
    assert refused.exit_code == 2 and f"Directory '{file}' is a file" in refused.output
    root = copy_package(tmp_path / "package")
    refused = runner.invoke(main, ["site", str(root), str(root), "--force"])
    assert refused.exit_code == 2 and "holds the package itself" in refused.output
    assert (root / "datapackage.json").is_file()


def test_site_of_an_invalid_package_reports_its_problems(tmp_path):
    root = copy_package(tmp_path / "package")
    table = root / "data" / "actors.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",state,", ",country,", 1), encoding="utf-8")
    rehash(root)
    result = CliRunner().invoke(main, ["site", str(tmp_path / "out"), str(root)])
    assert result.exit_code == 1
    assert 'data/actors.csv\n  line 2, column actor_type: "country" [enum]' in result.output
    assert not (tmp_path / "out").exists()
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", sorted(SCREENSHOTS))
def test_committed_screenshot_shows_the_page_as_built_now(built_site, kind):
    from PIL import Image

    path = SCREENSHOTS[kind]
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run `make screenshots`"
    with Image.open(path) as image:
        stamp = image.text.get(STAMP_KEY)
        width = image.width
    assert stamp == page_stamp(built_site), f"{path.relative_to(ROOT)} is stale: run `make screenshots` and commit the result"
    assert width == (1280 if kind == "desktop" else 390 * 2)
