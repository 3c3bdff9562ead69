"""What the layout migration must keep: a database at the schema of before the apps moved (users,
departments and API tokens in `clients`, the outbox in `calldesk`, call lists and campaigns in
`calls`) migrates to the new layout with every row, id and foreign key intact, and with the
content types, and the permissions granted through them, under the new app labels.

The old databases are dumps in tests/data/schema-before-apps.{sqlite,postgres}.sql.gz: the demo data
of the old schema (commit 3b2e002: `migrate`, `seed_demo`), with a row in every table that moves
(an outbox and an inbox message, a worker heartbeat, an API token, a user's own permission, an
admin log entry, a campaign with its call list, tasks and attempts). Both layers (SQLite in the
unit layer, PostgreSQL in the integration layer) load one, run `manage.py migrate` on it in a
subprocess, as a deploy does, and compare with these helpers through a DB-API cursor.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DUMPS = ROOT / "tests" / "data"

# old table -> new table; every other table keeps its name.
MOVED_TABLES = {
    "clients_user": "staff_user",
    "clients_user_groups": "staff_user_groups",
    "clients_user_user_permissions": "staff_user_user_permissions",
    "clients_department": "staff_department",
    "clients_apitoken": "staff_apitoken",
    "calldesk_outboxmessage": "messaging_outboxmessage",
    "calldesk_inboxmessage": "messaging_inboxmessage",
    "calldesk_workerheartbeat": "messaging_workerheartbeat",
    "calls_campaign": "outbound_campaign",
    "calls_calllist": "outbound_calllist",
    "calls_calltask": "outbound_calltask",
    "calls_taskattempt": "outbound_taskattempt",
}
# (old app label, model) -> new app label.
MOVED_MODELS = {
    ("clients", "user"): "staff",
    ("clients", "department"): "staff",
    ("clients", "apitoken"): "staff",
    ("calldesk", "outboxmessage"): "messaging",
    ("calldesk", "inboxmessage"): "messaging",
    ("calldesk", "workerheartbeat"): "messaging",
    ("calls", "campaign"): "outbound",
    ("calls", "calllist"): "outbound",
    ("calls", "calltask"): "outbound",
    ("calls", "taskattempt"): "outbound",
}
# Rows the migration itself writes or rewrites: compared on their own terms below.
# Apps installed after the dump was taken (the push channel's django-eventstream, calldesk.live).
APPS_ADDED_SINCE = {"django_eventstream", "warehouse"}
NOT_COMPARED_AS_ROWS = {"django_migrations", "django_content_type", "sqlite_sequence"}

GRANTS = """
    SELECT holder, app_label, model, codename FROM (
        SELECT g.name AS holder, ct.app_label, ct.model, p.codename
        FROM auth_group_permissions gp
        JOIN auth_group g ON g.id = gp.group_id
        JOIN auth_permission p ON p.id = gp.permission_id
        JOIN django_content_type ct ON ct.id = p.content_type_id
        UNION ALL
        SELECT u.username, ct.app_label, ct.model, p.codename
        FROM {user_permissions} up
        JOIN {users} u ON u.id = up.user_id
        JOIN auth_permission p ON p.id = up.permission_id
        JOIN django_content_type ct ON ct.id = p.content_type_id
    ) grants ORDER BY 1, 2, 3, 4
