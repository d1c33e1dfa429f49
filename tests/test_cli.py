"""The `peacetalks` command through click's CliRunner: exit codes and output."""

from __future__ import annotations

import json

import click
from click.testing import CliRunner

from conftest import ROOT, line_of, one_table_package, rehash, replace_in
from peacetalks.cli import PATH_HELP, main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_validate_real_package_exits_0():
    result = run("validate", str(ROOT))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: ")
    assert "9 tables" in result.output


def test_validate_counts_one_table_and_one_row_in_the_singular(tmp_path):
    one_table_package(tmp_path, [{"name": "id", "type": "string", "description": "Row."}], "id\na\n")
    result = run("validate", str(tmp_path))
    assert (result.exit_code, result.output) == (0, f"valid: {tmp_path} (1 table, 1 row)\n")


def test_validate_accepts_the_descriptor_path():
    result = run("validate", str(ROOT / "datapackage.json"))
    assert result.exit_code == 0, result.output


def test_validate_broken_package_exits_1_and_names_file_line_rule(package_dir):
    positions = package_dir / "data/proposal_positions.csv"
    replace_in(positions, ",open_to,one_us_official,probable,", ",open,one_us_official,probable,")
    rehash(package_dir)
    line = line_of(positions, ",open,one_us_official,")
    result = run("validate", str(package_dir))
    assert result.exit_code == 1
    assert "data/proposal_positions.csv\n" in result.output
    assert f'line {line}, column stance: "open" [enum]' in result.output
    rows = sum(1 for path in (package_dir / "data").glob("*.csv") for _ in path.open(encoding="utf-8")) - 9
    assert result.output.rstrip().endswith(f"invalid: 1 problem in 1 file; checked {package_dir} (9 tables, {rows} rows)")


def test_validate_json_report(package_dir):
    replace_in(package_dir / "data/statuses.csv", ",90,percent,", ",9O,percent,")
    rehash(package_dir)
    result = run("validate", "--format", "json", str(package_dir))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["problem_count"] == 1
    (problem,) = report["problems"]
    assert {k: problem[k] for k in ("file", "column", "rule", "value")} == {
        "file": "data/statuses.csv",
        "column": "value",
        "rule": "type",
        "value": "9O",
    }
    assert problem["line"] == line_of(package_dir / "data/statuses.csv", ",9O,")


def test_validate_missing_package_exits_1_with_plain_message(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "[file-missing] no datapackage.json at" in result.output
    assert "Traceback" not in result.output


def test_wrong_usage_exits_2():
    result = run("validate", "--format", "yaml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_hash_records_an_intended_edit(package_dir):
    replace_in(package_dir / "data/actors.csv", "Prepared the draft document", "Wrote the draft document")
    assert run("validate", str(package_dir)).exit_code == 1
    result = run("hash", str(package_dir))
    assert result.exit_code == 0
    assert result.output.strip() == "updated: datapackage.json"
    assert run("validate", str(package_dir)).exit_code == 0
    assert run("hash", str(package_dir)).output.strip() == "hashes already up to date"


def test_hash_says_which_table_it_could_not_hash(package_dir):
    # A missing table must be named, not passed over with "already up to date".
    (package_dir / "data/framings.csv").unlink()
    replace_in(package_dir / "data/actors.csv", "Prepared the draft document", "Wrote the draft document")
    result = CliRunner().invoke(main, ["hash", str(package_dir)])
    assert result.exit_code == 1
    assert result.stdout.strip() == "updated: datapackage.json"  # the other files are still recorded
    assert result.stderr.strip() == "Error: not hashed, there is no file at: data/framings.csv"


def test_hash_updates_a_source_text_checksum(package_dir):
    replace_in(package_dir / "data/sources/berlin_talks_article.txt", "Follow us on:", "Follow us on: ")
    result = run("hash", str(package_dir))
    assert result.output.strip() == "updated: data/sources.csv, datapackage.json"
    assert run("validate", str(package_dir)).exit_code == 0


def test_help_lists_every_command_with_its_whole_summary():
    result = run("--help")
    assert result.exit_code == 0
    for name, command in main.commands.items():
        assert command.short_help, name
        assert f"  {name}  " in result.output
        assert " ".join(command.short_help.split()) in " ".join(result.output.split()), name
    assert "..." not in result.output.split("Commands:")[1]


def test_bare_command_prints_its_help_and_exits_0():
    result = run()
    assert result.exit_code == 0
    assert result.output == run("--help").output


def test_every_command_that_reads_a_package_takes_the_same_path():
    for name, command in main.commands.items():
        paths = [p for p in command.params if isinstance(p, click.Argument) and p.name == "path"]
        if name == "rules":
            assert paths == []
            continue
        (path,) = paths
        assert (path.help, path.default, path.required) == (PATH_HELP, ".", False), name


def test_every_option_with_a_default_shows_it():
    for name, command in main.commands.items():
        for param in command.params:
            if isinstance(param, click.Option) and isinstance(param.default, str | int | float) and not param.is_flag:
                assert param.show_default, (name, param.name)


def test_every_command_is_documented():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text += "".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md")))
    for name in main.commands:
        assert f"peacetalks {name}" in text, name


def test_outside_a_package_every_command_reports_the_missing_descriptor(tmp_path, monkeypatch):
    # Only `load()` called with no argument falls back to this repository's package.
    monkeypatch.chdir(tmp_path)
    for command in (["validate"], ["hash"], ["info"], ["docs"], ["graph"], ["export", "--to", "json", "out.json"]):
        result = run(*command)
        assert result.exit_code == 1, command
        # The report is `validate`'s output; for the other commands it is the error that stops them.
        shown = result.stdout if command == ["validate"] else result.stderr
        assert f"[file-missing] no datapackage.json at {tmp_path}" in shown, command
    assert sorted(tmp_path.iterdir()) == []


def test_export_refuses_an_invalid_package_with_located_problems(package_dir, tmp_path):
    actors = package_dir / "data/actors.csv"
    replace_in(actors, "united_states,United States,US | Washington,state,", "united_states,United States,US | Washington,State,")
    rehash(package_dir)
    target = tmp_path / "out.db"
    result = run("export", "--to", "sqlite", str(target), str(package_dir))
    assert result.exit_code == 1
    assert 'line 2, column actor_type: "State" [enum]' in result.output
    assert "Traceback" not in result.output
    assert not target.exists()


def test_hash_refuses_an_unreadable_source_table_and_changes_nothing(package_dir):
    sources = package_dir / "data/sources.csv"
    sources.write_bytes(sources.read_bytes().replace(b"Erizia", "Erizia\u2019".encode("cp1252")))
    before = (package_dir / "datapackage.json").read_bytes()
    result = run("hash", str(package_dir))
    assert result.exit_code == 1
    assert "data/sources.csv\n  line 2: " in result.output and "[encoding]" in result.output
    assert (package_dir / "datapackage.json").read_bytes() == before


def test_hash_keeps_file_permissions(package_dir):
    descriptor = package_dir / "datapackage.json"
    descriptor.chmod(0o644)
    replace_in(package_dir / "data/actors.csv", "Prepared the draft document", "Wrote the draft document")
    assert run("hash", str(package_dir)).exit_code == 0
    assert descriptor.stat().st_mode & 0o777 == 0o644


def test_commands_refuse_a_path_that_does_not_exist(tmp_path):
    missing = str(tmp_path / "nope")
    for command in (["validate", missing], ["hash", missing], ["info", missing], ["docs", missing]):
        result = run(*command)
        assert result.exit_code == 2, command
        assert "does not exist" in result.output
