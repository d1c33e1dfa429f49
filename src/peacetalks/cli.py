"""The `peacetalks` command."""

from __future__ import annotations

import sys

import click

from peacetalks.problems import Problem, format_json, format_text

PATH_HELP = "A datapackage.json, or the folder that holds it (default: the current folder)."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="peacetalks", message="%(prog)s %(version)s")
def main() -> None:
    """Validate, load and export the peacetalks data package."""


def internal_error(path: str, error: Exception) -> Problem:
    return Problem.at(path, "internal-error", f"the validator failed while reading this package: {type(error).__name__}: {error}")


@main.command()
@click.argument("path", required=False, default=".", type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report as text for people or JSON for programs.")
@click.option(
    "--frictionless",
    type=click.Choice(["auto", "full", "descriptor", "off"]),
    default="auto",
    show_default=True,
    help="Also run frictionless: on descriptor and data (full), descriptor only, not at all (off), or full only for packages under 20 MB (auto).",
)
def validate(path: str, output_format: str, frictionless: str) -> None:
    """Check the package at PATH and report every problem: file, line, column, value and rule.

    Exits 0 when the package is valid, 1 when it has problems, 2 on wrong usage.
    """
    from peacetalks.validate import validate_package

    try:
        outcome = validate_package(path, frictionless=frictionless)
        problems = outcome.problems
    except Exception as error:  # one plain line, never a traceback
        problems = [internal_error(path, error)]
        outcome = None
    rows = sum(outcome.tables.values()) if outcome else 0
    checked = f"{path} ({len(outcome.tables) if outcome else 0} tables, {rows} rows)"
    if output_format == "json":
        click.echo(format_json(problems, checked))
    else:
        click.echo(format_text(problems, checked), err=bool(problems))
    sys.exit(1 if problems else 0)


@main.command(name="hash")
@click.argument("path", required=False, default=".", type=click.Path())
def hash_command(path: str) -> None:
    """Record the current hash and size of every file in datapackage.json, and each source text's SHA-256.

    Run it after an intended edit; `validate` reports any file that no longer matches.
    """
    from peacetalks.read_package import read_package
    from peacetalks.write_hashes import write_hashes

    package, problems = read_package(path)
    if package is None:
        click.echo(format_text(problems, path), err=True)
        sys.exit(1)
    try:
        changed = write_hashes(package)
    except (OSError, ValueError) as error:
        click.echo(f"error: could not update the hashes: {error}", err=True)
        sys.exit(1)
    click.echo("updated: " + ", ".join(changed) if changed else "hashes already up to date")
