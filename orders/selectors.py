"""Reads on orders and the price list for screens. Fixed query counts."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q

from orders.models import Order, Price, PriceColumn, Product

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
