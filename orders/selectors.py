"""Reads on orders and the price list for screens. Fixed query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q

from clients.models import Client
from orders.models import DiscountRule, Order, Price, PriceColumn, Product
from orders.rules import ColumnChoice, ColumnRule, choose_column

ACTIVE_STATUSES = (Order.Status.CONFIRMED, Order.Status.IN_FULFILMENT)


def orders_of_manager(*, manager_id: int, status: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Orders of the clients a manager serves, newest first (III.14). Two queries."""
    orders = Order.objects.filter(client__manager_id=manager_id).select_related("client", "taken_by")
    if status:
        orders = orders.filter(status=status)
    return Paginator(orders.order_by("-created_at", "-id"), per_page).get_page(page)


def price_columns() -> list[PriceColumn]:
    return list(PriceColumn.objects.order_by("position"))


def price_list_page(*, search: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Products with their price in every column, for the price-list matrix. Three queries."""
    products = Product.objects.all()
    if search:
        products = products.filter(Q(sku__istartswith=search) | Q(name__icontains=search))
    products = products.prefetch_related(
        Prefetch("prices", queryset=Price.objects.select_related("column").order_by("column__position"))
    ).order_by("name", "id")
    return Paginator(products, per_page).get_page(page)


def column_rules(*, on: date) -> list[ColumnRule]:
    """The discount rules active on `on`, as plain values for `choose_column`. Two queries."""
    rules = (
        DiscountRule.objects.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("column")
        .prefetch_related("client_types")
    )
    return [
        ColumnRule(
            column_code=rule.column.code,
            column_name=rule.column.name,
            column_position=rule.column.position,
            client_type_codes=frozenset(t.code for t in rule.client_types.all()),
            client_type_names=tuple(t.name for t in rule.client_types.all()),
            min_subtotal=rule.min_subtotal,
            priority=rule.priority,
            valid_from=rule.valid_from,
            valid_to=rule.valid_to,
        )
        for rule in rules
    ]


def column_for_client(*, client: Client, base_subtotal: Decimal = Decimal("0.00"), on: date) -> ColumnChoice:
    """The price column that applies to `client` for an order of `base_subtotal` (III.10)."""
    return choose_column(
        rules=column_rules(on=on),
        client_type_code=client.type.code,
        client_type_name=client.type.name,
        base_subtotal=base_subtotal,
        on=on,
    )
