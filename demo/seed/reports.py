"""The demo's report figures: the departments' targets for this month and the report rows of
the demo's recent weeks, built from the calls, offers and orders seeded before (III.25)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from demo.seed.common import DEMO_DAYS
from reports.build import build_day
from reports.models import DepartmentTarget
from staff.models import Department

# Monthly targets per department: orders, value, upsell conversion %, dormant clients won back.
TARGETS = {
    "wholesale": (400, Decimal("6000000.00"), Decimal("30.0"), 15),
    "retail": (150, Decimal("900000.00"), Decimal("25.0"), 5),
    "regional": (120, Decimal("2400000.00"), Decimal("25.0"), 5),
}


def seed_reports(*, today: date) -> int:
    """This month's targets, then the report rows of every day since DEMO_DAYS ago; returns the
    number of days built."""
    since = today - timedelta(days=DEMO_DAYS)
    first_of_month = today.replace(day=1)
    last_of_month = (first_of_month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    for code, (orders, value, conversion, reactivated) in TARGETS.items():
        department = Department.objects.filter(code=code).first()
        if department is not None:
            DepartmentTarget.objects.get_or_create(
                department=department,
                period_start=first_of_month,
                period_end=last_of_month,
                defaults={
                    "orders": orders,
                    "order_value": value,
                    "upsell_conversion": conversion,
                    "reactivated": reactivated,
                },
            )
    for offset in range(DEMO_DAYS + 1):
        build_day(since + timedelta(days=offset))
    return DEMO_DAYS + 1
