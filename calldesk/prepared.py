"""Hot queries compiled once: the ORM writes the SQL, each request only runs it.

Turning a queryset into SQL costs more than running it when the query is small and indexed:
on the screen pop (`GET /lookup`) Django spent several milliseconds a request building the same
three statements. A `Prepared` query is an ordinary `.values()` queryset, built once per process
and database with marked parameters (sentinels); each run executes the cached SQL with the
caller's values in the marked places, through Django's cursor (so it is counted, logged and in
the request's transaction), and applies the field converters Django would have applied.

The rule that the query expresses stays written once, in the ORM; only its compilation is
cached. `model_from_row` turns a row back into model instances for code that reads them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, ProgrammingError, connections
from django.db.models import Model, QuerySet
from psycopg.errors import InvalidSqlStatementName
from psycopg.pq import TransactionStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (position in params, parameter name)
    names: tuple[str, ...]
    converters: Any
    compiler: Any

    @property
    def statement(self) -> str:
        return "calldesk_" + hashlib.sha256(self.sql.encode()).hexdigest()[:20]


# --- PostgreSQL: a server-side prepared statement per connection -----------------------------------
# Most of a small query's time on PostgreSQL is planning it (1-2 ms for the screen pop's join of
# six tables, against 0.1 ms to run it). Django binds parameters on the client, so PostgreSQL
# plans every run; a statement prepared once per connection (PREPARE, then EXECUTE) is planned
# once. Django's pool keeps connections, and with them their statements, across requests.
# (Behind PgBouncer, only its session pooling keeps prepared statements.)
_PREPARED_ON: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> names
_UNPREPARABLE: set[str] = set()
_PG_TYPES = (
    (bool, "boolean"),
    (int, "bigint"),
    (Decimal, "numeric"),
    (datetime, "timestamptz"),
    (date, "date"),
    (str, "text"),
)


def _pg_type(value: Any) -> str:
    return next((name for kind, name in _PG_TYPES if isinstance(value, kind)), "unknown")


def _server_prepared(db, compiled: _Compiled, params: list) -> tuple[str, list] | None:
    """`EXECUTE name(%s, ...)` of the query prepared on this connection, preparing it first.
    Only on an idle connection (outside any transaction), where neither a failed PREPARE nor an
    EXECUTE of a statement the server no longer holds can abort anything; None otherwise, or
    when the query cannot be prepared: then the plain SQL runs, planned as Django would."""
    name = compiled.statement
    if name in _UNPREPARABLE:
        return None
    db.ensure_connection()
    raw = db.connection
    if db.in_atomic_block or raw.info.transaction_status != TransactionStatus.IDLE:
        return None
    names = _PREPARED_ON.setdefault(raw, set())
    if name not in names:
        numbered = iter(range(1, len(params) + 1))
        body = re.sub(r"%[s%]", lambda m: f"${next(numbered)}" if m.group() == "%s" else "%", compiled.sql)
        types = ", ".join(_pg_type(value) for value in compiled.params)
        try:
            with db.wrap_database_errors:
                if not names:
                    # Plan each statement once, for any values: PostgreSQL would otherwise plan
                    # its first five runs on every connection anew. Only these statements are
                    # prepared (Django binds on the client), so nothing else is touched.
                    raw.execute("SET plan_cache_mode = force_generic_plan")
                raw.execute(f"PREPARE {name} ({types}) AS {body}")
        except ProgrammingError:  # the SQL itself: it never will be
            logger.warning("prepared: %s could not be prepared; it runs unprepared", name, exc_info=True)
            _UNPREPARABLE.add(name)
            return None
        names.add(name)
    placeholders = ", ".join(["%s"] * len(params))
    return f"EXECUTE {name}({placeholders})", params


class Prepared:
    """`Prepared(build, phone="<sentinel>", on=date(1901, 2, 3))`: `build(**sentinels)` returns a
    `.values()` queryset; `run(phone=..., on=...)` returns its rows as dicts.

    Each sentinel must be a value no real query uses, and must reach the SQL as a parameter
    (compared by its text, as databases adapt dates to text and back)."""

    def __init__(self, build: Callable[..., QuerySet], **sentinels: Any) -> None:
        self.build = build
        self.sentinels = sentinels
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._lock = threading.Lock()
        _EVERY.add(self)

    def _compile(self, alias: str) -> _Compiled:
        queryset = self.build(**self.sentinels).using(alias)
        query = queryset.query
        if not query.values_select and not query.annotation_select:
            raise ImproperlyConfigured("A prepared query must be a .values() queryset.")
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        by_text = {str(value): name for name, value in self.sentinels.items()}
        slots = tuple((i, by_text[str(p)]) for i, p in enumerate(params) if str(p) in by_text)
        if {name for _, name in slots} != set(self.sentinels):
            raise ImproperlyConfigured(f"A sentinel did not reach the SQL as a parameter: {self.sentinels}")
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        fields = [column for column, _, _ in compiler.select[: compiler.col_count]]
        return _Compiled(sql, tuple(params), slots, names, compiler.get_converters(fields), compiler)

    def compiled(self, alias: str = DEFAULT_DB_ALIAS) -> _Compiled:
        key = (alias, connections[alias].settings_dict["NAME"] or "")
        found = self._compiled.get(key)
        if found is None:
            with self._lock:
                found = self._compiled.setdefault(key, self._compile(alias))
        return found

    def run(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[dict[str, Any]]:
        if set(values) != set(self.sentinels):
            raise TypeError(f"expected {sorted(self.sentinels)}, got {sorted(values)}")
        if settings.DB_PREPARE != "manual":  # the ORM as is; psycopg prepares, or nothing does
            return list(self.build(**values).using(using))
        compiled = self.compiled(using)
        params = list(compiled.params)
        for position, name in compiled.slots:
            value = values[name]
            # The database layer adapted the sentinel (a date to its text on SQLite): adapt alike.
            params[position] = str(value) if isinstance(params[position], str) else value
        db = connections[using]
        prepared = _server_prepared(db, compiled, params) if db.vendor == "postgresql" else None
        rows = None
        if prepared is not None:
            try:
                with db.cursor() as cursor:
                    cursor.execute(*prepared)
                    rows = cursor.fetchall()
            except ProgrammingError as error:
                # The server no longer holds the statement (DISCARD ALL, a pooler's reset): forget
                # it, so the next run prepares it again, and run the plain SQL now. The connection
                # was idle, so nothing was aborted.
                if not isinstance(error.__cause__, InvalidSqlStatementName):
                    raise
                _PREPARED_ON.get(db.connection, set()).discard(compiled.statement)
        if rows is None:
            with db.cursor() as cursor:
                cursor.execute(compiled.sql, params)
                rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return [dict(zip(compiled.names, row, strict=True)) for row in rows]


_EVERY: weakref.WeakSet[Prepared] = weakref.WeakSet()


def compile_all(alias: str = DEFAULT_DB_ALIAS) -> int:
    """Compile every prepared query made so far (those of the imported modules), without a
    connection: a web process does it before it serves (calldesk.warmup), so that no one's first
    screen pop waits for it. How many were compiled."""
    found = list(_EVERY)
    for prepared in found:
        prepared.compiled(alias)
    return len(found)


def columns(model: type[Model], prefix: str = "") -> list[str]:
    """The `.values()` names of every column of `model`, reached through `prefix` (`"type__"`)."""
    return [prefix + field.name if field.is_relation else prefix + field.attname for field in _fields(model)]


def model_from_row(model: type[Model], row: dict[str, Any], prefix: str = "", using: str = DEFAULT_DB_ALIAS):
    """The instance of `model` a row holds under `prefix` (as `columns` named them), or None when
    the relation was empty. It is a loaded instance, as a queryset would have made it."""
    fields = _fields(model)
    values = [row[prefix + (f.name if f.is_relation else f.attname)] for f in fields]
    if values[[f.primary_key for f in fields].index(True)] is None:
        return None
    return model.from_db(using, [f.attname for f in fields], values)


def _fields(model: type[Model]):
    return list(model._meta.concrete_fields)
