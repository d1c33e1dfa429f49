"""Build the provenance page: the article with every quote marked, and every fact one step away.

`build_site(tables, output)` writes a static folder that opens from the file
system and works on any static host: `index.html` (the article, the facts,
the stances picture, the downloads), `dictionary.html`, `site.css`,
`site.js`, a copy of the package itself (descriptor, schemas, CSVs, source
texts) and the exports. Which tables hold facts, which column is the quote
and which table holds the source texts all come from the Table Schemas (the
`peacetalks` markers `quoteOf` and `sourceText`); no column is named here
except the provenance columns the house rules define (`certainty`,
`asserted_by`, and `basis` once the data has it). The same package gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources as package_files
from pathlib import Path

import jinja2

from peacetalks.docs.write_docs import constraint_text
from peacetalks.export.prepare_export import PackageTables, field_type, is_required
from peacetalks.model.read_package import Resource, inside
from peacetalks.site.mark_spans import Mark, Span, find_spans, layout

# Shown on their own line of each fact, in this order, for the tables that have them.
PROVENANCE = {"certainty": "certainty", "asserted_by": "asserted by", "basis": "basis"}
# Said when `asserted_by` is empty: the schemas define an empty cell as the article's own voice.
OWN_VOICE = "the article itself"
# One colour per fact table, in the descriptor's order (Okabe-Ito first: readable for colour-blind readers).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D00", "#5E5E5E", "#7B3294", "#1B7837"]
STATIC_FILES = ["site.css", "site.js"]
EXPORTS = [  # (file or folder under exports/, the module and function that writes it, what it is)
    ("peacetalks.db", "export_sqlite", "SQLite database with keys and constraints (and its Datasette metadata)"),
    ("peacetalks.xlsx", "export_xlsx", "Excel workbook, one sheet per table"),
    ("peacetalks.json", "export_json", "JSON: the descriptor and every table as records"),
    ("parquet", "export_parquet", "Parquet, one file per table"),
]


@dataclass
class Cell:
    name: str
    text: str
    link: str | None = None  # the id of the row this value refers to (a foreign key)


@dataclass
class Row:
    id: str
    table: str
    line: int  # the line of the CSV file, as an editor shows it
    key: str
    cells: list[Cell]  # every column, in schema order
    quote: str = ""
    source_id: str = ""
    spans: list[str] = field(default_factory=list)


@dataclass
class Table:
    resource: Resource
    title: str
    description: str
    label: str  # a short text label (`A`, `MP`): the signal that is not colour
    colour: str
    ink: str  # black or white, whichever reads better on `colour`
    quote_field: str | None
    source_field: str | None
    rows: list[Row]

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def shown_fields(self) -> list[dict]:
        """The columns of the facts table: the quote and its source are the link to the article."""
        return [f for f in self.resource.fields if f["name"] not in (self.quote_field, self.source_field)]

    @property
    def detail_fields(self) -> list[str]:
        """The main fields of a fact as listed under a selected span; a key column is there only when it
        links to another row (the key itself is the card's title)."""
        linked = {name for fk in self.resource.foreign_keys for name in fk["fields"]}
        hidden = {self.quote_field, self.source_field, "description", *PROVENANCE}
        hidden |= set(self.resource.primary_key) - linked
        return [f["name"] for f in self.resource.fields if f["name"] not in hidden]

    @property
    def provenance_fields(self) -> list[tuple[str, str]]:
        names = set(self.resource.field_names)
        return [(name, label) for name, label in PROVENANCE.items() if name in names]


@dataclass
class Source:
    row: Row
    path: str
    path_field: str
    text: str
    paragraphs: list[list]


class SiteError(Exception):
    """The page cannot be built from this package; the message says why."""


class OutputRefused(SiteError):
    """OUTPUT holds something the build would replace, and the user did not say --force."""


def marked(resource: Resource, key: str) -> dict | None:
    return next((f for f in resource.fields if isinstance(f.get("peacetalks"), dict) and key in f["peacetalks"]), None)


def display(value: object) -> str:
    """A cell as a reader sees it: empty for missing, `90` rather than `90.0`, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def ink_for(colour: str) -> str:
    """Black or white text on `colour`, whichever has the higher WCAG contrast."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def short_labels(names: list[str]) -> dict[str, str]:
    """`meeting_participants` -> `MP`: the initials of each name, lengthened until they differ."""
    labels: dict[str, str] = {}
    for name in names:
        words = [w for w in name.split("_") if w] or [name]
        label = "".join(w[0] for w in words).upper()
        extra = iter(words[-1][1:])
        while label in labels.values():
            label += next(extra, str(len(labels))).lower()
        labels[name] = label
    return labels


def row_id(table: str, line: int) -> str:
    return f"row-{table}-{line}"


def read_rows(tables: PackageTables) -> dict[str, list[Row]]:
    """Every row of every table, with its cells as text and each foreign key pointing at its row."""
    keys: dict[tuple[str, tuple[str, ...]], dict[tuple[str, ...], str]] = {}  # (table, columns) -> values -> row id
    texts: dict[str, list[list[str]]] = {}
    for resource in tables.resources:
        texts[resource.name] = [[display(v) for v in row] for row in tables.rows(resource)]
    names = {r.name: [f["name"] for f in r.fields if f["name"] in tables.frames[r.name].columns] for r in tables.resources}

    def index(table: str, columns: list[str]) -> dict[tuple[str, ...], str]:
        found = keys.get((table, tuple(columns)))
        if found is None:
            positions = [names[table].index(c) for c in columns]
            found = {tuple(cells[p] for p in positions): row_id(table, line) for line, cells in enumerate(texts[table], start=2)}
            keys[(table, tuple(columns))] = found
        return found

    rows: dict[str, list[Row]] = {}
    for resource in tables.resources:
        columns = names[resource.name]
        links = [
            fk
            for fk in resource.foreign_keys
            if len(fk["fields"]) == 1 and fk["resource"] in names and set(fk["reference_fields"]) <= set(names[fk["resource"]])
        ]
        found = []
        for line, cells in enumerate(texts[resource.name], start=2):
            values = dict(zip(columns, cells, strict=True))
            row_cells = []
            for name in columns:
                link = None
                for fk in links:
                    if fk["fields"] == [name] and values[name]:
                        link = index(fk["resource"], fk["reference_fields"]).get((values[name],))
                row_cells.append(Cell(name, values[name], link))
            key = " · ".join(values[k] for k in resource.primary_key if k in values)
            found.append(Row(row_id(resource.name, line), resource.name, line, key, row_cells))
        rows[resource.name] = found
    return rows


def source_texts(tables: PackageTables, rows: dict[str, list[Row]]) -> tuple[dict[str, tuple[Row, str, str]], str]:
    """source id -> (its row, the path of its text, the text) from the table marked `sourceText`, and the path's column."""
    for resource in tables.resources:
        path_field = marked(resource, "sourceText")
        if path_field is None or not resource.primary_key:
            continue
        found = {}
        for row in rows[resource.name]:
            values = {c.name: c.text for c in row.cells}
            relative = values.get(path_field["name"], "")
            target = inside(tables.package.root, relative) if relative else None
            if target is None or not target.is_file():
                raise SiteError(f"{resource.path}, line {row.line}: no source text at {relative!r}")
            found[values[resource.primary_key[0]]] = (row, relative, target.read_bytes().decode("utf-8"))
        return found, path_field["name"]
    raise SiteError('no table marks a column as the path of its source texts (`"peacetalks": {"sourceText": true}`)')


def fact_tables(tables: PackageTables, rows: dict[str, list[Row]]) -> list[Table]:
    """The tables whose rows quote a source, each with its colour and label."""
    chosen = [r for r in tables.resources if marked(r, "quoteOf") is not None]
    labels = short_labels([r.name for r in chosen])
    found = []
    for number, resource in enumerate(chosen):
        quote_field = marked(resource, "quoteOf")
        source_field = quote_field["peacetalks"]["quoteOf"]
        colour = PALETTE[number % len(PALETTE)]
        title = resource.descriptor.get("title") or resource.name
        for row in rows[resource.name]:
            values = {c.name: c.text for c in row.cells}
            row.quote, row.source_id = values.get(quote_field["name"], ""), values.get(source_field, "")
        found.append(
            Table(
                resource,
                str(title),
                str(resource.descriptor.get("description") or ""),
                labels[resource.name],
                colour,
                ink_for(colour),
                quote_field["name"],
                source_field,
                rows[resource.name],
            )
        )
    return found


@dataclass
class Page:
    tables: PackageTables
    facts: list[Table]
    sources: list[Source]
    spans: list[Span]
    rows_by_id: dict[str, Row]
    tables_by_name: dict[str, Table]

    def span_tables(self, span: Span) -> list[tuple[Table, int]]:
        """The tables a span supports rows of, in the descriptor's order, with how many rows each."""
        counts: dict[str, int] = {}
        for row in span.rows:
            counts[self.rows_by_id[row].table] = counts.get(self.rows_by_id[row].table, 0) + 1
        return [(table, counts[table.name]) for table in self.facts if table.name in counts]

    def span_number(self, span_id: str) -> int:
        return int(span_id[1:])


def read_page(tables: PackageTables) -> Page:
    rows = read_rows(tables)
    texts, path_field = source_texts(tables, rows)
    facts = fact_tables(tables, rows)
    quoted = [(row.id, row.source_id, row.quote) for table in facts for row in table.rows]
    spans, row_spans = find_spans({source_id: text for source_id, (_, _, text) in texts.items()}, quoted)
    rows_by_id = {row.id: row for table in facts for row in table.rows}
    for row_id_, span_ids in row_spans.items():
        rows_by_id[row_id_].spans = span_ids
    sources = [
        Source(row, path, path_field, text, layout(text, [s for s in spans if s.source_id == source_id]))
        for source_id, (row, path, text) in texts.items()
    ]
    return Page(tables, facts, sources, spans, rows_by_id, {t.name: t for t in facts})


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("peacetalks.site", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.tests["mark"] = lambda item: isinstance(item, Mark)
    return env


def dictionary_fields(resource: Resource) -> list[dict]:
    """Each column of `resource` as the dictionary page lists it."""
    linked = {name: fk for fk in resource.foreign_keys for name in fk["fields"]}
    return [
        {
            "name": f["name"],
            "type": field_type(f),
            "required": is_required(f, resource),
            "constraints": constraint_text(f).replace("`", ""),
            "links_to": f"{linked[f['name']]['resource']}.{', '.join(linked[f['name']]['reference_fields'])}"
            if f["name"] in linked
            else "",
            "link_table": linked[f["name"]]["resource"] if f["name"] in linked else "",
            "description": str(f.get("description") or ""),
        }
        for f in resource.fields
    ]


def copy_package(tables: PackageTables, output: Path, sources: list[Source]) -> list[str]:
    """Copy the descriptor, schemas, tables and source texts, keeping their paths: OUTPUT holds the package."""
    package = tables.package
    names = [package.path.name if package.path else "datapackage.json"]
    names += [r.schema_file for r in package.resources if r.schema_file]
    names += [r.path for r in package.resources]
    names += [s.path for s in sources]
    copied = []
    for name in dict.fromkeys(names):
        source = inside(package.root, name)
        if source is None or not source.is_file():
            raise SiteError(f"cannot copy {name}: it is not a file inside the package folder")
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(name)
    return copied


def write_exports(tables: PackageTables, output: Path) -> list[tuple[str, str]]:
    import importlib

    written = []
    for name, module, about in EXPORTS:
        write = getattr(importlib.import_module(f"peacetalks.export.{module}"), module)
        write(tables, output / "exports" / name)
        written.append((f"exports/{name}" + ("/" if "." not in name else ""), about))
    return written


def build_site(tables: PackageTables, output: Path) -> list[Path]:
    """Write the page and its files into `output` (created if needed); return the top-level files written."""
    from peacetalks.docs.draw_positions import build_graph, render, subtitle_for

    page = read_page(tables)
    output.mkdir(parents=True, exist_ok=True)
    copied = copy_package(tables, output, page.sources)
    exports = write_exports(tables, output)
    _, svg = render(tables.frames, tables.package.descriptor)
    (output / "positions.svg").write_bytes(svg)
    for name in STATIC_FILES:
        (output / name).write_bytes(package_files.files("peacetalks.site").joinpath("templates", name).read_bytes())
    # GitHub Pages would otherwise run Jekyll, which skips or converts some files instead of serving them as built.
    (output / ".nojekyll").write_bytes(b"")
    descriptor = tables.package.descriptor
    env = environment()
    common = {
        "title": str(descriptor.get("title") or descriptor.get("name") or "Data package"),
        "descriptor": descriptor,
        "version": str(descriptor.get("version") or ""),
    }
    tables_in_package = [
        {"resource": r, "title": r.descriptor.get("title") or r.name, "rows": tables.row_count(r)} for r in tables.resources
    ]
    index = env.get_template("index.html.j2").render(
        **common,
        page=page,
        copied=copied,
        exports=exports,
        package_tables=tables_in_package,
        positions_caption=subtitle_for(build_graph(tables.frames), descriptor),
        own_voice=OWN_VOICE,
        descriptor_file=copied[0],
    )
    dictionary = env.get_template("dictionary.html.j2").render(
        **common,
        resources=[(r, dictionary_fields(r)) for r in tables.resources],
        labels={t.name: t for t in page.facts},
    )
    for name, text in (("index.html", index), ("dictionary.html", dictionary)):
        (output / name).write_text(text, encoding="utf-8", newline="\n")
    return [output / "index.html", output / "dictionary.html"]


def refuse_output(output: Path, force: bool) -> None:
    """Stop before replacing anything the user has: a file, or a folder that is not empty unless --force."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputRefused(f"{output} exists and is not a folder; choose another OUTPUT")
    if output.is_dir() and any(output.iterdir()) and not force:
        raise OutputRefused(f"{output} is a folder that is not empty; pass --force to replace it and everything in it")


def write_site(tables: PackageTables, output: Path) -> Path:
    """Build the page in a new folder beside `output`, then put it in place of `output`.

    A failed build leaves `output` as it was. `output` may not hold the package itself.
    """
    root = tables.package.root.resolve()
    if output.resolve() == root or output.resolve() in root.parents:
        raise OutputRefused(f"{output} holds the package itself; choose a folder for the page alone")
    parent = output.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{output.absolute().name}.", suffix=".part", dir=parent))
    try:
        build_site(tables, building)
        mask = os.umask(0)
        os.umask(mask)
        building.chmod(0o777 & ~mask)  # mkdtemp makes the folder private; the page is meant to be served
        if output.is_dir():
            shutil.rmtree(output)
        os.replace(building, output)
    finally:
        if building.exists():
            shutil.rmtree(building)
    return output


# What a screenshot of the page shows: a screenshot taken of other bytes is stale.
SHOWN_FILES = ["index.html", "site.css", "site.js"]


def page_stamp(folder: Path) -> str:
    """The SHA-256 of the files a screenshot of the page depends on, in a fixed order."""
    import hashlib

    digest = hashlib.sha256()
    for name in SHOWN_FILES:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    return digest.hexdigest()
