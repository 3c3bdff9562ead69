"""Orders endpoints of the API (API.md, "Orders"). Thin doors over orders/services.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import BeforeValidator

from calldesk.errors import FieldError, InvalidInput
from calldesk.pagination import page_bounds
from calldesk.schemas import DateText, DateTimeText, Money, Quantity, error_responses, one_of
from orders.models import CancelReason, Fulfilment, Order, PaymentForm
from orders.rules import vat_by_rate
from orders.selectors import (
    draft_state,
    offers_required,
    order_with_lines,
    orders_for_export,
    promotion_terms,
    suggestions_for,
)
from orders.services import (
    ConfirmAnswer,
    LineChange,
    add_line,
    authorise_exception,
    change_line,
    change_status,
    confirm_once,
    confirm_order,
    record_offer,
    remove_line,
    set_terms,
    start_order,
)

router = Router(tags=["orders"])


def reject_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError(_('send quantities as decimal strings, e.g. "2.5"'))
    return value


QuantityIn = Annotated[Decimal, BeforeValidator(reject_float), Field(gt=0, max_digits=12, decimal_places=3)]


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def quantity_out(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.3f}"


class OrderIn(Schema):
    client: int
    call: int | None = None


class LineIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    quantity: QuantityIn


class LinePatch(Schema):
    quantity: QuantityIn


class OfferIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    outcome: Literal["accepted", "declined"]
    quantity: QuantityIn | None = None
    reason: str = Field(default="", max_length=300, description="Why declined, in words.")
    decline_reason: str | None = Field(
        default=None,
        max_length=32,
        description="Why declined, as a code of the list kept in admin (has_stock, price_too_high, "
        "not_this_time, ...); `reason` may add words.",
    )
    kind: Literal["new", "special", "traditional", "assortment", "other"] = "other"


class DeliveryIn(Schema):
    date: dt.date | None = None
    window: str | None = Field(default=None, max_length=40)
    receiver_name: str | None = Field(default=None, max_length=150)
    receiver_phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=300)


class RegionalIn(Schema):
    payment_form: Literal["prepayment", "bank_transfer", "cash_on_delivery", ""] | None = None
    fulfilment: Literal["pickup", "shipping", ""] | None = None
    pickup_at: dt.datetime | None = None
    shipping_address: str | None = Field(default=None, max_length=300)
    carrier: str | None = Field(default=None, max_length=150)


class OrderPatch(Schema):
    delivery: DeliveryIn | None = None
    regional: RegionalIn | None = None
    notes: str | None = Field(default=None, max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


CancelCode = one_of(*CancelReason.values)


class StatusIn(Schema):
    status: Literal["in_fulfilment", "delivered", "cancelled"]
    code: CancelCode | None = Field(
        default=None, description="Why the order is cancelled: required to cancel (section VI)."
    )
    reason: str = Field(default="", max_length=300, description="A note; required with the code `other`.")


SuggestionReason = one_of("new", "special", "traditional", "assortment")


class SuggestionOut(Schema):
    sku: str
    name: str
    reason: SuggestionReason
    note: str
    usual_quantity: Quantity | None


# --- What an order reads (API.md, "Orders") -----------------------------------------------------
# A draft's body also carries `headroom`, which a confirmed order's leaves out: the operations
# that answer an order answer only the keys set (`exclude_unset`), as they always have.

OrderStatus = one_of(*Order.Status.values)
PaymentFormCode = one_of(*PaymentForm.values, "")
FulfilmentCode = one_of(*Fulfilment.values, "")


class OrderColumnOut(Schema):
    code: str = Field(description="The price column of every line (III.10).")
    reason: str


class OrderLineOut(Schema):
    id: int
    sku: str
    name: str
    quantity: Quantity
    unit_price: Money = Field(description="At list prices: with VAT when the price list quotes with VAT.")
    net: Money = Field(description="The line without VAT.")
    vat_rate: int = Field(description="VAT (НДС) in per cent.")
    vat: Money = Field(description="The line's VAT, rounded half-up to the kopeck.")
    total: Money = Field(description="With VAT: what the client pays for the line.")
    promotion: str = Field(
        description="The special's kind applied to the price (III.23): special_price, percent_off, "
        "n_for_m, free_per_n; empty when none."
    )
    promotion_terms: str = Field(description='The promotion in words ("3 for the price of 2").')
    saving: Money = Field(description="What the promotion saved against the line at its column's price.")


class VatRowOut(Schema):
    rate: int = Field(description="VAT in per cent.")
    net: Money
    vat: Money
    total: Money


class OrderDeliveryOut(Schema):
    date: DateText | None
    window: str
    receiver_name: str
    receiver_phone: str
    address: str


class OrderRegionalOut(Schema):
    payment_form: PaymentFormCode
    fulfilment: FulfilmentCode
    pickup_at: DateTimeText | None
    shipping_address: str
    carrier: str


class OrderExceptionOut(Schema):
    by: str = Field(description="The username who authorised it.")
    at: DateTimeText
    reason: str


class OrderCancellationOut(Schema):
    code: CancelCode
    reason: str
    operators_mistake: bool = Field(description="Counts as the operator's error in the reports (section VI).")


class OrderHeadOut(Schema):
    """Everything an order reads but its lines."""

    id: int
    number: str | None = Field(description="Given at confirmation (2026-000123); null for a draft.")
    status: OrderStatus
    client: int
    column: OrderColumnOut
    subtotal: Money = Field(description="At base prices.")
    net: Money = Field(description="Without VAT: total - vat.")
    vat: Money = Field(description="The sum of the lines' VAT, each rounded to the kopeck.")
    total: Money = Field(description="With VAT: what the client pays.")
    offers_required: int
    offers_made: int
    missing: list[str] = Field(
        description="What stands between the draft and confirmation, in the codes of the confirm rules."
    )
    delivery: OrderDeliveryOut
    regional: OrderRegionalOut
    notes: str
    exception: OrderExceptionOut | None
    confirmed_at: DateTimeText | None
    cancellation: OrderCancellationOut | None = Field(
        default=None, description="A cancelled order's reason code and note; null otherwise."
    )
    lines_count: int
    headroom: Money | None = Field(
        default=None,
        description="A draft's only: what the client may still order on credit after it (III.9); "
        "null without a credit limit.",
    )


class OrderOut(OrderHeadOut):
    lines: list[OrderLineOut]
    saving: Money = Field(description="What the lines' promotions saved in all (III.23).")
    vat_by_rate: list[VatRowOut] = Field(
        description="Net, VAT and total per VAT rate, highest rate first (a mixed 10 %/20 % order has two)."
    )


class OrderLineChangeOut(OrderHeadOut):
    """A line added, changed or removed: the order's head with the one line written."""

    line: OrderLineOut | None = Field(description="The line written; null when it was removed.")
    repriced: bool = Field(description="The column changed and every line got a new price: read the order.")


