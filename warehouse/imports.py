"""The two bulk doors of the warehouse app, all or nothing like receivables (API.md): the stock
the warehouse system reports (`PUT /stock`) and the days of the production calendar
(`PUT /calendar`). Each validates every row, reports every bad one (row numbers from 0, the
JSON array's index) and writes all rows or none, in a constant number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calldesk.errors import DeskError, FieldError, InvalidInput
from calldesk.parsing import FILE_DATE_PATTERN, parse_date, parse_text
from calldesk.tabular import is_blank
from orders.models import Product
from staff.permissions import is_admin
from warehouse.models import CalendarDay, Stock, Warehouse

QUANTITY_PLACES = Decimal("0.001")
QUANTITY_LIMIT = Decimal(10) ** 9  # Stock.quantity: max_digits=12, decimal_places=3
NOTE_MAX_LENGTH = CalendarDay._meta.get_field("note").max_length
QUANTITY_TEXT = re.compile(r"\d+(\.\d+)?")


class InvalidRows(InvalidInput):
    default_detail = _("Nothing was written: some rows are not valid.")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def may_put_stock(user) -> bool:
    """The warehouse's token and admins report stock (API.md)."""
    from staff.permissions import actor_of

    actor = actor_of(user)
    return is_admin(actor) or actor.warehouse


def may_put_calendar(user) -> bool:
    """Admins keep the production calendar (API.md)."""
    from staff.permissions import actor_of

    return is_admin(actor_of(user))


def _check_rows(rows: Any) -> list:
    if not isinstance(rows, list):
        raise InvalidRows(_("Send a list of rows."), errors=[FieldError("", _("Expected a JSON array."))])
    return rows


def parse_stock_quantity(value: Any) -> Decimal:
    """A quantity of zero or more with at most three decimals: an integer or a decimal string
    ("12.500"), never a JSON number with a fraction (API.md: no floats)."""
    if isinstance(value, bool | float):
        raise ValueError(_('Send the quantity as an integer or a decimal string such as "12.500".'))
    text = str(value).strip() if isinstance(value, int | str) else None
    if text is None or not QUANTITY_TEXT.fullmatch(text):
        raise ValueError(_('Expected a quantity of zero or more, such as 120 or "12.500".'))
    try:
        quantity = Decimal(text)
    except InvalidOperation:  # the pattern admits only plain numbers; kept for safety
        raise ValueError(_("Expected a quantity of zero or more.")) from None
    if quantity >= QUANTITY_LIMIT:
        raise ValueError(_("Too large."))
    if quantity != quantity.quantize(QUANTITY_PLACES):
        raise ValueError(_("At most 3 decimal places."))
    return quantity.quantize(QUANTITY_PLACES)


def import_stock(*, rows: Any, actor) -> ImportResult:
    """Set the stock of products in warehouses: rows `{"sku", "warehouse", "quantity"}`, the
    warehouse by its code or its name. All or nothing; only rows whose quantity changed count as
    updated. Raises Forbidden, InvalidRows (every bad row; nothing written), DeskError (409) when
    another report created one of the rows at the same time."""
    from calldesk.errors import Forbidden

    if not may_put_stock(actor):
        raise Forbidden()
    try:
        return _write_stock(_check_rows(rows))
    except IntegrityError as exc:
        raise DeskError(
            _("Another stock report wrote some of these rows at the same time. Send it again.")
        ) from exc


@transaction.atomic
def _write_stock(rows: list) -> ImportResult:
    errors: list[FieldError] = []
    parsed: dict[int, tuple[str, str, Decimal | None]] = {}
    for index, raw in enumerate(rows):
        if not isinstance(raw, dict):
            errors.append(
                FieldError("", _("Each row must be an object with sku, warehouse and quantity."), index)
            )
            continue
        values: dict[str, Any] = {}
        for name in ("sku", "warehouse", "quantity"):
            value = raw.get(name)
            if is_blank(value):
                errors.append(FieldError(name, _("This field is required."), index))
                continue
            try:
                values[name] = parse_stock_quantity(value) if name == "quantity" else parse_text(value)
            except ValueError as exc:
                errors.append(FieldError(name, str(exc), index))
        parsed[index] = (values.get("sku", ""), values.get("warehouse", ""), values.get("quantity"))

    products = dict(
        Product.objects.filter(sku__in={sku for sku, _w, _q in parsed.values() if sku}).values_list(
            "sku", "pk"
        )
    )
    warehouses: dict[str, int] = {}
    for pk, code, name in Warehouse.objects.values_list("pk", "code", "name"):
        warehouses.setdefault(name.casefold(), pk)
        warehouses[code.casefold()] = pk  # a code wins over another warehouse's name

    wanted: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for index, (sku, code, quantity) in parsed.items():
        product_id = products.get(sku) if sku else None
        warehouse_id = warehouses.get(code.casefold()) if code else None
        if sku and product_id is None:
            errors.append(FieldError("sku", _("No product has the SKU %(sku)s.") % {"sku": sku}, index))
        if code and warehouse_id is None:
            errors.append(FieldError("warehouse", _("No warehouse %(code)s.") % {"code": code}, index))
        if product_id is None or warehouse_id is None:
            continue
        key = (warehouse_id, product_id)
        if key in wanted:
            errors.append(
                FieldError(
                    "sku",
                    _("%(sku)s in %(warehouse)s is already in row %(row)s.")
                    % {"sku": sku, "warehouse": code, "row": wanted[key][0]},
                    index,
                )
            )
            continue
        if quantity is not None:
            wanted[key] = (index, quantity)
    if errors:
        raise InvalidRows(errors=sorted(errors, key=lambda error: error.row or 0))

    existing = {
        (stock.warehouse_id, stock.product_id): stock
        for stock in Stock.objects.select_for_update()
        .filter(warehouse_id__in={w for w, _p in wanted}, product_id__in={p for _w, p in wanted})
        .order_by("pk")
    }
    to_create, to_update = [], []
    now = timezone.now()
    for (warehouse_id, product_id), (_index, quantity) in wanted.items():
        stock = existing.get((warehouse_id, product_id))
        if stock is None:
            to_create.append(Stock(warehouse_id=warehouse_id, product_id=product_id, quantity=quantity))
        elif stock.quantity != quantity:
            stock.quantity, stock.updated_at = quantity, now
            to_update.append(stock)
    if to_create:
        Stock.objects.bulk_create(to_create)
    if to_update:
        Stock.objects.bulk_update(to_update, ["quantity", "updated_at"])
    return ImportResult(created=len(to_create), updated=len(to_update))


