"""Reads of messaging: a member of staff's inbox, the messages still to deliver, and the health
report of the parts that deliver them (database, broker, workers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from messaging.models import InboxMessage, OutboxMessage, WorkerHeartbeat


def inbox_of(user) -> QuerySet[InboxMessage]:
    return InboxMessage.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """The user's own unread messages: one COUNT over the recipient's index."""
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()


class UnreadNotices:
    """The header's unread count of one reader, read once and only when a page shows it."""

    def __init__(self, user) -> None:
        self._user = user

    @cached_property
    def count(self) -> int:
        return unread_count(self._user)


def undelivered_ids(*, older_than_seconds: int = 30, limit: int = 500) -> list[int]:
    """Outbox messages still undelivered after `older_than_seconds`, oldest first: the sweep's."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        OutboxMessage.objects.filter(delivered_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


@dataclass(frozen=True)
class Health:
    database: str  # "ok" | "down"
    broker: str  # "ok" | "down" | "eager"
    worker: str  # "ok" | "stale" | "none" | "eager"

    @property
    def is_ok(self) -> bool:
        return self.database == "ok" and self.broker in {"ok", "eager"}


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database means "down"
        return "down"
    return "ok"


def check_broker() -> str:
    """Ping the broker with a short timeout, so a load balancer's probe never hangs."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
    except redis.RedisError:
        return "down"
    return "ok"


def check_worker(*, database: str) -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    if database != "ok":
        return "none"
    latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if latest is None:
        return "none"
    stale_after = timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    return "ok" if timezone.now() - latest <= stale_after else "stale"


def desk_health() -> Health:
    database = check_database()
    return Health(database=database, broker=check_broker(), worker=check_worker(database=database))
