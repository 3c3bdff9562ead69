"""Errors of the orders area. Each carries its API code (API.md, "Orders"); the API turns any of
them into a 409 (or 400/404) body, and a screen shows `str(error)`."""

from django.utils.translation import gettext_lazy as _

from calldesk.errors import DeskError, InvalidInput, NotFound


class InvalidPriceList(InvalidInput):
    """A price-list upsert with bad rows: nothing was written; `errors` lists every bad row."""

    default_detail = _("Nothing was imported: some rows are not valid.")


class OrderNotFound(NotFound):
    default_detail = _("No such order.")


class ProductNotFound(InvalidInput):
    default_detail = _("No such product.")


class OrderRuleError(DeskError):
    """A rule of order taking refuses the request (409)."""

    status = 409


class OperatorMayNotTake(OrderRuleError):
    code = "operator_may_not_take"
    default_detail = _("Operators do not take this client's orders: transfer the call (III.3).")


class ClientHasDebt(OrderRuleError):
    code = "client_has_debt"
    default_detail = _("The client has overdue or over-limit debt (III.5).")


class NoLines(OrderRuleError):
    code = "no_lines"
    default_detail = _("The order has no lines.")


class TooFewOffers(OrderRuleError):
    code = "too_few_offers"
    default_detail = _("Offer more extra items before confirming (III.7).")


class DeliveryIncomplete(OrderRuleError):
    code = "delivery_incomplete"
    default_detail = _("Agree a delivery date on a working day after today, and the receiver (III.12).")


class RegionalTermsIncomplete(OrderRuleError):
    code = "regional_terms_incomplete"
    default_detail = _("Agree the payment form and the pick-up time or shipping details (III.13).")


class OverCreditLimit(OrderRuleError):
    code = "over_credit_limit"
    default_detail = _("The order would take the client past its credit limit (III.9).")


class OrderNotEditable(OrderRuleError):
    code = "order_not_editable"
    default_detail = _("The order is no longer a draft: it cannot be changed.")


class ProductUnavailable(OrderRuleError):
    code = "product_unavailable"
    default_detail = _("The product is not available.")


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
