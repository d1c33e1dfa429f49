"""The `peacetalks` command: a thin layer that parses arguments and prints results.

The work is done by the modules each command imports when it runs, so that `peacetalks --help`
does not wait for pandas.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from click.core import ParameterSource

from peacetalks.checks.check_frictionless import FRICTIONLESS_MODES, FULL_CHECK_MAX_BYTES, TIME_LIMIT_SECONDS, TIME_LIMIT_SECONDS_PER_MB
from peacetalks.report.problems import MAX_PER_RULE, Problem, counted, format_text, internal_error, json_chunks, text_lines

PATH_HELP = "A datapackage.json (or .yaml), or the folder that holds it (default: the current folder)."


def path_argument(command):
    """The package a command reads, declared once. PATH is always passed on (`read_package` finds the
    descriptor in it), never left for a reader to guess: outside a package every command reports the
    missing datapackage.json rather than reading another package, as `load()` does with no argument."""
    return click.argument("path", required=False, default=".", type=click.Path(exists=True), help=PATH_HELP)(command)


def format_option(*choices: str, help: str):
    """`--format`: the first choice is the default."""
    return click.option("--format", "output_format", type=click.Choice(choices), default=choices[0], show_default=True, help=help)


def force_option(help: str):
    return click.option("--force", is_flag=True, help=help)


class PackageProblems(click.ClickException):
    """Located problems that stop a command other than `validate`: the report on stderr (not one
    "Error:" line), since the command's output is something else, exit 1."""

    def __init__(self, problems: list[Problem], path: str, advice: str = ""):
        super().__init__(advice)
        self.report = format_text(problems, path)

    def show(self, file=None) -> None:
        click.echo(self.report, err=True)
        if self.message:
            click.echo(self.message, err=True)


class PlainErrors(click.Group):
    """Any command's unexpected failure as one plain line on stderr and exit 1, never a traceback
    (`validate` reports its own as a record of its report)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as error:
            command = f"peacetalks {ctx.invoked_subcommand}" if ctx.invoked_subcommand else "peacetalks"
            problem = internal_error(error, command)
            click.echo(f"error: {command} failed: {problem.message.split(': ', 1)[-1]} [internal-error]", err=True)
            click.echo(f"  {problem.hint}", err=True)
            ctx.exit(1)


@click.group(cls=PlainErrors, context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(package_name="peacetalks", message="%(prog)s %(version)s")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Validate, load and export the peacetalks data package."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@main.command(short_help="Check a package and report every problem it has.")
@path_argument
@format_option(
    "text",
    "json",
    help="Report as text for people (at most --max-per-rule of a kind) or JSON for programs (every record; see docs/validator.md).",
)
@click.option(
    "--frictionless",
    type=click.Choice(FRICTIONLESS_MODES),
    default="auto",
    show_default=True,
    envvar="PEACETALKS_FRICTIONLESS",
    show_envvar=True,
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
@click.option(
    "--max-per-rule",
    type=click.IntRange(min=1),
    metavar="N",
    default=MAX_PER_RULE,
    show_default=True,
    help="Text report: after N problems of one rule in one file and column, one line gives how many more there are "
    "and their first and last line.",
)
@click.option("--all", "show_all", is_flag=True, help="Text report: list every problem, with no summary lines.")
@click.option(
    "--counts",
    is_flag=True,
    help="JSON report: the count and first and last line of each rule in each file and column, instead of every record.",
)
@click.pass_context
def validate(
    ctx: click.Context,
    path: str,
    output_format: str,
    frictionless: str,
    profile: str | None,
    max_per_rule: int,
    show_all: bool,
    counts: bool,
) -> None:
    """Check the package at PATH (or a CSV file alone) and report every problem: file, line, column, value and rule.

    The report goes to stdout, whatever the verdict: `peacetalks validate > report.txt`
    keeps it. Exits 0 when the package is valid, 1 when it has problems (or the
    validator itself failed, reported as one line naming the file), 2 on wrong usage.
    """
    if counts and output_format != "json":
        raise click.UsageError("--counts is for the JSON report: add --format json")
    if show_all and ctx.get_parameter_source("max_per_rule") is not ParameterSource.DEFAULT:
        raise click.UsageError("give --all or --max-per-rule, not both")
    from peacetalks.run.validate import validate_package

    try:
        outcome = validate_package(path, frictionless=frictionless, profile=profile)
    except Exception as error:  # one plain line, never a traceback
        problem = internal_error(error, path)
        if output_format == "json":
            echo_all(json_chunks([problem], path))
        else:
            click.echo(f"error: {problem.message} [internal-error]")
        sys.exit(1)
    problems = outcome.problems
    rows = sum(outcome.tables.values())
    checked = f"{path} ({counted(len(outcome.tables), 'table')}, {counted(rows, 'row')})"
    # The report is the command's output, so it goes to stdout whatever the verdict; the exit code carries it.
    if output_format == "json":
        echo_all(json_chunks(problems, checked, outcome.notes, counts=counts))
    else:
        echo_all(text_lines(problems, checked, outcome.notes, limit=None if show_all else max_per_rule), separator="\n")
    sys.exit(1 if problems else 0)


def echo_all(chunks, separator: str = "") -> None:
    """Write a report as it is made, about a megabyte at a time (never the whole of a large one at
    once), ending with a newline."""
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        if size > 1_000_000:  # what is written last ends the report, with its newline
            click.echo(separator.join(batch) + separator, nl=False)
            batch, size = [], 0
        batch.append(chunk)
        size += len(chunk)
    click.echo(separator.join(batch))


@main.command(short_help="List every rule the validator reports.")
@format_option("text", "markdown", help="One line per rule, or the Markdown page docs/rules.md is.")
def rules(output_format: str) -> None:
    """List every rule the validator reports: its name, what it applies to, its profile and what it catches."""
    from peacetalks.docs.write_rules import rules_markdown, rules_text

    click.echo(rules_markdown() if output_format == "markdown" else rules_text(), nl=output_format != "markdown")


@main.command(name="hash", short_help="Record every file's hash and size after an intended edit.")
@path_argument
def hash_command(path: str) -> None:
    """Record the current hash and size of every file in datapackage.json, and each source text's SHA-256.

    Run it after an intended edit; `validate` reports any file that no longer matches.
    """
    from peacetalks.edit.write_hashes import CannotHash, write_hashes

    package = read_package_or_fail(path)
    try:
        changed = write_hashes(package)
    except CannotHash as error:
        raise PackageProblems(error.problems, path, "nothing was changed: fix the file, then run `peacetalks hash` again") from None
    except (OSError, ValueError) as error:
        raise click.ClickException(f"could not update the hashes: {error}") from None
    # A missing table is said, not passed over: "already up to date" would hide it.
    missing = [r.path for r in package.resources if not (package.root / r.path).is_file()]
    if changed:
        click.echo("updated: " + ", ".join(changed))
    elif not missing:
        click.echo("hashes already up to date")
    if missing:
        raise click.ClickException(f"not hashed, there is no file at: {', '.join(missing)}")


class NoPackage(click.ClickException):
    """No package where a command needs one: what is missing and what a package is, on stderr, exit 1."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem

    def show(self, file=None) -> None:
        click.echo(f"{self.problem.location()}: [{self.problem.rule}] {self.problem.message}", err=True)
        if self.problem.hint:
            click.echo(f"  {self.problem.hint}", err=True)


