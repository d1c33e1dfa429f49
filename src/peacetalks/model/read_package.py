"""Find and read `datapackage.json` and the Table Schemas it points at.

Reading never raises for bad input: what cannot be read becomes a `Problem`
against the file it came from, and the rest of the package is still read so
that every problem can be reported at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from peacetalks.model.constraint_values import with_typed_constraints
from peacetalks.model.dialect import PLAIN, Dialect
from peacetalks.model.field import Field
from peacetalks.report.problems import Problem

DESCRIPTOR = "datapackage.json"
PATH_HINT = "no absolute paths, URLs, `..` or symlinks that leave the folder: validation reads only the package itself"


@dataclass
class Resource:
    """One table: its name, its CSV and its Table Schema (already loaded)."""

    name: str
    path: str  # the file problems name: the first part of a multipart table; `inline_file` for inline data
    schema: dict
    schema_file: str
    descriptor: dict
    dialect: Dialect = PLAIN
    paths: tuple[str, ...] = ()  # every file of the table, in order (one, or a multipart table's parts)
    data: list | None = None  # inline `data` rows
    inferred: bool = False  # no schema was given: `schema` was inferred from the header
    number: int = 0  # its place in the descriptor's `resources`

    @property
    def files(self) -> tuple[str, ...]:
        return self.paths or ((self.path,) if self.data is None else ())

    @property
    def fields(self) -> list[dict]:
        return [f for f in self.schema.get("fields", []) if isinstance(f, dict) and isinstance(f.get("name"), str)]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def field(self, name: str) -> dict | None:
        return next((f for f in self.fields if f["name"] == name), None)

    @property
    def field_views(self) -> list[Field]:
        """`fields` as `Field` views, which know the table's primary key."""
        key = tuple(self.primary_key)
        return [Field(f, key) for f in self.fields]

    def field_view(self, name: str) -> Field | None:
        found = self.field(name)
        return None if found is None else Field(found, tuple(self.primary_key))

    @property
    def primary_key(self) -> list[str]:
        return as_list(self.schema.get("primaryKey"))

    @property
    def foreign_keys(self) -> list[dict]:
        """Foreign keys with `fields` as lists and the target resource named (self-references resolved)."""
        keys = []
        for fk in self.schema.get("foreignKeys") or []:
            if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
                continue
            reference = fk["reference"]
            keys.append(
                {
                    "fields": as_list(fk.get("fields")),
                    "resource": reference.get("resource") or self.name,
                    "reference_fields": as_list(reference.get("fields")),
                }
            )
        return keys

    @property
    def rules(self) -> dict:
        """The project's own cross-table rules declared in the schema (`peacetalks` key)."""
        rules = self.schema.get("peacetalks")
        return rules if isinstance(rules, dict) else {}


@dataclass
class Package:
    root: Path
    descriptor: dict
    resources: list[Resource] = field(default_factory=list)
    path: Path | None = None  # the descriptor file
    # Resources that are not tables (a text, a GeoJSON file) or not read here (a spreadsheet):
    # only their presence, size and hash are checked.
    files: list[Resource] = field(default_factory=list)

    def resource(self, name: str) -> Resource | None:
        return next((r for r in self.resources if r.name == name), None)


def as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


YAML_NAMES = ("datapackage.yaml", "datapackage.yml")


def find_descriptor(path: str | Path | None) -> Path:
    """`path` may be a datapackage.json (or .yaml, .yml) or the folder holding it (default: the
    current folder); a folder with no datapackage.json but a datapackage.yaml is read from that."""
    candidate = Path(path) if path is not None else Path.cwd()
    if candidate.is_dir():
        folder = candidate
        candidate = folder / DESCRIPTOR
        if not candidate.exists():
            candidate = next((folder / name for name in YAML_NAMES if (folder / name).is_file()), candidate)
    return candidate


def is_yaml(path: str | Path) -> bool:
    return str(path).lower().endswith((".yaml", ".yml"))


def read_document(path: Path, shown_as: str) -> tuple[dict | None, list[Problem]]:
    """A JSON or (by its extension) YAML file holding one object."""
    return read_yaml(path, shown_as) if is_yaml(path) else read_json(path, shown_as)


