"""Stock and what orders reserve of it (III.12: the operator sells only what the warehouse has).

available = the stock the warehouse system last reported for the product in the order's warehouse
less what confirmed orders not yet delivered (`Order.Status.OPEN`) of that warehouse reserve. It
is computed, never kept: a cancelled or delivered order stops reserving the moment its status
changes. A product the warehouse never reported has no known stock and is not limited
(available None). A line beyond what is available is refused (409 `insufficient_stock`) unless
`CALLDESK_ALLOW_BACKORDERS` allows it; confirmation checks again with the stock rows locked, so two
operators selling the last units never both get them (`check_and_lock`).

Each client region is served by one warehouse (`RegionWarehouse`); a region without one by the
warehouse `CALLDESK_DEFAULT_WAREHOUSE` names, else by the only warehouse there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from orders.models import Order, OrderLine
from warehouse.models import Stock, Warehouse, region_key
from warehouse.rules import ZERO_QUANTITY, shown_available

QUANTITY = DecimalField(max_digits=15, decimal_places=3)


def backorders_allowed() -> bool:
    return bool(getattr(settings, "CALLDESK_ALLOW_BACKORDERS", False))


def default_warehouse_code() -> str:
    return str(getattr(settings, "CALLDESK_DEFAULT_WAREHOUSE", "main"))


# --- Which warehouse ----------------------------------------------------------------------------


def warehouse_for_region(region: str) -> Warehouse | None:
    """The warehouse serving `region`: its own, else the default one, else the only one; None when
    there is no warehouse at all. One query (the warehouses are a handful)."""
    from warehouse.models import RegionWarehouse

    serves = RegionWarehouse.objects.filter(warehouse=OuterRef("pk"), key=region_key(region))
    warehouses = list(Warehouse.objects.annotate(serves=Exists(serves)).order_by("code"))
    for choose in (lambda w: w.serves, lambda w: w.code == default_warehouse_code()):
        found = next((w for w in warehouses if choose(w)), None)
        if found is not None:
            return found
    return warehouses[0] if len(warehouses) == 1 else None


def warehouse_by_code(code: str) -> Warehouse | None:
    return Warehouse.objects.filter(code=code.strip()).first()


# --- What is reserved and available, as SQL ----------------------------------------------------


def stock_at(warehouse, product=None) -> Subquery:
    """The product's stock in `warehouse` (an id or an expression; `product` by default the outer
    row's pk), NULL when not reported."""
    product = OuterRef("pk") if product is None else product
    rows = Stock.objects.filter(warehouse_id=warehouse, product_id=product).values("quantity")[:1]
    return Subquery(rows, output_field=QUANTITY)


def reserved_at(warehouse, product=None) -> Coalesce:
    """What confirmed orders not yet delivered of `warehouse` hold of the product (0 for none)."""
    product = OuterRef("pk") if product is None else product
    held = (
        OrderLine.objects.filter(
            product_id=product, order__warehouse_id=warehouse, order__status__in=Order.Status.OPEN
        )
        .order_by()
        .values("product_id")
        .annotate(held=Sum("quantity"))
        .values("held")[:1]
    )
    return Coalesce(Subquery(held, output_field=QUANTITY), Value(ZERO_QUANTITY), output_field=QUANTITY)


def stock_annotations(warehouse, product=None) -> dict:
    """`stock` and `reserved` for a queryset (`shown_available` turns them into what is shown)."""
    return {"stock": stock_at(warehouse, product), "reserved": reserved_at(warehouse, product)}


def available_of(*, warehouse_id: int | None, product_ids) -> dict[int, Decimal]:
    """What is available of each product the warehouse reported, by product id (a product it did
    not report is missing from the answer: not limited). One query; none without a warehouse."""
    product_ids = list(product_ids)
    if warehouse_id is None or not product_ids:
        return {}
    rows = (
        Stock.objects.filter(warehouse_id=warehouse_id, product_id__in=product_ids)
        .annotate(reserved=reserved_at(warehouse_id, OuterRef("product_id")))
        .values_list("product_id", "quantity", "reserved")
    )
    return {product_id: shown_available(quantity, reserved) for product_id, quantity, reserved in rows}


# --- Confirmation: check again with the stock locked -------------------------------------------


@dataclass(frozen=True)
class Shortage:
    product_id: int
    name: str
    wanted: Decimal
    available: Decimal


def check_and_lock(order: Order) -> list[Shortage]:
    """Lock the stock rows of the order's products in its warehouse (in product order, so that two
    confirmations never deadlock), then read what confirmed orders reserve now and list each line
    beyond what is available. The lock is held to the end of the caller's transaction: a second
    confirmation of the same products waits for the first to commit and then sees its order as
    reserving (PostgreSQL's READ COMMITTED takes a fresh snapshot per statement). Two queries;
    none without a warehouse or with backorders allowed."""
    if order.warehouse_id is None or backorders_allowed():
        return []
    lines = OrderLine.objects.filter(order_id=order.pk).values("product_id")
    locked = list(
        Stock.objects.select_for_update()
        .filter(warehouse_id=order.warehouse_id, product_id__in=Subquery(lines))
        .order_by("product_id")
        .values_list("product_id", flat=True)
    )
    if not locked:
        return []
    rows = (
        OrderLine.objects.filter(order_id=order.pk, product_id__in=locked)
        .annotate(
            stock=stock_at(order.warehouse_id, OuterRef("product_id")),
            reserved=reserved_at(order.warehouse_id, OuterRef("product_id")),
        )
        .values_list("product_id", "product__name", "quantity", "stock", "reserved")
        .order_by("product_id")
    )
    shortages = []
    for product_id, name, quantity, stock, reserved in rows:
        available = shown_available(stock, reserved)
        if available is not None and quantity > available:
            shortages.append(Shortage(product_id, name, quantity, available))
    return shortages
