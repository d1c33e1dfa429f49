"""The `peacetalks` command."""

from __future__ import annotations

import sys

import click

from peacetalks.checks.check_frictionless import FULL_CHECK_MAX_BYTES, TIME_LIMIT_SECONDS, TIME_LIMIT_SECONDS_PER_MB
from peacetalks.report.problems import counted, format_json, format_text, internal_error

PATH_HELP = "A datapackage.json, or the folder that holds it (default: the current folder)."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="peacetalks", message="%(prog)s %(version)s")
def main() -> None:
    """Validate, load and export the peacetalks data package."""


@main.command()
@click.argument("path", required=False, default=".", type=click.Path(exists=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report as text for people or JSON for programs (the same records; see docs/validator.md).",
)
@click.option(
    "--frictionless",
    type=click.Choice(["auto", "full", "descriptor", "off"]),
    default="auto",
    show_default=True,
    help="Also run frictionless: on descriptor and data (full), descriptor only, not at all (off), "
    f"or full only for packages under {FULL_CHECK_MAX_BYTES // 1_000_000} MB (auto); columns only frictionless reads "
    "(time, array, a uri...) are checked by its cell reader in every mode. Its pass over the data stops after "
    f"{TIME_LIMIT_SECONDS} s plus {TIME_LIMIT_SECONDS_PER_MB} s per MB (frictionless:too-long).",
)
@click.option(
    "--profile",
    type=click.Choice(["standard", "house"]),
    default=None,
    help="The rules to hold the package to: the Data Package standard, or the stricter house rules "
    "(see docs/rules.md). [default: the profile the package declares, else standard]",
)
def validate(path: str, output_format: str, frictionless: str, profile: str | None) -> None:
    """Check the package at PATH and report every problem: file, line, column, value and rule.

    Exits 0 when the package is valid, 1 when it has problems (or the validator
    itself failed, reported as one line naming the file), 2 on wrong usage.
    """
    from peacetalks.run.validate import validate_package

    try:
        outcome = validate_package(path, frictionless=frictionless, profile=profile)
    except Exception as error:  # one plain line, never a traceback
        problem = internal_error(error, path)
        if output_format == "json":
            click.echo(format_json([problem], path))
        else:
            click.echo(f"error: {problem.message} [internal-error]", err=True)
        sys.exit(1)
    problems = outcome.problems
    rows = sum(outcome.tables.values())
    checked = f"{path} ({counted(len(outcome.tables), 'table')}, {counted(rows, 'row')})"
    if output_format == "json":
        click.echo(format_json(problems, checked, outcome.notes))
    else:
        click.echo(format_text(problems, checked, outcome.notes), err=bool(problems))
    sys.exit(1 if problems else 0)


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="One line per rule, or the Markdown page docs/rules.md is.",
)
def rules(output_format: str) -> None:
    """List every rule the validator reports: its name, what it applies to, its profile and what it catches."""
    from peacetalks.docs.write_rules import rules_markdown, rules_text

    click.echo(rules_markdown() if output_format == "markdown" else rules_text(), nl=output_format != "markdown")


@main.command(name="hash")
@click.argument("path", required=False, default=".", type=click.Path(exists=True))
def hash_command(path: str) -> None:
    """Record the current hash and size of every file in datapackage.json, and each source text's SHA-256.

    Run it after an intended edit; `validate` reports any file that no longer matches.
    """
    from peacetalks.edit.write_hashes import write_hashes
    from peacetalks.model.read_package import read_package

    package, problems = read_package(path)
    if package is None:
        click.echo(format_text(problems, path), err=True)
        sys.exit(1)
    from peacetalks.edit.write_hashes import CannotHash

    try:
        changed = write_hashes(package)
    except CannotHash as error:
        click.echo(format_text(error.problems, path), err=True)
        click.echo("nothing was changed: fix the file, then run `peacetalks hash` again", err=True)
        sys.exit(1)
    except (OSError, ValueError) as error:
        click.echo(f"error: could not update the hashes: {error}", err=True)
        sys.exit(1)
    missing = [r.path for r in package.resources if not (package.root / r.path).is_file()]
    if missing:
        # Found by a README walk-through: a missing table was passed over, and "already up to date" said.
        if changed:
            click.echo("updated: " + ", ".join(changed))
        click.echo(f"error: not hashed, there is no file at: {', '.join(missing)}", err=True)
        sys.exit(1)
    click.echo("updated: " + ", ".join(changed) if changed else "hashes already up to date")


