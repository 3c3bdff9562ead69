"""A database at the schema of before the apps moved migrates to the new layout with no row lost
(SQLite; the same on PostgreSQL: tests/integration/test_layout_migration.py). How the old
database was made and what is compared: tests/layout_migration.py."""

import gzip
import sqlite3

from tests.layout_migration import DUMPS, assert_known_rows, assert_nothing_lost, migrate, snapshot, unapplied


def tables_of(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [name for (name,) in rows if not name.startswith("sqlite_")]


def test_a_database_at_the_old_schema_migrates_with_every_row(tmp_path):
    path = tmp_path / "old.sqlite3"
    with gzip.open(DUMPS / "schema-before-apps.sqlite.sql.gz", "rt", encoding="utf-8") as dump:
        script = dump.read()
    with sqlite3.connect(path) as connection:
        connection.executescript(script)
        before = snapshot(connection.cursor(), tables_of(connection))
    assert "clients_user" in before["tables"] and "staff_user" not in before["tables"]

    database_url = f"sqlite:///{path}"
    done = migrate(database_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Recorded the state-only staff.0001_initial as applied." in done.stdout
    check = unapplied(database_url)
    assert check.returncode == 0, check.stdout + check.stderr

    connection = sqlite3.connect(path)
    try:
        after = snapshot(connection.cursor(), tables_of(connection))
        assert_nothing_lost(before, after, tables_of(connection))
        assert_known_rows(connection.cursor())
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()
