"""Shared fixtures: a fresh copy of the real package for each test, and a
helper that records new hashes after a deliberate change, so that a test
exercises the data rule itself rather than the integrity check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from peacetalks.edit.write_hashes import write_hashes
from peacetalks.model.read_package import read_package

ROOT = Path(__file__).resolve().parents[1]

# The session's end checks that every registered rule was reported by some test (`rule_coverage`).
pytest_plugins = ["rule_coverage"]

# The property tests' size: `quick` unless pytest is given `--hypothesis-profile=full` (`make test-slow`).
settings.register_profile("quick", max_examples=10)
settings.register_profile("full", max_examples=200)


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("quick")


PACKAGE_PARTS = ["datapackage.json", "data", "schemas"]


def copy_package(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def rehash(root: Path) -> None:
    package, problems = read_package(root)
    assert package is not None, problems
    write_hashes(package)


@pytest.fixture
def frictionless_as_users_run_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """`make test` leaves frictionless's pass over the data out (PEACETALKS_FRICTIONLESS=descriptor:
    it takes most of each validation's time); the tests of that pass run it as a user's `validate` does."""
    monkeypatch.delenv("PEACETALKS_FRICTIONLESS", raising=False)


@pytest.fixture
def package_dir(tmp_path: Path) -> Path:
    """A private copy of the real package that a test may break."""
    return copy_package(tmp_path / "package")


def in_batches(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Tables read and checked in batches of about `size` bytes, two tables at a time as on two
    cores: scheduled as the large packages that are read in batches are (a package this small is
    otherwise checked one table at a time, `validate.ONE_THREAD_MAX_BYTES`)."""
    import peacetalks.read.read_tables

    monkeypatch.setattr(peacetalks.read.read_tables, "BATCH_BYTES", size)
    monkeypatch.setattr("peacetalks.run.validate.ONE_THREAD_MAX_BYTES", 0)
    monkeypatch.setattr("peacetalks.run.validate.usable_cores", lambda: 2)


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8", newline="")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing `needle`, as an editor shows it."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def one_table_package(root: Path, fields: list[dict], csv_text: str) -> Path:
    """A valid package of one table `t` (key `id`, the first field) with these fields and rows."""
    import json

    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "t",
        "title": "T",
        "description": "A table.",
        "version": "1.0.0",
        "licenses": [{"name": "CC0-1.0"}],
        "peacetalks": {"profile": "house"},
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": fields, "primaryKey": [fields[0]["name"]]}}],
    }
    root.mkdir(parents=True, exist_ok=True)
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (root / "t.csv").write_text(csv_text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The provenance page of the real package, built once for the tests that only read it."""
    from peacetalks.export.prepare_export import read_for_export
    from peacetalks.site.build_site import write_site

    return write_site(read_for_export(ROOT), tmp_path_factory.mktemp("site") / "site")