class OrderExportLineOut(Schema):
    sku: str
    name: str
    unit: str
    quantity: Quantity
    unit_price: Money
    vat_rate: int
    vat: Money
    total: Money = Field(description="With VAT.")


class OrderExportOut(Schema):
    """An order as the warehouse ships it: who, where, to whom, when, on what terms, and what."""

    id: int
    number: str | None
    status: OrderStatus
    client: int
    client_tax_id: str
    client_name: str
    confirmed_at: DateTimeText | None
    column: OrderColumnOut
    subtotal: Money = Field(description="At base prices.")
    net: Money
    vat: Money
    total: Money
    delivery_date: DateText | None = Field(description="The same as delivery.date (kept for version 1).")
    delivery: OrderDeliveryOut = Field(description="Date, time window, receiver, phone and address (III.12).")
    regional: OrderRegionalOut = Field(description="Payment form and pick-up or shipping (III.13).")
    notes: str
    cancel_reason: str = Field(description="Why it was cancelled; empty otherwise.")
    lines: list[OrderExportLineOut]


class OrderExportList(Schema):
    count: int
    items: list[OrderExportOut]


def _line_out(line) -> dict:
    return {
        "id": line.pk,
        "sku": line.product.sku,
        "name": line.product.name,
        "quantity": quantity_out(line.quantity),
        "unit_price": money(line.unit_price),
        "net": money(line.net),
        "vat_rate": line.vat_rate,
        "vat": money(line.vat),
        "total": money(line.total),
        "promotion": line.promotion,
        "promotion_terms": promotion_terms(line),
        "saving": money(line.saving),
    }


def _delivery_out(order: Order) -> dict:
    return {
        "date": order.delivery_date.isoformat() if order.delivery_date else None,
        "window": order.delivery_window,
        "receiver_name": order.receiver_name,
        "receiver_phone": order.receiver_phone,
        "address": order.delivery_address,
    }


def _regional_out(order: Order) -> dict:
    return {
        "payment_form": order.payment_form,
        "fulfilment": order.fulfilment,
        "pickup_at": order.pickup_at.isoformat() if order.pickup_at else None,
        "shipping_address": order.shipping_address,
        "carrier": order.carrier,
    }


