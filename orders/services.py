"""Every write on orders. Each service owns its transaction and locks what it changes.

Lock order, so that operators never deadlock: the client row first (confirm), then the order
row, then sequences. A draft's lines are priced at the order's column; the column is re-chosen
as the base subtotal changes (III.10), and prices are frozen when the order is confirmed.

After confirmation an order changes only its status (`change_status`): lines, offers, terms and
exceptions are refused with OrderNotEditable (`_locked_draft`, `Order.is_editable`). Every
status change after confirmation (and a draft's cancellation) and every authorised exception
leave an `OrderChange` row (who, when, old, new, reason) in the same transaction, whatever the
door (III.14, III.26). The confirmation itself is on the order (`confirmed_at`, `number`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from calldesk import live
from calldesk.errors import FieldError, Forbidden, InvalidInput
from calldesk.money import format_money
from calldesk.prepared import Prepared, columns, model_from_row
from clients.models import Client
from clients.selectors import debt_of
from messaging.services import queue_notice
from orders.exceptions import (
    RULE_ERRORS,
    AlreadyInOrder,
    CallHasOrder,
    ClientHasDebt,
    InsufficientStock,
    InvalidQuantity,
    InvalidStatusChange,
    OperatorMayNotTake,
    OrderNotEditable,
    OrderNotFound,
    ProductNotFound,
    ProductUnavailable,
)
from orders.models import (
    CancelReason,
    ConfirmRequest,
    DeclineReason,
    Fulfilment,
    Offer,
    Order,
    OrderChange,
    OrderLine,
    OrderNumberSequence,
    PaymentForm,
    PriceColumn,
    Product,
    Special,
    TypeFavourite,
)
from orders.rules import (
    ZERO,
    Promotion,
    hand_added_is_accepted_offer,
    line_money,
    line_total,
    offer_refusal,
    price_line,
    quantity_refusal,
)
from orders.selectors import (
    base_price,
    column_for_client,
    delivery_prefill_for,
    draft_state,
    offered_quantity,
    order_facts,
    plain_quantity,
    price_at,
    suggestions_for,
)
from reports.refresh import refresh_after_commit
from staff.models import User
from staff.permissions import (
    TAKING_ROLES,
    OrderFacts,
    actor_of,
    has_role,
    is_operator,
    may_authorise_exception,
    may_change_order_status,
    may_see_order,
    may_start_order_for,
    may_work_on_order,
)
from warehouse.rules import beyond_stock, shown_available
from warehouse.stock import (
    available_of,
    backorders_allowed,
    check_and_lock,
    stock_annotations,
    warehouse_for_region,
)

QUANTITY_PLACES = Decimal("0.001")


def parse_quantity(value, *, field: str = "quantity") -> Decimal:
    """A positive decimal with at most three places (API.md), never a float."""
    if isinstance(value, float):
        value = None
    try:
        quantity = Decimal(str(value)) if value is not None else None
    except (InvalidOperation, ValueError):
        quantity = None
    if (
        quantity is None
        or not quantity.is_finite()
        or quantity <= 0
        or quantity != quantity.quantize(QUANTITY_PLACES)
        or quantity >= Decimal("1000000000")
    ):
        raise InvalidInput(
            _("The quantity must be a positive number with at most three decimals."),
            errors=[FieldError(field=field, detail=_("A positive number with at most three decimals."))],
        )
    return quantity.quantize(QUANTITY_PLACES)


def _may_take_for(client: Client) -> bool:
    """III.3: operators take orders from every client but key clients and clients who have no
    manager yet (new clients)."""
    return client.type.operator_takes_orders and client.manager_id is not None


def _check_may_see(actor: User, order: Order) -> OrderFacts:
    """An order the actor may not see is missing to them (404, III.26)."""
    facts = order_facts(order)
    if not may_see_order(actor_of(actor), facts):
        raise OrderNotFound()
    return facts


def _check_may_work_on(actor: User, order: Order) -> None:
    if not has_role(actor, TAKING_ROLES):
        raise Forbidden()
    facts = _check_may_see(actor, order)
    if not may_work_on_order(actor, facts):
        raise Forbidden(_("This order is another manager's or another department's."))


def _locked_draft(order_id: int, actor: User) -> Order:
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("client__type", "column", "warehouse")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound()
    _check_may_work_on(actor, order)
    if not order.is_editable():  # checked after taking the lock
        raise OrderNotEditable()
    return order


def _record_change(order: Order, field: str, old: str, new: str, *, actor: User, reason: str = "") -> None:
    """The order's history (OrderChange), written in the caller's transaction."""
    OrderChange.objects.create(
        order=order, field=field, old_value=old, new_value=new, reason=reason, changed_by=actor
    )


# --- Starting a draft ------------------------------------------------------------------------------


def _order_confirmed_in_call(*, actor: User, client_id: int, call_id: int | None) -> str | None:
    """The number of an order confirmed (and not cancelled) for the client in the call: the call
    named, else the actor's open call with the client; None when there is none. One query."""
    from calls.models import Call

    calls = Call.objects.filter(client_id=client_id)
    if call_id is not None:
        calls = calls.filter(pk=call_id)
    else:
        calls = calls.filter(operator_id=actor.pk, ended_at__isnull=True)
    started = calls.order_by("-started_at").values("started_at")[:1]
    return (
        Order.objects.filter(
            client_id=client_id, status__in=Order.Status.SOLD, created_at__gte=Subquery(started)
        )
        .order_by("-created_at")
        .values_list("number", flat=True)
        .first()
    )


