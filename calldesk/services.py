"""Services of the desk's own plumbing: worker heartbeat and the health report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from messaging.models import InboxMessage, WorkerHeartbeat


def record_worker_heartbeat(*, worker: str) -> WorkerHeartbeat:
    """Record that `worker` is alive now. Idempotent: one row per worker, overwritten."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"seen_at": timezone.now()}
    )
    return heartbeat


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


def mark_read(*, user, message_id: int | None) -> int:
    """Mark one of the user's inbox messages read, or all of them (message_id None)."""
    messages = InboxMessage.objects.filter(recipient=user, read_at__isnull=True)
    if message_id is not None:
        messages = messages.filter(pk=message_id)
    return messages.update(read_at=timezone.now())
