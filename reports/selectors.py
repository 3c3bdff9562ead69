"""Figures for a head's dashboard. Until issue 7's pre-aggregated rows exist these are a few
grouped queries over indexed columns, each bounded to one department."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client, Department, User
from orders.models import Order

TAKEN = (Order.Status.CONFIRMED, Order.Status.IN_FULFILMENT, Order.Status.DELIVERED)
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


@dataclass(frozen=True)
class ManagerFigures:
    manager: User
    clients: int
    orders: int
    value: Decimal


@dataclass(frozen=True)
class DepartmentDay:
    department: Department
    day: date
    clients_by_type: list[tuple[str, int]]
    clients_without_manager: int
    orders_today: int
    value_today: Decimal
    orders_month: int
    value_month: Decimal
    managers: list[ManagerFigures]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def department_day(*, department: Department, day: date) -> DepartmentDay:
    """The department's figures for `day` and its month so far. Four queries."""
    day_start = _start_of(day)
    month_start = _start_of(day.replace(day=1))
    day_end = _start_of(date.fromordinal(day.toordinal() + 1))
    clients = Client.objects.filter(department=department)
    by_type = list(
        clients.values_list("type__name").annotate(n=Count("id")).order_by("type__position", "type__name")
    )
    without_manager = clients.filter(manager__isnull=True).count()
    taken = Order.objects.filter(client__department=department, status__in=TAKEN, confirmed_at__lt=day_end)
    today = Q(confirmed_at__gte=day_start)
    totals = taken.filter(confirmed_at__gte=month_start).aggregate(
        orders_today=Count("id", filter=today),
        value_today=Coalesce(Sum("total", filter=today), ZERO),
        orders_month=Count("id"),
        value_month=Coalesce(Sum("total"), ZERO),
    )
    month_orders = Q(
        managed_clients__orders__status__in=TAKEN,
        managed_clients__orders__confirmed_at__gte=month_start,
        managed_clients__orders__confirmed_at__lt=day_end,
    )
    managers = (
        User.objects.filter(managed_clients__department=department)
        .annotate(
            n_clients=Count("managed_clients", distinct=True),
            n_orders=Count("managed_clients__orders", filter=month_orders, distinct=True),
        )
        .order_by("-n_orders", "full_name")
    )
    # The value is summed separately: a Sum beside a distinct Count over the same join would
    # count each order once per client row.
    values = dict(
        Order.objects.filter(
            client__department=department,
            status__in=TAKEN,
            confirmed_at__gte=month_start,
            confirmed_at__lt=day_end,
        )
        .values_list("client__manager_id")
        .annotate(v=Sum("total"))
    )
    return DepartmentDay(
        department=department,
        day=day,
        clients_by_type=by_type,
        clients_without_manager=without_manager,
        orders_today=totals["orders_today"],
        value_today=totals["value_today"],
        orders_month=totals["orders_month"],
        value_month=totals["value_month"],
        managers=[
            ManagerFigures(
                manager=m, clients=m.n_clients, orders=m.n_orders, value=values.get(m.pk, Decimal("0.00"))
            )
            for m in managers
        ],
    )