@transaction.atomic
def start_order(*, actor: User, client_id: int, on: date | None = None, call_id: int | None = None) -> Order:
    """Open a draft for a client, its address and receiver prefilled as the client's last
    confirmed order had them, else its default address and authorised receiver (III.12). An
    operator may not start one for a key client or a client with no manager (III.3), nor for a
    client whose debt blocks orders (III.5); managers, heads and finance may start a draft for a
    blocked client, which only an exception lets confirm. A call (`call_id`, else the actor's
    open call with the client) that has a confirmed order takes no second one: CallHasOrder,
    whatever the door (the call screen, the desk, the API)."""
    if not has_role(actor, TAKING_ROLES):
        raise Forbidden()
    on = on or timezone.localdate()
    client = Client.objects.select_related("type").filter(pk=client_id).first()
    if client is None:
        from clients.exceptions import ClientNotFound

        raise ClientNotFound()
    allowed = may_start_order_for(
        actor,
        client_manager_id=client.manager_id,
        client_department_id=client.department_id,
        key_client=not client.type.operator_takes_orders,
    )
    if not allowed:
        raise Forbidden(_("This client is another manager's or another department's."))
    number = _order_confirmed_in_call(actor=actor, client_id=client.pk, call_id=call_id)
    if number is not None:
        raise CallHasOrder(
            _("This call already has a confirmed order, %(number)s: wrap the call up.") % {"number": number}
        )
    if is_operator(actor):
        if not _may_take_for(client):
            raise OperatorMayNotTake()
        debt = debt_of(client_id=client.pk, on=on)
        if debt.blocks_order:
            from clients.rules import debt_sentence

            raise ClientHasDebt(debt_sentence(debt, currency=settings.CURRENCY))
    choice = column_for_client(client=client, base_subtotal=ZERO, on=on)
    delivery = delivery_prefill_for(client_id=client.pk)  # III.12: where and to whom, as last time
    return Order.objects.create(
        client=client,
        warehouse=warehouse_for_region(client.region),  # its stock limits the lines (III.12)
        taken_by=actor,
        created_at=timezone.now(),
        column=PriceColumn.objects.get(code=choice.code),
        column_reason=choice.reason,
        delivery_address=delivery.address,
        receiver_name=delivery.receiver_name,
        receiver_phone=delivery.receiver_phone,
    )


# --- Lines -----------------------------------------------------------------------------------------


def _product_prices(sku: str, warehouse_id: int, column_id: int | None = None) -> QuerySet:
    return (
        Product.objects.filter(sku=sku)
        .annotate(
            base_amount=base_price(), column_amount=price_at(column_id), **stock_annotations(warehouse_id)
        )
        .order_by("pk")
        .values(*columns(Product), "base_amount", "column_amount", "stock", "reserved")[:1]
    )


# Each added line reads its product, prices and stock in its order's warehouse (III.12): compiled
# once (calldesk.prepared), with a column and (an order without one yet) without.
PRODUCT_AT_COLUMN = Prepared(
    _product_prices, sku="prepared:no-such-sku", warehouse_id=-190102037, column_id=-190102036
)
PRODUCT_AT_BASE = Prepared(_product_prices, sku="prepared:no-such-sku", warehouse_id=-190102037)
NO_WAREHOUSE = 0  # no warehouse has this id: the product's stock is not known, so not limited


def _product_with_prices(
    *, sku: str, column_id: int | None, warehouse_id: int | None = None
) -> tuple[Product, Decimal, Decimal]:
    """The product, its base price and its price at the order's column (else base), and as
    `product.available` what its warehouse has available (None: not limited). One query."""
    warehouse_id = NO_WAREHOUSE if warehouse_id is None else warehouse_id
    if column_id is not None:
        rows = PRODUCT_AT_COLUMN.run(sku=sku, column_id=column_id, warehouse_id=warehouse_id)
    else:
        rows = PRODUCT_AT_BASE.run(sku=sku, warehouse_id=warehouse_id)
    product = None
    if rows:
        product = model_from_row(Product, rows[0])
        product.base_amount, product.column_amount = rows[0]["base_amount"], rows[0]["column_amount"]
        product.available = shown_available(rows[0]["stock"], rows[0]["reserved"])
    if product is None:
        raise ProductNotFound(
            _("No product with SKU %(sku)s.") % {"sku": sku},
            errors=[FieldError(field="sku", detail=_("Unknown SKU."))],
        )
    if not product.active or product.base_amount is None:
        raise ProductUnavailable(_("%(product)s is not sold now.") % {"product": product.name})
    return product, product.base_amount, product.column_amount