def refuse_no_package(path: str) -> None:
    from peacetalks.model.read_package import no_package

    missing = no_package(path)
    if missing is not None:
        raise NoPackage(missing)


@main.command(short_help="Put the tables a spreadsheet saved back into the package's form; no value changes.")
@path_argument
@click.option(
    "--encoding",
    default=None,
    help="The encoding the tables that are not UTF-8 were saved in (cp1252, cp1250, mac-roman...), for when fix cannot tell it.",
)
def fix(path: str, encoding: str | None) -> None:
    """Rewrite the tables a spreadsheet saved as UTF-8 without a byte-order mark, with the package's
    delimiter and line ends, without changing a single value; then record their new hashes.

    Each rewritten file is read back and compared, value by value, before it
    replaces the old one, which is kept under .peacetalks-fix/. A file whose
    encoding or delimiter cannot be told for certain is left as it is, and said
    so (exit 1). See docs/fix.md.
    """
    import codecs
    import dataclasses

    from peacetalks.edit.fix_tables import fix_tables
    from peacetalks.edit.write_hashes import CannotHash, write_hashes

    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.BadParameter(f"{encoding!r} is not an encoding known here", param_hint="--encoding") from None
    package = read_package_or_fail(path)
    try:
        results, kept = fix_tables(package, encoding)
    except (OSError, ValueError) as error:
        raise click.ClickException(f"could not fix the tables: {error}") from None
    for result in results:
        if result.changes:
            click.echo(f"{result.path}: {'; '.join(result.changes)}")
            for warning in result.warnings:
                click.echo(f"  warning: {warning.location()}: {warning.value!r}: {warning.message}")
        elif result.skipped:
            click.echo(f"{result.path}: left as it is: {result.skipped}")
    fixed = {result.path for result in results if result.changes}
    if not fixed:
        click.echo("nothing needed fixing" if not any(r.refused for r in results) else "nothing else needed fixing")
    else:
        try:
            hashed = write_hashes(dataclasses.replace(package, resources=[r for r in package.resources if r.path in fixed], files=[]))
        except (CannotHash, OSError, ValueError) as error:
            raise click.ClickException(f"the tables were fixed, but their hashes could not be recorded: {error}") from None
        if hashed:
            click.echo(f"recorded the new hashes and sizes in {', '.join(hashed)}")
        click.echo(f"the files as they were are kept in {kept}")
    refused = [result.refused for result in results if result.refused]
    for problem in refused:
        click.echo(f"{problem.location()}: {problem.message} [{problem.rule}]", err=True)
        if problem.hint:
            click.echo(f"  hint: {problem.hint}", err=True)
    sys.exit(1 if refused else 0)


