#!/usr/bin/env bash
# The whole test run behind `make test`: lint, then three layers, each counted.
#   1. unit and view tests on SQLite (in memory, eager tasks);
#   2. integration tests on a real PostgreSQL and a real Redis started here, on loopback, on
#      free high ports, in a temporary folder, with a real Celery worker (started by the tests);
#   3. browser tests in real headless Chromium through Playwright.
# The servers are always stopped at the end, on failure and on Ctrl-C too. A layer that
# cannot run, or that runs no test, fails the whole run: no layer is skipped silently.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"
export PYTHONDONTWRITEBYTECODE=1

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf 'make test: %s\n' "$*" >&2; exit 1; }

# --- What the machine must have -------------------------------------------------------------
PG_BINDIR=""
find_pg_bindir() {
    local dir
    for dir in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin; do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            PG_BINDIR="$dir"
            return 0
        fi
    done
    return 1
}

missing=()
find_pg_bindir || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Installing ${missing[*]} (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null || die "apt-get update failed"
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
            || die "apt-get install ${missing[*]} failed"
        find_pg_bindir || die "PostgreSQL server binaries (initdb, pg_ctl) are still missing"
    else
        die "missing ${missing[*]}: install them (Debian: sudo apt-get install ${missing[*]}) and run make test again"
    fi
fi

# --- Servers: started in a temporary folder, always stopped ---------------------------------
WORK="$(mktemp -d /tmp/cdtest.XXXXXX)"
PG_DATA="$WORK/pg"
PG_RUN_AS=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -f "$PG_DATA/postmaster.pid" ]; then
        "${PG_RUN_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ -f "$WORK/redis.pid" ]; then
        kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'echo; echo "make test: interrupted"; exit 130' INT TERM

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_postgres() {
    PG_PORT="$(free_port)"
    mkdir -p "$PG_DATA" "$WORK/sock"
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root: run it as the unprivileged postgres user.
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown -R postgres "$WORK/pg" "$WORK/sock"
        chmod 755 "$WORK"
        PG_RUN_AS=(runuser -u postgres --)
    fi
    (cd "$WORK" && "${PG_RUN_AS[@]}" "$PG_BINDIR/initdb" -D "$PG_DATA" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1) \
        || { cat "$WORK/initdb.log"; die "initdb failed"; }
    (cd "$WORK" && "${PG_RUN_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$WORK/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null) || { cat "$PG_DATA/server.log"; die "PostgreSQL did not start"; }
    "$PG_BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE calldesk LOGIN CREATEDB PASSWORD 'calldesk'" \
        -c "CREATE DATABASE calldesk OWNER calldesk" >/dev/null || die "could not create the test role"
    echo "PostgreSQL $("$PG_BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

start_redis() {
    REDIS_PORT="$(free_port)"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$WORK" --save '' \
        --appendonly no --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" >/dev/null \
        || die "Redis did not start"
    for _ in $(seq 50); do
        redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
        sleep 0.1
    done
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG || { cat "$WORK/redis.log"; die "Redis does not answer"; }
    echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$REDIS_PORT"
}

# --- Layers ---------------------------------------------------------------------------------
read -r -a PYTEST_ARGS <<<"${PYTEST_ARGS:-}"
declare -A COUNTS
FAILED=()
TOTAL_PASSED=0
TOTAL_FAILED=0

# run_layer NAME PYTEST-ARGS...: runs pytest, records "N passed" from its JUnit report, and
# fails the layer when pytest fails or runs no test at all.
run_layer() {
    local name="$1"
    shift
    local report="$WORK/$name.xml"
    say "Layer: $name"
    "$PY" -m pytest -q --junitxml="$report" "$@"
    local status=$?
    local summary
    summary="$("$PY" - "$report" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 0 0 0")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else list(root)
total = sum(int(s.get("tests", 0)) for s in suites)
failures = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(total - failures - skipped, failures, skipped, total)
PY
)"
    read -r passed failed skipped total <<<"$summary"
    COUNTS[$name]="$passed passed, $failed failed, $skipped skipped"
    TOTAL_PASSED=$((TOTAL_PASSED + passed))
    TOTAL_FAILED=$((TOTAL_FAILED + failed))
    if [ "$status" -ne 0 ] || [ "$total" -eq 0 ] || [ "$skipped" -ne 0 ]; then
        [ "$total" -eq 0 ] && echo "make test: layer $name ran no test" >&2
        [ "$skipped" -ne 0 ] && echo "make test: layer $name skipped $skipped test(s): every layer must run whole" >&2
        FAILED+=("$name")
    fi
}

# LAYERS="integration" (for a quick local loop) runs only those; the run then ends non-zero,
# because a partial run is not a passing `make test`.
LAYERS="${LAYERS:-unit integration browser}"
wants() { [[ " $LAYERS " == *" $1 "* ]]; }

say "Lint (ruff)"
ruff check . && ruff format --check . || die "lint failed: run 'make fmt' to fix formatting"

wants unit && run_layer unit -m "not integration and not browser" -p no:playwright

if wants integration; then
    say "Starting PostgreSQL and Redis for the integration layer"
    start_postgres
    start_redis
    DATABASE_URL="postgres://calldesk:calldesk@127.0.0.1:$PG_PORT/calldesk" \
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
        run_layer integration -m integration -p no:playwright "${PYTEST_ARGS[@]}"
fi

wants browser && DJANGO_ALLOW_ASYNC_UNSAFE=true CHROMIUM="$CHROMIUM" run_layer browser -m browser

say "Summary"
for name in unit integration browser; do
    printf '  %-12s %s\n' "$name" "${COUNTS[$name]:-did not run}"
done
echo "total: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
if [ "$LAYERS" != "unit integration browser" ]; then
    echo "make test: only the layers '$LAYERS' ran: this is not a full run" >&2
    exit 3
fi
if [ "${#FAILED[@]}" -gt 0 ]; then
    echo "make test: FAILED layer(s): ${FAILED[*]}" >&2
    exit 1
fi
echo "make test: all three layers passed"
