# Kalantar: `make demo` sets everything up and serves the demo; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PO_FILES := $(wildcard src/kalantar/locale/*/LC_MESSAGES/django.po src/kalantar/*/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: demo test setup lint bench messages clean prod-local

demo: setup
	$(BIN)/kalantar migrate --noinput
	$(BIN)/kalantar load_demo --if-empty
	HOST=$(HOST) PORT=$(PORT) $(BIN)/kalantar run_demo --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest

# The production topology on this machine (README, "Production topology").
prod-local: setup
	$(BIN)/python deploy/prod_local.py

setup: $(VENV)/.installed node_modules/.installed $(MO_FILES)

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/python -m kalantar.core.i18n_compile $<

# Lint, formatting and the layer contract (pyproject.toml [tool.importlinter]).
lint: setup
	$(BIN)/ruff check src tests bench deploy
	$(BIN)/ruff format --check src tests bench deploy
	cd src && ../$(BIN)/lint-imports ../pyproject.toml --no-cache

bench: setup
	$(BIN)/python bench/georoute.py
	$(BIN)/python bench/complaints.py
	$(BIN)/python bench/portal.py
	$(BIN)/python bench/analytics.py
	$(BIN)/python bench/alarm_ingest.py
	$(BIN)/python bench/alarm_crash.py
	$(BIN)/python bench/evidence.py
	$(BIN)/python bench/evidence_linking.py
	$(BIN)/python bench/guards.py
	$(BIN)/python bench/guard_tours.py
	$(BIN)/python bench/feedback.py
	$(BIN)/python bench/community.py
	$(BIN)/python bench/transformation.py

# Refresh the .po files from the source (needs GNU gettext).
messages: setup
	cd src/kalantar && ../../$(BIN)/kalantar makemessages -l fa -l en --no-obsolete

clean:
	rm -rf $(VENV) node_modules var/static
