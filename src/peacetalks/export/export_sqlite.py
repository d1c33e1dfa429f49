"""Export the package to one SQLite file, with the Table Schemas as SQL.

Each resource becomes a table of the same name with NOT NULL, PRIMARY KEY,
FOREIGN KEY (self references and composite keys included) and CHECK
constraints; enums become `IN (...)` lists, so any SQLite reader enforces
them without a custom function. Every foreign key gets an index. Column
descriptions are kept as SQL comments in the CREATE TABLE statement (shown by
`.schema`) and in the `_package`, `_package_tables` and `_package_columns`
tables, as the schemas write them (Markdown). A Datasette `metadata.json` is
written beside the database, with the descriptions as plain text, and as HTML
where their Markdown has formatting.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from peacetalks.export.prepare_export import (
    PackageTables,
    allowed_values,
    datetime_text,
    description,
    description_text,
    field_type,
    is_required,
    to_native,
    write_atomically,
)
from peacetalks.export.render_markdown import has_markup, markdown_to_html, markdown_to_text
from peacetalks.model.convert_types import read_schema_value
from peacetalks.model.read_package import Resource
from peacetalks.model.types import table_type

META_TABLES = ("_package", "_package_tables", "_package_columns")


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_value(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def one_line(text: str) -> str:
    return " ".join(text.split())


def column_sql(field: dict, resource: Resource, fractional: set[str] = frozenset()) -> str:
    kind = field_type(field)
    name = quote_name(field["name"])
    parts = [name, table_type(kind).sql]
    if is_required(field, resource):
        parts.append("NOT NULL")
    allowed = allowed_values(field)
    if allowed:
        # A date's enum value is written as its cells are ("02/01/2025" in a %d/%m/%Y field: 2025-01-02).
        if kind in ("date", "datetime"):
            fraction = field["name"] in fractional
            allowed = [sql_value(to_native(read_schema_value(value, field), kind), fraction) for value in allowed]
        parts.append(f"CHECK ({name} IN ({', '.join(quote_value(v) for v in allowed)}))")
    elif kind == "boolean":
        parts.append(f"CHECK ({name} IN (0, 1))")
    return " ".join(parts)


def create_table_sql(resource: Resource, fractional: set[str] = frozenset()) -> str:
    """CREATE TABLE for `resource`, derived from its Table Schema; descriptions become comments.
    `fractional`: its datetime columns written to the microsecond (`PackageTables.fractional`)."""
    lines = []
    for field in resource.fields:
        comment = one_line(description(field))
        lines.append((column_sql(field, resource, fractional), comment))
    if resource.primary_key:
        lines.append((f"PRIMARY KEY ({', '.join(quote_name(n) for n in resource.primary_key)})", ""))
    for fk in resource.foreign_keys:
        own = ", ".join(quote_name(n) for n in fk["fields"])
        other = ", ".join(quote_name(n) for n in fk["reference_fields"])
        lines.append((f"FOREIGN KEY ({own}) REFERENCES {quote_name(fk['resource'])} ({other})", ""))
    body = []
    for number, (sql, comment) in enumerate(lines):
        comma = "," if number < len(lines) - 1 else ""
        body.append(f"  {sql}{comma}" + (f" -- {comment}" if comment else ""))
    heading = one_line(description(resource.descriptor))
    head = f"CREATE TABLE {quote_name(resource.name)} ("
    if heading:
        head += f" -- {heading}"
    return head + "\n" + "\n".join(body) + "\n)"


def index_sql(resource: Resource) -> list[str]:
    """One index per foreign key that its own primary key does not already lead with."""
    statements = []
    for fk in resource.foreign_keys:
        if resource.primary_key[: len(fk["fields"])] == fk["fields"]:
            continue
        name = f"idx_{resource.name}_{'_'.join(fk['fields'])}"
        columns = ", ".join(quote_name(n) for n in fk["fields"])
        statements.append(f"CREATE INDEX {quote_name(name)} ON {quote_name(resource.name)} ({columns})")
    return statements


def sql_value(value: object, fraction: bool = False) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return datetime_text(value, fraction)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def licence(descriptor: dict) -> tuple[str, str]:
    licenses = descriptor.get("licenses") or []
    first = licenses[0] if licenses and isinstance(licenses[0], dict) else {}
    return str(first.get("name") or first.get("title") or ""), str(first.get("path") or "")


def source(descriptor: dict) -> tuple[str, str]:
    sources = [s for s in descriptor.get("sources") or [] if isinstance(s, dict)]
    title = "; ".join(str(s.get("title", "")) for s in sources)
    path = next((str(s["path"]) for s in sources if s.get("path")), "")
    return title, path


def write_metadata_tables(connection: sqlite3.Connection, tables: PackageTables) -> None:
    descriptor = tables.package.descriptor
    connection.execute("CREATE TABLE _package (key TEXT PRIMARY KEY, value TEXT) -- the package's own metadata")
    package_rows = [
        (key, descriptor[key] if isinstance(descriptor[key], str) else json.dumps(descriptor[key], ensure_ascii=False))
        for key in ("name", "title", "description", "version", "created", "licenses", "sources", "keywords", "contributors")
        if key in descriptor
    ]
    connection.executemany("INSERT INTO _package VALUES (?, ?)", package_rows)
    connection.execute(
        "CREATE TABLE _package_tables (table_name TEXT PRIMARY KEY, title TEXT, description TEXT, "
        "primary_key TEXT, row_count INTEGER NOT NULL) -- one row per data table"
    )
    connection.execute(
        "CREATE TABLE _package_columns (table_name TEXT NOT NULL REFERENCES _package_tables (table_name), "
        "column_name TEXT NOT NULL, position INTEGER NOT NULL, type TEXT NOT NULL, sql_type TEXT NOT NULL, "
        "required INTEGER NOT NULL CHECK (required IN (0, 1)), allowed_values TEXT, references_column TEXT, description TEXT, "
        "PRIMARY KEY (table_name, column_name)) -- one row per column, with its description from the Table Schema"
    )
    for resource in tables.resources:
        connection.execute(
            "INSERT INTO _package_tables VALUES (?, ?, ?, ?, ?)",
            (
                resource.name,
                resource.descriptor.get("title"),
                description(resource.descriptor),
                ", ".join(resource.primary_key),
                tables.row_count(resource),
            ),
        )
        for position, field in enumerate(resource.fields, start=1):
            allowed = allowed_values(field)
            targets = [
                f"{fk['resource']}.{fk['reference_fields'][fk['fields'].index(field['name'])]}"
                for fk in resource.foreign_keys
                if field["name"] in fk["fields"] and len(fk["reference_fields"]) == len(fk["fields"])
            ]
            connection.execute(
                "INSERT INTO _package_columns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    resource.name,
                    field["name"],
                    position,
                    field_type(field),
                    table_type(field_type(field)).sql,
                    int(is_required(field, resource)),
                    " | ".join(str(v) for v in allowed) or None,
                    ", ".join(targets) or None,
                    description(field),
                ),
            )


def write_database(target: Path, tables: PackageTables) -> None:
    connection = sqlite3.connect(target, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")  # rows may refer to rows later in the same table
        connection.execute("BEGIN")
        for resource in tables.resources:
            fractional = tables.fractional(resource)
            connection.execute(create_table_sql(resource, fractional))
            for statement in index_sql(resource):
                connection.execute(statement)
            names = [f["name"] for f in resource.fields if f["name"] in tables.frames[resource.name].columns]
            insert = (
                f"INSERT INTO {quote_name(resource.name)} ({', '.join(quote_name(n) for n in names)}) "
                f"VALUES ({', '.join('?' for _ in names)})"
            )
            rows = ([sql_value(v, n in fractional) for n, v in zip(names, row, strict=True)] for row in tables.rows(resource))
            connection.executemany(insert, rows)
        write_metadata_tables(connection, tables)
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            connection.execute("ROLLBACK")
            table, rowid, parent, _ = broken[0]
            raise ValueError(f"{len(broken)} rows break a foreign key, first: table {table} row {rowid} -> {parent}")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


def datasette_description(item: dict) -> dict[str, str]:
    """Datasette's description keys for `item`: `description` as plain text, which Datasette shows
    escaped, and, where the Markdown has formatting, `description_html`, which Datasette shows in
    its place; a reader of the metadata file or of Datasette's JSON API still gets plain text."""
    text = description(item)
    keys = {"description": markdown_to_text(text)}
    if has_markup(text):
        keys["description_html"] = markdown_to_html(text)
    return keys


