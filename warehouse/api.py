"""The warehouse system's door to stock, and the production calendar (API.md, "Stock, VAT, packs,
calendar"): bulk bodies, all or nothing like `PUT /receivables`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

from calldesk.schemas import error_responses
from warehouse.imports import import_calendar, import_stock

router = Router(tags=["warehouse"])

STOCK_EXAMPLE = [
    {"sku": "ZC-050", "warehouse": "main", "quantity": 120},
    {"sku": "КВАС-1", "warehouse": "Склад Подольск", "quantity": "36.500"},
]


class StockResultOut(Schema):
    created: int
    updated: int


@router.put("/stock", response={200: StockResultOut, **error_responses(409)})
def put_stock(
    request: HttpRequest,
    # Rows stay loosely typed here (even a row that is not an object): the service checks every
    # row and reports every bad one at once, numbered by its index in this array (first is 0).
    payload: list[Any] = Body(..., examples=[STOCK_EXAMPLE]),  # noqa: B008
):
    """Set what each warehouse has of each product (the warehouse's token, admin; III.12). Each
    row: `sku`, `warehouse` (its code, or its name as written in admin) and `quantity` (zero or
    more, an integer or a decimal string with at most three places, never a JSON number with a
    fraction). All or nothing: if any row is bad, nothing is written and the 400 lists every bad
    row (`row` from 0). Only rows whose quantity changed count as updated; products left out keep
    their stock.

    What an order may take is the stock less what confirmed orders not yet delivered or cancelled
    reserve (`available` in `GET /products`); a line beyond it is refused with 409
    `insufficient_stock`, the available quantity in `detail`, unless the desk allows backorders.
    A product never reported in a warehouse is not limited there."""
    result = import_stock(rows=payload, actor=request.auth)
    return {"created": result.created, "updated": result.updated}


CALENDAR_EXAMPLE = [
    {"date": "2027-02-20", "working": True, "note": "Рабочая суббота (перенос с 22 февраля)"},
    {"date": "2027-02-22", "working": False, "note": "Выходной (перенесено с 20.02.2027)"},
]


@router.put("/calendar", response={200: StockResultOut, **error_responses(409)})
def put_calendar(
    request: HttpRequest,
    payload: list[Any] = Body(..., examples=[CALENDAR_EXAMPLE]),  # noqa: B008
):
    """Set days of the production calendar (admins; III.12): exceptions to the usual Monday-to-
    Friday week, seeded with Russia's public holidays, days off moved and Saturdays worked. Each
    row: `date` (YYYY-MM-DD; a day-first "03.12.2026" is refused, naming the date it seems to
    mean), `working` (true or false, a JSON boolean) and `note` (optional, at most 200
    characters). A Saturday sent as working is worked. All or nothing: if any row is bad, nothing
    is written and the 400 lists every bad row (`row` from 0). Only days whose values changed
    count as updated.

    A delivery date that is not a working day fails `delivery_incomplete`; the earliest delivery
    date is the next working day, or the one after it for an order confirmed after its
    warehouse's cut-off time (or on a day off)."""
    result = import_calendar(rows=payload, actor=request.auth)
    return {"created": result.created, "updated": result.updated}