def _reprice(order: Order, *, on: date) -> bool:
    """Re-choose the column for the new base subtotal (III.10); re-price every line only when the
    column changes (one UPDATE), then store the totals. True when the lines were re-priced."""
    choice = column_for_client(client=order.client, base_subtotal=order.base_subtotal, on=on)
    repriced = order.column is None or choice.code != order.column.code
    if repriced:
        order.column = PriceColumn.objects.get(code=choice.code)
        at_column = price_at(order.column_id, product=OuterRef("product_id"), base=F("base_price"))
        OrderLine.objects.filter(order=order).update(list_price=at_column)
        # each line at its new list price with its special's promotion (an accepted special keeps
        # its terms whatever the column, III.23), then its total and VAT, line by line
        lines = list(
            OrderLine.objects.filter(order=order)
            .select_related("special")
            .only("id", "quantity", "list_price", "vat_rate", *(f"special__{f}" for f in PROMOTION_FIELDS))
        )
        for line in lines:
            _price_line(line, line.list_price)
        OrderLine.objects.bulk_update(lines, ["unit_price", "total", "vat", "saving", "promotion"])
        order.total = sum((line.total for line in lines), ZERO)
        order.vat = sum((line.vat for line in lines), ZERO)
    order.column_reason = choice.reason
    order.save(update_fields=["column", "column_reason", "base_subtotal", "total", "vat"])
    return repriced


def _check_stock(product: Product, *, old: Decimal, new: Decimal, available: Decimal | None) -> None:
    """III.12: a line raised beyond what its warehouse has available is refused, saying how much
    is, unless backorders are allowed (warehouse.rules.beyond_stock)."""
    if beyond_stock(old=old, new=new, available=available, backorders=backorders_allowed()):
        raise InsufficientStock(
            _("Only %(available)s %(unit)s of %(product)s are available.")
            % {"available": plain_quantity(available), "unit": product.unit, "product": product.name},
            errors=[
                FieldError(field="quantity", detail=_("Available: %(n)s") % {"n": plain_quantity(available)})
            ],
        )


PROMOTION_FIELDS = ("kind", "special_price", "percent", "buy", "pay")
# What pricing a line writes on it
LINE_PRICES = ["list_price", "unit_price", "total", "vat", "saving", "promotion"]


def _promotion(special: Special | None) -> Promotion | None:
    if special is None:
        return None
    # a special price with no kind is a special price (specials had no kind before), not a note
    kind = special.kind or (Special.Kind.SPECIAL_PRICE if special.special_price is not None else "")
    return Promotion(
        kind=kind,
        special_price=special.special_price,
        percent=special.percent,
        buy=special.buy,
        pay=special.pay,
    )


def _price_line(line: OrderLine, list_price: Decimal) -> None:
    """Price the line at `list_price` (its column's) with its special's promotion (III.23,
    orders.rules.price_line), then split out or add its VAT (orders.rules.line_money;
    settings.CALLDESK_PRICES_INCLUDE_VAT says whether list prices hold the VAT)."""
    priced = price_line(line.quantity, list_price, _promotion(line.special))
    amounts = line_money(
        priced.amount, line.vat_rate, prices_include_vat=settings.CALLDESK_PRICES_INCLUDE_VAT
    )
    line.list_price, line.unit_price = list_price, priced.unit_price
    line.saving, line.promotion = priced.saving, priced.promotion
    line.total, line.vat = amounts.total, amounts.vat


def check_quantity(product: Product, quantity: Decimal) -> None:
    """Refuse a line of `quantity` that breaks the product's minimum, whole packs or whole pieces
    (orders.rules.quantity_refusal), with the nearest quantities that keep them: InvalidQuantity."""
    refusal = quantity_refusal(
        quantity,
        name=product.name,
        unit=product.unit,
        pack=product.pack,
        min_quantity=product.min_quantity,
        whole_packs=product.whole_packs,
    )
    if refusal is not None:
        raise InvalidQuantity(refusal.detail, errors=[FieldError(field="quantity", detail=refusal.detail)])


@dataclass(frozen=True)
class LineChange:
    order: Order
    line: OrderLine | None  # None: the line was removed
    repriced: bool = False  # the column changed: every line has a new price (III.10)


