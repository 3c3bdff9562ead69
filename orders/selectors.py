"""Reads on orders and the price list for screens, the API and exports, the order-taking screen
included. Fixed query counts: tests assert them.

Every read of an order or a list of orders takes the reader and keeps to what they may see
(`visible_orders`, staff.permissions.order_reach, III.26): one WHERE clause, or the rule on the
loaded row, no query more. An order the reader may not see is missing (OrderNotFound, 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from calldesk.money import format_money
from calldesk.screen_input import local_number
from calldesk.search import words_match
from clients.exceptions import ClientNotFound
from clients.models import Client
from clients.selectors import DeliveryChoice, debt_of, delivery_choices
from orders.exceptions import OrderNotFound
from orders.models import (
    DeclineReason,
    DiscountRule,
    Offer,
    Order,
    OrderLine,
    Price,
    PriceColumn,
    Product,
    Special,
    TypeFavourite,
)
from orders.rules import (
    BASE,
    ColumnChoice,
    ColumnRule,
    Delivery,
    DraftFacts,
    FixedColumn,
    VatRow,
    choose_column,
    delivery_prefill,
    missing_for_confirmation,
    missing_in_words,
    price_in_column,
    quantity_refusal,
    smallest_quantity,
    vat_by_rate,
)
from staff.permissions import (
    OrderFacts,
    OrderReach,
    actor_of,
    is_operator,
    may_see_order,
    order_reach,
    tracks_every_reachable_order,
)
from warehouse.calendar import delivery_days
from warehouse.rules import shown_available
from warehouse.stock import available_of, stock_annotations


def _where(reach: OrderReach) -> Q:
    """`OrderReach` as a WHERE clause on orders: the same rule as `OrderReach.covers`."""
    if reach.everything:
        return Q()
    where = Q(pk__in=[])  # nothing, unless a part below lets some in
    if reach.taken_by_id is not None:
        where |= Q(taken_by_id=reach.taken_by_id)
    if reach.client_manager_id is not None:
        where |= Q(client__manager_id=reach.client_manager_id)
    if reach.key_clients:
        where |= Q(client__type__operator_takes_orders=False)
    if reach.client_department_id is not None:
        where |= Q(client__department_id=reach.client_department_id)
    return where


def visible_orders(actor, *, systems: bool = False) -> QuerySet[Order]:
    """The orders `actor` (a User or an Actor) may see (III.26), as one filter. `systems`: where
    a system's token reads (the warehouse reaches every order), its permission is asked."""
    return Order.objects.filter(_where(order_reach(actor_of(actor), systems=systems)))


def order_facts(order: Order) -> OrderFacts:
    """What the rules of `staff.permissions` read of a loaded order (its client and type, no query)."""
    return OrderFacts(
        taken_by_id=order.taken_by_id,
        client_manager_id=order.client.manager_id,
        client_department_id=order.client.department_id,
        key_client=not order.client.type.operator_takes_orders,
        is_draft=order.status == Order.Status.DRAFT,
    )


def orders_of_manager(*, actor, status: str = "", page: int = 1, per_page: int = 50) -> Page:
    """A manager's orders to track (III.14): their clients' orders (a head: their department's
    and those they took), newest first. Two queries."""
    orders = visible_orders(actor).select_related("client", "taken_by")
    if not tracks_every_reachable_order(actor_of(actor)):
        orders = orders.filter(client__manager_id=actor.pk)
    if status:
        orders = orders.filter(status=status)
    return Paginator(orders.order_by("-created_at", "-id"), per_page).get_page(page)


def base_price(product=None) -> Subquery:
    """A product's base price (`product`: the product's id as an expression, by default the
    outer row's pk), as a subquery."""
    product = OuterRef("pk") if product is None else product
    return Subquery(Price.objects.filter(product=product, column__code=BASE).values("amount")[:1])


