"""Thin Celery wrappers of the orders' nightly work; idempotent."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, soft_time_limit=1800)
def rebuild_type_favourites_task() -> int:
    """Beat, each night: what clients of each type bought most in the past year, for the
    suggestions (III.7, III.8). A re-run rebuilds the same rows."""
    from orders.favourites import rebuild_type_favourites

    return rebuild_type_favourites(on=timezone.localdate())