EXPORT_FORMATS = ["sqlite", "xlsx", "parquet", "json"]
PACKAGE_OPTION_HELP = "The package to read: a datapackage.json or its folder (default: the current folder, else this repository)."


def read_package_or_exit(package_path: str | None):
    """The package with its typed tables, or its problems on stderr and exit 1."""
    from peacetalks.export.prepare_export import read_for_export
    from peacetalks.read.load_tables import PackageError

    try:
        return read_for_export(package_path)
    except PackageError as error:
        click.echo(format_text(error.problems, package_path or "."), err=True)
        click.echo("run `peacetalks validate` for the full report", err=True)
        sys.exit(1)


@main.command()
@click.argument("output", type=click.Path(dir_okay=True, file_okay=True))
@click.option(
    "--to",
    "target",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="The format to write: sqlite (one .db file with keys and constraints, plus a Datasette <name>.metadata.json beside it), "
    "xlsx (one workbook), parquet (a folder with one <table>.parquet per table) or json (the descriptor and every table as records).",
)
@click.option("--package", "package_path", type=click.Path(exists=True), default=None, help=PACKAGE_OPTION_HELP)
@click.option("--force", is_flag=True, help="Replace OUTPUT (and the Datasette metadata file) if it already exists.")
def export(output: str, target: str, package_path: str | None, force: bool) -> None:
    """Write every table of the package to OUTPUT in another format.

    Types, keys, allowed values and descriptions all come from the Table Schemas.
    The same package always gives byte-identical files. An existing OUTPUT is
    never replaced unless you pass --force.

    \b
    peacetalks export --to sqlite peacetalks.db
    peacetalks export --to xlsx peacetalks.xlsx
    peacetalks export --to parquet parquet/
    peacetalks export --to json peacetalks.json
    """
    from pathlib import Path

    from peacetalks.export.prepare_export import OutputExists, refuse_existing

    destination = Path(output)
    try:
        refuse_existing(destination, force, folder=target == "parquet")
        if target == "sqlite":
            from peacetalks.export.export_sqlite import metadata_path

            refuse_existing(metadata_path(destination), force)
    except OutputExists as error:
        raise click.BadParameter(str(error), param_hint="OUTPUT") from None
    tables = read_package_or_exit(package_path)
    try:
        if target == "sqlite":
            from peacetalks.export.export_sqlite import export_sqlite as write
        elif target == "xlsx":
            from peacetalks.export.export_xlsx import export_xlsx as write
        elif target == "parquet":
            from peacetalks.export.export_parquet import export_parquet as write
        else:
            from peacetalks.export.export_json import export_json as write
        written = write(tables, destination)
    except (OSError, ValueError) as error:
        click.echo(f"error: could not write {destination}: {error}", err=True)
        sys.exit(1)
    rows = sum(tables.row_count(r) for r in tables.resources)
    click.echo(f"wrote {', '.join(str(p) for p in written)} ({counted(len(tables.resources), 'table')}, {counted(rows, 'row')})")
    if target == "sqlite":
        click.echo(f"browse it: datasette {destination} -m {written[1]}")


@main.command()
@click.argument("path", required=False, default=".", type=click.Path(exists=True))
def info(path: str) -> None:
    """Show the package's title, version, licence and sources, and each table with its row count."""
    from peacetalks.docs.show_info import info_lines
    from peacetalks.model.read_package import read_package

    package, problems = read_package(path)
    if package is None:
        click.echo(format_text(problems, path), err=True)
        sys.exit(1)
    click.echo("\n".join(info_lines(package)))


