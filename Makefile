# Fresh clone to a validated, tested package: `make check`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: check test test-slow test-all hashes docs site screenshots lint clean

# Reinstall when the project's dependencies change. Checking needs the package alone; the test
# extras (pytest, pytest-xdist, hypothesis, ruff) come with `make test` or `make lint`: installed,
# hypothesis is imported by Pandera on every validation (about 0.1 s).
$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

check: $(BIN)/.installed
	$(BIN)/peacetalks validate .

# Two processes (pytest-xdist), one a core. `make test` leaves out the tests marked slow and runs
# the property tests at Hypothesis's `quick` size; `make test-slow` runs those, the property tests
# at their `full` size; `make test-all` runs the whole suite at full size.
test: $(BIN)/.installed-test
	$(BIN)/python -m pytest -n 2 -m "not slow"

test-slow: $(BIN)/.installed-test
	$(BIN)/python -m pytest -n 2 -m "slow or hypothesis" --hypothesis-profile=full

test-all: $(BIN)/.installed-test
	$(BIN)/python -m pytest -n 2 --hypothesis-profile=full

hashes: $(BIN)/.installed
	$(BIN)/peacetalks hash .

# After a change to the data, the schemas or the rule registry: data dictionary, ER diagram,
# judgement calls, picture, and docs/rules.md.
docs: $(BIN)/.installed
	$(BIN)/peacetalks docs .
	$(BIN)/peacetalks rules --format markdown > docs/rules.md

# The provenance page, in site/: open site/index.html in a browser.
site: $(BIN)/.installed
	$(BIN)/peacetalks site site --force

# After a change to the page or the data: docs/site-desktop.png and docs/site-phone.png, taken
# by the browser test itself (it needs Chromium: apt-get install chromium).
screenshots: $(BIN)/.installed-test
	PEACETALKS_REQUIRE_BROWSER=1 PEACETALKS_SCREENSHOTS_TO=docs $(BIN)/python -m pytest -q tests/site/test_site_browser.py

lint: $(BIN)/.installed-test
	$(BIN)/ruff check src tests scripts

clean:
	rm -rf $(VENV)
