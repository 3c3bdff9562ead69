"""Thin Celery wrappers of the report builds: they take dates as ISO strings and are idempotent
(a day's rows are rebuilt whole), so a retried or duplicated task changes nothing."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=1800)
def build_operator_reports_task(day_iso: str) -> int:
    """Build the report rows of one day (III.25); returns the number of operators' rows."""
    from reports.build import build_day

    return build_day(date.fromisoformat(day_iso)).operators


@shared_task
def dispatch_operator_reports_task() -> list[str]:
    """Beat, after midnight: the day that just ended, and any of the past week a down worker or
    broker left unbuilt. Each day goes as its own task, so one failure does not stop the rest."""
    from reports.build import days_to_catch_up

    today = timezone.localdate()
    days = sorted(set(days_to_catch_up(today=today)) | {today - timedelta(days=1)})
    for day in days:
        build_operator_reports_task.delay(day.isoformat())
    return [d.isoformat() for d in days]


@shared_task(acks_late=True, expires=240)
def refresh_today_reports_task() -> int:
    """Beat, every five minutes: today's rows so far, whatever the rebuilds that follow each
    confirmed order and ended call missed (reports.refresh: offers, cancellations, call lists)."""
    from reports.build import build_day

    return build_day(timezone.localdate()).operators


@shared_task(acks_late=True, soft_time_limit=1500)
def run_export_task(job_id: int) -> str:
    """Write a dashboard export (CSV or XLSX) with its progress; idempotent: a done job is left
    alone, so a redelivered task changes nothing. Returns the job's status."""
    from reports.exports import run_export

    return run_export(job_id)


@shared_task(acks_late=True)
def sweep_exports_task() -> list[int]:
    """Beat, every minute: write the exports a down broker left queued; fail the ones whose
    worker died, so they can be asked for again."""
    from reports.exports import sweep_exports

    return sweep_exports()
