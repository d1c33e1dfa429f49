# Fresh clone to a validated, tested package: `make check`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: check test test-slow test-all hashes docs site screenshots lint clean FORCE

# Exit 0 when the Python $(1) satisfies the package's `requires-python` in pyproject.toml, read
# with the `packaging` that pip carries (every venv has it, as have Pythons back to 2.7).
supports = $(1) -c "import re, sys; from pip._vendor.packaging.specifiers import SpecifierSet; \
	wanted = re.search(r'^requires-python *= *\"(.*)\"', open('pyproject.toml').read(), re.M).group(1); \
	sys.exit(0 if SpecifierSet(wanted).contains('%d.%d.%d' % sys.version_info[:3]) else 1)" 2>/dev/null
REQUIRES = $(shell sed -n 's/^requires-python *= *"\(.*\)"/\1/p' pyproject.toml)
# An installed .venv whose Python has gone or no longer fits (upgraded or removed under it): reinstall.
STALE := $(shell [ -e $(BIN)/.installed ] && ! $(call supports,$(BIN)/python) && echo stale)

# Reinstall when the project's dependencies change. Checking needs the package alone; the test
# extras (pytest, pytest-xdist, hypothesis, ruff) come with `make test` or `make lint`: installed,
# hypothesis is imported by Pandera on every validation (about 0.1 s). A .venv left by a Python
# the package does not support (`venv` over it would keep that Python) is made again from scratch.
$(BIN)/.installed: pyproject.toml constraints.txt $(if $(STALE),FORCE)
	@if [ -e $(VENV) ] && ! $(call supports,$(BIN)/python); then echo "$(VENV) has no Python $(REQUIRES): making it again"; rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	@$(call supports,$(BIN)/python) || { rm -rf $(VENV); \
		echo "$(PYTHON) is $$($(PYTHON) -V 2>&1); peacetalks needs Python $(REQUIRES): run, for example, PYTHON=python3.12 make $(or $(MAKECMDGOALS),check)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

check: $(BIN)/.installed
	$(BIN)/peacetalks validate .

# Two processes (pytest-xdist), one a core. `make test`, the quick loop, leaves out the tests
# marked slow, runs the property tests at Hypothesis's `quick` size, and runs frictionless's pass
# over the data only in the tests of that pass (it takes most of each validation's time).
# `make test-all`, which CI runs too, is the whole suite as users run the validator, at full size;
# `make test-slow` is only what `make test` leaves out.
test: $(BIN)/.installed-test
	PEACETALKS_FRICTIONLESS=descriptor $(BIN)/python -m pytest -n 2 --dist worksteal -m "not slow"

test-slow: $(BIN)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "slow or hypothesis" --hypothesis-profile=full

test-all: $(BIN)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist worksteal --hypothesis-profile=full

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
