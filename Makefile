# Two commands for a new user (README.md): `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Tests run on the real services; override either variable to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tracker
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test system-packages services-check lint types migrations-check pytest install install-dev messages demo clean openapi contract

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed messages
install-dev: $(VENV)/.installed-dev messages contract/node_modules/.installed

## The API contract's npm tools (redocly, openapi-typescript, openapi-fetch), exactly as locked.
contract/node_modules/.installed: contract/package.json contract/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: the API contract tests need Node.js 20.19+ and npm (apt-get install nodejs npm)" >&2; exit 1; }
	cd contract && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## make openapi: regenerate openapi.json (the committed API contract) after changing the API.
## SITE_BASE_URL is fixed so the file does not depend on who generates it.
openapi: install-dev
	SITE_BASE_URL=http://127.0.0.1:8000 DJANGO_SETTINGS_MODULE=tracker.settings_test \
		$(BIN)/python manage.py spectacular --format openapi-json --validate --fail-on-warn --file openapi.json
	cd contract && npx --no-install redocly lint --config ../redocly.yaml ../openapi.json --format=summary

## Translations (the interface's and the dossier's Russian): .po -> .mo with GNU gettext's msgfmt.
## The .mo files are build output (not committed). compilemessages reads only LOCALE_PATHS from
## the settings, so the test settings (no secrets needed) will do.
messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then \
		DJANGO_SETTINGS_MODULE=tracker.settings_test $(BIN)/python manage.py compilemessages --verbosity 0 \
			--ignore=.venv --ignore=var --ignore=staticfiles --ignore=node_modules; \
	else \
		echo "warning: msgfmt not found (apt-get install gettext): the interface, emails and dossiers will be in English"; \
	fi

## make run: install, migrate, load the demo, then serve web + Celery worker + beat (Ctrl-C stops all).
## `make run PORT=8001` serves on another port (links in emails follow it).
PORT ?= 8000
run: install
	@mkdir -p var
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo
	@echo "Starting web (http://127.0.0.1:$(PORT)), worker and beat. Ctrl-C stops them all."
	DEBUG=$${DEBUG:-true} SITE_BASE_URL=$${SITE_BASE_URL:-http://127.0.0.1:$(PORT)} PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/honcho -f Procfile.dev start --port $(PORT)

## make test: the system packages first (installed as root; otherwise it stops at once with the
## command to run), then the test tools, lint, types, migrations check and the whole suite on
## PostgreSQL + Redis.
test: system-packages install-dev services-check lint types migrations-check pytest

## The Debian packages the tests need: one list, in .ci/system-packages (.ci/run uses it too).
system-packages:
	@.ci/system-packages --install

## PostgreSQL and Redis answer before anything slow starts.
services-check:
	@db=$${DATABASE_URL:-$(TEST_DATABASE_URL)}; pg_isready -q -d "$$db" || { \
		echo "PostgreSQL does not answer at $$db: start it (.ci/run does) or set DATABASE_URL." >&2; exit 1; }
	@redis=$${REDIS_URL:-$(TEST_REDIS_URL)}; redis-cli -u "$$redis" ping 2>/dev/null | grep -q PONG || { \
		echo "Redis does not answer at $$redis: start it (.ci/run does) or set REDIS_URL." >&2; exit 1; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: install-dev
	$(BIN)/mypy .

migrations-check: install-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		DJANGO_SETTINGS_MODULE=tracker.settings_test $(BIN)/python manage.py makemigrations --check --dry-run

pytest: system-packages install-dev services-check
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .mypy_cache .ruff_cache .pytest_cache