def _offer_of_hand_added(*, actor: User, order: Order, product: Product, quantity: Decimal, on: date) -> None:
    """III.7: a product added by hand that was suggested for the order (or declined, and taken
    after all) counts as an accepted offer (`rules.hand_added_is_accepted_offer`). Called before
    the new line is saved, so the suggestions are those the operator saw. One query for a product
    none of the suggestions could name (a special for the client's type, new, a favourite of its
    type, bought by the client in the year); the suggestions' seven more for one they could."""
    client = order.client
    facts = (
        Product.objects.filter(pk=product.pk)
        .annotate(
            offer_outcome=Subquery(
                Offer.objects.filter(order=order, product=OuterRef("pk")).values("outcome")[:1]
            ),
            special=Exists(
                Special.objects.filter(product=OuterRef("pk"), valid_from__lte=on, valid_to__gte=on).filter(
                    Q(client_types__isnull=True) | Q(client_types=client.type_id)
                )
            ),
            favourite=Exists(
                TypeFavourite.objects.filter(client_type_id=client.type_id, product=OuterRef("pk"))
            ),
            bought=Exists(
                OrderLine.objects.filter(
                    product=OuterRef("pk"),
                    order__client_id=client.pk,
                    order__status__in=Order.Status.SOLD,
                    order__confirmed_at__gte=timezone.now() - timedelta(days=365),
                )
            ),
        )
        .values("offer_outcome", "special", "favourite", "bought")
        .get()
    )
    outcome = facts["offer_outcome"]
    kind = None
    if outcome is None and (
        facts["special"]
        or facts["favourite"]
        or facts["bought"]
        or (product.new_until is not None and product.new_until >= on)
    ):
        kind = next((s.reason for s in suggestions_for(order=order, on=on) if s.sku == product.sku), None)
    if not hand_added_is_accepted_offer(suggested=kind is not None, offer_outcome=outcome):
        return
    if outcome is None:
        Offer.objects.create(
            order=order,
            product=product,
            kind=kind or Offer.Reason.OTHER,  # always named here: it was suggested
            outcome=Offer.Outcome.ACCEPTED,
            quantity=quantity,
            offered_by=actor,
        )
    else:
        Offer.objects.filter(order=order, product=product).update(
            outcome=Offer.Outcome.ACCEPTED, quantity=quantity, reason=""
        )


@transaction.atomic
def add_line(
    *,
    actor: User,
    order_id: int,
    sku: str,
    quantity,
    special_id: int | None = None,
    offered: bool = False,
) -> LineChange:
    """Add a product to a draft (a product already in it gets the quantity added). Locks the
    order; the cost does not grow with the number of lines. A new line added by hand (`offered`
    false: not through an offer) of a suggested product records the accepted offer (III.7)."""
    quantity = parse_quantity(quantity)
    order = _locked_draft(order_id, actor)
    product, base_amount, column_amount = _product_with_prices(
        sku=sku, column_id=order.column_id, warehouse_id=order.warehouse_id
    )
    special = Special.objects.filter(pk=special_id).first() if special_id is not None else None
    line = OrderLine.objects.select_related("special").filter(order=order, product=product).first()
    is_new = line is None
    if line is None:
        line = OrderLine(
            order=order,
            product=product,
            quantity=ZERO,
            base_price=base_amount,
            special=special,
            vat_rate=product.vat_rate,
        )
        old_total, old_vat, old_base = ZERO, ZERO, ZERO
    else:
        old_total, old_vat, old_base = line.total, line.vat, line_total(line.quantity, line.base_price)
        if special is not None:  # an accepted special; without one the line keeps its own (III.23)
            line.special = special
    check_quantity(product, line.quantity + quantity)  # the product's minimum, pack and unit (III.12)
    available = product.available  # type: ignore[attr-defined]  # with its prices, in the same query
    _check_stock(product, old=line.quantity, new=line.quantity + quantity, available=available)
    if is_new and not offered:  # before the line is saved: the suggestions the operator saw
        _offer_of_hand_added(
            actor=actor, order=order, product=product, quantity=quantity, on=timezone.localdate()
        )
    line.quantity += quantity
    _price_line(line, column_amount)
    line.save()
    order.base_subtotal += line_total(line.quantity, line.base_price) - old_base
    order.total += line.total - old_total
    order.vat += line.vat - old_vat
    repriced = _reprice(order, on=timezone.localdate())
    if repriced:  # the line's price changed with all the others, in the database
        line.refresh_from_db(fields=LINE_PRICES)
    return LineChange(order=order, line=line, repriced=repriced)


@transaction.atomic
def change_line(*, actor: User, order_id: int, line_id: int, quantity) -> LineChange:
    quantity = parse_quantity(quantity)
    order = _locked_draft(order_id, actor)
    line = OrderLine.objects.filter(order=order, pk=line_id).select_related("product", "special").first()
    if line is None:
        raise OrderNotFound(_("No such line in this order."))
    check_quantity(line.product, quantity)
    if quantity > line.quantity and not backorders_allowed():
        available = available_of(warehouse_id=order.warehouse_id, product_ids=[line.product_id])
        _check_stock(line.product, old=line.quantity, new=quantity, available=available.get(line.product_id))
    old_total, old_vat, old_base = line.total, line.vat, line_total(line.quantity, line.base_price)
    line.quantity = quantity
    _price_line(line, line.list_price)
    line.save(update_fields=["quantity", *LINE_PRICES])
    order.base_subtotal += line_total(line.quantity, line.base_price) - old_base
    order.total += line.total - old_total
    order.vat += line.vat - old_vat
    repriced = _reprice(order, on=timezone.localdate())
    if repriced:  # the line's price changed with all the others, in the database
        line.refresh_from_db(fields=LINE_PRICES)
    return LineChange(order=order, line=line, repriced=repriced)