def read_utf8(path: Path, shown_as: str) -> tuple[str | None, list[Problem]]:
    """A descriptor, schema or dialect file's text, or the problem that stops reading it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem.at(shown_as, "file-missing", "file not found")]
    except OSError as error:
        return None, [Problem.at(shown_as, "file-unreadable", f"cannot read the file: {error.strerror or error}")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem.at(shown_as, "encoding", "the file is not valid UTF-8", line=line)]


def read_yaml(path: Path, shown_as: str) -> tuple[dict | None, list[Problem]]:
    import yaml

    text, problems = read_utf8(path, shown_as)
    if text is None:
        return None, problems
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return None, [Problem.at(shown_as, "json", f"not valid YAML: {getattr(error, 'problem', None) or error}", line=line)]
    except RecursionError:
        return None, [Problem.at(shown_as, "json", "not valid YAML: nested too deeply", line=1)]
    if not isinstance(document, dict):
        return None, [Problem.at(shown_as, "json", "the top level must be a mapping (an object)", line=1)]
    return document, []


def read_json(path: Path, shown_as: str) -> tuple[dict | None, list[Problem]]:
    text, problems = read_utf8(path, shown_as)
    if text is None:
        return None, problems
    if text.startswith("\ufeff"):
        return None, [Problem.at(shown_as, "bom", "the file starts with a byte order mark (BOM); save it as UTF-8 without BOM", line=1)]
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [Problem.at(shown_as, "json", f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno)]
    except RecursionError:
        return None, [Problem.at(shown_as, "json", "not valid JSON: nested too deeply", line=1)]
    if not isinstance(document, dict):
        return None, [Problem.at(shown_as, "json", "the top level must be a JSON object", line=1)]
    return document, []


JsonPath = tuple[str | int, ...]


def json_lines(text: str) -> dict[JsonPath, int]:
    """The editor line of every key and array item of a JSON text that `json.loads` accepted.

    ("resources", 2, "path") -> the line of the `"path"` key of the third resource.
    Empty when the text cannot be walked, so callers fall back to no line.
    """
    lines: dict[JsonPath, int] = {}
    position, line, size = 0, 1, len(text)

    def skip() -> None:
        nonlocal position, line
        while position < size and text[position] in " \t\r\n":
            if text[position] == "\n":
                line += 1
            position += 1

    def string() -> str:
        nonlocal position
        start = position
        position += 1
        while text[position] != '"':
            position += 2 if text[position] == "\\" else 1
        position += 1
        return json.loads(text[start:position])

    def value(path: JsonPath) -> None:
        nonlocal position
        skip()
        lines.setdefault(path, line)
        opening = text[position]
        if opening == "{":
            position += 1
            skip()
            while text[position] != "}":
                skip()
                key_line = line
                key = string()
                lines[(*path, key)] = key_line
                skip()
                position += 1  # the colon
                value((*path, key))
                skip()
                if text[position] == ",":
                    position += 1
                    skip()
            position += 1
        elif opening == "[":
            position += 1
            skip()
            number = 0
            while text[position] != "]":
                value((*path, number))
                number += 1
                skip()
                if text[position] == ",":
                    position += 1
                    skip()
            position += 1
        elif opening == '"':
            string()
        else:
            while position < size and text[position] not in ",]} \t\r\n":
                position += 1

    try:
        value(())
    except (IndexError, ValueError, RecursionError):
        return {}
    return lines


def json_lines_of(path: Path) -> dict[JsonPath, int]:
    try:
        return json_lines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}


def line_at(lines: dict[JsonPath, int], path: JsonPath) -> int | None:
    """The line of `path`, or of the nearest enclosing key that exists."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


class JsonLines:
    """The lines of a JSON file's keys (`json_lines`), walked the first time a problem asks for
    one: a valid package asks for none, and the walk, character by character in Python, costs
    about 50 ms over this package's descriptor and schemas."""

    def __init__(self, path: Path):
        self.path = path
        self.lines: dict[JsonPath, int] | None = None

    def line(self, path: JsonPath) -> int | None:
        if self.lines is None:
            self.lines = json_lines_of(self.path)
        return line_at(self.lines, path)


