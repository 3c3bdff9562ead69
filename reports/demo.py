"""Demo data for the reports: the desk's recent weeks as the operators would have left them
(a call for each order, the extra items offered on it, a few calls passed on or blocked by
debt, some dormant clients called), the departments' targets for this month, and the report
rows built from all of it. Called from `calldesk.demo.seed_demo` after the order history exists."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from calls.models import Call
from clients.models import Client
from clients.rules import Handler
from orders.models import Offer, Order, Product
from outbound.models import CallTask, TaskAttempt
from reports.build import build_day
from reports.models import DepartmentTarget
from staff.models import Department, User

DEMO_DAYS = 35
# Monthly targets per department: orders, value, upsell conversion %, dormant clients won back.
TARGETS = {
    "wholesale": (400, Decimal("6000000.00"), Decimal("30.0"), 15),
    "retail": (150, Decimal("900000.00"), Decimal("25.0"), 5),
    "regional": (120, Decimal("2400000.00"), Decimal("25.0"), 5),
}


@dataclass(frozen=True)
class ReportsDemo:
    calls: int
    offers: int
    days_built: int


def seed_reports_demo(*, today: date, seed: int = 7) -> ReportsDemo:
    rng = random.Random(seed)  # nosec B311  # noqa: S311 - demo data, not secrets
    since = today - timedelta(days=DEMO_DAYS)
    operators = list(User.objects.filter(groups__name="operator", is_active=True).order_by("username"))
    if not operators:
        return ReportsDemo(calls=0, offers=0, days_built=0)
    products = list(Product.objects.filter(active=True).values_list("pk", flat=True))
    recent = list(
        Order.objects.filter(confirmed_at__date__gte=since)
        .exclude(status=Order.Status.DRAFT)
        .select_related("client")
        .order_by("confirmed_at")
    )
    calls: list[Call] = []
    offers: list[Offer] = []
    for order in recent:
        started = order.confirmed_at - timedelta(seconds=rng.randint(150, 420))
        calls.append(
            Call(
                direction=Call.Direction.INBOUND,
                phone="+74950000000",
                client=order.client,
                operator=order.taken_by,
                started_at=started,
                ended_at=order.confirmed_at + timedelta(seconds=rng.randint(20, 90)),
                purpose=Call.Purpose.ORDER,
                outcome=Call.Outcome.ORDER_TAKEN,
                order=order,
            )
        )
        for product in rng.sample(products, k=min(3, len(products))):
            offers.append(
                Offer(
                    order=order,
                    product_id=product,
                    kind=rng.choice([Offer.Reason.NEW, Offer.Reason.SPECIAL, Offer.Reason.TRADITIONAL]),
                    outcome=Offer.Outcome.ACCEPTED if rng.random() < 0.3 else Offer.Outcome.DECLINED,
                    reason="" if rng.random() < 0.3 else "Has enough in stock",
                    offered_by=order.taken_by,
                )
            )
    # Calls that did not end in an order: key clients passed on (III.4), debtors passed to the
    # manager or finance (III.6), reference requests (III.18).
    clients = list(Client.objects.filter(manager__isnull=False).order_by("pk")[:300])
    for offset in range(DEMO_DAYS):
        day = since + timedelta(days=offset)
        if day.weekday() >= 5 or not clients:
            continue
        for _ in range(rng.randint(4, 9)):
            client = rng.choice(clients)
            started = timezone.make_aware(
                datetime.combine(day, time(hour=rng.randint(9, 17), minute=rng.randint(0, 59)))
            )
            kind = rng.random()
            fields = {"outcome": Call.Outcome.INFO_SENT, "purpose": Call.Purpose.REFERENCE}
            if kind < 0.35:
                fields = {
                    "outcome": Call.Outcome.TRANSFERRED,
                    "purpose": Call.Purpose.ORDER,
                    "route_clause": "III.6",
                    "route_handler": rng.choice([Handler.MANAGER, Handler.FINANCE]),
                    "route_user": "finance" if rng.random() < 0.8 else "",
                }
            elif kind < 0.6:
                fields = {
                    "outcome": Call.Outcome.TRANSFERRED,
                    "purpose": Call.Purpose.ORDER,
                    "route_clause": "III.4",
                }
            calls.append(
                Call(
                    direction=Call.Direction.INBOUND,
                    phone="+74950000001",
                    client=client,
                    operator=rng.choice(operators),
                    started_at=started,
                    ended_at=started + timedelta(seconds=rng.randint(40, 200)),
                    **fields,
                )
            )
    Call.objects.bulk_create(calls, batch_size=2000)
    Offer.objects.bulk_create(offers, batch_size=2000, ignore_conflicts=True)
    # offered_at is set on creation: move each offer to its order's confirmation, in one update.
    Offer.objects.filter(order__in=[o.pk for o in recent]).update(
        offered_at=Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("confirmed_at")[:1])
    )

    # Today's dormant list: the first tasks worked yesterday-style, so the figures show calls
    # to dormant clients (III.16).
    attempts = []
    for task in CallTask.objects.filter(reason__in=[CallTask.Reason.DORMANT, CallTask.Reason.NEVER_ORDERED])[
        :25
    ]:
        operator = task.operator or rng.choice(operators)
        attempts.append(
            TaskAttempt(
                task=task,
                operator=operator,
                client_id=task.client_id,
                reason=task.reason,
                outcome=rng.choice(["refused", "informed", "no_answer"]),
                at=timezone.now() - timedelta(minutes=rng.randint(5, 120)),
            )
        )
    TaskAttempt.objects.bulk_create(attempts)

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
    return ReportsDemo(calls=len(calls), offers=len(offers), days_built=DEMO_DAYS + 1)
