"""Tasks of the desk's own plumbing."""

import socket

from celery import shared_task

from calldesk.services import record_worker_heartbeat


@shared_task(acks_late=True, ignore_result=False)
def record_worker_heartbeat_task() -> str:
    """Run by beat every minute on a worker: proves a worker takes tasks from the broker."""
    worker = record_worker_heartbeat(worker=f"celery@{socket.gethostname()}")
    return worker.seen_at.isoformat()