def _order_head(order: Order, actor, *, offers_made: int | None = None) -> dict:
    """Everything API.md reads of an order but its lines, with what still stands before
    confirmation. Two queries for a draft (its state: debt, counts), none otherwise."""
    body = {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "client": order.client_id,
        "column": {"code": order.column.code if order.column else "base", "reason": order.column_reason},
        "subtotal": money(order.base_subtotal),
        "net": money(order.net),
        "vat": money(order.vat),
        "total": money(order.total),
        "offers_required": offers_required(),
        "offers_made": offers_made,
        "missing": [],
        "delivery": _delivery_out(order),
        "regional": _regional_out(order),
        "notes": order.notes,
        "exception": None
        if not order.has_exception()
        else {
            "by": order.exception_by.username,
            "at": order.exception_at.isoformat(),
            "reason": order.exception_reason,
        },
        "confirmed_at": order.confirmed_at.isoformat() if order.confirmed_at else None,
        "cancellation": None
        if order.status != Order.Status.CANCELLED
        else {
            "code": order.cancel_code or CancelReason.OTHER,
            "reason": order.cancel_reason,
            "operators_mistake": CancelReason(order.cancel_code or CancelReason.OTHER).is_operators_mistake,
        },
    }
    if order.is_editable():
        state = draft_state(order=order, actor=actor, on=timezone.localdate())
        body["offers_required"] = state.facts.offers_required
        body["offers_made"] = state.facts.offers_made
        body["lines_count"] = state.facts.line_count
        body["missing"] = state.missing
        body["headroom"] = money(state.headroom)
    return body


def order_out(order_id: int, actor) -> dict:
    """The order as API.md reads it, with its lines."""
    order = order_with_lines(order_id=order_id, actor=actor)
    body = _order_head(order, actor, offers_made=len(order.offers.all()))
    lines = order.lines.all()
    body["lines"] = [_line_out(line) for line in lines]
    body["lines_count"] = len(body["lines"])
    body["saving"] = money(sum((line.saving for line in lines), Decimal("0.00")))
    body["vat_by_rate"] = [
        {"rate": row.rate, "net": money(row.net), "vat": money(row.vat), "total": money(row.total)}
        for row in vat_by_rate([(line.vat_rate, line.vat, line.total) for line in lines])
    ]
    return body


def line_change_out(change: LineChange, actor) -> dict:
    """The answer to a line added, changed or removed: the order's head and totals with the one
    line written (null when removed), never the whole list, so that the answer costs the same on
    a 5-line and on a 1,000-line order. `repriced` is true when the column changed and every
    line got a new price (III.10): GET /orders/{id} then reads them."""
    body = _order_head(change.order, actor)
    body["line"] = _line_out(change.line) if change.line is not None else None
    body["repriced"] = change.repriced
    return body


@router.post("/orders", response={201: OrderOut, **error_responses(404, 409)}, exclude_unset=True)
def create_order(request: HttpRequest, payload: OrderIn):
    """Start a draft (III.3, III.5); a call with a confirmed order takes no second (409
    call_has_order)."""
    order = start_order(actor=request.auth, client_id=payload.client, call_id=payload.call)
    return Status(201, order_out(order.pk, request.auth))


@router.get("/orders/{order_id}", response={200: OrderOut, **error_responses(404)}, exclude_unset=True)
def get_order(request: HttpRequest, order_id: int):
    return order_out(order_id, request.auth)


@router.patch("/orders/{order_id}", response={200: OrderOut, **error_responses(404, 409)}, exclude_unset=True)
def patch_order(request: HttpRequest, order_id: int, payload: OrderPatch):
    """Delivery (III.12), regional terms (III.13) and notes."""
    data = payload.dict(exclude_unset=True)
    set_terms(
        actor=request.auth,
        order_id=order_id,
        delivery=data.get("delivery"),
        regional=data.get("regional"),
        notes=data.get("notes"),
    )
    return order_out(order_id, request.auth)


@router.post(
    "/orders/{order_id}/lines",
    response={201: OrderLineChangeOut, **error_responses(404, 409)},
    exclude_unset=True,
)
def post_line(request: HttpRequest, order_id: int, payload: LineIn):
    """Add a product (III.10: the column follows the subtotal). Answers the order's head and the
    line (line_change_out)."""
    change = add_line(actor=request.auth, order_id=order_id, sku=payload.sku, quantity=payload.quantity)
    return Status(201, line_change_out(change, request.auth))


@router.patch(
    "/orders/{order_id}/lines/{line_id}",
    response={200: OrderLineChangeOut, **error_responses(404, 409)},
    exclude_unset=True,
)
def patch_line(request: HttpRequest, order_id: int, line_id: int, payload: LinePatch):
    change = change_line(actor=request.auth, order_id=order_id, line_id=line_id, quantity=payload.quantity)
    return line_change_out(change, request.auth)


@router.delete(
    "/orders/{order_id}/lines/{line_id}",
    response={200: OrderLineChangeOut, **error_responses(404, 409)},
    exclude_unset=True,
)
def delete_line(request: HttpRequest, order_id: int, line_id: int):
    change = remove_line(actor=request.auth, order_id=order_id, line_id=line_id)
    return line_change_out(change, request.auth)


