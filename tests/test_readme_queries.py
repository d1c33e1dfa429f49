"""The README's example queries, read from the README itself, run against the real package and give
answers the article supports (the SQLite one: tests/test_export_sqlite.py)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def answers() -> dict:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### pandas", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL).group(1)
    namespace: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # `peacetalks.load()` reads the folder it is run in
        exec(compile(code, "README.md (pandas)", "exec"), namespace)
    return namespace


def plain(value) -> str | None:
    return None if pd.isna(value) else str(value)


def test_who_says_what_about_the_overall_deal(answers):
    deal = answers["deal"]
    rows = {(plain(r.status), plain(r.asserted_by), plain(r.certainty), plain(r.value)) for r in deal.itertuples()}
    assert rows == {
        ("close", "donald_trump", "possible", None),  # "a deal could be close"
        ("closer", "donald_trump", "probable", None),  # "I think we're closer now than we've ever been"
        ("broadly_agreed", "us_officials", "certain", "90.0"),  # "broad agreement on about 90 per cent of the issues"
        ("unresolved", None, "certain", None),  # "remaining differences"
    }
    assert "agreed" not in set(answers["statuses"].status.astype(str))


def test_each_stance_has_the_actor_s_name(answers):
    positions = answers["positions"]
    assert len(positions) == len(pd.read_csv(ROOT / "data/proposal_positions.csv"))
    named = {(r.name, r.stance) for r in positions[positions.proposal_id == "security_guarantees"].itertuples()}
    assert named == {("United States", "proposes"), ("Ukraine", "beneficiary")}


def test_the_readings_are_the_stances_marked_inferred_each_with_its_reason(answers):
    readings = answers["readings"]
    assert {(r.name, r.stance, r.proposal_id) for r in readings.itertuples()} == {
        ("United States", "backs", "multinational_force"),
        ("United States", "supports", "peace_deal"),
        ("Donald Trump", "supports", "peace_deal"),
        ("Ukrainians", "rejects", "territorial_concessions"),
        ("Donald Trump", "supports", "prevent_russian_expansion"),
        ("United States", "proposes", "monitoring_and_deconfliction"),
    }
    assert readings.basis_note.notna().all()
