"""The picture of who stands where."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import ROOT
from csv_expectations import expected_tables
from peacetalks.cli import main
from peacetalks.docs.draw_positions import STANCE_COLOURS, build_graph, proposal_state, render, status_line
from peacetalks.model.read_package import read_package
from peacetalks.read.load_tables import load


@pytest.fixture(scope="module")
def tables():
    return load(ROOT)


def test_graph_has_one_edge_per_position_and_statuses_on_proposals(tables):
    graph = build_graph(tables)
    positions = expected_tables()["proposal_positions"]
    assert graph.number_of_edges() == len(positions)
    for row in positions:
        assert any(d["stance"] == row["stance"] for d in graph.get_edge_data(row["actor_id"], row["proposal_id"]).values())
    assert proposal_state(graph.nodes["peace_deal"]["statuses"]) == "mixed"
    assert "broadly agreed ~90 %" in status_line(graph.nodes["peace_deal"]["statuses"])
    assert proposal_state(graph.nodes["territorial_concessions"]["statuses"]) == "bad"


def test_every_stance_in_the_schema_has_its_own_colour(tables):
    schema = read_package(ROOT)[0].resource("proposal_positions").field("stance")
    stances = schema["constraints"]["enum"]
    assert set(stances) <= set(STANCE_COLOURS)
    assert len({STANCE_COLOURS[s] for s in stances}) == len(stances)


def test_render_is_deterministic_and_readable_size(tables):
    descriptor = read_package(ROOT)[0].descriptor
    png, svg = render(tables, descriptor)
    assert (png, svg) == render(tables, descriptor)
    image = Image.open(io.BytesIO(png))
    assert image.width >= 1400 and image.height >= 900
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in png


def test_graph_command_writes_png_and_svg(tmp_path):
    result = CliRunner().invoke(main, ["graph", str(ROOT), "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "positions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "positions.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    again = CliRunner().invoke(main, ["graph", str(ROOT), "--output", str(tmp_path)])
    assert "already up to date" in again.output


def test_every_stance_has_a_colour_and_every_status_a_group():
    import peacetalks.docs.draw_positions as draw

    package, _ = read_package(ROOT)
    stances = package.resource("proposal_positions").field("stance")["constraints"]["enum"]
    statuses = package.resource("statuses").field("status")["constraints"]["enum"]
    certainties = package.resource("statuses").field("certainty")["constraints"]["enum"]
    assert set(draw.STANCE_COLOURS) == set(stances)
    groups = [draw.GOOD, draw.BAD, draw.OPEN]
    assert set().union(*groups) == set(statuses)
    assert sum(len(g) for g in groups) == len(statuses)  # no status in two groups
    assert set(certainties) > draw.HEDGED and "certain" not in draw.HEDGED


def test_graph_refuses_to_replace_files_in_a_folder_the_user_named(tmp_path):
    mine = tmp_path / "positions.png"
    mine.write_bytes(b"my own picture")
    result = CliRunner().invoke(main, ["graph", str(ROOT), "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "pass --force" in result.output
    assert mine.read_bytes() == b"my own picture"
    assert CliRunner().invoke(main, ["graph", str(ROOT), "--output", str(tmp_path), "--force"]).exit_code == 0
    assert mine.read_bytes().startswith(b"\x89PNG")
