# onex: `make run` serves the full UI on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test test-slow test-pg lint typecheck messages makemessages demo bench clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "Python >= 3.10 is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(BIN)/.installed
	@if ! command -v msgfmt >/dev/null; then \
		echo "SKIPPED: msgfmt (gettext) not installed: English translations not compiled"; \
	elif [ -d src/onex/locale ]; then \
		ONEX_DEV_SECRETS=1 $(BIN)/python manage.py compilemessages -v0 -i .venv -i node_modules -i var; \
	fi

setup: $(BIN)/.installed node_modules/.installed messages

run: setup
	DEBUG=1 PORT=$(PORT) ./scripts/run.sh

test: setup
	ONEX_DEV_SECRETS=1 $(BIN)/python -m pytest -m "not slow" -n 2 $(PYTEST_ARGS)

test-slow: setup
	ONEX_DEV_SECRETS=1 $(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

test-pg: setup
	./scripts/test-pg.sh $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	ONEX_DEV_SECRETS=1 $(BIN)/mypy

makemessages: setup
	cd src/onex && ONEX_DEV_SECRETS=1 ../../$(BIN)/python ../../manage.py makemessages -l en --no-obsolete -i 'migrations/*'

bench: setup
	@command -v wrk >/dev/null || { echo "bench needs wrk (Debian package wrk)"; exit 1; }
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
	@cat bench/results/latest.md

demo: setup
	DEBUG=1 $(BIN)/python manage.py demo_data

clean:
	rm -rf $(VENV) node_modules staticfiles
