# calldesk: two commands.
#   make run    serve the desk on http://127.0.0.1:8000 (SQLite, tasks in-process, demo data)
#   make test   lint + unit/view tests (SQLite) + integration tests (real PostgreSQL, Redis,
#               Celery worker, started here) + browser tests (headless Chromium)
#   make bench  the operator's path timed at 100,000 clients on a PostgreSQL of its own, each
#               figure beside its budget (bench/results.json); not a test

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_CLIENTS ?= 1000

.PHONY: run test bench lint fmt check-python migrate demo messages clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "calldesk needs Python 3.11 or newer (found: $$($(PYTHON) --version 2>&1))."; exit 1; }

$(VENV)/.runtime-installed: requirements.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.runtime-installed
	$(PIP) install -r requirements-dev.txt
	@touch $@

migrate: $(VENV)/.runtime-installed
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_calendar

demo: migrate
	$(PY) manage.py seed_demo --clients $(DEMO_CLIENTS)

run: demo
	@echo "calldesk: http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(PY) manage.py serve $(HOST):$(PORT)

test: $(VENV)/.dev-installed
	@bash scripts/test.sh

bench: $(VENV)/.dev-installed
	@bash scripts/bench.sh

lint: $(VENV)/.dev-installed
	@VENV=$(VENV) bash scripts/lint.sh

fmt: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The catalogues (locale/<lang>/LC_MESSAGES/django.po) and their compiled .mo, both committed,
# so that a fresh machine serves every language without GNU gettext. Needs gettext to refresh.
MESSAGE_LANGS := -l ru -l ro
MESSAGE_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=var --ignore=tests --ignore=bench
messages: $(VENV)/.runtime-installed
	$(PY) manage.py makemessages $(MESSAGE_LANGS) $(MESSAGE_IGNORE) --no-obsolete
	$(PY) manage.py compilemessages $(MESSAGE_LANGS) --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var