def price_at(column, *, product=None, base=None) -> Coalesce:
    """III.10 in SQL: a product's price in `column` (an id or an expression), else its base price
    (`base`: what to fall back on, by default the product's base price in the price list). The
    same rule in Python: `orders.rules.price_in_column`."""
    product = OuterRef("pk") if product is None else product
    at_column = Price.objects.filter(product=product, column_id=column).values("amount")[:1]
    return Coalesce(Subquery(at_column), base_price(product) if base is None else base)


def price_columns() -> list[PriceColumn]:
    return list(PriceColumn.objects.order_by("position"))


def products_matching(term: str) -> QuerySet[Product]:
    """Products found by what the operator typed (calldesk.search: every word, in any order, in
    the SKU or name, whatever the case, ё or punctuation; SKU digits alone find the SKU). A
    blank term matches every product; a term of punctuation alone, none."""
    if not term.strip():
        return Product.objects.all()
    words = words_match("search_text", term)
    return Product.objects.none() if words is None else Product.objects.filter(words)


def price_list_page(*, search: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Products with their price in every column, for the price-list matrix. Three queries."""
    products = (
        products_matching(search)
        .prefetch_related(
            Prefetch("prices", queryset=Price.objects.select_related("column").order_by("column__position"))
        )
        .order_by("name", "id")
    )
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
            column_name=str(rule.column),
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
    """The price column that applies to `client` for an order of `base_subtotal` (III.10). A
    client with a fixed column reads no discount rule: one query for the column (none when it is
    loaded with the client), where the rules take two."""
    column = client.price_column if client.price_column_id is not None else None
    if column is not None:
        return choose_column(
            rules=[],
            client_type_code="",
            client_type_name="",
            base_subtotal=base_subtotal,
            on=on,
            fixed=FixedColumn(code=column.code, name=str(column), reason=client.price_column_reason),
        )
    return choose_column(
        rules=column_rules(on=on),
        client_type_code=client.type.code,
        client_type_name=str(client.type),
        base_subtotal=base_subtotal,
        on=on,
    )


# --- Where a new order goes (III.12) ---------------------------------------------------------------


def delivery_prefill_for(*, client_id: int) -> Delivery:
    """The address and receiver a new draft starts with (`orders.rules.delivery_prefill`): those
    of the client's last confirmed order (never a cancelled one), else its default address and
    the contact authorised to receive goods there. One query, two for a client with no order."""
    last = (
        Order.objects.filter(client_id=client_id, status__in=Order.Status.SOLD)
        .order_by("-confirmed_at", "-id")
        .values_list("delivery_address", "receiver_name", "receiver_phone")
        .first()
    )
    if last is not None and (last[0] or last[1]):
        return delivery_prefill(last_order=Delivery(*last), default=None)
    choices = delivery_choices(client_id=client_id)
    first = choices[0] if choices else None
    default = Delivery(first.address, first.receiver_name, first.receiver_phone) if first else None
    return delivery_prefill(last_order=None, default=default)


# --- A draft and what it still needs ------------------------------------------------------------


def offers_required() -> int:
    return int(getattr(settings, "ORDER_OFFERS_REQUIRED", 3))


def _count_of(model) -> Coalesce:
    """How many rows of `model` (lines, or offers: one per product) the order has, as a
    subquery on orders."""
    rows = model.objects.filter(order_id=OuterRef("pk")).order_by().values("order_id")
    counted = Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField())
    return Coalesce(counted, 0)


def draft_facts(*, order: Order, actor, on: date) -> DraftFacts:
    """The values `missing_for_confirmation` needs for this draft (its client and type, and its
    warehouse, already loaded). Three queries: the client's debt, the production calendar's days
    ahead, the draft's line and offer counts."""
    client = order.client
    debt = debt_of(client_id=client.pk, on=on)
    # III.12: the production calendar and the order's warehouse's cut-off, in one query
    now = timezone.localtime()
    days = delivery_days(
        now=now if now.date() == on else datetime.combine(on, time.min),
        cut_off=order.warehouse.cut_off if order.warehouse is not None else None,
        agreed=order.delivery_date,
    )
    # two counted subqueries, not a join of lines with offers: the cost follows neither
    counts = (
        Order.objects.filter(pk=order.pk)
        .annotate(lines_n=_count_of(OrderLine), offers_n=_count_of(Offer))
        .values("lines_n", "offers_n")
        .get()
    )
    return DraftFacts(
        actor_is_operator=is_operator(actor_of(actor)),
        operator_may_take=client.type.operator_takes_orders and client.manager_id is not None,
        debt_blocks_order=debt.blocks_order,
        has_exception=order.exception_by_id is not None,
        line_count=counts["lines_n"],
        offers_made=counts["offers_n"],
        offers_required=offers_required(),
        delivery_date=order.delivery_date,
        earliest_delivery=days.earliest,
        delivery_day_working=days.agreed_is_working,
        receiver_name=order.receiver_name,
        receiver_phone=order.receiver_phone,
        today=on,
        regional_terms=client.type.regional_terms,
        payment_form=order.payment_form,
        fulfilment=order.fulfilment,
        pickup_at_set=order.pickup_at is not None,
        shipping_address=order.shipping_address,
        credit_limit=debt.credit_limit,
        outstanding=debt.outstanding,
        open_orders=debt.open_orders,
        total=order.total,
    )


@dataclass(frozen=True)
class DraftState:
    facts: DraftFacts
    missing: list[str]
    headroom: Decimal | None  # what the client may still order on credit after this order (III.9)

    @property
    def missing_words(self) -> list[str]:
        return [
            missing_in_words(
                code, offers_made=self.facts.offers_made, offers_required=self.facts.offers_required
            )
            for code in self.missing
        ]


def draft_state(*, order: Order, actor, on: date) -> DraftState:
    facts = draft_facts(order=order, actor=actor, on=on)
    headroom = None
    if facts.credit_limit is not None:
        headroom = facts.credit_limit - facts.outstanding - facts.open_orders - facts.total
    return DraftState(facts=facts, missing=missing_for_confirmation(facts), headroom=headroom)


def order_with_lines(*, order_id: int, actor) -> Order:
    """An order the actor may see, with client, column, lines (and their products) and offers.
    Three queries. Raises OrderNotFound, also for an order the actor may not see (III.26)."""
    order = (
        Order.objects.select_related(
            "client__type",
            "client__manager",
            "column",
            "taken_by",
            "exception_by",
            "form_mail",
            "warehouse",
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("product", "special")
                # what the order's warehouse has available of each line's product (III.12)
                .annotate(**stock_annotations(OuterRef("order__warehouse_id"), OuterRef("product_id")))
                .order_by("id"),
            ),
            Prefetch(
                "offers",
                queryset=Offer.objects.select_related("product", "decline_reason").order_by(
                    "offered_at", "id"
                ),
            ),
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None or not may_see_order(actor_of(actor), order_facts(order)):
        raise OrderNotFound()
    return order


# --- Suggestions (III.7, III.8, III.23) -------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    sku: str
    name: str
    reason: str  # new | special | traditional | assortment
    note: str
    usual_quantity: Decimal | None
    special_id: int | None = None


def suggestions_for(*, order: Order, on: date, limit_each: int = 3) -> list[Suggestion]:
    """What to offer on this order: new products, the specials for the client's type, the
    client's traditional products with their usual quantity (its type's when it has no history),
    and assortment advice (what clients of its type buy that it does not). Never a product already
    in the order or already offered on it, nor one its warehouse has none of (III.12). A fixed
    number of queries (six; seven when the order has a warehouse: what it has available of them)."""
    client = order.client
    taken = set(OrderLine.objects.filter(order=order).values_list("product_id", flat=True))
    taken |= set(Offer.objects.filter(order=order).values_list("product_id", flat=True))
    year_ago = on - timedelta(days=365)
    result: list[Suggestion] = []
    seen: set[int] = set(taken)

    def keep(product_id: int) -> bool:
        if product_id in seen or product_id in sold_out:
            return False
        seen.add(product_id)
        return True

    specials = list(
        Special.objects.filter(valid_from__lte=on, valid_to__gte=on, product__active=True)
        .filter(Q(client_types__isnull=True) | Q(client_types=client.type_id))
        .exclude(product_id__in=taken)
        .select_related("product")
        .distinct()
        .order_by("valid_to", "id")[: limit_each * 2]
    )
    new_products = list(
        Product.objects.filter(active=True, new_until__gte=on)
        .exclude(pk__in=taken)
        .order_by("-new_until", "name")[: limit_each * 2]
    )
    own = _top_products(
        OrderLine.objects.filter(order__client=client), year_ago, exclude=taken, limit=limit_each * 3
    )
    # What clients of its type buy, as last night's favourites (orders/favourites.py): a few
    # rows, not a year of every such client's lines.
    by_type: list[dict[str, Any]] = [
        {
            "product_id": favourite.product_id,
            "product__sku": favourite.product.sku,
            "product__name": favourite.product.name,
            "orders": favourite.orders,
            "usual": favourite.usual_quantity,
        }
        for favourite in TypeFavourite.objects.filter(client_type_id=client.type_id, product__active=True)
        .exclude(product_id__in=taken)
        .select_related("product")
        .order_by("rank")[: limit_each * 4]
    ]
    # III.12: nothing the order's warehouse has none of (a product it never reported is offered).
    candidates = {special.product_id for special in specials} | {product.pk for product in new_products}
    candidates |= {row["product_id"] for row in own} | {row["product_id"] for row in by_type}
    available = available_of(warehouse_id=order.warehouse_id, product_ids=candidates)
    sold_out = {product_id for product_id, quantity in available.items() if quantity <= 0}

    for special in specials:
        if keep(special.product_id) and sum(s.reason == "special" for s in result) < limit_each:
            note = special.note
            if special.special_price is not None:
                note += " " + _("Special price %(price)s.") % {"price": format_money(special.special_price)}
            result.append(
                Suggestion(special.product.sku, special.product.name, "special", note, None, special.pk)
            )

    for product in new_products:
        new_until = product.new_until  # always set here (the filter above); None only to the type
        if new_until is not None and keep(product.pk) and sum(s.reason == "new" for s in result) < limit_each:
            note = _("New until %(date)s.") % {"date": date_format(new_until, "SHORT_DATE_FORMAT")}
            result.append(Suggestion(product.sku, product.name, "new", note, None))

    traditional = own or by_type
    for row in traditional:
        if keep(row["product_id"]) and sum(s.reason == "traditional" for s in result) < limit_each:
            source = _("usually orders") if own else _("clients of this type usually order")
            usual = row["usual"].quantize(QUANTITY_STEP) if row["usual"] is not None else None
            note = _("%(source)s %(quantity)s") % {"source": source, "quantity": _plain(usual)}
            result.append(Suggestion(row["product__sku"], row["product__name"], "traditional", note, usual))
    own_ids = {row["product_id"] for row in own}
    for row in by_type:
        if row["product_id"] in own_ids or not keep(row["product_id"]):
            continue
        if sum(s.reason == "assortment" for s in result) < limit_each:
            usual = row["usual"].quantize(QUANTITY_STEP) if row["usual"] is not None else None
            note = _("Clients of this type buy it: %(n)s orders in a year.") % {"n": row["orders"]}
            result.append(Suggestion(row["product__sku"], row["product__name"], "assortment", note, usual))
    return result


QUANTITY_STEP = Decimal("1")


def _plain(quantity: Decimal | None) -> str:
    return "—" if quantity is None else plain_quantity(quantity)


def _top_products(lines, since: date, *, exclude: set[int], limit: int) -> list[dict]:
    """The products bought in most orders since `since`, with the average quantity. One query."""
    return list(
        lines.filter(
            order__status__in=Order.Status.SOLD,
            order__confirmed_at__gte=timezone.make_aware(datetime.combine(since, time.min)),
            product__active=True,
        )
        .exclude(product_id__in=exclude)
        .values("product_id", "product__sku", "product__name")
        .annotate(orders=Count("order_id", distinct=True), usual=Avg("quantity"))
        .order_by("-orders", "product__name")[:limit]
    )


def orders_for_export(*, actor, status: str = "", since=None, client_id: int | None = None):
    """Orders for the warehouse/ERP (all) or a head (their department's), newest first, with
    client and lines (two queries a page)."""
    orders = (
        visible_orders(actor, systems=True).select_related("client", "column").order_by("-created_at", "-id")
    )
    if status:
        orders = orders.filter(status=status)
    if since is not None:
        from django.utils import timezone

        orders = orders.filter(
            confirmed_at__gte=since if timezone.is_aware(since) else timezone.make_aware(since)
        )
    if client_id:
        orders = orders.filter(client_id=client_id)
    return orders.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("id"))
    )


