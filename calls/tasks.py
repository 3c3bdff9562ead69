"""Thin Celery wrappers of the call register's services: they take ids and are idempotent."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

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


@shared_task(acks_late=True, soft_time_limit=1800)
def build_dormant_list_task(day_iso: str) -> int:
    """Build the dormant list of a day (III.16); idempotent: a re-run adds nothing."""
    from calls.outbound import build_dormant_list

    return build_dormant_list(on=date.fromisoformat(day_iso)).created


@shared_task
def dispatch_dormant_list_task() -> str:
    """Beat, after midnight: today in TIME_ZONE, so re-runs and backfills are the same call."""
    day = timezone.localdate().isoformat()
    build_dormant_list_task.delay(day)
    return day