@transaction.atomic
def remove_line(*, actor: User, order_id: int, line_id: int) -> LineChange:
    order = _locked_draft(order_id, actor)
    line = OrderLine.objects.filter(order=order, pk=line_id).first()
    if line is None:
        raise OrderNotFound(_("No such line in this order."))
    order.base_subtotal -= line_total(line.quantity, line.base_price)
    order.total -= line.total
    order.vat -= line.vat
    line.delete()
    repriced = _reprice(order, on=timezone.localdate())
    return LineChange(order=order, line=None, repriced=repriced)


# --- Offers (III.7) --------------------------------------------------------------------------------


def _decline_reason(*, code: str, text: str) -> tuple[DeclineReason | None, str]:
    """The listed reason a decline gives, and the words kept beside it: the reason of `code`
    (400 for a code not on the active list), else the one whose name in any language `text` is
    (then no words are kept), else none and `text`. One query."""
    reasons = list(DeclineReason.objects.filter(active=True))
    if code:
        listed = next((reason for reason in reasons if reason.code == code), None)
        if listed is None:
            raise InvalidInput(
                _("Unknown reason: %(code)s.") % {"code": code},
                errors=[
                    FieldError(field="decline_reason", detail=", ".join(reason.code for reason in reasons))
                ],
            )
        return listed, text
    folded = text.casefold()
    listed = next((reason for reason in reasons if folded and folded in reason.names()), None)
    return listed, "" if listed is not None else text


@transaction.atomic
def record_offer(
    *,
    actor: User,
    order_id: int,
    sku: str,
    outcome: str,
    quantity=None,
    reason: str = "",
    kind: str = "other",
    decline_reason: str = "",
) -> Offer:
    """Record an extra item offered; an accepted one adds its line (with `quantity`, by default
    the pack or one). A declined one needs a reason: a code of the admin's list (`DeclineReason`,
    `decline_reason`), or words, which are taken as the listed reason they name. Offering a
    product again updates the offer. A product already on the order, and not offered on it
    before, is refused with AlreadyInOrder (III.7: it would not be an offer beyond what the
    client ordered; `rules.offer_refusal`)."""
    if outcome not in Offer.Outcome.values:
        raise InvalidInput(
            _("The outcome is accepted or declined."),
            errors=[FieldError(field="outcome", detail=_("accepted or declined"))],
        )
    if kind not in Offer.Reason.values:
        kind = Offer.Reason.OTHER
    reason = (reason or "").strip()
    listed = None
    if outcome == Offer.Outcome.DECLINED:
        listed, reason = _decline_reason(code=(decline_reason or "").strip(), text=reason)
        if listed is None and not reason:
            raise InvalidInput(
                _("Say why the client declined."),
                errors=[FieldError(field="reason", detail=_("Required when declined."))],
            )
    order = _locked_draft(order_id, actor)
    product = (
        Product.objects.filter(sku=sku)
        .annotate(
            on_order=Exists(OrderLine.objects.filter(order=order, product=OuterRef("pk"))),
            offered_before=Exists(Offer.objects.filter(order=order, product=OuterRef("pk"))),
        )
        .first()
    )
    if product is None:
        raise ProductNotFound(
            _("No product with SKU %(sku)s.") % {"sku": sku},
            errors=[FieldError(field="sku", detail=_("Unknown SKU."))],
        )
    if offer_refusal(on_order=product.on_order, offered_before=product.offered_before):
        raise AlreadyInOrder(
            _(
                "%(product)s is already on the order: an offer is of something beyond what the "
                "client has ordered (III.7)."
            )
            % {"product": product.name}
        )
    amount = parse_quantity(quantity) if quantity not in (None, "") else None
    offer, _created = Offer.objects.update_or_create(
        order=order,
        product=product,
        defaults={
            "outcome": outcome,
            "kind": kind,
            "quantity": amount,
            "reason": reason if outcome == Offer.Outcome.DECLINED else "",
            "decline_reason": listed,
            "offered_by": actor,
        },
    )
    if outcome == Offer.Outcome.ACCEPTED:
        today = timezone.localdate()
        special = (
            Special.objects.filter(product=product, valid_from__lte=today, valid_to__gte=today)
            .filter(Q(client_types__isnull=True) | Q(client_types=order.client.type_id))
            .order_by("valid_to", "id")
            .values_list("pk", flat=True)
            .first()
        )
        add_line(
            actor=actor,
            order_id=order.pk,
            sku=sku,
            quantity=amount or offered_quantity(product),
            special_id=special,
            offered=True,
        )
    return offer


