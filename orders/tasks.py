"""Thin Celery wrappers of the orders' nightly work and order-form e-mails; idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=1800)
def rebuild_type_favourites_task() -> int:
    """Beat, each night: what clients of each type bought most in the past year, for the
    suggestions (III.7, III.8). A re-run rebuilds the same rows."""
    from orders.favourites import rebuild_type_favourites

    return rebuild_type_favourites(on=timezone.localdate())


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_order_form_task(mail_id: int) -> bool:
    """Send one order form to its client; idempotent: a form already sent is skipped."""
    from orders.order_form import send_order_form

    return send_order_form(mail_id=mail_id)


@shared_task(acks_late=True)
def send_pending_order_forms_task() -> int:
    """Beat, every minute: send the order forms a down broker or a failed e-mail left behind. One
    failing form (its attempt and error are recorded) does not stop the others."""
    from orders.order_form import send_order_form, unsent_order_form_ids

    sent = 0
    for mail_id in unsent_order_form_ids():
        try:
            sent += send_order_form(mail_id=mail_id)
        except Exception:
            logger.warning("order forms: %s failed, tried again later", mail_id, exc_info=True)
    return sent
