"""Screens of the orders app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from calldesk.access import role_required
from clients.models import Role
from orders.models import Order
from orders.selectors import draft_state, order_with_lines, orders_of_manager, price_columns, price_list_page


@role_required(Role.MANAGER, Role.HEAD)
def my_orders(request: HttpRequest) -> HttpResponse:
    """A manager's home: the orders of their clients, to track execution (III.14)."""
    status = request.GET.get("status", "")
    if status not in Order.Status.values:
        status = ""
    page = orders_of_manager(manager_id=request.user.pk, status=status, page=request.GET.get("page", 1))
    return render(
        request, "orders/my_orders.html", {"page": page, "status": status, "statuses": Order.Status.choices}
    )


@role_required(Role.COMMERCIAL, Role.OPERATOR, Role.HEAD, Role.MANAGER)
def price_list(request: HttpRequest) -> HttpResponse:
    """The price list as a matrix: each product's price in every column (III.10)."""
    search = request.GET.get("q", "").strip()
    columns = price_columns()
    page = price_list_page(search=search, page=request.GET.get("page", 1))
    rows = []
    for product in page:
        by_column = {price.column_id: price.amount for price in product.prices.all()}
        rows.append((product, [by_column.get(column.pk) for column in columns]))
    template = "orders/price_list.html" + ("#price-table" if request.htmx else "")
    return render(request, template, {"columns": columns, "rows": rows, "page": page, "search": search})


@role_required(Role.OPERATOR, Role.MANAGER, Role.HEAD, Role.FINANCE)
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """One order: its lines, terms and, for a draft, what still stands before confirmation."""
    order = order_with_lines(order_id=order_id)
    state = (
        draft_state(order=order, actor=request.user, on=timezone.localdate()) if order.is_editable() else None
    )
    return render(request, "orders/order.html", {"order": order, "state": state})