# --- PUT /calendar ------------------------------------------------------------------------------


def parse_calendar_date(value: Any) -> date:
    """A date as YYYY-MM-DD (API.md, "Conventions"). A Russian day-first date is refused with the
    date it seems to mean, written as the API takes it; one that does not exist says so."""
    if isinstance(value, str):
        text = value.strip()
        match = FILE_DATE_PATTERN.fullmatch(text)
        if match is not None:
            try:
                meant = date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                raise ValueError(
                    _("%(value)s is not a date. Send dates as YYYY-MM-DD.") % {"value": text[:50]}
                ) from None
            raise ValueError(
                _("Send dates as YYYY-MM-DD: %(value)s is %(iso)s.")
                % {"value": text, "iso": meant.isoformat()}
            )
    try:
        return parse_date(value)
    except ValueError as exc:
        raise ValueError(str(exc)) from None


def import_calendar(*, rows: Any, actor) -> ImportResult:
    """Set days of the production calendar (III.12): rows `{"date", "working": bool, "note"}`. A
    Saturday sent as working is worked (a day off moved, as Russia's calendar does); a weekday
    sent as not working is a day off. All or nothing; only days whose values changed count as
    updated. Raises Forbidden, InvalidRows (every bad row; nothing written)."""
    from calldesk.errors import Forbidden

    if not may_put_calendar(actor):
        raise Forbidden()
    try:
        return _write_calendar(_check_rows(rows))
    except IntegrityError as exc:
        raise DeskError(
            _("Another change wrote some of these days at the same time. Send it again.")
        ) from exc


@transaction.atomic
def _write_calendar(rows: list) -> ImportResult:
    errors: list[FieldError] = []
    wanted: dict[date, tuple[int, bool, str]] = {}
    for index, raw in enumerate(rows):
        if not isinstance(raw, dict):
            errors.append(FieldError("", _("Each row must be an object with date, working and note."), index))
            continue
        day = working = None
        note = ""
        if is_blank(raw.get("date")):
            errors.append(FieldError("date", _("This field is required."), index))
        else:
            try:
                day = parse_calendar_date(raw["date"])
            except ValueError as exc:
                errors.append(FieldError("date", str(exc), index))
        if not isinstance(raw.get("working"), bool):
            errors.append(FieldError("working", _("Send true (a working day) or false (a day off)."), index))
        else:
            working = raw["working"]
        if not is_blank(raw.get("note")):
            try:
                note = parse_text(raw["note"], max_length=NOTE_MAX_LENGTH)
            except ValueError as exc:
                errors.append(FieldError("note", str(exc), index))
        if day is not None and day in wanted:
            errors.append(
                FieldError(
                    "date",
                    _("%(date)s is already in row %(row)s.")
                    % {"date": day.isoformat(), "row": wanted[day][0]},
                    index,
                )
            )
            continue
        if day is not None and working is not None:
            wanted[day] = (index, working, note)
    if errors:
        raise InvalidRows(errors=sorted(errors, key=lambda error: error.row or 0))

    existing = {
        day.date: day
        for day in CalendarDay.objects.select_for_update().filter(date__in=list(wanted)).order_by("pk")
    }
    to_create, to_update = [], []
    for day, (_index, working, note) in wanted.items():
        found = existing.get(day)
        if found is None:
            to_create.append(CalendarDay(date=day, working=working, note=note))
        elif (found.working, found.note) != (working, note):
            found.working, found.note = working, note
            to_update.append(found)
    if to_create:
        CalendarDay.objects.bulk_create(to_create)
    if to_update:
        CalendarDay.objects.bulk_update(to_update, ["working", "note"])
    return ImportResult(created=len(to_create), updated=len(to_update))
