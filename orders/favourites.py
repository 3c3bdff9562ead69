"""The products clients of each type buy most (III.7, III.8): one grouped query over a year of
order lines, folded each night into `TypeFavourite` rows, so an operator's suggestions read a
few rows per order instead of a year of lines (the suggestions' budget in bench/README.md; III.7)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone

from orders.models import Order, OrderLine, Product, TypeFavourite

KEEP = 30  # per type: more than the suggestions ever show, after the order's own lines are left out


def rebuild_type_favourites(*, on: date) -> int:
    """Replace every type's favourites with those of the 365 days before `on`. Idempotent: the
    same data gives the same rows. Returns the number of rows."""
    since = timezone.make_aware(datetime.combine(on - timedelta(days=365), time.min))
    until = timezone.make_aware(datetime.combine(on, time.min))
    grouped = (
        OrderLine.objects.filter(
            order__status__in=Order.Status.SOLD,
            order__confirmed_at__gte=since,
            order__confirmed_at__lt=until,
            product__active=True,
        )
        .values_list("order__client__type_id", "product_id")
        .annotate(orders=Count("order_id", distinct=True), usual=Avg("quantity"))
        .order_by()
    )
    by_type: dict[int, list[tuple[int, int, object]]] = defaultdict(list)
    for type_id, product_id, orders, usual in grouped:
        by_type[type_id].append((orders, product_id, usual))
    names = dict(
        Product.objects.filter(pk__in={p for rows in by_type.values() for _, p, _ in rows}).values_list(
            "pk", "name"
        )
    )
    rows = []
    for type_id, products in by_type.items():
        products.sort(key=lambda row: (-row[0], names.get(row[1], ""), row[1]))
        for rank, (orders, product_id, usual) in enumerate(products[:KEEP], start=1):
            rows.append(
                TypeFavourite(
                    client_type_id=type_id,
                    product_id=product_id,
                    orders=orders,
                    usual_quantity=usual,
                    rank=rank,
                    built_on=on,
                )
            )
    with transaction.atomic():
        TypeFavourite.objects.all().delete()
        TypeFavourite.objects.bulk_create(rows)
    return len(rows)
