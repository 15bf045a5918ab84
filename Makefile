# The two commands in the README: `make run` and `make test`. Everything else here helps them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DATABASE_URL_POSTGRES ?= postgres://postgres@127.0.0.1:5432/musichub
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-postgres install install-dev browser pango lint format migrate demo bench clean

## make run: install, migrate, load the demo hub if the database is empty, serve at http://127.0.0.1:8000
run: export DEBUG = 1
run: export SITE_URL = http://$(HOST):$(PORT)
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "Serving the platform at http://$(HOST):$(PORT)/  (Ctrl+C stops the server and the task worker)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/python manage.py db_worker --no-reload & \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: install what the tests need (Chromium too, as root), lint, check migrations, run every test
test: install-dev browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

## make test-postgres: the same suite against a real PostgreSQL (DATABASE_URL)
test-postgres: install-dev browser
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_POSTGRES)} $(BIN)/pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: pango $(VENV)/.installed
install-dev: pango $(VENV)/.installed-dev

## Debian's Chromium for the browser tests: installed with apt-get when running as root.
browser:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Chromium is missing: install it with 'sudo apt-get install chromium' (the browser tests will fail until then)."; \
	fi

## Pango for WeasyPrint (the stakeholder report's PDF): installed with apt-get when missing and running as root.
pango:
	@if ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' && ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Pango for the PDF reports (WeasyPrint)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	else \
	  echo "Pango is missing: install it with 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0' (PDF reports fail until then)."; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input

demo: install
	DEBUG=1 $(BIN)/python manage.py seed_demo

bench: install-dev
	DEBUG=1 $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media private-media .pytest_cache .ruff_cache
