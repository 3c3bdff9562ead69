"""Catalog and prices endpoints of the API (API.md, "Catalog and prices").

Thin doors: a Schema parses, a service in `orders.pricelist` or `orders.promotions` does the
work (and checks the role), a Schema shapes the answer. Errors are DeskErrors, turned into
API.md's body by calldesk/api.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status
from pydantic import BeforeValidator

from calldesk.pagination import page_bounds
from calldesk.schemas import Money, Quantity, error_responses
from orders.models import DiscountRule, Source, Special
from orders.pricelist import upsert_price_list
from orders.promotions import create_discount_rule, create_special
from orders.selectors import catalog_page, price_columns
from staff.permissions import PRICE_LIST_ROLES, require_role

router = Router(tags=["catalog"])

ROW_EXAMPLE = {
    "sku": "ZC-050",
    "name": "Zarya Cola, 0.5 l",
    "unit": "pcs",
    "pack": 12,
    "category": "Soft drinks",
    "new_until": None,
    "active": True,
    "vat_rate": 20,
    "min_quantity": "24",
    "whole_packs": True,
    "prices": {"base": "50.00", "column_2": "48.50"},
}


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def reject_float(value: Any) -> Any:
    """API.md: money is a decimal string ("1234.50"), never a float."""
    if isinstance(value, float | bool):
        raise ValueError(_('send money as a decimal string, e.g. "1234.50"'))
    return value


# Parsed (places, sign, size) by the service, which names the field in its 400.
MoneyIn = Annotated[str | int, BeforeValidator(reject_float)]


# --- Schemas ------------------------------------------------------------------------------------


class PriceColumnOut(Schema):
    code: str
    name: str
    position: int


class PriceListResultOut(Schema):
    created: int
    updated: int
    prices_changed: int


class ProductOut(Schema):
    sku: str
    name: str
    unit: str
    pack: int
    category: str
    active: bool
    new_until: date | None
    vat_rate: int = Field(description="VAT (НДС) in per cent: 0, 10 or 20.")
    min_quantity: Quantity = Field(description="The least quantity of a line, in units; 0.000: none.")
    whole_packs: bool = Field(description="A line's quantity must be a multiple of `pack`.")
    price: Money | None = Field(description="In the column that applies to the client today, else base.")
    column: str | None = Field(description="The column the price is from.")
    available: Quantity | None = Field(
        description="What the list's warehouse has available (III.12): its stock less what confirmed "
        "orders not yet delivered or cancelled reserve, never below 0; null when the warehouse never "
        "reported the product (not limited)."
    )


class ProductList(Schema):
    count: int
    warehouse: str | None = Field(description="The code of the warehouse `available` is of.")
    items: list[ProductOut]


class SpecialIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    valid_from: date
    valid_to: date
    client_types: list[str] = []
    note: str = ""
    kind: str = Field(
        default="",
        description="special_price, percent_off (percent), n_for_m (buy N, pay M), free_per_n (buy N); "
        "empty: a note, which changes no price (a special_price alone makes a special price).",
    )
    special_price: MoneyIn | None = None
    percent: MoneyIn | None = Field(default=None, description="Above 0 and below 100.")
    buy: int | None = Field(default=None, description="N: the units taken (N > M).")
    pay: int | None = Field(default=None, description="M: the units paid, at least 1.")


class SpecialOut(Schema):
    id: int
    sku: str
    valid_from: date
    valid_to: date
    client_types: list[str]
    note: str
    kind: str
    terms: str = Field(description="The promotion in words, as the operator reads it out.")
    special_price: Money | None
    percent: Money | None
    buy: int | None
    pay: int | None


class DiscountRuleIn(Schema):
    column: str
    client_types: list[str] = []
    min_subtotal: MoneyIn = "0.00"
    priority: int = 10
    valid_from: date
    valid_to: date | None = None
    name: str = ""


class DiscountRuleOut(Schema):
    id: int
    name: str
    column: str
    client_types: list[str]
    min_subtotal: Money
    priority: int
    valid_from: date
    valid_to: date | None


def special_out(special: Special) -> dict:
    return {
        "id": special.pk,
        "sku": special.product.sku,
        "valid_from": special.valid_from,
        "valid_to": special.valid_to,
        "client_types": [client_type.code for client_type in special.client_types.all()],
        "note": special.note,
        "kind": special.kind,
        "terms": special.terms(),
        "special_price": money(special.special_price),
        "percent": money(special.percent),
        "buy": special.buy,
        "pay": special.pay,
    }


def discount_rule_out(rule: DiscountRule) -> dict:
    return {
        "id": rule.pk,
        "name": rule.name,
        "column": rule.column.code,
        "client_types": [client_type.code for client_type in rule.client_types.all()],
        "min_subtotal": money(rule.min_subtotal),
        "priority": rule.priority,
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
    }


# --- Endpoints ----------------------------------------------------------------------------------


@router.get("/price-columns", response={200: list[PriceColumnOut], **error_responses()})
def list_price_columns(request: HttpRequest):
    """The columns of the price list, `base` first (III.10)."""
    return [
        {"code": column.code, "name": column.name, "position": column.position} for column in price_columns()
    ]


@router.put("/price-list", response={200: PriceListResultOut, **error_responses(409)})
def put_price_list(
    request: HttpRequest,
    # Rows stay loosely typed here (even a row that is not an object): the service checks every
    # row and reports every bad one at once, numbered by its index in this array (first is 0).
    payload: list[Any] = Body(..., examples=[[ROW_EXAMPLE]]),  # noqa: B008
):
    """Upsert products by `sku` with their prices (commercial, admin). Each row: `sku`, `name`,
    `unit`, `pack`, `category`, `active`, `new_until` (YYYY-MM-DD or null), `vat_rate` (VAT in
    per cent, one of the desk's rates: 0, 10, 20; a new product without it: 20), `min_quantity`
    (the least quantity of a line, "0" for none) and `whole_packs` (true: lines in whole packs
    only), then `prices` by column code (decimal strings, at most two places; `base` required;
    null removes that column's price; a column left out keeps its price). All or nothing: if
    any row is bad, nothing is written and the 400 lists every bad row. Counts only what
    changed; every changed price is recorded with who and when."""
    require_role(request.auth, *PRICE_LIST_ROLES)
    result = upsert_price_list(rows=payload, actor=request.auth, source=Source.API)
    return {"created": result.created, "updated": result.updated, "prices_changed": result.prices_changed}


@router.get("/products", response={200: ProductList, **error_responses(404)})
def list_products(
    request: HttpRequest,
    search: str = "",
    client: int | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
    warehouse: str = "",
):
    """Products by name (search: every word, in any order, part of the SKU or name, whatever the
    case, ё or punctuation; SKU digits alone find the SKU), with the price of the column
    that applies to `client` today (III.10; without a client, the base price). `column` names
    the column each price is from: a product with no price in the client's column shows base.
    `available` is of the `warehouse` given (its code; 404 for an unknown one), else of the
    warehouse serving `client`'s region, else of the default warehouse (`main`); the answer's
    `warehouse` names it."""
    start, end = page_bounds(limit, offset)
    page = catalog_page(
        on=timezone.localdate(),
        search=search.strip(),
        client_id=client,
        active=active,
        limit=end - start,
        offset=start,
        warehouse=warehouse.strip() or None,
    )
    return {
        "count": page.count,
        "warehouse": page.warehouse,
        "items": [
            {
                "sku": item.sku,
                "name": item.name,
                "unit": item.unit,
                "pack": item.pack,
                "category": item.category,
                "active": item.active,
                "new_until": item.new_until,
                "vat_rate": item.vat_rate,
                "min_quantity": f"{item.min_quantity:.3f}",
                "whole_packs": item.whole_packs,
                "price": money(item.price),
                "column": item.column,
                "available": None if item.available is None else f"{item.available:.3f}",
            }
            for item in page.items
        ],
    }


@router.post("/specials", response={201: SpecialOut, **error_responses()})
def post_special(request: HttpRequest, payload: SpecialIn):
    """Name a special item for a period (commercial, admin; III.7, III.23). Empty `client_types`:
    every type. `note` is the line the operator reads out; `special_price` is optional."""
    require_role(request.auth, *PRICE_LIST_ROLES)
    special = create_special(
        actor=request.auth,
        sku=payload.sku,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        client_types=payload.client_types,
        note=payload.note,
        kind=payload.kind,
        special_price=payload.special_price,
        percent=payload.percent,
        buy=payload.buy,
        pay=payload.pay,
    )
    return Status(201, special_out(special))


@router.post("/discount-rules", response={201: DiscountRuleOut, **error_responses()})
def post_discount_rule(request: HttpRequest, payload: DiscountRuleIn):
    """Add a rule choosing the price column (commercial, admin; III.10): among active rules whose
    client types include the client's (or are empty) and whose `min_subtotal` at base prices is
    reached, the highest `priority` wins. `valid_to` null: open-ended."""
    require_role(request.auth, *PRICE_LIST_ROLES)
    rule = create_discount_rule(
        actor=request.auth,
        column=payload.column,
        client_types=payload.client_types,
        min_subtotal=payload.min_subtotal,
        priority=payload.priority,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        name=payload.name,
    )
    return Status(201, discount_rule_out(rule))
