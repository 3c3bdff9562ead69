"""Today's figures follow the desk within seconds (III.14, III.25, section VI).

The dashboards, "My results" and `GET /api/v1/reports/operators` read the pre-aggregated rows of
`reports.build`. A service that confirms an order or ends a call asks, inside its transaction,
for the day it counts on to be rebuilt once it commits (`refresh_after_commit`):

- with tasks run in-process (the embedded default, `make run`) the day is rebuilt at once, after
  the commit, so the next page shows it;
- with a broker, a rebuild is queued to run `REPORT_REFRESH_SECONDS` later, and the orders and
  calls that commit meanwhile ride on it: one rebuild per day per window per process, however
  many operators confirm. A commit that finds a rebuild already queued needs none of its own,
  because that rebuild starts after the window, so after this commit, and reads the day whole.

A rebuild is `build_day`, idempotent and made from the live tables, so nothing is lost when the
broker cannot take it: the next order or call of the day asks again, and beat's refresh of today
(every five minutes) rebuilds the day whatever was missed. While the broker is down (this process
failed to reach it in the last 30 s, `messaging.services.broker_failed_recently`) no rebuild is
offered to it, so a confirmation waits for the broker once, for its manager's notice, not twice.
A failed rebuild never fails the order or the call, which are committed already.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from messaging.services import broker_failed_recently, publish

logger = logging.getLogger(__name__)

# Seconds a queued rebuild waits for more commits; the rebuild starts this much later, plus a
# margin for the clocks of web and worker hosts, so a commit that saw it queued is in its reading.
REFRESH_MARGIN_SECONDS = 1.0


def refresh_window() -> float:
    return float(getattr(settings, "REPORT_REFRESH_SECONDS", 2.0))


def refresh_after_commit(*, day: date) -> None:
    """Call inside the transaction that confirms an order or ends a call: once it commits, the
    rows of `day` are rebuilt (at once in-process, within seconds through the broker)."""
    transaction.on_commit(partial(request_refresh, day.isoformat()))


def _queued_key(day_iso: str) -> str:
    return f"reports:refresh:{day_iso}"


def request_refresh(day_iso: str) -> bool:
    """Rebuild the day's rows now (tasks in-process) or queue one rebuild for the window; False
    when it could neither (the next commit or beat's refresh of today does it)."""
    from reports.tasks import build_operator_reports_task

    if settings.CELERY_TASK_ALWAYS_EAGER:
        # in-process: any failure of the build is logged; the order or call stays committed
        return publish(build_operator_reports_task, day_iso, errors=(Exception,))
    if broker_failed_recently():
        return False  # the broker just refused a task: beat's refresh of today rebuilds the day
    window = refresh_window()
    if not cache.add(_queued_key(day_iso), True, timeout=window):
        return True  # a rebuild queued less than a window ago starts after this commit
    if publish(build_operator_reports_task, day_iso, countdown=window + REFRESH_MARGIN_SECONDS):
        return True
    cache.delete(_queued_key(day_iso))  # nothing queued: the next commit of the day asks again
    return False