def read_package_or_fail(path: str):
    """The package's descriptor, or its problems as the command's error."""
    from peacetalks.model.read_package import read_package

    refuse_no_package(path)
    package, problems = read_package(path)
    if package is None:
        raise PackageProblems(problems, path)
    return package


def read_tables_or_fail(path: str):
    """The package with its typed tables, or its problems as the command's error: an invalid
    package is refused, since its slips would be carried into every copy."""
    from peacetalks.export.prepare_export import read_for_export
    from peacetalks.read.load_tables import PackageError

    refuse_no_package(path)
    try:
        return read_for_export(path)
    except PackageError as error:
        raise PackageProblems(error.problems, path, "run `peacetalks validate` for the full report") from None


@dataclass(frozen=True)
class Exporter:
    """One `--to` format: the module and function that write it."""

    module: str
    function: str
    help: str
    folder: bool = False  # OUTPUT is a folder of files, not one file

    def write(self, tables, output: Path) -> list[Path]:
        return getattr(importlib.import_module(self.module), self.function)(tables, output)


EXPORTERS = {
    "sqlite": Exporter(
        "peacetalks.export.export_sqlite",
        "export_sqlite",
        "one .db file with keys and constraints, plus a Datasette <name>.metadata.json beside it",
    ),
    "xlsx": Exporter("peacetalks.export.export_xlsx", "export_xlsx", "one workbook"),
    "parquet": Exporter("peacetalks.export.export_parquet", "export_parquet", "a folder with one <table>.parquet per table", folder=True),
    "json": Exporter("peacetalks.export.export_json", "export_json", "the descriptor and every table as records"),
}


# OUTPUT comes before PATH: an optional argument cannot come before a required one, and this keeps
# `peacetalks export --to sqlite peacetalks.db` reading the package in the current folder.
@main.command(short_help="Write every table to SQLite, Excel, Parquet or JSON.")
@click.argument("output", type=click.Path(dir_okay=True, file_okay=True), help="The file (or, for parquet, the folder) to write.")
@path_argument
@click.option(
    "--to",
    "target",
    type=click.Choice(list(EXPORTERS)),
    required=True,
    help="The format to write: " + ", ".join(f"{name} ({exporter.help})" for name, exporter in EXPORTERS.items()) + ".",
)
@force_option("Replace OUTPUT (and the Datasette metadata file) if it already exists.")
@click.option("--package", "package_option", type=click.Path(exists=True), hidden=True, help="Deprecated: give the package as PATH.")
@click.pass_context
def export(ctx: click.Context, output: str, path: str, target: str, force: bool, package_option: str | None) -> None:
    """Write every table of the package at PATH to OUTPUT in another format.

    Types, keys, allowed values and descriptions all come from the Table Schemas.
    The same package always gives byte-identical files. An existing OUTPUT is
    never replaced unless you pass --force.

    \b
    peacetalks export --to sqlite peacetalks.db
    peacetalks export --to xlsx peacetalks.xlsx path/to/package
    peacetalks export --to parquet parquet/
    peacetalks export --to json peacetalks.json
    """
    from peacetalks.export.prepare_export import OutputExists, refuse_existing

    if package_option is not None:
        # The old spelling still works, so that scripts written for it keep running.
        if ctx.get_parameter_source("path") is not ParameterSource.DEFAULT:
            raise click.UsageError("give the package once, as PATH (--package is its old spelling)")
        click.echo("note: --package is deprecated; give the package as PATH, after OUTPUT", err=True)
        path = package_option
    exporter = EXPORTERS[target]
    destination = Path(output)
    try:
        refuse_existing(destination, force, folder=exporter.folder)
        if target == "sqlite":
            from peacetalks.export.export_sqlite import metadata_path

            refuse_existing(metadata_path(destination), force)
    except OutputExists as error:
        raise click.BadParameter(str(error), param_hint="OUTPUT") from None
    tables = read_tables_or_fail(path)
    try:
        written = exporter.write(tables, destination)
    except (OSError, ValueError) as error:
        raise click.ClickException(f"could not write {destination}: {error}") from None
    rows = sum(tables.row_count(r) for r in tables.resources)
    click.echo(f"wrote {', '.join(str(p) for p in written)} ({counted(len(tables.resources), 'table')}, {counted(rows, 'row')})")
    if target == "sqlite":
        click.echo(f"browse it: datasette {destination} -m {written[1]}")


