"""The demo desk's recent weeks in the call register: a call for each order with the extra items
offered on it (III.7), and calls that did not end in an order: key clients passed on (III.4),
debtors passed to the manager or finance (III.6), reference requests (III.18)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from calls.models import Call
from clients.models import Client
from clients.rules import Handler
from demo.seed.common import DEFAULT_LOCALE, DEMO_DAYS, check_locale
from orders.models import Offer, Order, Product
from staff.models import User


@dataclass(frozen=True)
class DeskHistory:
    calls: int
    offers: int


# Why a client declined an offered item (III.7), as the operator wrote it down.
DECLINED = {"en": "Has enough in stock", "ru": "Товар ещё есть на остатках"}


def seed_recent_calls(
    rng: random.Random, *, today: date, operators: list[User], locale: str = DEFAULT_LOCALE
) -> DeskHistory:
    """The last DEMO_DAYS days of calls, each order's with the items offered on it."""
    declined = DECLINED[check_locale(locale)]
    since = today - timedelta(days=DEMO_DAYS)
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
                    reason="" if rng.random() < 0.3 else declined,
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
    return DeskHistory(calls=len(calls), offers=len(offers))
