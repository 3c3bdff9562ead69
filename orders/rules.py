"""Pure rules of order taking: the price column (III.10), what stands between a draft and its
confirmation (III.3, III.5, III.7, III.9, III.12, III.13). No ORM, no request. Working days are
the production calendar's (warehouse.calendar, warehouse.rules)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calldesk.money import format_money
from calldesk.screen_input import local_number

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def line_total(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Money of one line, rounded half-up to the cent."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


# --- VAT (НДС) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineMoney:
    """A line's money as a Russian invoice (счёт-фактура) shows it: without VAT, the VAT at the
    line's rate, and with VAT (what the client pays)."""

    net: Decimal
    vat: Decimal
    total: Decimal


def line_money(amount: Decimal, vat_rate: int, *, prices_include_vat: bool) -> LineMoney:
    """Split a line's `amount` at list prices (already rounded to the kopeck) into net, VAT and
    total, rounding the VAT of each line half-up to the kopeck as Russian invoices do. When the
    price list quotes prices with VAT, the amount is the total and holds the VAT:
    VAT = amount × rate / (100 + rate). When it quotes them without, the amount is the net and
    the VAT is added: VAT = amount × rate / 100."""
    rate = Decimal(vat_rate)
    if prices_include_vat:
        vat = (amount * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        return LineMoney(net=amount - vat, vat=vat, total=amount)
    vat = (amount * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return LineMoney(net=amount, vat=vat, total=amount + vat)


@dataclass(frozen=True)
class VatRow:
    """The order's lines at one VAT rate, summed line by line (never re-rounded)."""

    rate: int
    net: Decimal
    vat: Decimal
    total: Decimal


def vat_by_rate(lines: list[tuple[int, Decimal, Decimal]]) -> list[VatRow]:
    """The sums per VAT rate of lines given as (rate, VAT, total), the highest rate first: the
    invoice's "in all, VAT 20 %: ..., VAT 10 %: ..." rows. The sums of stored, already rounded
    line figures, so the rows add up to the order's own figures to the kopeck."""
    sums: dict[int, tuple[Decimal, Decimal]] = {}
    for rate, vat, total in lines:
        old_vat, old_total = sums.get(rate, (ZERO, ZERO))
        sums[rate] = (old_vat + vat, old_total + total)
    return [
        VatRow(rate=rate, net=total - vat, vat=vat, total=total)
        for rate, (vat, total) in sorted(sums.items(), reverse=True)
    ]


def vat_rate_problem(value, *, allowed: tuple[int, ...] | list[int]) -> str | None:
    """Why `value` is not a VAT rate of this desk (`settings.CALLDESK_VAT_RATES`, in per cent),
    or None when it is one. The same words for the price list, the API and the admin."""
    if isinstance(value, int) and not isinstance(value, bool) and value in allowed:
        return None
    return _("The VAT rate must be one of %(rates)s (per cent).") % {
        "rates": ", ".join(str(rate) for rate in sorted(allowed))
    }


# --- Promotions that change the price (III.23) ----------------------------------------------------

SPECIAL_PRICE, PERCENT_OFF, N_FOR_M, FREE_PER_N = "special_price", "percent_off", "n_for_m", "free_per_n"


@dataclass(frozen=True)
class Promotion:
    """A special's terms as they price a line (orders.models.Special)."""

    kind: str  # one of the four above; "" is a note, which changes nothing
    special_price: Decimal | None = None
    percent: Decimal | None = None
    buy: int | None = None  # N
    pay: int | None = None  # M


@dataclass(frozen=True)
class PricedLine:
    """A line priced with its promotion: the unit price it shows, the amount at list prices
    (before the VAT is split out or added, orders.rules.line_money), what the promotion saved
    against the line at `list_price`, and the promotion applied ("" when none did)."""

    unit_price: Decimal
    amount: Decimal
    saving: Decimal
    promotion: str


def price_line(quantity: Decimal, list_price: Decimal, promotion: Promotion | None) -> PricedLine:
    """The line of `quantity` at `list_price` (the order's column) with a special's promotion:

    - special price: every unit at the special price (never more than the list price saves);
    - percentage off: the unit price less p %, rounded half-up to the kopeck, times the quantity;
    - N for the price of M: in every full group of N units, N - M are free (3 for 2 on 7 units:
      two groups, 2 free, 5 paid);
    - one free per N bought: of every N + 1 units, one is free (one per 10 on 22 units: 2 free,
      20 paid).

    The amount is rounded half-up to the kopeck once, on the line (Russian invoices); the saving
    is the line at the list price less the amount. A note (no kind) changes nothing."""
    full = line_total(quantity, list_price)
    promotion = promotion or Promotion("")
    kind = promotion.kind
    unit_price, amount = list_price, full
    if kind == SPECIAL_PRICE and promotion.special_price is not None:
        unit_price = promotion.special_price
        amount = line_total(quantity, unit_price)
    elif kind == PERCENT_OFF and promotion.percent is not None:
        unit_price = (list_price * (100 - promotion.percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        amount = line_total(quantity, unit_price)
    elif kind == N_FOR_M and promotion.buy and promotion.pay:
        groups = (quantity / promotion.buy).to_integral_value(rounding=ROUND_FLOOR)
        amount = line_total(quantity - groups * (promotion.buy - promotion.pay), list_price)
    elif kind == FREE_PER_N and promotion.buy:
        free = (quantity / (promotion.buy + 1)).to_integral_value(rounding=ROUND_FLOOR)
        amount = line_total(quantity - free, list_price)
    else:
        kind = ""
    saving = full - amount
    if kind and saving <= 0:  # a special price above the column's: the column's price holds
        return PricedLine(unit_price=list_price, amount=full, saving=ZERO, promotion="")
    return PricedLine(unit_price=unit_price, amount=amount, saving=saving, promotion=kind)


def promotion_words(
    kind: str,
    *,
    special_price: Decimal | None = None,
    percent: Decimal | None = None,
    buy: int | None = None,
    pay: int | None = None,
) -> str:
    """A promotion as the operator reads it out and the order screen shows it."""
    if kind == SPECIAL_PRICE and special_price is not None:
        return _("special price %(price)s") % {"price": format_money(special_price)}
    if kind == PERCENT_OFF and percent is not None:
        return _("%(percent)s %% off") % {"percent": plain_number(percent)}
    if kind == N_FOR_M and buy and pay:
        return _("%(n)s for the price of %(m)s") % {"n": buy, "m": pay}
    if kind == FREE_PER_N and buy:
        return _("one free per %(n)s bought") % {"n": buy}
    return ""


# --- Units, packs and minimums (III.12: the quantities agreed are ones the warehouse ships) -----

# Units a quantity may be a fraction of (weight, volume, length): anything else is counted in
# whole pieces (шт, pcs, бут., упак., case...). Compared lower-case, without a final dot.
MEASURE_UNITS = frozenset(
    {
        "kg",
        "g",
        "t",
        "l",
        "ml",
        "m",
        "m2",
        "m²",
        "m3",
        "m³",
        "кг",
        "г",
        "гр",
        "т",
        "л",
        "мл",
        "м",
        "м2",
        "м²",
        "м3",
        "м³",
    }
)
THOUSANDTH = Decimal("0.001")


def sold_by_measure(unit: str) -> bool:
    """True when `unit` is a measure (kg, л...) a quantity may be a fraction of."""
    return unit.strip().lower().rstrip(".") in MEASURE_UNITS


@dataclass(frozen=True)
class QuantityRefusal:
    """Why a line's quantity breaks the product's terms, in words, and the nearest quantities
    that keep them (the operator reads them out to the client)."""

    reason: str  # "below_minimum", "whole_packs" or "whole_units"
    detail: str
    nearest: tuple[Decimal, ...]


def quantity_step(*, unit: str, pack: int, whole_packs: bool) -> Decimal:
    """The step a valid quantity is a multiple of: the pack when sold by whole packs, one piece,
    or a thousandth of a measure."""
    if whole_packs and pack > 1:
        return Decimal(pack)
    return Decimal(1) if not sold_by_measure(unit) else THOUSANDTH


def smallest_quantity(*, unit: str, pack: int, min_quantity: Decimal, whole_packs: bool) -> Decimal:
    """The least quantity the product is sold in: the minimum rounded up to the step (one step
    without a minimum)."""
    step = quantity_step(unit=unit, pack=pack, whole_packs=whole_packs)
    least = max(min_quantity, step)
    return (least / step).to_integral_value(rounding=ROUND_CEILING) * step


def quantity_refusal(
    quantity: Decimal, *, name: str, unit: str, pack: int, min_quantity: Decimal, whole_packs: bool
) -> QuantityRefusal | None:
    """None when a line of `quantity` keeps the product's terms; else why not, with the two
    nearest quantities that do: below the minimum, not a whole number of packs (when the product
    is sold by whole packs), or a fraction of a piece. The one rule of every door that sets a
    line's quantity (the screen, the API, an accepted offer)."""
    step = quantity_step(unit=unit, pack=pack, whole_packs=whole_packs)
    least = smallest_quantity(unit=unit, pack=pack, min_quantity=min_quantity, whole_packs=whole_packs)
    if quantity >= least and quantity % step == 0:
        return None
    if quantity < least:
        # a measure (kg, л) is sold from its minimum in thousandths: the minimum is the nearest
        nearest = (least,) if step == THOUSANDTH else (least, least + step)
    else:
        below = (quantity / step).to_integral_value(rounding=ROUND_FLOOR) * step
        nearest = (below, below + step)
    if len(nearest) == 2:
        choices = _("%(first)s or %(second)s") % {
            "first": plain_number(nearest[0]),
            "second": plain_number(nearest[1]),
        }
    else:
        choices = _("%(first)s or more") % {"first": plain_number(nearest[0])}
    shown = {
        "product": name,
        "unit": unit,
        "pack": pack,
        "minimum": plain_number(min_quantity),
        "choices": choices,
    }
    if quantity < min_quantity:
        reason = "below_minimum"
        detail = _("%(product)s is sold from %(minimum)s %(unit)s: %(choices)s.") % shown
    elif step == Decimal(pack) and whole_packs and pack > 1:
        reason = "whole_packs"
        detail = _("%(product)s is sold by whole packs of %(pack)s: %(choices)s.") % shown
    else:
        reason = "whole_units"
        detail = _("%(product)s is sold in whole units (%(unit)s): %(choices)s.") % shown
    return QuantityRefusal(reason=reason, detail=detail, nearest=nearest)


def plain_number(value: Decimal) -> str:
    """12.000 → "12", 2.500 → "2.5" ("2,5" in Russian): a quantity as a person says it."""
    text = f"{value:f}"
    return local_number(text.rstrip("0").rstrip(".") if "." in text else text)


# --- III.10: which column of the price list applies ----------------------------------------------

BASE = "base"  # the column every product has a price in


def price_in_column(prices: Mapping[str, Decimal], column: str) -> tuple[str | None, Decimal | None]:
    """III.10: a product's price in `column`, else its base price, from its prices by column code;
    with the code of the column the price is from (None, None when it has neither). The same
    rule in SQL: `orders.selectors.price_at`."""
    if column in prices:
        return column, prices[column]
    if BASE in prices:
        return BASE, prices[BASE]
    return None, None


@dataclass(frozen=True)
class ColumnRule:
    column_code: str
    column_name: str
    column_position: int  # a higher position is a larger discount
    client_type_codes: frozenset[str]  # empty: every type
    client_type_names: tuple[str, ...]
    min_subtotal: Decimal
    priority: int
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class ColumnChoice:
    code: str
    reason: str


@dataclass(frozen=True)
class FixedColumn:
    """A column fixed for one client (a key or contract client's own), with the reason given."""

    code: str
    name: str
    reason: str


def choose_column(
    *,
    rules: list[ColumnRule],
    client_type_code: str,
    client_type_name: str,
    base_subtotal: Decimal,
    on: date,
    fixed: FixedColumn | None = None,
) -> ColumnChoice:
    """A column fixed for the client wins over every rule of its type (III.10: key and contract
    clients have their own), whatever the subtotal. Otherwise, among the rules active on `on`
    whose client types include the client's type (or are empty) and whose minimum subtotal at base
    prices is reached, the one with the highest priority; ties go to the larger discount. None
    fits: `base`."""
    if fixed is not None:
        return ColumnChoice(
            fixed.code,
            _("%(column)s: fixed for this client (%(reason)s)")
            % {"column": fixed.name, "reason": fixed.reason},
        )
    fitting = [
        rule
        for rule in rules
        if rule.valid_from <= on
        and (rule.valid_to is None or on <= rule.valid_to)
        and (not rule.client_type_codes or client_type_code in rule.client_type_codes)
        and rule.min_subtotal <= base_subtotal
    ]
    if not fitting:
        return ColumnChoice(BASE, _("base prices: no discount rule applies"))
    best = max(fitting, key=lambda rule: (rule.priority, rule.column_position, rule.min_subtotal))
    if not best.client_type_codes:
        who = _("any client")
    elif client_type_name.lower().endswith("client"):
        who = client_type_name.lower()
    else:
        who = _("%(type)s client") % {"type": client_type_name.lower()}
    if best.min_subtotal > ZERO:
        reason = _("%(column)s: %(who)s, order over %(amount)s") % {
            "column": best.column_name,
            "who": who,
            "amount": format_money(best.min_subtotal),
        }
    else:
        reason = _("%(column)s: %(who)s") % {"column": best.column_name, "who": who}
    return ColumnChoice(best.column_code, reason)


# --- III.12: where and to whom, prefilled ----------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """An address with the person to hand the goods to there (and their phone)."""

    address: str
    receiver_name: str
    receiver_phone: str


def delivery_prefill(*, last_order: Delivery | None, default: Delivery | None) -> Delivery:
    """III.12: a new order goes where the client's last confirmed order went, to the same
    receiver; a client with no such order, to its default delivery address and the contact
    authorised to receive goods there (`default`); else nowhere yet (the operator agrees it)."""
    if last_order is not None and (last_order.address or last_order.receiver_name):
        return last_order
    return default or Delivery("", "", "")


# --- III.7: what counts as an offer -----------------------------------------------------------------

ALREADY_IN_ORDER = "already_in_order"


def offer_refusal(*, on_order: bool, offered_before: bool) -> str | None:
    """III.7: an offer is of an item beyond what the client has already ordered, so it counts only
    for a product not on the order when it is offered. An offer made before (which, accepted, put
    the product on the order) may be recorded again. The code of the refusal, or None. Every door
    that records an offer (the screen, the API) asks this through `orders.services.record_offer`."""
    if on_order and not offered_before:
        return ALREADY_IN_ORDER
    return None


def hand_added_is_accepted_offer(*, suggested: bool, offer_outcome: str | None) -> bool:
    """III.7: a product the operator adds by hand (not through the offer's buttons) counts as an
    accepted offer when it was suggested for the order and not offered yet, or when the client
    had declined it and takes it after all. A product the client asked for itself never does."""
    if offer_outcome is None:
        return suggested
    return offer_outcome == "declined"


# --- What stands between a draft and its confirmation --------------------------------------------


class Missing:
    """The codes of `POST /orders/{id}/confirm` (API.md), in the order they are checked."""

    OPERATOR_MAY_NOT_TAKE = "operator_may_not_take"
    CLIENT_HAS_DEBT = "client_has_debt"
    NO_LINES = "no_lines"
    TOO_FEW_OFFERS = "too_few_offers"
    DELIVERY_INCOMPLETE = "delivery_incomplete"
    REGIONAL_TERMS_INCOMPLETE = "regional_terms_incomplete"
    OVER_CREDIT_LIMIT = "over_credit_limit"


@dataclass(frozen=True)
class DraftFacts:
    actor_is_operator: bool
    operator_may_take: bool  # the client's type lets operators take orders and it has a manager
    debt_blocks_order: bool
    has_exception: bool
    line_count: int
    offers_made: int
    offers_required: int
    delivery_date: date | None
    # III.12, from the production calendar and the warehouse's cut-off (warehouse.calendar): the
    # first day a delivery may be agreed for, and whether the agreed date is a working day
    earliest_delivery: date
    delivery_day_working: bool
    receiver_name: str
    receiver_phone: str
    today: date
    regional_terms: bool
    payment_form: str
    fulfilment: str
    pickup_at_set: bool
    shipping_address: str
    credit_limit: Decimal | None
    outstanding: Decimal
    open_orders: Decimal  # other orders confirmed or in fulfilment
    total: Decimal


def missing_for_confirmation(facts: DraftFacts) -> list[str]:
    """Every rule the draft does not meet yet, in the order confirm checks them (API.md)."""
    missing = []
    if facts.actor_is_operator and not facts.operator_may_take:
        missing.append(Missing.OPERATOR_MAY_NOT_TAKE)  # III.3
    if facts.debt_blocks_order and not facts.has_exception:
        missing.append(Missing.CLIENT_HAS_DEBT)  # III.5
    if facts.line_count == 0:
        missing.append(Missing.NO_LINES)
    if facts.offers_made < facts.offers_required:
        missing.append(Missing.TOO_FEW_OFFERS)  # III.7
    delivery_ok = (
        facts.delivery_date is not None
        and facts.delivery_date > facts.today
        and facts.delivery_date >= facts.earliest_delivery
        and facts.delivery_day_working
        and facts.receiver_name.strip()
        and facts.receiver_phone.strip()
    )
    if not delivery_ok:
        missing.append(Missing.DELIVERY_INCOMPLETE)  # III.12
    if facts.regional_terms:
        terms_ok = bool(facts.payment_form) and (
            (facts.fulfilment == "pickup" and facts.pickup_at_set)
            or (facts.fulfilment == "shipping" and bool(facts.shipping_address.strip()))
        )
        if not terms_ok:
            missing.append(Missing.REGIONAL_TERMS_INCOMPLETE)  # III.13
    if (
        facts.credit_limit is not None
        and facts.payment_form != "prepayment"
        and not facts.has_exception
        and facts.outstanding + facts.open_orders + facts.total > facts.credit_limit
    ):
        missing.append(Missing.OVER_CREDIT_LIMIT)  # III.9
    return missing


# The one wording of each refusal (screen and API alike): the order screen lists them, and
# confirm's refusal (`orders.exceptions`, its 409 body) says the first.
MISSING_WORDS = {
    Missing.OPERATOR_MAY_NOT_TAKE: gettext_lazy(
        "Operators do not take this client's orders: transfer the call (III.3)."
    ),
    Missing.CLIENT_HAS_DEBT: gettext_lazy("The client has overdue or over-limit debt (III.5)."),
    Missing.NO_LINES: gettext_lazy("The order has no lines: add at least one."),
    Missing.TOO_FEW_OFFERS: gettext_lazy("Offer more extra items (III.7)."),
    Missing.DELIVERY_INCOMPLETE: gettext_lazy(
        "Agree a delivery date on a working day after today, and the receiver's name and phone (III.12)."
    ),
    Missing.REGIONAL_TERMS_INCOMPLETE: gettext_lazy(
        "Agree the payment form and the pick-up time or shipping address (III.13)."
    ),
    Missing.OVER_CREDIT_LIMIT: gettext_lazy("The order would take the client past its credit limit (III.9)."),
}


def missing_in_words(code: str, *, offers_made: int = 0, offers_required: int = 0) -> str:
    """The refusal `code` in words; too few offers says how many more (III.7)."""
    if code == Missing.TOO_FEW_OFFERS and offers_required > offers_made:
        return _("Offer %(n)s more extra item(s) (III.7).") % {"n": offers_required - offers_made}
    return str(MISSING_WORDS[code])
