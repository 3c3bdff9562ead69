"""Errors of the orders area. Each carries its API code (API.md, "Orders"); the API turns any of
them into a 409 (or 400/404) body, and a screen shows `str(error)`. Confirm's refusals take
their code and words from `orders.rules` (`Missing`, `MISSING_WORDS`), as the order screen does."""

from django.utils.translation import gettext_lazy as _

from calldesk.errors import DeskError, InvalidInput, NotFound
from orders.rules import ALREADY_IN_ORDER, MISSING_WORDS, Missing


class InvalidPriceList(InvalidInput):
    """A price-list upsert with bad rows: nothing was written; `errors` lists every bad row."""

    default_detail = _("Nothing was imported: some rows are not valid.")


class OrderNotFound(NotFound):
    default_detail = _("No such order.")


class ProductNotFound(InvalidInput):
    default_detail = _("No such product.")


class InvalidQuantity(InvalidInput):
    """A line's quantity breaks the product's minimum, pack or unit (orders.rules.quantity_refusal):
    400, naming the nearest quantities that keep them."""

    code = "invalid_quantity"
    default_detail = _("The quantity breaks the product's minimum, pack or unit.")


class OrderRuleError(DeskError):
    """A rule of order taking refuses the request (409)."""

    status = 409


class OperatorMayNotTake(OrderRuleError):
    code = Missing.OPERATOR_MAY_NOT_TAKE
    default_detail = MISSING_WORDS[code]


class ClientHasDebt(OrderRuleError):
    code = Missing.CLIENT_HAS_DEBT
    default_detail = MISSING_WORDS[code]


class NoLines(OrderRuleError):
    code = Missing.NO_LINES
    default_detail = MISSING_WORDS[code]


class TooFewOffers(OrderRuleError):
    code = Missing.TOO_FEW_OFFERS
    default_detail = MISSING_WORDS[code]


class DeliveryIncomplete(OrderRuleError):
    code = Missing.DELIVERY_INCOMPLETE
    default_detail = MISSING_WORDS[code]


class RegionalTermsIncomplete(OrderRuleError):
    code = Missing.REGIONAL_TERMS_INCOMPLETE
    default_detail = MISSING_WORDS[code]


class OverCreditLimit(OrderRuleError):
    code = Missing.OVER_CREDIT_LIMIT
    default_detail = MISSING_WORDS[code]


class OrderNotEditable(OrderRuleError):
    code = "order_not_editable"
    default_detail = _("The order is no longer a draft: it cannot be changed.")


class ProductUnavailable(OrderRuleError):
    code = "product_unavailable"
    default_detail = _("The product is not available.")


class InsufficientStock(OrderRuleError):
    """A line beyond what the order's warehouse has available (III.12); `detail` says how much is."""

    code = "insufficient_stock"
    default_detail = _("Not enough in stock.")


class AlreadyInOrder(OrderRuleError):
    """III.7: an offer of a product the order already has does not count (`rules.offer_refusal`)."""

    code = ALREADY_IN_ORDER
    default_detail = _(
        "This product is already on the order: an offer is of something beyond what the client has "
        "ordered (III.7)."
    )


class CallHasOrder(OrderRuleError):
    """A call that has a confirmed order takes no second one: it is wrapped up (III.14)."""

    code = "call_has_order"
    default_detail = _("This call already has a confirmed order: wrap the call up.")


class InvalidStatusChange(OrderRuleError):
    code = "invalid_status_change"
    default_detail = _("The order cannot move to that status.")


RULE_ERRORS = {
    error.code: error
    for error in (
        OperatorMayNotTake,
        ClientHasDebt,
        NoLines,
        TooFewOffers,
        DeliveryIncomplete,
        RegionalTermsIncomplete,
        OverCreditLimit,
    )
}
