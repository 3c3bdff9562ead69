"""Thin Celery wrappers of the call register's services: they take ids and are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task

from calls.references import send_reference, unsent_request_ids

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_reference_task(request_id: int) -> bool:
    """Send one reference request's documents (III.18); idempotent: a sent request is skipped."""
    return send_reference(request_id=request_id)


@shared_task(acks_late=True)
def send_pending_references_task() -> int:
    """Beat, every minute: send the reference requests a down broker or a failed e-mail left
    behind. One failing request (its attempt and error are recorded) does not stop the others."""
    sent = 0
    for request_id in unsent_request_ids():
        try:
            sent += send_reference(request_id=request_id)
        except Exception:
            logger.warning("references: request %s failed, tried again later", request_id, exc_info=True)
    return sent