def datasette_metadata(tables: PackageTables, database: str) -> dict:
    """Titles, descriptions, licence and source in Datasette's metadata.json shape. Column
    descriptions are plain text: Datasette has no HTML form for them."""
    descriptor = tables.package.descriptor
    licence_name, licence_url = licence(descriptor)
    source_title, source_url = source(descriptor)
    metadata: dict = {
        "title": descriptor.get("title", descriptor.get("name", database)),
        **datasette_description(descriptor),
        "license": licence_name,
        "license_url": licence_url,
        "source": source_title,
    }
    if source_url.startswith(("http://", "https://")):
        metadata["source_url"] = source_url
    table_metadata: dict = {}
    for resource in tables.resources:
        table_metadata[resource.name] = {
            "title": resource.descriptor.get("title", resource.name),
            **datasette_description(resource.descriptor),
            "columns": {f["name"]: description_text(f) for f in resource.fields},
        }
    for name in META_TABLES:
        table_metadata[name] = {"hidden": True}
    metadata["databases"] = {database: {"tables": table_metadata}}
    return {k: v for k, v in metadata.items() if v != ""}


def metadata_path(output: Path) -> Path:
    """Where the Datasette metadata goes: `peacetalks.db` -> `peacetalks.metadata.json`."""
    return output.with_name(f"{output.stem}.metadata.json")


def export_sqlite(tables: PackageTables, output: Path) -> list[Path]:
    """Write the database and its Datasette metadata; return the paths written."""
    write_atomically(output, lambda target: write_database(target, tables))
    metadata = json.dumps(datasette_metadata(tables, output.stem), ensure_ascii=False, indent=2) + "\n"
    meta = metadata_path(output)
    write_atomically(meta, lambda target: target.write_text(metadata, encoding="utf-8", newline="\n"))
    return [output, meta]
