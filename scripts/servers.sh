# Shared by scripts/test.sh (make test) and scripts/bench.sh (make bench): what the machine must
# have, and a PostgreSQL and a Redis of our own on loopback, on free ports, always stopped.
# The caller sets ROOT, PY, WORK (a folder of its own) and defines say() and die() first.

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

# ensure_tools [chromium]: PostgreSQL and Redis servers (and Chromium when asked); as root on
# Debian it installs what is missing, else it stops with one line saying what to install.
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
ensure_tools() {
    local missing=()
    find_pg_bindir || missing+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    if [ "${1:-}" = chromium ] && [ ! -x "$CHROMIUM" ]; then
        missing+=(chromium)
    fi
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            say "Installing ${missing[*]} (apt-get)"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null || die "apt-get update failed"
            apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
                || die "apt-get install ${missing[*]} failed"
            find_pg_bindir || die "PostgreSQL server binaries (initdb, pg_ctl) are still missing"
        else
            die "missing ${missing[*]}: install them (Debian: sudo apt-get install ${missing[*]}) and run again"
        fi
    fi
}

PG_DATA="${PG_DATA:-$WORK/pg}"
PG_RUN_AS=()
stop_servers() {
    if [ -f "$PG_DATA/postmaster.pid" ]; then
        "${PG_RUN_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    if [ -f "$WORK/redis.pid" ]; then
        kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true
    fi
}

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_postgres: a cluster in $PG_DATA (made there unless one is already there, which
# `make bench` keeps between runs), with the role and database calldesk/calldesk.
start_postgres() {
    PG_PORT="$(free_port)"
    local fresh=1
    [ -f "$PG_DATA/PG_VERSION" ] && fresh=0
    mkdir -p "$PG_DATA" "$WORK/sock" "$WORK/pglog"
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root: run it as the unprivileged postgres user.
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown -R postgres "$PG_DATA" "$WORK/sock" "$WORK/pglog"
        chmod 755 "$WORK"
        PG_RUN_AS=(runuser -u postgres --)
    fi
    if [ "$fresh" = 1 ]; then
        (cd "$WORK" && "${PG_RUN_AS[@]}" "$PG_BINDIR/initdb" -D "$PG_DATA" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1) \
            || { cat "$WORK/initdb.log"; die "initdb failed"; }
    fi
    (cd "$WORK" && "${PG_RUN_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$WORK/pglog/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$WORK/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTIONS:-}" \
        start >/dev/null) || { cat "$WORK/pglog/server.log"; die "PostgreSQL did not start"; }
    if [ "$fresh" = 1 ]; then
        "$PG_BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
            -c "CREATE ROLE calldesk LOGIN CREATEDB PASSWORD 'calldesk'" \
            -c "CREATE DATABASE calldesk OWNER calldesk" >/dev/null || die "could not create the role calldesk"
    fi
    echo "PostgreSQL $("$PG_BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

# start_redis: its settings in $REDIS_CONF, so that a fault test can stop this Redis and start it
# again, the same way and on the same port (`redis-server $REDIS_CONF`).
start_redis() {
    REDIS_PORT="$(free_port)"
    REDIS_CONF="$WORK/redis.conf"
    printf '%s\n' "port $REDIS_PORT" "bind 127.0.0.1" "daemonize yes" "dir $WORK" "save ''" \
        "appendonly no" "pidfile $WORK/redis.pid" "logfile $WORK/redis.log" >"$REDIS_CONF"
    redis-server "$REDIS_CONF" >/dev/null || die "Redis did not start"
    for _ in $(seq 50); do
        redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
        sleep 0.1
    done
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG || { cat "$WORK/redis.log"; die "Redis does not answer"; }
    echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$REDIS_PORT"
}

