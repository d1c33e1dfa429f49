# Fresh clone to a validated, tested package: `make check`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: check test hashes docs lint clean

# Reinstall when the project's dependencies change.
$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

check: $(BIN)/.installed
	$(BIN)/peacetalks validate .

test: $(BIN)/.installed
	$(BIN)/python -m pytest

hashes: $(BIN)/.installed
	$(BIN)/peacetalks hash .

# After a change to the data or the schemas: data dictionary, ER diagram, picture.
docs: $(BIN)/.installed
	$(BIN)/peacetalks docs .

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests scripts

clean:
	rm -rf $(VENV)
