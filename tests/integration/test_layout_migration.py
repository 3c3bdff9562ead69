"""A database at the schema of before the apps moved migrates to the new layout with no row lost,
on the PostgreSQL server of this layer: a database of its own is loaded from
tests/data/schema-before-apps.postgres.sql.gz with psql, migrated by `manage.py migrate` in a
subprocess, and compared (tests/layout_migration.py says how the dump was made and what is
compared; the SQLite twin is tests/calldesk/test_layout_migration.py)."""

import glob
import gzip
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.layout_migration import DUMPS, assert_known_rows, assert_nothing_lost, migrate, snapshot, unapplied


def psql_binary() -> str:
    """The psql of the server's own installation, found as scripts/servers.sh finds initdb."""
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip()
        candidates.append(Path(bindir) / "psql")
    candidates += [Path(d) / "psql" for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("psql")
    assert found, "psql is missing: install PostgreSQL's client (Debian: postgresql-client)"
    return found


@pytest.fixture
def old_database():
    """A fresh database on this layer's server, loaded from the dump; dropped afterwards."""
    server = connection.settings_dict
    name = f"calldesk_layout_{uuid.uuid4().hex[:8]}"
    params = {
        "host": server["HOST"],
        "port": server["PORT"],
        "user": server["USER"],
        "password": server["PASSWORD"],
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = f"postgres://{params['user']}:{params['password']}@{params['host']}:{params['port']}/{name}"
    try:
        with gzip.open(DUMPS / "schema-before-apps.postgres.sql.gz", "rb") as dump:
            loaded = subprocess.run(
                [psql_binary(), "-q", "-X", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"],
                input=dump.read(),
                capture_output=True,
                timeout=300,
            )
        assert loaded.returncode == 0, loaded.stderr.decode()
        yield {"url": url, "dbname": name, **params}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def tables_of(cursor) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [name for (name,) in cursor.fetchall()]


def test_a_postgres_database_at_the_old_schema_migrates_with_every_row(old_database):
    params = {k: old_database[k] for k in ("host", "port", "user", "password", "dbname")}
    with psycopg.connect(**params) as old, old.cursor() as cursor:
        before = snapshot(cursor, tables_of(cursor))
    assert "clients_user" in before["tables"] and "staff_user" not in before["tables"]

    done = migrate(old_database["url"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Recorded the state-only staff.0001_initial as applied." in done.stdout
    check = unapplied(old_database["url"])
    assert check.returncode == 0, check.stdout + check.stderr

    with psycopg.connect(**params) as new, new.cursor() as cursor:
        tables = tables_of(cursor)
        after = snapshot(cursor, tables)
        assert_nothing_lost(before, after, tables)
        assert_known_rows(cursor)
        # The sequences carried on with their tables: the next row gets the next id.
        cursor.execute("SELECT pg_get_serial_sequence('staff_user', 'id')")
        (sequence,) = cursor.fetchone()
        assert sequence is not None
        cursor.execute(sql.SQL("SELECT last_value FROM {}").format(sql.SQL(sequence)))
        assert cursor.fetchone()[0] == 20
