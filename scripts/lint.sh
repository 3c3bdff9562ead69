#!/usr/bin/env bash
# The lint behind `make lint` and the first step of `make test`: style (ruff), types (mypy over
# the rules, services, selectors and permissions of every app: pyproject's [tool.mypy]), security
# (bandit) and no model change without its migration. Stops at the first that fails.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
export PATH="$VENV/bin:$PATH"

fail() { printf 'lint: %s\n' "$*" >&2; exit 1; }

ruff check . && ruff format --check . || fail "ruff: run 'make fmt' to fix formatting"
# Every app's rules, services, selectors and permissions, whichever exist (pyproject's [tool.mypy]
# names the same globs for a bare `mypy`, less permissions.py, which mypy refuses while no app has one).
shopt -s nullglob
typed=(*/rules.py */services.py */selectors.py */permissions.py)
mypy "${typed[@]}"
status=$?
[ "$status" -eq 0 ] || fail "mypy exited with $status (1: a type error in the rules, services, selectors or permissions; 2: mypy itself failed)"
# Every finding bandit may report is fixed or marked on its line with "# nosec <test id>" and a
# reason nearby (README, "Security and reliability"); a new one fails the run.
bandit -q -r calldesk staff clients orders calls outbound messaging reports demo bench \
    || fail "bandit found a security issue"
# The unit layer's settings (SQLite in memory): the check needs no database of its own.
DJANGO_SETTINGS_MODULE=calldesk.settings.test python manage.py makemigrations --check --dry-run >/dev/null \
    || fail "a model changed without its migration: run manage.py makemigrations"
