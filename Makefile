# koers — the two commands: `make run` and `make test`. Everything else is a helper for those.
SHELL := /bin/bash
PYTHON ?= $(shell pyenv which python3.12 2>/dev/null || command -v python3.12 || echo python3.12)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install install-dev messages browser bench eval demo clean lock

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "koers needs Python 3.12"' \
	  || { echo "koers needs Python 3.12 (see .python-version; with pyenv: pyenv install 3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed messages
install-dev: $(VENV)/.installed-dev messages

# Translations are compiled in the build (the .mo files are not committed).
messages: $(VENV)/.installed
	@$(BIN)/python -m koers.i18n compile

run: install
	$(BIN)/koers migrate --verbosity 0
	$(BIN)/koers serve --host $(HOST) --port $(PORT)

# Debian's chromium drives the browser tests; never a downloaded browser.
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# mypy --strict on the pure packages; what it checks is [tool.mypy] in pyproject.toml.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-dev browser lint
	$(BIN)/python -m koers.i18n check
	$(BIN)/pytest -q -p no:cacheprovider -n 2

bench: install-dev
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

eval: install-dev
	$(BIN)/python scripts/eval.py

demo: install
	$(BIN)/koers migrate --verbosity 0
	$(BIN)/koers demo

# Refresh the constraints file from the current environment after changing pyproject.toml.
lock: | $(BIN)/python
	$(PIP) install --quiet -e '.[dev]'
	$(PIP) freeze --exclude-editable --exclude koers > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
