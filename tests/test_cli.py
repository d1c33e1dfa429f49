"""The `peacetalks` command through click's CliRunner: exit codes and output."""

from __future__ import annotations

import json
import re

import click
from click.testing import CliRunner

from conftest import ROOT, line_of, one_table_package, rehash, replace_in
from peacetalks.checks.check_data import ENUM_MESSAGE
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


KIND = [
    {"name": "id", "type": "string", "description": "Row."},
    {"name": "kind", "type": "string", "description": "Kind.", "constraints": {"enum": ["state", "person"]}},
]


def kinds_package(root, broken: int, rows: int = 40):
    """One table of `rows` rows whose first `broken` rows have a kind re-typed ("State")."""
    lines = [f"r{i},{'State' if i < broken else 'state'}" for i in range(rows)]
    return one_table_package(root, KIND, "id,kind\n" + "\n".join(lines) + "\n")


def test_validate_reports_problems_on_stdout_and_the_verdict_in_the_exit_code(tmp_path):
    root = kinds_package(tmp_path, broken=1)
    result = run("validate", "--frictionless", "off", str(root))
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout.startswith(f't.csv\n  line 2, column kind: "State" [enum] {ENUM_MESSAGE}\n')
    assert result.stdout.endswith(f"invalid: 1 problem in 1 file; checked {root} (1 table, 40 rows)\n")
    valid = run("validate", "--frictionless", "off", str(kinds_package(tmp_path / "ok", broken=0)))
    assert (valid.exit_code, valid.stderr, valid.stdout) == (0, "", f"valid: {tmp_path / 'ok'} (1 table, 40 rows)\n")


def test_validate_text_report_sums_up_after_twenty_problems_of_a_rule_in_a_column(tmp_path):
    root = kinds_package(tmp_path, broken=30)  # lines 2 to 31
    result = run("validate", str(root))  # frictionless's pass too: its findings echo ours
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    shown = [line for line in lines if line.startswith("  line ")]
    assert shown == [f'  line {line}, column kind: "State" [enum] {ENUM_MESSAGE}' for line in range(2, 22)]
    assert lines[-3] == "  ... [enum] 10 more in column kind, lines 22 to 31 (--all lists every one)"
    assert lines[-1] == f"invalid: 30 problems in 1 file; checked {root} (1 table, 40 rows)"
    fewer = run("validate", "--frictionless", "off", "--max-per-rule", "3", str(root)).stdout.splitlines()
    assert [line for line in fewer if line.startswith("  line ")] == shown[:3]
    assert "  ... [enum] 27 more in column kind, lines 5 to 31 (--all lists every one)" in fewer


def test_validate_all_lists_every_problem(tmp_path):
    root = kinds_package(tmp_path, broken=30)
    result = run("validate", "--frictionless", "off", "--all", str(root))
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("  line ")] == [
        f'  line {line}, column kind: "State" [enum] {ENUM_MESSAGE}' for line in range(2, 32)
    ]
    assert "more in column" not in result.stdout


def test_validate_json_keeps_every_record_or_gives_the_counts(tmp_path):
    root = kinds_package(tmp_path, broken=30)
    report = json.loads(run("validate", "--format", "json", "--frictionless", "off", str(root)).stdout)
    assert report["problem_count"] == 30
    assert [(p["line"], p["rule"], p["value"]) for p in report["problems"]] == [(line, "enum", "State") for line in range(2, 32)]
    counted = run("validate", "--format", "json", "--counts", "--frictionless", "off", str(root))
    assert counted.exit_code == 1
    assert json.loads(counted.stdout) == {
        "valid": False,
        "checked": f"{root} (1 table, 40 rows)",
        "problem_count": 30,
        "counts": [{"file": "t.csv", "rule": "enum", "column": "kind", "count": 30, "first_line": 2, "last_line": 31}],
    }


def test_validate_report_options_that_do_not_go_together_are_usage_errors(tmp_path):
    root = kinds_package(tmp_path, broken=1)
    for args, said in (
        (["--counts"], "--counts is for the JSON report"),
        (["--all", "--max-per-rule", "5"], "give --all or --max-per-rule, not both"),
        (["--max-per-rule", "0"], "--max-per-rule"),
    ):
        result = run("validate", *args, str(root))
        assert (result.exit_code, result.stdout) == (2, ""), args
        assert said in result.stderr, args


def test_validate_puts_a_changed_file_s_one_integrity_line_after_its_other_problems(package_dir):
    statuses = package_dir / "data/statuses.csv"
    replace_in(statuses, ",90,percent,", ",9O0,percent,")  # one byte more: size and hash both wrong
    result = run("validate", "--frictionless", "off", str(package_dir))
    assert result.exit_code == 1
    section = result.stdout.split("data/statuses.csv\n")[1].split("\n\n")[0].splitlines()
    assert section[0].startswith(f'  line {line_of(statuses, ",9O0,")}, column value: "9O0" [type]')
    size = statuses.stat().st_size
    assert section[-2:] == [
        f"  file: [bytes] the file has {size} bytes but datapackage.json says {size - 1}: it was edited",
        "      run `peacetalks hash` (or `make hashes`) only once the problems above are fixed, or intended: it records the file as it is",
    ]
    assert "[hash]" not in result.stdout
    assert not re.search("[0-9a-f]{64}", result.stdout)


def test_validate_gives_a_file_changed_and_nothing_else_the_plain_hint(package_dir):
    replace_in(package_dir / "data/actors.csv", "Prepared the draft document", "Prepared the draft documenT")
    result = run("validate", str(package_dir))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "data/actors.csv",
        "  file: [hash] the file's sha256 is not the one datapackage.json records: it was edited (its size is the same)",
        "      if the edit is intended, run `peacetalks hash` (or `make hashes`) to record it; if not, restore the file",
    ]


def test_an_unexpected_failure_of_any_command_is_one_plain_line_and_exit_1(package_dir, monkeypatch):
    import peacetalks.edit.fix_tables

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(peacetalks.edit.fix_tables, "fix_tables", broken)
    before = (package_dir / "data/actors.csv").read_bytes()
    result = run("fix", str(package_dir))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == "error: peacetalks fix failed: RuntimeError: boom [internal-error]"
    assert "this is a bug in peacetalks" in result.stderr
    assert (package_dir / "data/actors.csv").read_bytes() == before