# --- Delivery and regional terms (III.12, III.13) ------------------------------------------------


def _text(value, field: str, max_length: int) -> str:
    text = str(value or "").strip()
    if len(text) > max_length:
        raise InvalidInput(
            _("%(field)s is too long.") % {"field": field},
            errors=[FieldError(field=field, detail=_("At most %(n)s characters.") % {"n": max_length})],
        )
    return text


@transaction.atomic
def set_terms(
    *,
    actor: User,
    order_id: int,
    delivery: dict | None = None,
    regional: dict | None = None,
    notes: str | None = None,
) -> Order:
    """Agree delivery (date, window, receiver, address) and, for a regional client, the payment
    form and pick-up or shipping (III.12, III.13). Only the keys given change."""
    order = _locked_draft(order_id, actor)
    fields: list[str] = []
    if delivery is not None:
        if "date" in delivery:
            order.delivery_date = delivery["date"]
            fields.append("delivery_date")
        for key, field, limit in (
            ("window", "delivery_window", 40),
            ("receiver_name", "receiver_name", 150),
            ("address", "delivery_address", 300),
        ):
            if key in delivery:
                setattr(order, field, _text(delivery[key], f"delivery.{key}", limit))
                fields.append(field)
        if "receiver_phone" in delivery:
            raw = _text(delivery["receiver_phone"], "delivery.receiver_phone", 40)
            if raw:
                from clients.phones import normalize_phone

                try:
                    raw = normalize_phone(raw)
                except InvalidInput:
                    raise InvalidInput(
                        _("%(phone)s is not a phone number.") % {"phone": raw},
                        errors=[FieldError(field="delivery.receiver_phone", detail=_("Not a phone number."))],
                    ) from None
            order.receiver_phone = raw
            fields.append("receiver_phone")
    if regional is not None:
        if "payment_form" in regional:
            value = regional["payment_form"] or ""
            if value and value not in PaymentForm.values:
                raise InvalidInput(
                    _("Unknown payment form."),
                    errors=[FieldError(field="regional.payment_form", detail=", ".join(PaymentForm.values))],
                )
            order.payment_form = value
            fields.append("payment_form")
        if "fulfilment" in regional:
            value = regional["fulfilment"] or ""
            if value and value not in Fulfilment.values:
                raise InvalidInput(
                    _("Fulfilment is pickup or shipping."),
                    errors=[FieldError(field="regional.fulfilment", detail=", ".join(Fulfilment.values))],
                )
            order.fulfilment = value
            fields.append("fulfilment")
        if "pickup_at" in regional:
            value = regional["pickup_at"]
            if isinstance(value, datetime) and timezone.is_naive(value):
                value = timezone.make_aware(value)
            order.pickup_at = value
            fields.append("pickup_at")
        for key, limit in (("shipping_address", 300), ("carrier", 150)):
            if key in regional:
                setattr(order, key, _text(regional[key], f"regional.{key}", limit))
                fields.append(key)
    if notes is not None:
        order.notes = _text(notes, "notes", 2000)
        fields.append("notes")
    if fields:
        order.save(update_fields=fields)
    return order


# --- The authorised exception (III.6, III.11) -----------------------------------------------------


@transaction.atomic
def authorise_exception(*, actor: User, order_id: int, reason: str) -> Order:
    """The client's manager, finance or a head lets this one order past the debt and credit-limit
    checks, with a written reason; never an operator. Recorded with who, when and why, on the
    order and in its history (the reason it replaces as the old value). A confirmed order takes
    no exception: OrderNotEditable."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Write why the exception is made."), errors=[FieldError(field="reason", detail=_("Required."))]
        )
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("client__type")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound()
    if not may_authorise_exception(actor, _check_may_see(actor, order)):
        raise Forbidden(_("Only the client's manager, finance or a head may authorise an exception."))
    if not order.is_editable():
        raise OrderNotEditable()
    old_reason = order.exception_reason
    order.exception_reason = _text(reason, "reason", 500)
    order.exception_by = actor
    order.exception_at = timezone.now()
    order.save(update_fields=["exception_reason", "exception_by", "exception_at"])
    _record_change(order, OrderChange.Field.EXCEPTION, old_reason, order.exception_reason, actor=actor)
    return order


# --- Confirmation (API.md: POST /orders/{id}/confirm) ---------------------------------------------


# The year's counter moved on by one, its row locked, and the new value answered: one statement
# (PostgreSQL, and SQLite since 3.35), where the ORM needs a SELECT ... FOR UPDATE and an UPDATE.
_BUMP_NUMBER = (
    'UPDATE "orders_ordernumbersequence" SET "last_value" = "last_value" + 1'
    ' WHERE "year" = %s RETURNING "last_value"'
)


def _next_number(year: int) -> str:
    """`YYYY-NNNNNN` without gaps: the year's row is locked until the order commits. The row
    every confirmation shares, so it is taken in one round trip (`_BUMP_NUMBER`)."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_NUMBER, [year])
        row = cursor.fetchone()
        if row is None:  # the year's first order
            try:
                with transaction.atomic():
                    OrderNumberSequence.objects.create(year=year, last_value=0)
            except IntegrityError:
                pass  # created by a concurrent confirmation a moment ago
            cursor.execute(_BUMP_NUMBER, [year])
            row = cursor.fetchone()
    return f"{year}-{row[0]:06d}"


