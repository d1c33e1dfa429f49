"""Generated documentation: complete, derived from the schemas, and committed fresh."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, copy_package
from csv_expectations import schemas
from peacetalks.cli import main
from peacetalks.docs.draw_positions import render
from peacetalks.docs.write_docs import (
    JUDGEMENT_END,
    JUDGEMENT_START,
    README_END,
    README_START,
    er_diagram,
    expected_texts,
    inferred_rows,
    write_docs,
)
from peacetalks.model.read_package import read_package
from peacetalks.read.load_tables import load

STALE = "is stale: run `peacetalks docs` and commit the result"


@pytest.fixture(scope="module")
def package():
    found, problems = read_package(ROOT)
    assert found is not None and not problems, problems
    return found


def test_committed_docs_are_what_peacetalks_docs_writes_now(package):
    texts = expected_texts(package)
    assert Path("README.md") in texts, f"README.md needs the {README_START} / {README_END} markers"
    for relative, text in texts.items():
        path = ROOT / relative
        assert path.is_file(), f"{relative} is missing: run `peacetalks docs`"
        assert path.read_text(encoding="utf-8") == text, f"{relative} {STALE}"


def test_committed_picture_is_what_peacetalks_graph_draws_now(package):
    png, svg = render(load(ROOT), package.descriptor)
    assert (ROOT / "docs" / "positions.png").read_bytes() == png, f"docs/positions.png {STALE}"
    assert (ROOT / "docs" / "positions.svg").read_bytes() == svg, f"docs/positions.svg {STALE}"


def test_dictionary_has_every_table_and_column_with_its_description(package):
    dictionary = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    for name, schema in schemas().items():
        assert f"\n## {name}\n" in dictionary, name
        for field in schema["fields"]:
            row = next(line for line in dictionary.split(f"\n## {name}\n")[1].splitlines() if line.startswith(f"| `{field['name']}` |"))
            assert " ".join(field["description"].split()).replace("|", "\\|") in row, (name, field["name"])
    assert "| `stance` | string | yes | one of `proposes`, `demands`" in dictionary
    assert "- Foreign key: `asserted_by` → [actors](#actors).`actor_id`" in dictionary
    assert "- Primary key: `proposal_id`, `actor_id`, `stance`" in dictionary


def test_er_diagram_has_every_foreign_key_and_key_column(package):
    diagram = er_diagram(package)
    assert diagram.startswith("erDiagram\n")
    for name, schema in schemas().items():
        assert f"    {name} {{" in diagram
        for fk in schema.get("foreignKeys", []):
            parent = fk["reference"].get("resource") or name
            assert f"{parent} " in diagram and f'--o{{ {name} : "{", ".join(fk["fields"])}"' in diagram, (name, fk)
    assert "        string actor_id PK, FK" in diagram  # meeting_participants: key and link at once
    assert '    actors |o--o{ actors : "affiliated_with"' in diagram  # self reference, optional


def test_docs_regenerates_everything_and_then_has_nothing_to_do(tmp_path):
    root = copy_package(tmp_path / "package")
    (root / "README.md").write_text(f"# Title\n\n{README_START}\nold\n{README_END}\n\nMore.\n", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["docs", str(root)])
    assert first.exit_code == 0, first.output
    written = "docs/data-dictionary.md, docs/er-diagram.md, docs/judgement-calls.md, README.md, docs/positions.png, docs/positions.svg"
    assert f"updated: {written}" in first.output
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Title\n\n" + README_START) and readme.endswith(README_END + "\n\nMore.\n")
    assert "\n- every table with links → `sources` (`source_id`)\n" in readme and "\nold\n" not in readme
    second = runner.invoke(main, ["docs", str(root)])
    assert second.exit_code == 0 and "documentation already up to date" in second.output


def test_docs_says_when_readme_has_no_markers(tmp_path):
    root = copy_package(tmp_path / "package")
    (root / "README.md").write_text("# Title\n", encoding="utf-8")
    package, _ = read_package(root)
    result = write_docs(package, None, pictures=False)
    assert result.notes and "markers" in result.notes[0]
    assert (root / "README.md").read_text(encoding="utf-8") == "# Title\n"


def test_the_judgement_calls_page_lists_every_inferred_row_with_its_reason(package):
    import csv

    block = (ROOT / "docs/judgement-calls.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    summary = readme.split(JUDGEMENT_START, 1)[1].split(JUDGEMENT_END, 1)[0]
    assert "docs/judgement-calls.md" in summary
    marked = 0
    for resource in package.resources:
        if "basis" not in resource.field_names:
            continue
        with open(ROOT / resource.path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["basis"] == "inferred":
                    marked += 1
                    key = " / ".join(row[k] for k in resource.primary_key)
                    line = next(text for text in block.splitlines() if text.startswith(f"- {row['basis_note']} ("))
                    assert f"`{resource.name}` {key}" in line, (resource.name, key)
    assert marked == sum(len(rows) for rows in inferred_rows(package).values()) >= 20
    assert f"{marked} rows rest on a reading" in summary


def test_a_row_newly_marked_inferred_joins_the_list(tmp_path):
    root = copy_package(tmp_path / "package")
    statuses = root / "data/statuses.csv"
    text = statuses.read_text(encoding="utf-8")
    old = "draft_document_prepared,draft_document,,drafted,,certain,,,,Negotiators prepared a draft document.,stated,,"
    assert old in text
    statuses.write_text(text.replace(old, old.replace(",stated,,", ",inferred,A reading for the test.,")), encoding="utf-8")
    readme = f"# Title\n\n{README_START}\n{README_END}\n\n{JUDGEMENT_START}\nold\n{JUDGEMENT_END}\n"
    (root / "README.md").write_text(readme, encoding="utf-8")
    package, _ = read_package(root)
    write_docs(package, None, pictures=False)
    readme = (root / "README.md").read_text(encoding="utf-8")
    page = (root / "docs/judgement-calls.md").read_text(encoding="utf-8")
    assert "\n- A reading for the test. (`statuses` draft_document_prepared)\n" in page
    assert "\nold\n" not in readme


def test_docs_says_when_readme_has_no_judgement_markers(tmp_path):
    root = copy_package(tmp_path / "package")
    (root / "README.md").write_text(f"# Title\n\n{README_START}\n{README_END}\n", encoding="utf-8")
    package, _ = read_package(root)
    result = write_docs(package, None, pictures=False)
    assert [note for note in result.notes if JUDGEMENT_START in note], result.notes
    assert JUDGEMENT_START not in (root / "README.md").read_text(encoding="utf-8")
