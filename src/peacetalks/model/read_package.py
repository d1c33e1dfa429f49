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
from peacetalks.report.problems import Problem

DESCRIPTOR = "datapackage.json"
PATH_HINT = "no absolute paths, URLs, `..` or symlinks that leave the folder: validation reads only the package itself"


@dataclass
class Resource:
    """One table: its name, its CSV and its Table Schema (already loaded)."""

    name: str
    path: str
    schema: dict
    schema_file: str
    descriptor: dict

    @property
    def fields(self) -> list[dict]:
        return [f for f in self.schema.get("fields", []) if isinstance(f, dict) and isinstance(f.get("name"), str)]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def field(self, name: str) -> dict | None:
        return next((f for f in self.fields if f["name"] == name), None)

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


def find_descriptor(path: str | Path | None) -> Path:
    """`path` may be a datapackage.json or the folder holding it (default: the current folder)."""
    candidate = Path(path) if path is not None else Path.cwd()
    if candidate.is_dir():
        candidate = candidate / DESCRIPTOR
    return candidate


def read_json(path: Path, shown_as: str) -> tuple[dict | None, list[Problem]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem.at(shown_as, "file-missing", "file not found")]
    except OSError as error:
        return None, [Problem.at(shown_as, "file-unreadable", f"cannot read the file: {error.strerror or error}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem.at(shown_as, "encoding", "the file is not valid UTF-8", line=line)]
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


def read_package(path: str | Path | None = None) -> tuple[Package | None, list[Problem]]:
    descriptor_path = find_descriptor(path)
    root = descriptor_path.parent
    shown = DESCRIPTOR if descriptor_path.name == DESCRIPTOR else str(descriptor_path)
    descriptor, problems = read_json(descriptor_path, shown)
    if descriptor is None:
        if problems and problems[0].rule == "file-missing":
            where = descriptor_path.parent if descriptor_path.name == DESCRIPTOR else descriptor_path
            problems = [Problem.at(shown, "file-missing", f"no {DESCRIPTOR} at {where.resolve()}")]
        return None, problems
    package = Package(root=root, descriptor=descriptor, path=descriptor_path)
    lines = JsonLines(descriptor_path)
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
            problems.append(
                Problem.at(DESCRIPTOR, "descriptor", f"{where} has no `name`", line=lines.line(("resources", number, "name")))
            )
            continue
        data_path = item.get("path")
        if isinstance(data_path, list):
            problems.append(
                Problem.at(
                    DESCRIPTOR,
                    "descriptor",
                    f"resource {name!r}: a table in several files (a `path` list) is not read here",
                    line=lines.line(("resources", number, "path")),
                    value=json.dumps(data_path),
                    hint="join the files into one CSV with one header row, and give its path",
                )
            )
            continue
        if not isinstance(data_path, str) or inside(root, data_path) is None:
            problems.append(
                Problem.at(
                    DESCRIPTOR,
                    "unsafe-path",
                    f"resource {name!r}: `path` must be a relative path inside the package folder",
                    line=lines.line(("resources", number, "path")),
                    value=data_path,
                    hint=PATH_HINT,
                )
            )
            continue
        schema_ref = item.get("schema")
        if isinstance(schema_ref, dict):
            schema, schema_file = schema_ref, DESCRIPTOR
        elif isinstance(schema_ref, str) and inside(root, schema_ref) is not None:
            schema, schema_problems = read_json(root / schema_ref, schema_ref)
            schema_file = schema_ref
            problems.extend(schema_problems)
            if schema is None:
                continue
        else:
            problems.append(
                Problem.at(
                    DESCRIPTOR,
                    "unsafe-path" if isinstance(schema_ref, str) else "descriptor",
                    f"resource {name!r}: `schema` must be a relative path inside the package folder or an object",
                    line=lines.line(("resources", number, "schema")),
                    value=schema_ref,
                    hint=PATH_HINT if isinstance(schema_ref, str) else None,
                )
            )
            continue
        package.resources.append(Resource(name, data_path, with_typed_constraints(schema), schema_file, item))
    return package, problems
