"""The daily operator reports on PostgreSQL and through a real Celery worker on Redis (III.25,
section VI): the same figures as on SQLite, and a re-run or a duplicated task changes nothing."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from reports.models import OperatorDay, ReportRun, SalesDay
from reports.selectors import department_period, period_of
from reports.tasks import build_operator_reports_task, dispatch_operator_reports_task
from tests.factories import department
from tests.reports.test_build_day import DAY, known_day  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def snapshot() -> tuple[list, list]:
    operators = list(OperatorDay.objects.order_by("pk").values())
    slices = sorted(
        tuple(sorted((k, v) for k, v in row.items() if k != "id")) for row in SalesDay.objects.values()
    )
    return operators, slices


def test_the_known_day_on_postgres_and_the_worker(known_day, celery_worker):  # noqa: F811
    olga, marina, *_ = known_day
    assert build_operator_reports_task.delay(DAY.isoformat()).get(timeout=60) == 3
    row = OperatorDay.objects.get(operator=olga, day=DAY)
    assert (
        row.calls_in,
        row.talk_seconds,
        row.orders,
        row.order_value,
        row.dormant_reordered,
        row.score,
    ) == (
        4,
        750,
        3,
        Decimal("2400.50"),
        1,
        Decimal("60.0"),
    )
    assert OperatorDay.objects.get(operator=marina, day=DAY).dormant_reordered == 1
    before = snapshot()
    # The same task twice at once (a redelivery racing the original): the day is locked while it
    # is rebuilt, and both leave the same rows.
    first = build_operator_reports_task.delay(DAY.isoformat())
    second = build_operator_reports_task.delay(DAY.isoformat())
    assert (first.get(timeout=60), second.get(timeout=60)) == (3, 3)
    assert snapshot() == before
    figures = department_period(department=department("wholesale"), period=period_of("day", DAY))
    assert (figures.totals.orders, figures.totals.order_value, figures.totals.reactivated) == (
        6,
        Decimal("3650.49"),
        2,
    )


def test_the_nightly_dispatcher_catches_up_missed_days(celery_worker):
    today = timezone.localdate()
    ReportRun.objects.create(day=today - timedelta(days=3), built_at=timezone.now())  # done properly
    days = dispatch_operator_reports_task.delay().get(timeout=60)
    expected = [(today - timedelta(days=n)).isoformat() for n in (7, 6, 5, 4, 2, 1)]
    assert days == expected
    deadline = timezone.now() + timedelta(seconds=60)
    while ReportRun.objects.count() < 7 and timezone.now() < deadline:
        time.sleep(0.2)
    assert sorted(d.isoformat() for d in ReportRun.objects.values_list("day", flat=True)) == sorted(
        [*expected, (today - timedelta(days=3)).isoformat()]
    )