@router.get("/orders/{order_id}/suggestions", response={200: list[SuggestionOut], **error_responses(404)})
def get_suggestions(request: HttpRequest, order_id: int):
    """New products, specials, traditional products, assortment advice (III.7, III.8)."""
    order = order_with_lines(order_id=order_id, actor=request.auth)
    return [
        {
            "sku": s.sku,
            "name": s.name,
            "reason": s.reason,
            "note": s.note,
            "usual_quantity": quantity_out(s.usual_quantity),
        }
        for s in suggestions_for(order=order, on=timezone.localdate())
    ]


@router.post(
    "/orders/{order_id}/offers", response={201: OrderOut, **error_responses(404, 409)}, exclude_unset=True
)
def post_offer(request: HttpRequest, order_id: int, payload: OfferIn):
    record_offer(
        actor=request.auth,
        order_id=order_id,
        sku=payload.sku,
        outcome=payload.outcome,
        quantity=payload.quantity,
        reason=payload.reason,
        kind=payload.kind,
        decline_reason=payload.decline_reason or "",
    )
    return Status(201, order_out(order_id, request.auth))


# A replayed answer (the same Idempotency-Key) is the body stored the first time, 200 or 409.
@router.post(
    "/orders/{order_id}/confirm", response={200: OrderOut, **error_responses(404, 409)}, exclude_unset=True
)
def confirm(request: HttpRequest, order_id: int):
    """Confirm a draft; an `Idempotency-Key` header makes a retry return the same answer."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        confirm_order(actor=request.auth, order_id=order_id)
        return order_out(order_id, request.auth)

    def answer(order: Order) -> ConfirmAnswer:
        return ConfirmAnswer(200, order_out(order.pk, request.auth))

    result = confirm_once(actor=request.auth, order_id=order_id, key=key, answer=answer)
    return Status(result.status, result.body)


@router.post(
    "/orders/{order_id}/exception", response={200: OrderOut, **error_responses(404, 409)}, exclude_unset=True
)
def post_exception(request: HttpRequest, order_id: int, payload: ReasonIn):
    """The manager, finance or a head lets this order past the debt checks (III.6, III.11)."""
    authorise_exception(actor=request.auth, order_id=order_id, reason=payload.reason)
    return order_out(order_id, request.auth)


@router.post(
    "/orders/{order_id}/status", response={200: OrderOut, **error_responses(404, 409)}, exclude_unset=True
)
def post_status(request: HttpRequest, order_id: int, payload: StatusIn):
    change_status(
        actor=request.auth,
        order_id=order_id,
        status=payload.status,
        reason=payload.reason,
        code=payload.code or "",
    )
    return order_out(order_id, request.auth)


@router.get("/orders", response={200: OrderExportList, **error_responses()})
def list_orders(
    request: HttpRequest,
    status: str = "",
    since: dt.datetime | None = None,
    client: int | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Orders for the warehouse/ERP (all) or a head (their department's, III.26): by status,
    confirmed since a moment, or for a client."""
    start, end = page_bounds(limit, offset)
    if status and status not in Order.Status.values:
        raise InvalidInput(
            _("Unknown status."), errors=[FieldError(field="status", detail=", ".join(Order.Status.values))]
        )
    orders = orders_for_export(actor=request.auth, status=status, since=since, client_id=client)
    page = orders[start:end]
    return {
        "count": orders.count(),
        "items": [
            {
                "id": o.pk,
                "number": o.number,
                "status": o.status,
                "client": o.client_id,
                "client_tax_id": o.client.tax_id,
                "client_name": o.client.name,
                "confirmed_at": o.confirmed_at.isoformat() if o.confirmed_at else None,
                "column": {"code": o.column.code if o.column else "base", "reason": o.column_reason},
                "subtotal": money(o.base_subtotal),
                "net": money(o.net),
                "vat": money(o.vat),
                "total": money(o.total),
                "delivery_date": o.delivery_date.isoformat() if o.delivery_date else None,
                "delivery": _delivery_out(o),
                "regional": _regional_out(o),
                "notes": o.notes,
                "cancel_reason": o.cancel_reason,
                "lines": [
                    {
                        "sku": ln.product.sku,
                        "name": ln.product.name,
                        "unit": ln.product.unit,
                        "quantity": quantity_out(ln.quantity),
                        "unit_price": money(ln.unit_price),
                        "vat_rate": ln.vat_rate,
                        "vat": money(ln.vat),
                        "total": money(ln.total),
                    }
                    for ln in o.lines.all()
                ],
            }
            for o in page
        ],
    }
