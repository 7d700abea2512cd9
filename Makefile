# Everything a newcomer needs: `make run` serves the demo, `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
PO_FILES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000
# The same server settings serve `make run` and the benchmark (which binds its own ports).
GUNICORN_SERVER_OPTS := --workers 2 --threads 4 --worker-class gthread \
	--access-logfile - --forwarded-allow-ips 127.0.0.1
GUNICORN_OPTS ?= $(GUNICORN_SERVER_OPTS) --bind $(HOST):$(PORT)

.PHONY: help install instance-db run dev test test-pg test-browser lint translations messages ci clean browser-deps bench bench-deps report

help:
	@echo "make run    - install, migrate, load the demo data and serve at http://$(HOST):$(PORT)"
	@echo "make test   - install and run the whole test suite (SQLite)"
	@echo "make dev    - the same data, Flask's debug server with reload"
	@echo "make lint   - ruff, bandit and the import layers (import-linter)"
	@echo "make bench  - benchmark (synthetic 100k registry, wrk); results in bench/README.md"
	@echo "make report - the figures of the last test, CI and bench runs in one table"
	@echo "make messages - extract strings and update the message catalogs"

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(STAMP) translations

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(MO_FILES)

instance-db: install
	$(FLASK) db upgrade
	$(FLASK) honors demo

run: instance-db
	$(BIN)/gunicorn $(GUNICORN_OPTS) wsgi:app

dev: instance-db
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q tests

test-pg: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -q tests

AXE_VERSION := 4.11.0

browser-deps: install
	@test -f .ci/js/node_modules/axe-core/axe.min.js || npm install --silent --no-save --no-audit --no-fund --prefix .ci/js axe-core@$(AXE_VERSION)
	@(test -x /usr/bin/chromium && test -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null)

test-browser: browser-deps
	HONORS_BROWSER_TESTS=1 $(BIN)/python -m pytest -q tests/browser

# Real gunicorn servers (GUNICORN_SERVER_OPTS) on SQLite and PostgreSQL, with Redis: exact
# counts under concurrency, kill -9 of workers, a locked database, Redis down, backups while
# writing, two instances. Creates and drops its own databases (honors_rel_*) and uses Redis
# db 14; not part of `make test` (.ci/run runs it).
.PHONY: test-reliability
test-reliability: install
	HONORS_RELIABILITY_TESTS=1 $(BIN)/python -m pytest -q tests/reliability

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r app
	$(BIN)/lint-imports --no-cache

messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

# Benchmark (not part of `make test`): synthetic 100k registry, gunicorn vs hello-world under
# wrk; DATABASE_URL=postgresql://... runs it on PostgreSQL (that database is wiped).
BENCH_HONOREES ?= 100000
bench-deps: install
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

bench: bench-deps
	GUNICORN_SERVER_OPTS="$(GUNICORN_SERVER_OPTS)" $(BIN)/python bench/run.py --honorees $(BENCH_HONOREES)

# One table of the figures the suites and the benchmark recorded (.ci/artifacts/figures).
report: install
	$(BIN)/python bench/report.py

ci:
	.ci/run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(MO_FILES)
