"""Reads for the order-taking screen (issue 4, item 8). Fixed query counts, whatever the size of
the order: the screen is redrawn after every line, offer and term the operator enters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.models import Offer, Order, Price, Product
from orders.selectors import DraftState, Suggestion, draft_state, order_with_lines, suggestions_for

SEARCH_LIMIT = 8


def plain_quantity(quantity: Decimal | None) -> str:
    """12.000 → "12", 2.500 → "2.5": how an operator reads and types a quantity."""
    if quantity is None:
        return ""
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _price_at(column_id) -> Coalesce:
    """A product's price at `column_id` (a value or an expression), or its base price."""
    at_column = Price.objects.filter(product=OuterRef("pk"), column_id=column_id).values("amount")[:1]
    base = Price.objects.filter(product=OuterRef("pk"), column__code="base").values("amount")[:1]
    return Coalesce(Subquery(at_column), Subquery(base))


def _matching(term: str):
    """Products whose SKU or name matches `term`, the exact SKU first, then SKUs that start with
    it, then names that contain it."""
    return (
        Product.objects.filter(Q(sku__istartswith=term) | Q(name__icontains=term))
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


def product_matches(*, order_id: int, term: str, limit: int = SEARCH_LIMIT) -> list[ProductMatch]:
    """Up to `limit` active products matching `term` by SKU or name, each with its price at the
    order's current column. One query."""
    term = term.strip()
    if not term:
        return []
    column_id = Subquery(Order.objects.filter(pk=order_id).values("column_id")[:1])
    products = _matching(term).filter(active=True).annotate(price=_price_at(column_id))[:limit]
    return [ProductMatch(p.sku, p.name, p.unit, p.pack, p.price) for p in products]


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

    @property
    def room(self) -> Decimal | None:
        """What the client may still order on credit after this order (III.9), if anything."""
        headroom = self.state.headroom if self.state else None
        return headroom if headroom is not None and headroom >= 0 else None

    @property
    def over_limit_by(self) -> Decimal | None:
        headroom = self.state.headroom if self.state else None
        return -headroom if headroom is not None and headroom < 0 else None


def order_screen(*, order_id: int, actor, on: date | None = None) -> OrderScreen:
    """Everything the order screen shows: the order with its lines and offers, and for a draft
    what still stands before confirmation and what to offer. Raises OrderNotFound.
    Three queries for a confirmed order; twelve for a draft, however many lines it has."""
    on = on or timezone.localdate()
    order = order_with_lines(order_id=order_id)
    for line in order.lines.all():
        line.quantity_text = plain_quantity(line.quantity)
    if not order.is_editable():
        return OrderScreen(order=order, state=None, offers=[])
    state = draft_state(order=order, actor=actor, on=on)
    suggestions = suggestions_for(order=order, on=on)
    rows = []
    if suggestions:
        products = {
            product.sku: product
            for product in Product.objects.filter(sku__in=[s.sku for s in suggestions])
            .annotate(price=_price_at(order.column_id))
            .only("sku", "pack")
        }
        for suggestion in suggestions:
            product = products.get(suggestion.sku)
            usual = suggestion.usual_quantity
            quantity = plain_quantity(usual) if usual else str(product.pack if product else 1)
            rows.append(OfferRow(suggestion, quantity, product.price if product else None))
    return OrderScreen(order=order, state=state, offers=rows)
