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

# --- What the machine must have; the servers, in a temporary folder, always stopped ----------
WORK="$(mktemp -d /tmp/cdtest.XXXXXX)"
# shellcheck source=scripts/servers.sh
source "$ROOT/scripts/servers.sh"
ensure_tools chromium

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_servers
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'echo; echo "make test: interrupted"; exit 130' INT TERM

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

say "Lint: ruff, mypy, bandit, migrations (scripts/lint.sh)"
bash "$ROOT/scripts/lint.sh" || die "lint failed"

wants unit && run_layer unit -m "not integration and not browser" -p no:playwright

if wants integration; then
    say "Starting PostgreSQL and Redis for the integration layer"
    start_postgres
    start_redis
    DATABASE_URL="postgres://calldesk:calldesk@127.0.0.1:$PG_PORT/calldesk" \
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" REDIS_CONF="$REDIS_CONF" \
        run_layer integration -m integration -p no:playwright "${PYTEST_ARGS[@]}"
fi

wants browser && DJANGO_ALLOW_ASYNC_UNSAFE=true CHROMIUM="$CHROMIUM" run_layer browser -m browser "${PYTEST_ARGS[@]}"

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
