"""Thin Celery wrappers of outbound work: they take ISO dates and are idempotent.

Each keeps the name it was registered under when it lived in `calls/tasks.py`, so a message
queued under that name before a deploy still runs after it (nothing lost), and the beat
schedule names it the same way."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from outbound.services import build_dormant_list


@shared_task(name="calls.tasks.build_dormant_list_task", acks_late=True, soft_time_limit=1800)
def build_dormant_list_task(day_iso: str) -> int:
    """Build the dormant list of a day (III.16); idempotent: a re-run adds nothing."""
    return build_dormant_list(on=date.fromisoformat(day_iso)).created


@shared_task(name="calls.tasks.dispatch_dormant_list_task")
def dispatch_dormant_list_task() -> str:
    """Beat, after midnight: today in TIME_ZONE, so re-runs and backfills are the same call."""
    day = timezone.localdate().isoformat()
    build_dormant_list_task.delay(day)
    return day
