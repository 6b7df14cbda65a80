# partybuild — set-up, demo and tests.
#
#   make demo   set everything up, load the demo county and serve it at http://127.0.0.1:8000
#   make test   set everything up and run the test suite, one pytest-xdist worker per core, fixed seeds
#               (embedded default unless DATABASE_URL / CELERY_BROKER_URL point at real services;
#               skipped service tests are listed)
#   make fuzz   the property-based tests (Hypothesis, schemathesis) with fresh random seeds, 10x the cases
#   make lint   ruff check, ruff format --check and the import contracts (.importlinter)
#   make bench  the heavy benchmarks in tests/perf (see tests/perf/README.md)
#
# Re-runs are cheap: each step leaves a stamp keyed on the content of what it installs from
# (requirements-dev.lock, package.json + package-lock.json + .npmrc) and is skipped while that is unchanged.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Two workers more than the cores: the browser tests wait on Chromium and the live server, and the extra
# workers fill those waits. Workers copy one migrated test database instead of each migrating its own
# (tests/utils/database_template.py), so an extra worker costs little: on 2 cores, PostgreSQL, Redis and
# Chromium, the whole suite took 540 s with four workers against 590 s with three.
# Tests marked xdist_group (those sharing an expensive module-scoped set-up, like the seeded demo county)
# stay together on one worker. PYTEST_XDIST= runs the suite serially.
XDIST_WORKERS ?= $(shell echo $$(( $$(nproc) + 2 )))
PYTEST_XDIST ?= -n $(XDIST_WORKERS) --dist loadgroup

LOCK_SUM := $(shell cat requirements-dev.lock | sha256sum | cut -c1-16)
NPM_SUM := $(shell cat package.json package-lock.json .npmrc 2>/dev/null | sha256sum | cut -c1-16)
PY_STAMP := $(VENV)/.partybuild-lock-$(LOCK_SUM)
NPM_STAMP := node_modules/.partybuild-npm-$(NPM_SUM)
STATIC_STAMP := var/staticfiles/.partybuild-collected
STATIC_SOURCES := $(shell find static $(wildcard */static) -type f 2>/dev/null) partybuild/settings/base.py
SERVICE_WORKER := var/pwa/sw.js

.PHONY: help setup deps assets messages static migrate demo test fuzz lint bench clean

help:
	@sed -n '3,9p' Makefile | sed 's/^# \{0,1\}//'

## --- set-up ---------------------------------------------------------------------------------------

setup: deps assets messages static migrate

deps: $(PY_STAMP)
assets: $(NPM_STAMP) $(SERVICE_WORKER)
static: $(STATIC_STAMP)

# The virtual environment for the demo and the tests, from the hash-pinned development lock (the runtime
# lock plus the test and lint tools). The production image installs requirements.lock alone.
$(PY_STAMP): requirements-dev.lock
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "partybuild needs Python >= 3.11")'; \
		rm -rf $(VENV); \
		$(PYTHON) -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --no-input --require-hashes -r requirements-dev.lock
	@rm -f $(VENV)/.partybuild-lock-*
	@touch $@

# Front-end packages (bootstrap, echarts, htmx, the CJK font) from package-lock.json.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20) is needed to install the front-end assets"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The offline app's service worker (docs/offline.md): Workbox, from node_modules, writes it with the list of
# files it precaches (their content hashes), so it is rebuilt whenever one of them changes.
$(SERVICE_WORKER): $(NPM_STAMP) workbox-config.cjs templates/offline.html templates/base.html $(STATIC_SOURCES) $(wildcard locale/zh_Hans/LC_MESSAGES/*.po)
	node workbox-config.cjs

# Translation catalogs (locale/zh_Hans, locale/en). Needs GNU gettext's msgfmt; installed with apt
# when missing and we are root on Debian, otherwise a clear message. Up-to-date .mo files are skipped.
messages: $(PY_STAMP)
	@if ! command -v msgfmt >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing gettext (msgfmt) with apt-get"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y -qq --no-install-recommends gettext >/dev/null \
				|| { apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext >/dev/null; }; \
		else \
			echo "msgfmt not found: install GNU gettext (Debian: sudo apt-get install gettext)"; exit 1; \
		fi; \
	fi
	@if find locale $(wildcard */locale) -name '*.po' 2>/dev/null | grep -q .; then \
		$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=var --verbosity=0; \
	else \
		echo "No .po catalogs under locale/ yet: the interface will be untranslated"; \
	fi

$(STATIC_STAMP): $(PY_STAMP) $(NPM_STAMP) $(STATIC_SOURCES)
	$(MANAGE) collectstatic --noinput --verbosity=0
	@touch $@

migrate: $(PY_STAMP)
	$(MANAGE) migrate --noinput --verbosity=1

## --- the two commands -----------------------------------------------------------------------------

demo: setup
	$(MANAGE) seed_demo
	@echo
	@echo "Serving the demo county at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Tests create their own database; the set-up here is the same as for the demo minus the migration
# of the demo database. Skipped tests (and why) are listed at the end; pytest's exit code 5
# ("no tests collected") fails like any other non-zero status.
# Bytecode is written even where the environment says not to: the suite's own subprocesses (manage.py, the
# Celery worker, gunicorn) then load the project compiled instead of compiling it again each time.
test: export PYTHONDONTWRITEBYTECODE :=
test: deps assets messages static
	$(VENV)/bin/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The test modules that use Hypothesis or schemathesis, run with random seeds (a failure prints the seed and
# a @reproduce_failure blob) and PARTYBUILD_FUZZ_FACTOR (default 10) times the examples of `make test`.
FUZZ_TESTS = $(shell grep -rlE --include='test_*.py' '^(from|import) (hypothesis|schemathesis)' tests | sort)
fuzz: deps assets messages static
	PARTYBUILD_FUZZ=1 $(VENV)/bin/pytest $(PYTEST_XDIST) $(FUZZ_TESTS) $(PYTEST_ARGS)

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: deps assets messages static
	$(VENV)/bin/pytest -m benchmark -s tests/perf $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var/staticfiles var/pwa