@transaction.atomic
def confirm_order(
    *, actor: User, order_id: int, send_form: bool | None = None, form_email: str = ""
) -> Order:
    """Confirm a draft in one transaction with the client's row locked, so two confirmations for
    one client never together pass its credit limit. Checks, in this order: operator_may_not_take,
    client_has_debt, no_lines, too_few_offers, delivery_incomplete, regional_terms_incomplete,
    over_credit_limit; raises the first that fails. Confirming an order already confirmed returns
    it unchanged (a double click makes one order). Tells the client's manager (III.14), and sends
    the client the order form when `send_form` (to `form_email`, else the client's e-mail) or, not
    said (None), when the client's card asks for it (`orders.order_form.form_recipient`; a
    missing or bad e-mail is InvalidInput, and nothing is confirmed)."""
    # The client's row first (the lock order above), found through the order in the same statement.
    client_of_order = Order.objects.filter(pk=order_id).order_by().values("client_id")[:1]
    client = Client.objects.select_for_update().filter(pk=Subquery(client_of_order)).order_by()
    if client.values_list("pk", flat=True).first() is None:
        raise OrderNotFound()
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("client__type", "client__manager", "warehouse")
        .get(pk=order_id)
    )
    _check_may_work_on(actor, order)
    if order.status == Order.Status.CONFIRMED and order.taken_by_id == actor.pk:
        return order
    if not order.is_editable():
        raise OrderNotEditable()
    today = timezone.localdate()
    state = draft_state(order=order, actor=actor, on=today)
    if state.missing:
        error = RULE_ERRORS[state.missing[0]]
        if error is ClientHasDebt:
            from clients.rules import debt_sentence

            raise error(
                debt_sentence(debt_of(client_id=order.client_id, on=today), currency=settings.CURRENCY)
            )
        raise error(state.missing_words[0])  # the screen's words (orders.rules.MISSING_WORDS)
    from orders.order_form import form_recipient

    recipient = form_recipient(client=order.client, asked=send_form, email=form_email)
    # III.12: the stock again, its rows locked to the commit, so that two operators selling the
    # last units never both confirm them.
    shortages = check_and_lock(order)
    if shortages:
        raise InsufficientStock(
            " ".join(
                _("Only %(available)s of %(product)s are available; the order has %(wanted)s.")
                % {
                    "available": plain_quantity(s.available),
                    "product": s.name,
                    "wanted": plain_quantity(s.wanted),
                }
                for s in shortages
            ),
            errors=[
                FieldError(
                    field="lines",
                    detail=_("%(product)s: available %(n)s")
                    % {"product": s.name, "n": plain_quantity(s.available)},
                )
                for s in shortages
            ],
        )
    now = timezone.now()
    # The client's last order day, for the nightly dormant list (III.16); its row is locked.
    Client.objects.filter(pk=order.client_id).update(last_order_on=timezone.localtime(now).date())
    # The number last: the year's sequence row is the one row every operator's confirmation
    # waits for, so from taking it to the commit only the order's row and the manager's notice
    # (III.14, in this transaction: nothing is lost) are written.
    order.number = _next_number(timezone.localtime(now).year)
    order.status = Order.Status.CONFIRMED
    order.confirmed_at = now
    order.status_changed_at = now
    order.save(update_fields=["number", "status", "confirmed_at", "status_changed_at"])
    _tell_manager(order)
    if recipient:  # the order form, in this transaction: never lost (orders.order_form)
        from orders.order_form import queue_order_form

        queue_order_form(order=order, email=recipient, actor=actor)
    live.publish(live.BOARD, live.BOARD_CHANGED)  # today's orders on the live board (section VI)
    refresh_after_commit(day=timezone.localdate(now))  # today's figures follow it (III.25)
    return order


def _tell_manager(order: Order) -> None:
    """III.14: the client's manager has the order the same second, in the inbox and by e-mail, in
    their language; an absent manager's head (or deputy) has it too (messaging.queue_notice)."""
    manager = order.client.manager
    if manager is None:
        return
    from django.urls import reverse

    def write() -> tuple[str, str]:
        subject = _("Order %(number)s confirmed: %(client)s, %(total)s") % {
            "number": order.number,
            "client": order.client.name,
            "total": format_money(order.total),
        }
        body = _(
            "%(client)s ordered for delivery on %(date)s (%(window)s); receiver %(receiver)s, %(phone)s."
        ) % {
            "client": order.client.name,
            "date": date_format(order.delivery_date, "SHORT_DATE_FORMAT") if order.delivery_date else "—",
            "window": order.delivery_window or _("any time"),
            "receiver": order.receiver_name,
            "phone": order.receiver_phone,
        }
        if order.has_exception():
            body += " " + _("Exception authorised: %(reason)s") % {"reason": order.exception_reason}
        return subject, body

    queue_notice(
        kind="order_confirmed",
        addressee=manager,
        department=order.client.department_id,
        write=write,
        link=reverse("orders:order", args=[order.pk]),
    )


