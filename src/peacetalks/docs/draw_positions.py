"""`peacetalks graph`: who stands where, as a picture.

Actors on the left, proposals on the right (sub-proposals indented under
their parent), one arrow per row of `proposal_positions`, coloured by stance;
dashed when the text is hedged. Each proposal box is coloured by what the
`statuses` table says of it: green when there is broad agreement or progress, red
when it is unresolved, shows little flexibility or is difficult, amber when it is only under way. The layout is
computed, not random: actors are ordered by the mean position of the
proposals they take a stance on, so arrows cross as little as they can.

The PNG and SVG carry no date, no software version and a fixed SVG id salt:
the same tables give the same bytes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import networkx as nx
import pandas as pd

STANCE_COLOURS = {  # Okabe-Ito, readable for colour-blind readers
    "proposes": "#0072B2",
    "supports": "#56B4E9",
    "backs": "#009E73",
    "open_to": "#E69F00",
    "demands": "#CC79A7",
    "rejects": "#D55E00",
    "drafted": "#4D4D4D",
    "involved": "#A0A0A0",
    "beneficiary": "#B59B00",
}
FALLBACK_COLOURS = ["#8C564B", "#17BECF", "#BCBD22", "#7F7F7F"]

GOOD = {"broadly_agreed", "progress", "closer", "close"}
BAD = {"unresolved", "little_flexibility", "difficult"}
OPEN = {"ongoing", "expected", "drafted", "time_limited"}
# Together GOOD, BAD and OPEN must cover the `statuses.status` enum: tests/test_draw_positions.py checks it.
STATES = {  # name: (fill, edge, legend)
    "good": ("#D9F0D3", "#2E7D32", "broad agreement, progress, closer or close"),
    "mixed": ("#FDEBC8", "#B26A00", "progress, but issues remain"),
    "bad": ("#F9D3CB", "#C62828", "unresolved, little flexibility or difficult"),
    "open": ("#DCEAF7", "#1565C0", "under way (drafted, ongoing …)"),
    "none": ("#F2F2F2", "#9E9E9E", "no status stated"),
}
PASSIVE = {"involved", "beneficiary"}  # roles rather than stances: drawn thinner
HEDGED = {"probable", "possible", "expected"}


def stance_colour(stance: str, order: list[str]) -> str:
    if stance in STANCE_COLOURS:
        return STANCE_COLOURS[stance]
    return FALLBACK_COLOURS[order.index(stance) % len(FALLBACK_COLOURS)] if stance in order else FALLBACK_COLOURS[0]


def text(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def build_graph(tables: dict[str, pd.DataFrame]) -> nx.MultiDiGraph:
    """Actors and proposals as nodes, one edge per stance, proposal statuses on the nodes."""
    graph = nx.MultiDiGraph()
    actors = tables["actors"].set_index("actor_id")
    proposals = tables["proposals"]
    for row in proposals.itertuples(index=False):
        graph.add_node(row.proposal_id, kind="proposal", label=text(row.name), parent=text(row.parent_proposal_id) or None, statuses=[])
    statuses = tables.get("statuses")
    if statuses is not None:
        for row in statuses.itertuples(index=False):
            proposal = text(row.proposal_id)
            if proposal in graph:
                graph.nodes[proposal]["statuses"].append(
                    (text(row.status), row.value if text(row.value) else None, text(row.unit), text(row.approximate) == "True")
                )
    for row in tables["proposal_positions"].itertuples(index=False):
        actor = text(row.actor_id)
        if actor not in graph:
            graph.add_node(actor, kind="actor", label=text(actors["name"].get(actor, actor)))
        graph.add_edge(actor, text(row.proposal_id), stance=text(row.stance), hedged=text(row.certainty) in HEDGED)
    return graph


def proposal_order(graph: nx.MultiDiGraph) -> list[tuple[str, int]]:
    """Proposals depth first under their parents, as (id, depth); roots with most links first."""
    proposals = [n for n, d in graph.nodes(data=True) if d["kind"] == "proposal"]
    tree = nx.DiGraph()
    tree.add_nodes_from(proposals)
    tree.add_edges_from((graph.nodes[p]["parent"], p) for p in proposals if graph.nodes[p]["parent"] in tree)

    def weight(node: str) -> int:
        return sum(graph.in_degree(n) for n in nx.descendants(tree, node) | {node})

    order: list[tuple[str, int]] = []

    def visit(node: str, depth: int) -> None:
        order.append((node, depth))
        for child in sorted(tree.successors(node), key=lambda c: (-weight(c), proposals.index(c))):
            visit(child, depth + 1)

    roots = [p for p in proposals if tree.in_degree(p) == 0]
    for root in sorted(roots, key=lambda r: (-weight(r), proposals.index(r))):
        visit(root, 0)
    return order


def actor_order(graph: nx.MultiDiGraph, rank: dict[str, float]) -> list[str]:
    actors = [n for n, d in graph.nodes(data=True) if d["kind"] == "actor"]

    def barycentre(actor: str) -> float:
        targets = [rank[v] for _, v in graph.out_edges(actor)]
        return sum(targets) / len(targets)

    return sorted(actors, key=lambda a: (barycentre(a), -graph.out_degree(a), a))


def proposal_state(statuses: list) -> str:
    names = {s[0] for s in statuses}
    if names & BAD:
        return "mixed" if names & GOOD else "bad"
    if names & GOOD:
        return "good"
    return "open" if names & OPEN else "none"


def status_line(statuses: list) -> str:
    words = []
    for status, value, unit, approximate in statuses:
        word = status.replace("_", " ")
        if value is not None:
            number = f"{float(value):g}"
            word += f" {'~' if approximate else ''}{number}{' %' if unit == 'percent' else (' ' + unit if unit else '')}"
        if word not in words:
            words.append(word)
    return " · ".join(words)


def layout(graph: nx.MultiDiGraph) -> tuple[dict[str, tuple[float, float]], dict[str, int]]:
    proposals = proposal_order(graph)
    rank = {p: float(i) for i, (p, _) in enumerate(proposals)}
    actors = actor_order(graph, rank)
    rows = max(len(proposals), len(actors), 1)
    positions: dict[str, tuple[float, float]] = {}
    step_p = rows / max(len(proposals), 1)
    for i, (p, _) in enumerate(proposals):
        positions[p] = (1.0, -(i + 0.5) * step_p)
    step_a = rows / max(len(actors), 1)
    for i, a in enumerate(actors):
        positions[a] = (0.0, -(i + 0.5) * step_a)
    return positions, dict(proposals)


def draw(graph: nx.MultiDiGraph, title: str, subtitle: str):
    """The figure (matplotlib, no pyplot state)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Patch

    positions, depth = layout(graph)
    actors = [n for n in positions if graph.nodes[n]["kind"] == "actor"]
    proposals = [n for n in positions if graph.nodes[n]["kind"] == "proposal"]
    rows = max(len(actors), len(proposals), 1)
    figure = Figure(figsize=(15, 1.6 + 0.62 * rows + 1.6), dpi=110)
    axes = figure.add_axes((0.02, 0.13, 0.96, 0.76))
    axes.set_xlim(-0.7, 1.98)
    axes.set_ylim(-rows - 0.2, 0.2)
    axes.axis("off")
    figure.text(0.5, 0.965, title, ha="center", va="top", fontsize=17, weight="bold")
    figure.text(0.5, 0.925, subtitle, ha="center", va="top", fontsize=11, color="#444444")

    stances_used = sorted(
        {d["stance"] for *_, d in graph.edges(data=True)}, key=lambda s: list(STANCE_COLOURS).index(s) if s in STANCE_COLOURS else 99
    )
    pair_counts: dict[tuple[str, str], int] = {}
    for source, target, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["stance"])):
        count = pair_counts.get((source, target), 0)
        pair_counts[(source, target)] = count + 1
        (x0, y0), (x1, y1) = positions[source], positions[target]
        arrow = FancyArrowPatch(
            (x0 + 0.015, y0),
            (x1 - 0.015, y1),
            arrowstyle="-|>,head_length=7,head_width=3.5",
            connectionstyle=f"arc3,rad={0.08 * count:.2f}",
            color=stance_colour(data["stance"], stances_used),
            linewidth=1.5 if data["stance"] in PASSIVE else 2.6,
            linestyle=(0, (5, 3)) if data["hedged"] else "solid",
            alpha=0.9,
            shrinkA=4,
            shrinkB=6,
            zorder=2,
        )
        axes.add_patch(arrow)

    for actor in actors:
        x, y = positions[actor]
        axes.scatter([x], [y], s=110, color="#37474F", zorder=3)
        axes.text(x - 0.03, y, graph.nodes[actor]["label"], ha="right", va="center", fontsize=12.5, zorder=4)

    for proposal in proposals:
        x, y = positions[proposal]
        node = graph.nodes[proposal]
        state = proposal_state(node["statuses"])
        indent = 0.045 * depth[proposal]
        label = textwrap.shorten(node["label"], 58, placeholder="…")
        prefix = "└ " if depth[proposal] else ""
        axes.scatter([x], [y], s=110, marker="s", color=STATES[state][1], zorder=3)
        axes.text(
            x + 0.035 + indent,
            y + (0.13 if node["statuses"] else 0),
            prefix + label,
            ha="left",
            va="center",
            fontsize=12.5,
            zorder=4,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": STATES[state][0], "edgecolor": STATES[state][1], "linewidth": 1.2},
        )
        if node["statuses"]:
            axes.text(
                x + 0.05 + indent + (0.02 if prefix else 0),
                y - 0.27,
                status_line(node["statuses"]),
                ha="left",
                va="center",
                fontsize=10.5,
                style="italic",
                color=STATES[state][1],
                zorder=4,
            )

    axes.text(0.0, 0.15, "ACTORS", ha="center", va="bottom", fontsize=11, weight="bold", color="#555555")
    axes.text(1.0, 0.15, "PROPOSALS (sub-proposals indented)", ha="left", va="bottom", fontsize=11, weight="bold", color="#555555")

    stance_handles = [
        Line2D([], [], color=stance_colour(s, stances_used), linewidth=1.5 if s in PASSIVE else 3, label=s.replace("_", " "))
        for s in stances_used
    ]
    stance_handles.append(Line2D([], [], color="#555555", linewidth=2, linestyle=(0, (5, 3)), label="dashed: hedged in the text"))
    state_handles = [Patch(facecolor=fill, edgecolor=edge, label=label) for fill, edge, label in STATES.values()]
    legends = (
        (stance_handles, "Arrow: the actor's stance on the proposal", "lower left", (0.03, 0.0), 3),
        (state_handles, "Box: where the proposal stands (statuses table)", "lower right", (0.97, 0.0), 2),
    )
    for handles, heading, corner, anchor, columns in legends:
        figure.legend(
            handles=handles, title=heading, loc=corner, bbox_to_anchor=anchor, ncol=columns, fontsize=11, title_fontsize=11.5, frameon=False
        )
    return figure


