"""The rule registry is the one list of rules: the docs are generated from it, every rule a check
reports is in it, and every rule in it is triggered by at least one test."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import ROOT
from peacetalks.cli import main
from peacetalks.docs.write_rules import rules_markdown
from peacetalks.report.rules import RULES, in_profile, rule, tagged
from rule_coverage import coverage_problems


def test_docs_rules_md_is_what_the_registry_generates():
    assert (ROOT / "docs/rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `peacetalks rules --format markdown > docs/rules.md`"
    )


def test_every_rule_is_documented_once():
    page = rules_markdown()
    for name in RULES:
        shown = f"`{name}*`" if name.endswith(":") else f"`{name}`"
        assert page.count(f"| {shown} |") == 1, name


def test_frictionless_findings_share_one_entry_and_unknown_names_are_refused():
    assert rule("frictionless:type-error") is RULES["frictionless:"]
    with pytest.raises(KeyError):
        rule("no-such-rule")


def test_house_rules_apply_only_under_the_house_profile():
    assert in_profile("type", "standard") and in_profile("type", "house")
    assert not in_profile("description", "standard") and in_profile("description", "house")


def test_tags_name_only_registered_rules():
    assert tagged("damage") and tagged("blocks-data")
    assert tagged("damage") <= set(RULES) and tagged("blocks-data") <= set(RULES)


def test_peacetalks_rules_prints_every_rule():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0, result.output
    printed = [line.split()[0] for line in result.output.splitlines()]
    assert printed == list(RULES)


def test_the_end_of_run_check_names_rules_no_test_triggered_and_rules_not_registered():
    """The registry check (`rule_coverage`) ends a whole run; here, what it says on given rules."""
    everything = set(RULES) - {"frictionless:"} | {"frictionless:type-error"}
    assert coverage_problems(everything) == []
    assert coverage_problems(everything - {"enum"} | {"no-such-rule"}) == [
        "reported but not in the registry: no-such-rule",
        "in the registry but no test triggers it: enum",
    ]