# --- The catalog at a client's column (GET /products) ---------------------------------------------


@dataclass(frozen=True)
class CatalogItem:
    sku: str
    name: str
    unit: str
    pack: int
    category: str
    active: bool
    new_until: date | None
    vat_rate: int
    min_quantity: Decimal
    whole_packs: bool
    price: Decimal | None
    column: str | None  # the column the price is from: the client's, or base when it has none there
    available: Decimal | None = None  # in the page's warehouse (III.12); None: not limited


@dataclass(frozen=True)
class CatalogPage:
    count: int
    column: str  # the column that applies to the client now (base without a client)
    items: list[CatalogItem]
    warehouse: str | None = None  # the code of the warehouse `available` is of


def catalog_page(
    *,
    on: date,
    search: str = "",
    client_id: int | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
    warehouse: str | None = None,
) -> CatalogPage:
    """Products with the price of the column that applies to the client on `on` (III.10; base
    without a client), by name. A product with no price in that column shows its base price.
    Each with what is available in `warehouse` (a code), else in the client's warehouse, else in
    the default one (III.12). Raises ClientNotFound, NotFound (no such warehouse). Queries: the
    client and its rules (3), the warehouse, the count, the page, its prices."""
    from calldesk.errors import NotFound
    from warehouse.stock import warehouse_by_code, warehouse_for_region

    column_code = BASE
    client = None
    if client_id is not None:
        client = Client.objects.select_related("type").filter(pk=client_id).first()
        if client is None:
            raise ClientNotFound()
        column_code = column_for_client(client=client, on=on).code
    if warehouse:
        place = warehouse_by_code(warehouse)
        if place is None:
            raise NotFound(_("No warehouse %(code)s.") % {"code": warehouse})
    else:
        place = warehouse_for_region(client.region if client is not None else "")
    products = products_matching(search)
    if active is not None:
        products = products.filter(active=active)
    count = products.count()
    page = products.order_by("name", "id").annotate(**stock_annotations(place.pk if place else 0))
    page = page.prefetch_related(
        Prefetch(
            "prices",
            queryset=Price.objects.filter(column__code__in={BASE, column_code}).select_related("column"),
            to_attr="catalog_prices",
        )
    )[offset : offset + limit]
    items = []
    for product in page:
        code, amount = price_in_column(
            {price.column.code: price.amount for price in product.catalog_prices}, column_code
        )
        items.append(
            CatalogItem(
                sku=product.sku,
                name=product.name,
                unit=product.unit,
                pack=product.pack,
                category=product.category,
                active=product.active,
                new_until=product.new_until,
                vat_rate=product.vat_rate,
                min_quantity=product.min_quantity,
                whole_packs=product.whole_packs,
                price=amount,
                column=code,
                available=shown_available(product.stock, product.reserved),  # type: ignore[attr-defined]
            )
        )
    return CatalogPage(count=count, column=column_code, items=items, warehouse=place.code if place else None)


