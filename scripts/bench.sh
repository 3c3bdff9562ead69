#!/usr/bin/env bash
# `make bench`: a PostgreSQL and a Redis of its own on loopback (like make test), the bench data
# set loaded once into var/bench/pg and reused by later runs, then bench/measure.py, which prints
# the table and writes bench/results.json. Exits non-zero when a budget is missed.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf 'make bench: %s\n' "$*" >&2; exit 1; }

WORK="$(mktemp -d /tmp/cdbench.XXXXXX)"
# The cluster outlives the run: loading the data set is the slow part, so it is done once.
PG_DATA="${BENCH_PG_DATA:-$ROOT/var/bench/pg}"
mkdir -p "$(dirname "$PG_DATA")"
chmod 755 "$ROOT/var" "$(dirname "$PG_DATA")" 2>/dev/null || true
# shellcheck source=scripts/servers.sh
source "$ROOT/scripts/servers.sh"
ensure_tools

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_servers
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'echo; echo "make bench: interrupted"; exit 130' INT TERM

say "Starting PostgreSQL and Redis"
PG_EXTRA_OPTIONS="-c shared_buffers=512MB -c work_mem=32MB -c maintenance_work_mem=512MB -c max_wal_size=4GB"
start_postgres
start_redis
export DATABASE_URL="postgres://calldesk:calldesk@127.0.0.1:$PG_PORT/calldesk"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_SETTINGS_MODULE=calldesk.settings.bench

say "The bench data set"
"$PY" manage.py migrate --noinput -v 0 || die "migrate failed"
"$PY" manage.py seed_bench ${BENCH_SCALE:+--scale "$BENCH_SCALE"} || die "seed_bench failed"

say "Measuring"
"$PY" -m bench.measure