"""


def migrate(database_url: str) -> subprocess.CompletedProcess:
    """`manage.py migrate` on that database, in a process of its own, as a deploy runs it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "calldesk.settings.base",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def unapplied(database_url: str) -> subprocess.CompletedProcess:
    """`migrate --check`: non-zero while any migration is unapplied."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "calldesk.settings.base", "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def rows_of(cursor, table: str) -> list[tuple]:
    """Every row of `table`, its columns in name order, sorted (whatever the key's type)."""
    # Table and column names come from the database's own catalogue, never from input.
    cursor.execute(f'SELECT * FROM "{table}" WHERE 1 = 0')  # noqa: S608
    columns = sorted(column[0] for column in cursor.description)
    listed = ", ".join(f'"{column}"' for column in columns)
    cursor.execute(f'SELECT {listed} FROM "{table}" ORDER BY {listed}')  # noqa: S608
    return [(tuple(columns),), *cursor.fetchall()]


def only_columns(rows: list[tuple], columns: tuple[str, ...]) -> list[tuple]:
    """`rows_of`'s rows with only `columns` (a dropped column fails here), in a stable order."""
    header = rows[0][0]
    index = [header.index(column) for column in columns]
    return [(columns,), *sorted((tuple(row[i] for i in index) for row in rows[1:]), key=repr)]


def snapshot(cursor, tables: list[str]) -> dict:
    """What must survive: every row of every table, the content types by id, and the grants."""
    users = "clients_user" if "clients_user" in tables else "staff_user"
    cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
    content_types = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    cursor.execute(GRANTS.format(users=users, user_permissions=f"{users}_user_permissions"))
    return {
        "tables": {table: rows_of(cursor, table) for table in tables if table not in NOT_COMPARED_AS_ROWS},
        "content_types": content_types,
        "grants": [tuple(row) for row in cursor.fetchall()],
    }


def new_label(app_label: str, model: str) -> str:
    return MOVED_MODELS.get((app_label, model), app_label)


def assert_nothing_lost(before: dict, after: dict, tables_after: list[str]) -> None:
    """Every old table is there under its new name with the same rows (ids and foreign keys as
    they were), every content type keeps its id under its new label, every grant holds."""
    renamed = {MOVED_TABLES.get(table, table): rows for table, rows in before["tables"].items()}
    assert sorted(set(renamed) - set(tables_after)) == []
    assert not set(MOVED_TABLES) & set(tables_after), "an old table was left behind"
    # An app installed since the dump, or a model added since to an old app (clients'
    # delivery addresses, orders' order-form e-mails), brings its own new content types and
    # permissions: new ids. Every old id is checked below, under its new label.
    added = {
        pk
        for pk, (app, _) in after["content_types"].items()
        if app in APPS_ADDED_SINCE or pk not in before["content_types"]
    }
    for table, rows in renamed.items():
        now = after["tables"][table]
        if table == "auth_permission":
            content_type = now[0][0].index("content_type_id")
            now = [now[0], *(row for row in now[1:] if row[content_type] not in added)]
        assert len(now) == len(rows), f"{table}: rows lost or added"
        # A later migration may add a column (staff_user.language): the old columns are compared.
        kept = only_columns(now, rows[0][0])
        assert kept == only_columns(rows, rows[0][0]), f"{table}: a row changed"
    assert {pk: label for pk, label in after["content_types"].items() if pk not in added} == {
        pk: (new_label(app, model), model) for pk, (app, model) in before["content_types"].items()
    }
    assert after["grants"] == sorted(
        (holder, new_label(app, model), model, codename) for holder, app, model, codename in before["grants"]
    )


def one(cursor, sql: str) -> tuple:
    cursor.execute(sql)
    (row,) = cursor.fetchall()
    return tuple(row)


def assert_known_rows(cursor) -> None:
    """A few rows of the dump, spelled out: a user with their groups, the exchange's API token and
    permission, a call task's operator, an outbox message and its inbox message, an admin entry."""
    assert one(
        cursor,
        "SELECT u.id, u.username, u.full_name, d.code FROM staff_user u "
        "JOIN staff_department d ON d.id = u.department_id WHERE u.id = 20",
    ) == (20, "ipetrov", "Иван Петров", "wholesale")
    cursor.execute(
        "SELECT u.username, g.name FROM staff_user_groups ug JOIN staff_user u ON u.id = ug.user_id "
        "JOIN auth_group g ON g.id = ug.group_id WHERE u.id IN (1, 8, 20) ORDER BY u.id"
    )
    assert [tuple(row) for row in cursor.fetchall()] == [
        ("operator", "operator"),
        ("operator2", "operator"),
        ("ipetrov", "manager"),
    ]
    exchange = "АТС"
    assert one(cursor, "SELECT id, name, user_id FROM staff_apitoken") == (1, exchange, 20)
    assert one(
        cursor,
        "SELECT up.user_id, ct.app_label, ct.model, p.codename FROM staff_user_user_permissions up "
        "JOIN auth_permission p ON p.id = up.permission_id "
        "JOIN django_content_type ct ON ct.id = p.content_type_id",
    ) == (20, "staff", "user", "set_any_presence")
    assert one(
        cursor,
        "SELECT t.id, t.status, u.username, t.client_id, l.source, l.campaign_id FROM outbound_calltask t "
        "JOIN staff_user u ON u.id = t.operator_id JOIN outbound_calllist l ON l.id = t.call_list_id "
        "WHERE t.id = 7",
    ) == (7, "open", "operator3", 30, "campaign", 1)
    assert one(cursor, "SELECT name, status FROM outbound_campaign WHERE id = 1") == (
        "Summer drinks promotion",
        "running",
    )
    assert one(
        cursor,
        "SELECT o.id, o.kind, o.subject, u.username, i.id, i.recipient_id FROM messaging_outboxmessage o "
        "JOIN staff_user u ON u.id = o.recipient_id JOIN messaging_inboxmessage i ON i.outbox_id = o.id",
    ) == (1, "order_confirmed", "Заказ 2026-000101 подтверждён", "ipetrov", 1, 20)
    assert one(cursor, "SELECT worker FROM messaging_workerheartbeat") == ("celery@host-1",)
    assert one(
        cursor,
        "SELECT l.object_id, l.object_repr, ct.app_label, ct.model FROM django_admin_log l "
        "JOIN django_content_type ct ON ct.id = l.content_type_id",
    ) == ("20", "Иван Петров", "staff", "user")
    cursor.execute(
        "SELECT app_label, model FROM django_content_type WHERE app_label = 'calldesk' "
        "OR (app_label = 'clients' AND model IN ('user', 'department', 'apitoken')) "
        "OR (app_label = 'calls' AND model IN ('campaign', 'calllist', 'calltask', 'taskattempt'))"
    )
    assert cursor.fetchall() == []