# --- The order-taking screen (III.7, III.12): fixed query counts, whatever the size of the order ---------
#
# The screen is redrawn after every line, offer and term the operator enters.

SEARCH_LIMIT = 8


def plain_quantity(quantity: Decimal | None) -> str:
    """12.000 → "12", 2.500 → "2.5" ("2,5" in Russian): how an operator reads and types a
    quantity, in their language's decimal mark (calldesk.screen_input reads it back)."""
    if quantity is None:
        return ""
    text = f"{quantity:f}"
    return local_number(text.rstrip("0").rstrip(".") if "." in text else text)


def _matching(term: str) -> QuerySet[Product]:
    """Products matching `term` (products_matching), the exact SKU first, then SKUs that start
    with it, then the others, by SKU."""
    return (
        products_matching(term)
        .annotate(
            rank=Case(
                When(sku__iexact=term, then=Value(0)),
                When(sku__istartswith=term, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "sku")
    )


@dataclass(frozen=True)
class ProductMatch:
    sku: str
    name: str
    unit: str
    pack: int
    price: Decimal | None  # at the order's column (its base price when the column has none)
    available: Decimal | None = None  # in the order's warehouse (III.12); None: not limited


def product_matches(*, order_id: int, actor, term: str, limit: int = SEARCH_LIMIT) -> list[ProductMatch]:
    """Up to `limit` active products matching `term` by SKU or name, each with its price at the
    order's current column. Two queries: the order's column (OrderNotFound for an order the
    actor may not see: its column is the client's discount, III.26), the products."""
    order = visible_orders(actor).filter(pk=order_id).values("column_id", "warehouse_id").first()
    if order is None:
        raise OrderNotFound()
    term = term.strip()
    if not term:
        return []
    products = (
        _matching(term)
        .filter(active=True)
        .annotate(price=price_at(order["column_id"]), **stock_annotations(order["warehouse_id"] or 0))[:limit]
    )
    return [
        ProductMatch(p.sku, p.name, p.unit, p.pack, p.price, shown_available(p.stock, p.reserved))  # type: ignore[attr-defined]
        for p in products
    ]


def sku_for_entry(text: str) -> str:
    """What the operator typed in the product box, as a SKU: the exact SKU (even of a product no
    longer sold, so that the line is refused with its reason), else the first active match;
    `text` itself when nothing matches (the service then says there is no such SKU). One query."""
    text = text.strip()
    first = _matching(text).filter(Q(active=True) | Q(sku__iexact=text)).values_list("sku", flat=True).first()
    return first or text


@dataclass(frozen=True)
class OfferRow:
    """A suggestion as the screen offers it: with the quantity an Accept adds and the price."""

    suggestion: Suggestion
    quantity: str  # usual quantity, or the pack
    price: Decimal | None

    @property
    def reason_label(self) -> str:
        return str(Offer.Reason(self.suggestion.reason).label)


@dataclass(frozen=True)
class OrderScreen:
    order: Order
    state: DraftState | None  # None once the order is no longer a draft
    offers: list[OfferRow]
    # A draft's pick-list of why a client declines (III.7, kept in admin)
    decline_reasons: list[DeclineReason] = field(default_factory=list)
    # A confirmed order's call, still open, that the reader took it in: back to its wrap-up
    wrap_up_call_id: int | None = None

    @cached_property
    def delivery_choices(self) -> list[DeliveryChoice]:
        """The client's addresses with their authorised receivers, for a draft's delivery step
        to pick from (III.12). One query, read only where the delivery step is drawn (not by
        the panel a new line redraws)."""
        if self.state is None:
            return []
        return delivery_choices(client_id=self.order.client_id)

    @property
    def room(self) -> Decimal | None:
        """What the client may still order on credit after this order (III.9), if anything."""
        headroom = self.state.headroom if self.state else None
        return headroom if headroom is not None and headroom >= 0 else None

    @property
    def over_limit_by(self) -> Decimal | None:
        headroom = self.state.headroom if self.state else None
        return -headroom if headroom is not None and headroom < 0 else None

    @property
    def saving(self) -> Decimal:
        """What the lines' promotions saved in all (III.23)."""
        return sum((line.saving for line in self.order.lines.all()), Decimal("0.00"))

    @property
    def vat_rows(self) -> list[VatRow]:
        """The order's VAT per rate, from its lines (already read): an invoice's rows."""
        return vat_by_rate([(line.vat_rate, line.vat, line.total) for line in self.order.lines.all()])


def open_call_of(order: Order, actor) -> int | None:
    """The reader's open call with the order's client in which the order was taken (started
    before it), if any: after confirming, one key leads back to its wrap-up (III.14). One query."""
    from calls.models import Call

    return (
        Call.objects.filter(
            operator_id=actor.pk,
            client_id=order.client_id,
            ended_at__isnull=True,
            started_at__lte=order.created_at,
        )
        .order_by("-started_at")
        .values_list("pk", flat=True)
        .first()
    )


def promotion_terms(line: OrderLine) -> str:
    """The promotion applied to a line in words (III.23): its special's terms, or the kind's
    name once the special is gone; "" when none applied."""
    if not line.promotion:
        return ""
    special = line.special
    if special is not None and special.kind == line.promotion:
        return special.terms()
    return str(Special.Kind(line.promotion).label) if line.promotion in Special.Kind.values else ""


def offered_quantity(product: Product) -> Decimal:
    """What an accepted offer adds when no quantity is given: the pack, or the least quantity
    the product is sold in when that is more (orders.rules.smallest_quantity)."""
    least = smallest_quantity(
        unit=product.unit,
        pack=product.pack,
        min_quantity=product.min_quantity,
        whole_packs=product.whole_packs,
    )
    return max(Decimal(product.pack or 1), least)


def product_refuses(product: Product, quantity: Decimal) -> bool:
    """True when a line of `quantity` would break the product's minimum, pack or unit."""
    return (
        quantity_refusal(
            quantity,
            name=product.name,
            unit=product.unit,
            pack=product.pack,
            min_quantity=product.min_quantity,
            whole_packs=product.whole_packs,
        )
        is not None
    )


def order_screen(*, order_id: int, actor, on: date | None = None) -> OrderScreen:
    """Everything the order screen shows: the order with its lines and offers, and for a draft
    what still stands before confirmation and what to offer. Raises OrderNotFound. Four queries
    for a confirmed order (with the call to go back to); twelve for a draft, however many lines
    it has, one more where the delivery step is drawn (`OrderScreen.delivery_choices`), and one
    more when there is something to offer (the reasons a client may decline it)."""
    on = on or timezone.localdate()
    order = order_with_lines(order_id=order_id, actor=actor)
    for line in order.lines.all():
        line.quantity_text = plain_quantity(line.quantity)  # type: ignore[attr-defined]  # for the template
        line.available = shown_available(line.stock, line.reserved)  # type: ignore[attr-defined]
        line.promotion_terms = promotion_terms(line)  # type: ignore[attr-defined]
    if not order.is_editable():
        return OrderScreen(order=order, state=None, offers=[], wrap_up_call_id=open_call_of(order, actor))
    state = draft_state(order=order, actor=actor, on=on)
    suggestions = suggestions_for(order=order, on=on)
    rows = []
    if suggestions:
        products = {
            product.sku: product
            for product in Product.objects.filter(sku__in=[s.sku for s in suggestions])
            .annotate(price=price_at(order.column_id))
            .only("sku", "name", "unit", "pack", "min_quantity", "whole_packs")
        }
        for suggestion in suggestions:
            product = products.get(suggestion.sku)
            usual = suggestion.usual_quantity
            if product is not None and (usual is None or product_refuses(product, usual)):
                usual = offered_quantity(product)  # the pack, or the least it is sold in (III.12)
            quantity = plain_quantity(usual) if usual else "1"
            rows.append(OfferRow(suggestion, quantity, product.price if product else None))
    reasons = list(DeclineReason.objects.filter(active=True)) if rows else []
    return OrderScreen(order=order, state=state, offers=rows, decline_reasons=reasons)
