"""Tasks of messaging: delivering the outbox (III.14), its sweep, and the workers' heartbeat.

Each keeps the name it was registered under when it lived in `calldesk/tasks.py`: a worker finds
a task by that name, so messages a broker already holds from before a deploy still run after it,
and the beat schedule (settings, CELERY_BEAT_SCHEDULE) names them the same way.
"""

import socket

from celery import shared_task
from django.db.models import F

from messaging.models import OutboxMessage
from messaging.selectors import undelivered_ids
from messaging.services import deliver_outbox_message, record_worker_heartbeat


@shared_task(name="calldesk.tasks.record_worker_heartbeat_task", acks_late=True, ignore_result=False)
def record_worker_heartbeat_task() -> str:
    """Run by beat every minute on a worker: proves a worker takes tasks from the broker."""
    worker = record_worker_heartbeat(worker=f"celery@{socket.gethostname()}")
    return worker.seen_at.isoformat()


@shared_task(
    name="calldesk.tasks.deliver_outbox_message_task",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def deliver_outbox_message_task(message_id: int) -> bool:
    """Deliver one outbox message (inbox + e-mail); idempotent."""
    return deliver_outbox_message(message_id=message_id)


@shared_task(name="calldesk.tasks.deliver_pending_outbox_task", acks_late=True)
def deliver_pending_outbox_task() -> int:
    """Beat, every minute: deliver what a down broker or a failed e-mail left behind."""
    delivered = 0
    for message_id in undelivered_ids():
        try:
            delivered += deliver_outbox_message(message_id=message_id)
        except OSError:
            OutboxMessage.objects.filter(pk=message_id).update(attempts=F("attempts") + 1)
    return delivered
