# Two commands: `make run` serves the app on SQLite with the seed loaded; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint serve load bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.app-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.app-installed

# `make run PORT=8080` serves on another port.
PORT ?= 8000

run: $(VENV)/.app-installed
	$(MANAGE) migrate --noinput
	$(MANAGE) load_seed --if-empty
	@echo
	@echo "Serving on http://127.0.0.1:$(PORT)/ . To sign in to /admin/, first create an account:"
	@echo "    $(MANAGE) createsuperuser"
	@echo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev-installed
	sh tests/browser/install-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Production-style: gunicorn on whatever DATABASE_URL names (set SECRET_KEY and DEBUG=false).
serve: $(VENV)/.app-installed
	sh deploy/entrypoint.sh

$(VENV)/.load-installed: requirements.txt load/requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt -r load/requirements.txt
	touch $@

# Load test on PostgreSQL (DATABASE_URL-style --database-url; recreates that database).
load: $(VENV)/.load-installed
	$(BIN)/python load/run.py $(LOAD_ARGS)

$(VENV)/.bench-installed: requirements.txt bench/requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt -r bench/requirements.txt
	touch $@

# Benchmark on PostgreSQL at national scale (--database-url; generates the synthetic data there once), at two sizes.
BENCH_ARGS ?= --sizes 100000,1000000
bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# PNG screenshots of the main pages, desktop and phone width, into docs/screenshots/.
screenshots: $(VENV)/.dev-installed
	sh tests/browser/install-chromium.sh
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) staticfiles bench/bench.db bench/copies