def package_with_tables(path: str):
    """The package and its typed tables, or the problems on stderr and exit 1."""
    tables = read_package_or_exit(path)
    return tables.package, tables.frames


@main.command()
@click.argument("path", required=False, default=".", type=click.Path(exists=True))
@click.option("--no-picture", is_flag=True, help="Skip drawing docs/positions.png and .svg (faster; the picture may then be stale).")
def docs(path: str, no_picture: bool) -> None:
    """Regenerate the documentation under PATH from datapackage.json and the schemas.

    Writes docs/data-dictionary.md, docs/er-diagram.md (Mermaid), the diagram and
    the judgement calls (rows marked `basis` = `inferred`) in README.md between
    their marker comments, and docs/positions.png/.svg (as
    `peacetalks graph`). Files whose content would not change are left alone.
    """
    from peacetalks.docs.write_docs import write_docs

    package, frames = package_with_tables(path)
    try:
        result = write_docs(package, frames, pictures=not no_picture)
    except (OSError, ValueError, KeyError) as error:
        click.echo(f"error: could not write the documentation: {error}", err=True)
        sys.exit(1)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo("updated: " + ", ".join(str(p) for p in result.changed) if result.changed else "documentation already up to date")


@main.command()
@click.argument("path", required=False, default=".", type=click.Path(exists=True))
@click.option(
    "--output",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for positions.png and positions.svg (default: the package's docs/ folder).",
)
@click.option("--force", is_flag=True, help="Replace positions.png and positions.svg if --output already holds them.")
def graph(path: str, output: str | None, force: bool) -> None:
    """Draw who stands where: actors, proposals and each stance, to positions.png and positions.svg."""
    from pathlib import Path

    from peacetalks.docs.draw_positions import write_positions

    package, frames = package_with_tables(path)
    folder = Path(output) if output else package.root / "docs"
    # The package's own docs/ is regenerated on purpose; a folder the user names may hold their own files.
    if output and not force:
        from peacetalks.docs.draw_positions import render

        pictures = dict(zip(("positions.png", "positions.svg"), render(frames, package.descriptor), strict=True))
        differ = [folder / n for n, data in pictures.items() if (folder / n).exists() and (folder / n).read_bytes() != data]
        if differ:
            raise click.BadParameter(f"{', '.join(map(str, differ))} already exist; pass --force to replace them", param_hint="--output")
    try:
        changed = write_positions(frames, package.descriptor, folder)
    except (OSError, ValueError, KeyError) as error:
        click.echo(f"error: could not draw the picture: {error}", err=True)
        sys.exit(1)
    shown = ", ".join(str(folder / name) for name in ("positions.png", "positions.svg"))
    click.echo(f"wrote {shown}" if changed else f"{shown} already up to date")



@main.command()
@click.argument("output", type=click.Path(file_okay=False))
@click.option("--package", "package_path", type=click.Path(exists=True), default=None, help=PACKAGE_OPTION_HELP)
@click.option("--force", is_flag=True, help="Replace OUTPUT, and everything in it, when it is a folder that is not empty.")
def site(output: str, package_path: str | None, force: bool) -> None:
    """Build the provenance page in the folder OUTPUT: the article with every quoted passage marked, and every fact.

    Open OUTPUT/index.html in a browser: it needs no server and no network, and
    the folder can be published as it is (GitHub Pages). It also holds a copy of
    the package and its exports. The same package always gives the same files.

    \b
    peacetalks site site/
    """
    from pathlib import Path

    from peacetalks.site.build_site import OutputRefused, SiteError, refuse_output, write_site

    destination = Path(output)
    try:
        refuse_output(destination, force)
        tables = read_package_or_exit(package_path)
        write_site(tables, destination)
    except OutputRefused as error:
        raise click.BadParameter(str(error), param_hint="OUTPUT") from None
    except (SiteError, OSError, ValueError) as error:
        raise click.ClickException(f"could not build the page in {output}: {error}") from None
    click.echo(f"wrote {destination / 'index.html'} and its files: open it in a browser")