@main.command(short_help="Show the package's metadata and each table's row count.")
@path_argument
def info(path: str) -> None:
    """Show the package's title, version, licence and sources, and each table with its row count."""
    from peacetalks.docs.show_info import info_lines

    click.echo("\n".join(info_lines(read_package_or_fail(path))))


@main.command(short_help="Regenerate the data dictionary, ER diagram and picture.")
@path_argument
@click.option("--no-picture", is_flag=True, help="Skip drawing docs/positions.png and .svg (faster; the picture may then be stale).")
def docs(path: str, no_picture: bool) -> None:
    """Regenerate the documentation under PATH from datapackage.json and the schemas.

    Writes docs/data-dictionary.md, docs/er-diagram.md (Mermaid), the diagram and
    the judgement calls (rows marked `basis` = `inferred`) in README.md between
    their marker comments, and docs/positions.png/.svg (as
    `peacetalks graph`). Files whose content would not change are left alone.
    """
    from peacetalks.docs.write_docs import write_docs

    tables = read_tables_or_fail(path)
    try:
        result = write_docs(tables.package, tables.frames, pictures=not no_picture)
    except (OSError, ValueError, KeyError) as error:
        raise click.ClickException(f"could not write the documentation: {error}") from None
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo("updated: " + ", ".join(str(p) for p in result.changed) if result.changed else "documentation already up to date")


@main.command(short_help="Draw who stands where on each proposal, as PNG and SVG.")
@path_argument
@click.option(
    "--output",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for positions.png and positions.svg (default: the package's docs/ folder).",
)
@force_option("Replace positions.png and positions.svg if --output already holds them.")
def graph(path: str, output: str | None, force: bool) -> None:
    """Draw who stands where: actors, proposals and each stance, to positions.png and positions.svg."""
    from peacetalks.docs.draw_positions import write_positions

    tables = read_tables_or_fail(path)
    folder = Path(output) if output else tables.package.root / "docs"
    # The package's own docs/ is regenerated on purpose; a folder the user names may hold their own files.
    if output and not force:
        from peacetalks.docs.draw_positions import render

        pictures = dict(zip(("positions.png", "positions.svg"), render(tables.frames, tables.package.descriptor), strict=True))
        differ = [folder / n for n, data in pictures.items() if (folder / n).exists() and (folder / n).read_bytes() != data]
        if differ:
            raise click.BadParameter(f"{', '.join(map(str, differ))} already exist; pass --force to replace them", param_hint="--output")
    try:
        changed = write_positions(tables.frames, tables.package.descriptor, folder)
    except (OSError, ValueError, KeyError) as error:
        raise click.ClickException(f"could not draw the picture: {error}") from None
    shown = ", ".join(str(folder / name) for name in ("positions.png", "positions.svg"))
    click.echo(f"wrote {shown}" if changed else f"{shown} already up to date")


@main.command(short_help="Build the provenance page: the article with every fact marked on it.")
@click.argument("output", type=click.Path(file_okay=False))
@path_argument
@force_option("Replace OUTPUT, and everything in it, when it is a folder that is not empty.")
def site(output: str, path: str, force: bool) -> None:
    """Build the provenance page in the folder OUTPUT: the article with every quoted passage marked, and every fact.

    Open OUTPUT/index.html in a browser: it needs no server and no network, and
    the folder can be published as it is (GitHub Pages). It also holds a copy of
    the package and its exports. The same package always gives the same files.

    \b
    peacetalks site site/ [PATH]
    """
    from pathlib import Path

    from peacetalks.site.build_site import OutputRefused, SiteError, refuse_output, write_site

    destination = Path(output)
    try:
        refuse_output(destination, force)
        tables = read_tables_or_fail(path)
        write_site(tables, destination)
    except OutputRefused as error:
        raise click.BadParameter(str(error), param_hint="OUTPUT") from None
    except (SiteError, OSError, ValueError) as error:
        raise click.ClickException(f"could not build the page in {output}: {error}") from None
    click.echo(f"wrote {destination / 'index.html'} and its files: open it in a browser")