def subtitle_for(graph: nx.MultiDiGraph, descriptor: dict) -> str:
    actors = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "actor")
    proposals = graph.number_of_nodes() - actors
    source = next((s.get("title", "") for s in descriptor.get("sources") or [] if isinstance(s, dict)), "")
    author = source.split("] by ")[-1].split(" (")[0] if "] by " in source else ""
    origin = f"from the news article by {author}" if author else "from the source text"
    return f"{graph.number_of_edges()} stances of {actors} actors on {proposals} proposals, {origin} (peacetalks data package)"


def render(tables: dict[str, pd.DataFrame], descriptor: dict) -> tuple[bytes, bytes]:
    """The picture as PNG and SVG bytes, identical on every run for the same tables."""
    import io

    import matplotlib

    graph = build_graph(tables)
    title = "Who stands where in the Ukraine peace talks (Berlin)"
    figure = draw(graph, title, subtitle_for(graph, descriptor))
    png, svg = io.BytesIO(), io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "peacetalks", "svg.fonttype": "path", "path.simplify": True}):
        figure.savefig(png, format="png", metadata={"Software": None})
        figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png.getvalue(), svg.getvalue()


def write_positions(tables: dict[str, pd.DataFrame], descriptor: dict, folder: Path) -> list[Path]:
    """Write `positions.png` and `positions.svg` into `folder`; return the paths whose bytes changed."""
    png, svg = render(tables, descriptor)
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, data in (("positions.png", png), ("positions.svg", svg)):
        target = folder / name
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
            changed.append(target)
    return changed