def inside(root: Path, relative: str) -> Path | None:
    """The file `relative` names, or None when it would leave the package folder.

    Absolute paths, URLs, `..` and symlinks that point outside are all refused,
    so validation never reads anything but the package itself.
    """
    if not isinstance(relative, str) or not relative or "://" in relative or relative.startswith(("/", "\\")):
        return None
    if Path(relative).is_absolute() or ".." in Path(relative).parts or ":" in relative.split("/")[0]:
        return None
    target = root / relative
    try:
        resolved = target.resolve()
        resolved.relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return None
    return target


def is_remote(path) -> bool:
    """A URL (`https://`, `s3://`...): never fetched here."""
    import re

    return isinstance(path, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", path) is not None


def inline_file(name: str) -> str:
    """What a table of inline `data` is called while it is checked; its problems are moved to the
    JSON line of their row in datapackage.json at the end (`run.validate.relocate`)."""
    return f"{DESCRIPTOR}#{name}"


TABULAR_FORMATS = {"csv", "tsv"}
SPREADSHEETS = {"xlsx", "xls", "ods", "parquet", "json", "ndjson", "jsonl", "sqlite", "html", "inline"}


def data_format(item: dict, path: str) -> str:
    """The declared `format`, else the extension of the path with any compression's taken off."""
    from peacetalks.model.dialect import COMPRESSION_BY_EXTENSION

    declared = item.get("format")
    if isinstance(declared, str) and declared:
        return declared.lower()
    import os
    from urllib.parse import urlparse

    # As frictionless 5.21 reads a name (`helpers.parse_scheme_and_format`): as a URL, so `t#1.csv`
    # has no extension and `t.csv?x=1` is csv.
    stem, extension = os.path.splitext(urlparse(path).path)
    if extension[1:].lower() in COMPRESSION_BY_EXTENSION:
        extension = os.path.splitext(stem)[1]
    return extension[1:].lower()


PACKAGE_HINT = (
    f"a package is a folder with a {DESCRIPTOR} (or datapackage.yaml) that lists its tables as `resources`, "
    "each with a `path` to its CSV file and a `schema`; to check one CSV file alone: `peacetalks validate some.csv`"
)


def is_table_file(path: Path) -> bool:
    """A CSV or TSV file (compressed or not), which some take for a package."""
    return path.is_file() and data_format({}, path.name) in TABULAR_FORMATS


def no_package(path: str | Path | None) -> Problem | None:
    """Why there is no package at `path` (a folder without a descriptor, a missing file, a table
    given where the package is wanted), or None when there is a descriptor to read."""
    import shlex

    descriptor_path = find_descriptor(path)
    if is_table_file(descriptor_path):
        return Problem.at(
            str(path),
            "file-missing",
            f"this is a table, not a package: give the {DESCRIPTOR} that describes it, or the folder that holds it",
            hint=f"`peacetalks validate {shlex.quote(str(path))}` checks the table alone, every column read as text",
        )
    if descriptor_path.exists():
        return None
    shown = DESCRIPTOR if descriptor_path.name == DESCRIPTOR else str(descriptor_path)
    where = descriptor_path.parent if descriptor_path.name == DESCRIPTOR else descriptor_path
    return Problem.at(shown, "file-missing", f"no {DESCRIPTOR} at {where.resolve()}", hint=PACKAGE_HINT)


def read_package(path: str | Path | None = None, *, table_alone: bool = False) -> tuple[Package | None, list[Problem]]:
    """The package whose descriptor is at `path` (`find_descriptor`), and the problems that reading
    it found. `table_alone`: a CSV or TSV file given as `path` is read as a package of that one
    table, its schema inferred from its header, as `frictionless validate some.csv` reads it."""
    descriptor_path = find_descriptor(path)
    if table_alone and is_table_file(descriptor_path):
        return read_table_alone(descriptor_path)
    missing = no_package(path)
    if missing is not None:
        return None, [missing]
    root = descriptor_path.parent
    shown = (
        DESCRIPTOR
        if descriptor_path.name == DESCRIPTOR
        else descriptor_path.name
        if descriptor_path.name in YAML_NAMES
        else str(descriptor_path)
    )
    descriptor, problems = read_document(descriptor_path, shown)
    if descriptor is None:
        return None, problems
    package = Package(root=root, descriptor=descriptor, path=descriptor_path)
    lines = JsonLines(descriptor_path) if not is_yaml(descriptor_path) else NoLines()
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        problems.append(
            Problem.at(DESCRIPTOR, "descriptor", "`resources` must be a non-empty list of tables", line=lines.line(("resources",)))
        )
        return package, problems
    for number, item in enumerate(resources):
        where = f"resources[{number}]"
        if not isinstance(item, dict):
            problems.append(Problem.at(DESCRIPTOR, "descriptor", f"{where} must be an object", line=lines.line(("resources", number))))
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name:
            problems.append(Problem.at(DESCRIPTOR, "descriptor", f"{where} has no `name`", line=lines.line(("resources", number, "name"))))
            continue
        problems += read_resource_descriptor(package, item, number, name, lines)
    return package, problems


def read_table_alone(path: Path) -> tuple[Package, list[Problem]]:
    """A package of the one table at `path`, with no schema (`schema-inferred`)."""
    import re

    name = re.sub(r"[^a-z0-9._-]+", "-", path.name.split(".")[0].lower()).strip("-") or "table"
    # Problems name the file as it was given (`data/actors.csv`) when that is a path below the
    # current folder; otherwise by its name, in its own folder.
    given = path.as_posix()
    root, relative = (Path("."), given) if inside(Path("."), given) is not None else (path.parent, path.name)
    descriptor = {"resources": [{"name": name, "path": relative}]}
    package = Package(root=root, descriptor=descriptor, path=path)
    return package, read_resource_descriptor(package, descriptor["resources"][0], 0, name, NoLines())


class NoLines:
    """The lines of a YAML descriptor's keys are not looked for: its problems have none."""

    def line(self, path) -> None:
        return None


def read_resource_descriptor(package: Package, item: dict, number: int, name: str, lines) -> list[Problem]:
    """One resource: a table added to `package.resources`, a file only checked for its presence,
    size and hash added to `package.files`, or a note saying why it is not checked. Returns the
    problems (and notes) found."""
    from peacetalks.model.dialect import compression_of, dialect_of, dialect_problems, encoding_problem

    root = package.root
    at = ("resources", number)

    def problem(rule: str, message: str, key: tuple = (), **kwargs) -> Problem:
        return Problem.at(DESCRIPTOR, rule, f"resource {name!r}: {message}", line=lines.line((*at, *key)), **kwargs)

    def note(file: str, why: str) -> list[Problem]:
        line = lines.line((*at, "path")) if file == DESCRIPTOR else None
        return [Problem.at(file, "not-checked", f"resource {name!r} is not checked: {why}", line=line)]

    # Data Package v2: a resource's `url` (v0) MUST be read as its `path`.
    data_path = item.get("path") if "path" in item else item.get("url")
    inline = item.get("data")
    if data_path is None and inline is not None:
        parts: list = []
    elif isinstance(data_path, list) and data_path:
        parts = data_path
    else:
        parts = [data_path]
    if any(is_remote(part) for part in parts):
        remote = next(part for part in parts if is_remote(part))
        return note(DESCRIPTOR, f"its data is remote ({remote}), and validation opens no network connection")
    if "scheme" in item and item["scheme"] not in ("file", None):
        return note(DESCRIPTOR, f"its `scheme` {json.dumps(item['scheme'])} is not a file in the package folder")
    for part_number, part in enumerate(parts):
        if not isinstance(part, str) or inside(root, part) is None:
            key = ("path", part_number) if isinstance(data_path, list) else ("path",)
            return [
                problem(
                    "unsafe-path" if isinstance(part, str) or (part is None and data_path is not None) else "descriptor",
                    "`path` must be a relative path inside the package folder"
                    if data_path is not None
                    else "a resource needs `path` or `data`",
                    key,
                    value=part,
                    hint=PATH_HINT,
                )
            ]
    file = parts[0] if parts else inline_file(name)
    tabular_type = item.get("type") in (None, "table")
    fmt = data_format(item, file if parts else "")
    schema_ref = item.get("schema")
    if not tabular_type or (schema_ref is None and not (fmt in TABULAR_FORMATS or isinstance(inline, list))):
        # Not a table (a text, a GeoJSON file...): its presence, size and hash are all there is to check.
        package.files.append(Resource(name, file, {}, "", item, paths=tuple(parts), number=number))
        return []
    if (parts and fmt not in TABULAR_FORMATS) or (not parts and not isinstance(inline, list)):
        package.files.append(Resource(name, file, {}, "", item, paths=tuple(parts), number=number))
        shown = fmt or "with no extension"
        return note(file if parts else DESCRIPTOR, f"its format ({shown}) is not read here; its presence, size and hash are checked")
    # How the file is read.
    found: list[Problem] = []
    if "encoding" in item and (refused := encoding_problem(item["encoding"])):
        found.append(problem("descriptor", refused, ("encoding",), value=item["encoding"]))
    compression = compression_of(item, file) if parts else None
    if compression == "":
        found.append(
            problem(
                "descriptor", "its `compression` is not one read here (gz, bz2, zip, xz)", ("compression",), value=item.get("compression")
            )
        )
    dialect_ref = item.get("dialect")
    dialect_file = DESCRIPTOR
    if isinstance(dialect_ref, str):
        if is_remote(dialect_ref) or inside(root, dialect_ref) is None:
            found.append(
                problem(
                    "unsafe-path",
                    "`dialect` must be an object or a relative path inside the package folder",
                    ("dialect",),
                    value=dialect_ref,
                    hint=PATH_HINT,
                )
            )
            dialect_ref = None
        else:
            dialect_ref, read_problems = read_document(root / dialect_ref, item["dialect"])
            found += read_problems
            dialect_file = item["dialect"]
    elif "dialect" in item and not isinstance(dialect_ref, dict):
        found.append(problem("descriptor", "`dialect` must be an object or a path", ("dialect",), value=json.dumps(dialect_ref)))
        dialect_ref = None
    if isinstance(dialect_ref, dict):
        dialect_lines = (
            lines if dialect_file == DESCRIPTOR else (JsonLines(root / dialect_file) if not is_yaml(dialect_file) else NoLines())
        )
        for key, message, value in dialect_problems(dialect_ref):
            path = (*at, "dialect", *key) if dialect_file == DESCRIPTOR else key
            found.append(
                Problem.at(
                    dialect_file, "descriptor", f"resource {name!r}: {message}", line=dialect_lines.line(path), value=json.dumps(value)
                )
            )
    if found:
        return found  # refused alone: the table is not read with options it does not mean
    encoding = item.get("encoding")
    dialect = dialect_of(dialect_ref if isinstance(dialect_ref, dict) else None, encoding, compression, tsv=fmt == "tsv")
    paths = tuple(parts)
    data = inline if not parts else None
    if is_remote(schema_ref):
        return note(DESCRIPTOR, f"its schema is remote ({schema_ref}), and validation opens no network connection")
    if isinstance(schema_ref, dict):
        schema, schema_file = schema_ref, DESCRIPTOR
    elif isinstance(schema_ref, str) and not is_remote(schema_ref) and inside(root, schema_ref) is not None:
        schema, schema_problems = read_document(root / schema_ref, schema_ref)
        schema_file = schema_ref
        if schema is None:
            return schema_problems
    elif schema_ref is None:
        resource = Resource(name, file, {}, "", item, dialect=dialect, paths=paths, data=data, inferred=True, number=number)
        from peacetalks.read.read_sources import inferred_schema

        resource.schema = inferred_schema(root, resource)
        package.resources.append(resource)
        return [
            Problem.at(
                file if parts else DESCRIPTOR,
                "schema-inferred",
                f"resource {name!r} has no schema: read with every column as text, so only the table's structure is checked",
                line=None if parts else lines.line((*at, "name")),
            )
        ]
    else:
        return [
            problem(
                "unsafe-path" if isinstance(schema_ref, str) else "descriptor",
                "`schema` must be a relative path inside the package folder or an object",
                ("schema",),
                value=schema_ref,
                hint=PATH_HINT if isinstance(schema_ref, str) else None,
            )
        ]
    schema = with_typed_constraints(schema)
    package.resources.append(Resource(name, file, schema, schema_file, item, dialect=dialect, paths=paths, data=data, number=number))
    return []
