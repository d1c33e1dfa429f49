"""The standard by default, the house rules where a package declares them (or --profile asks)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from peacetalks.cli import main
from peacetalks.run.validate import validate_package


def bare_package(root: Path, fields: list[dict], rows: str, **extra) -> Path:
    """A package the standard accepts: `resources` and nothing else the house rules want."""
    root.mkdir(parents=True, exist_ok=True)
    descriptor = {"resources": [{"name": "t", "path": "t.csv", "schema": {"fields": fields}}], **extra}
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    (root / "t.csv").write_text(rows, encoding="utf-8")
    return root


def found(outcome) -> list[tuple]:
    return [(p.rule, p.file, p.line, p.column) for p in outcome.problems]


def test_the_standard_accepts_what_only_the_house_rules_refuse(tmp_path):
    root = bare_package(tmp_path / "p", [{"name": "id", "type": "integer", "x-note": "an extension"}], "id\n1\n2\n")
    assert validate_package(root).problems == []
    house = validate_package(root, profile="house")
    rules = sorted(p.rule for p in house.problems)
    # Five missing keys are five problems, though they share file, rule and place.
    assert rules == ["description", "metadata", "metadata", "metadata", "metadata", "metadata", "primary-key-missing", "unknown-key"]
    assert house.profile == "house"


def test_a_package_that_declares_the_house_profile_is_held_to_it(tmp_path):
    root = bare_package(tmp_path / "p", [{"name": "id", "type": "integer"}], "id\n1\n", peacetalks={"profile": "house"})
    outcome = validate_package(root)
    assert outcome.profile == "house"
    assert "metadata" in {p.rule for p in outcome.problems}
    assert validate_package(root, profile="standard").problems == []


def test_an_unknown_profile_is_reported_where_it_is_written(tmp_path):
    root = bare_package(tmp_path / "p", [{"name": "id", "type": "integer"}], "id\n1\n", peacetalks={"profile": "hose"})
    outcome = validate_package(root)
    line = (root / "datapackage.json").read_text(encoding="utf-8").split("\n").index('    "profile": "hose"') + 1
    assert found(outcome) == [("descriptor", "datapackage.json", line, None)]
    assert outcome.problems[0].value == "hose"


def test_bounds_and_allowed_values_written_as_text_are_read_as_the_fields_type(tmp_path):
    fields = [
        {"name": "id", "type": "integer", "constraints": {"minimum": "2", "enum": ["2", "3", "5"]}},
        {"name": "share", "type": "number", "constraints": {"maximum": "0.5"}},
    ]
    root = bare_package(tmp_path / "p", fields, "id,share\n2,0.25\n1,0.75\n4,0.5\n")
    assert sorted(found(validate_package(root))) == [
        ("enum", "t.csv", 3, "id"),
        ("enum", "t.csv", 4, "id"),
        ("range", "t.csv", 3, "id"),
        ("range", "t.csv", 3, "share"),
    ]


def test_text_the_standard_does_not_read_as_a_number_stays_an_error(tmp_path):
    root = bare_package(tmp_path / "p", [{"name": "id", "type": "integer", "constraints": {"minimum": "1_000"}}], "id\n1\n")
    outcome = validate_package(root)
    assert [(p.rule, p.file, p.column) for p in outcome.problems] == [("schema", "datapackage.json", "id")]
    assert "1_000" in (outcome.problems[0].value or "")


def test_frictionless_speaks_on_the_descriptor_even_when_a_house_rule_is_broken(tmp_path):
    root = bare_package(
        tmp_path / "p", [{"name": "id", "type": "integer"}], "id\n1\n", licenses=[{"title": "no name, no path"}], created="yesterday"
    )
    for profile in ("standard", "house"):
        rules = {p.rule for p in validate_package(root, profile=profile).problems}
        assert any(rule.startswith("frictionless:") for rule in rules), (profile, rules)


def test_the_cli_takes_a_profile(tmp_path):
    root = bare_package(tmp_path / "p", [{"name": "id", "type": "integer"}], "id\n1\n")
    standard = CliRunner().invoke(main, ["validate", str(root)])
    assert standard.exit_code == 0, standard.output
    house = CliRunner().invoke(main, ["validate", str(root), "--profile", "house", "--format", "json"])
    assert house.exit_code == 1
    assert {p["rule"] for p in json.loads(house.stdout)["problems"]} >= {"metadata", "description", "primary-key-missing"}


def test_a_header_label_with_spaces_is_read_as_its_field_and_only_the_house_rules_mind(tmp_path):
    root = bare_package(tmp_path / "p", [{"name": "id", "type": "integer"}, {"name": "n", "type": "integer"}], "id, n\n1, 2\n3,4\n")
    assert found(validate_package(root)) == [("type", "t.csv", 2, "n")]  # " 2" is no integer without skipInitialSpace
    house = found(validate_package(root, profile="house"))
    assert ("header-spaces", "t.csv", 1, "n") in house and ("type", "t.csv", 2, "n") in house


def test_a_unique_that_is_not_true_or_false_is_a_schema_problem_not_a_silent_switch_off(tmp_path):
    root = bare_package(tmp_path / "p", [{"name": "id", "type": "integer", "constraints": {"unique": "yes"}}], "id\n1\n1\n")
    outcome = validate_package(root)
    assert [(p.rule, p.file, p.column) for p in outcome.problems] == [("schema", "datapackage.json", "id")]
    assert "`unique` must be true or false" in outcome.problems[0].message


def test_v2_schema_keys_of_the_wrong_shape_are_located(tmp_path):
    fields = [{"name": "id", "type": "integer", "categories": {"a": 1}}]
    root = bare_package(tmp_path / "p", fields, "id\n1\n")
    schema = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    schema["resources"][0]["schema"]["fieldsMatch"] = "bogus"
    (root / "datapackage.json").write_text(json.dumps(schema, indent=2), encoding="utf-8")
    lines = (root / "datapackage.json").read_text(encoding="utf-8").split("\n")
    found = sorted((p.rule, p.line, p.message) for p in validate_package(root).problems)
    categories = next(n for n, text in enumerate(lines, 1) if '"categories"' in text)
    fields_match = next(n for n, text in enumerate(lines, 1) if '"fieldsMatch"' in text)
    assert [(rule, line) for rule, line, _ in found] == [("schema", categories), ("schema", fields_match)]
    assert found[0][2].endswith("`categories` must be a non-empty list")
    assert found[1][2] == "`fieldsMatch` must be one of: exact, equal, subset, superset, partial"