@dataclass(frozen=True)
class ConfirmAnswer:
    status: int
    body: dict


def confirm_once(*, actor: User, order_id: int, key: str, answer) -> ConfirmAnswer:
    """Confirm with an Idempotency-Key: the same key (for the same user) gets the same answer and
    never a second order. `answer(order_or_error) -> ConfirmAnswer` shapes the reply."""
    key = key.strip()[:200]
    stored = ConfirmRequest.objects.filter(user=actor, key=key).first()
    if stored is not None:
        return ConfirmAnswer(stored.status, stored.body)
    try:
        result = answer(confirm_order(actor=actor, order_id=order_id))
    except (OrderNotFound, Forbidden):
        raise
    except Exception as error:  # a rule's refusal is an answer too, and is replayed the same
        from calldesk.errors import DeskError

        if not isinstance(error, DeskError):
            raise
        result = ConfirmAnswer(error.status, error.as_dict())
    try:
        with transaction.atomic():
            ConfirmRequest.objects.create(
                key=key, user=actor, order_id=order_id, status=result.status, body=result.body
            )
    except IntegrityError:  # the same key raced in: answer what the first one stored
        stored = ConfirmRequest.objects.get(user=actor, key=key)
        return ConfirmAnswer(stored.status, stored.body)
    return result


# --- After confirmation ----------------------------------------------------------------------------

NEXT_STATUSES: dict[str, set[str]] = {
    Order.Status.CONFIRMED: {Order.Status.IN_FULFILMENT, Order.Status.CANCELLED},
    Order.Status.IN_FULFILMENT: {Order.Status.DELIVERED, Order.Status.CANCELLED},
    Order.Status.DRAFT: {Order.Status.CANCELLED},
}


def _cancel_code(code: str, note: str) -> str:
    """A cancellation's reason code (section VI: `CancelReason`, whose flag says whether it is
    the operator's own mistake); "other" needs the note to say what."""
    if code not in CancelReason.values:
        raise InvalidInput(
            _("Choose why the order is cancelled."),
            errors=[FieldError(field="code", detail=", ".join(CancelReason.values))],
        )
    if code == CancelReason.OTHER and not note:
        raise InvalidInput(
            _("Say why the order is cancelled."), errors=[FieldError(field="reason", detail=_("Required."))]
        )
    return code


@transaction.atomic
def change_status(*, actor: User, order_id: int, status: str, reason: str = "", code: str = "") -> Order:
    """Move an order along: confirmed → in fulfilment → delivered, or cancelled with a reason code
    (`CancelReason`) and a note (required for "other"). The client's manager, a head, an admin, or
    the warehouse's token (permission). Locks the order; records the change (old, new status, the
    code and the note) in its history. Raises OrderNotFound, Forbidden, InvalidStatusChange,
    InvalidInput (a cancellation without its code)."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("client__type")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound()
    facts = _check_may_see(actor, order)
    if not may_change_order_status(actor_of(actor), facts, cancelling=status == Order.Status.CANCELLED):
        raise Forbidden()
    if status not in NEXT_STATUSES.get(order.status, set()):
        raise InvalidStatusChange(
            _("An order %(current)s cannot become %(status)s.")
            % {"current": order.get_status_display(), "status": status}
        )
    reason = _text(reason, "reason", 300)
    cancelling = status == Order.Status.CANCELLED
    if cancelling:
        order.cancel_code = _cancel_code(code, reason)
        order.cancel_reason = reason
    old_status = order.status
    order.status = status
    order.status_changed_at = timezone.now()
    order.save(update_fields=["status", "status_changed_at", "cancel_code", "cancel_reason"])
    recorded = f"{code}: {reason}" if cancelling and reason else (code if cancelling else reason)
    _record_change(order, OrderChange.Field.STATUS, old_status, status, actor=actor, reason=recorded)
    return order


def order_totals(order_id: int) -> tuple[Decimal, Decimal]:
    """The totals recomputed from the lines (for checks and tests): (base subtotal, total)."""
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
    row = OrderLine.objects.filter(order_id=order_id).aggregate(
        total=Coalesce(Sum("total"), ZERO, output_field=money)
    )
    lines = OrderLine.objects.filter(order_id=order_id).only("quantity", "base_price")
    return sum((line_total(line.quantity, line.base_price) for line in lines), ZERO), row["total"]
