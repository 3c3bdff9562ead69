"""Parse what the operator types on the order screen. The rules stay in orders/services.py: a
form only checks the shape of a field, and a service's refusal is shown as it words it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from calldesk.forms import desk_renderer
from calldesk.screen_input import (
    LocalDateField,
    LocalDateInput,
    LocalDateTimeField,
    LocalDateTimeInput,
    LocalDecimalField,
    pattern_hint,
    typed_as,
)
from calldesk.validation import MAX_ID
from orders.models import Fulfilment, Offer, Order, PaymentForm
from warehouse.calendar import next_working_day

QUANTITY_ERRORS = {
    "required": _("Enter a quantity."),
    "invalid": _("The quantity must be a positive number with at most three decimals."),
    "min_value": _("The quantity must be a positive number with at most three decimals."),
    "max_digits": _("The quantity must be a positive number with at most three decimals."),
    "max_decimal_places": _("The quantity must be a positive number with at most three decimals."),
    "max_whole_digits": _("The quantity must be a positive number with at most three decimals."),
}


def quantity_field(*, required: bool = True) -> forms.DecimalField:
    """A quantity as the operator's language writes it: "2,5" or "2.5", "1 200" (calldesk.screen_input)."""
    return LocalDecimalField(
        required=required,
        min_value=Decimal("0.001"),
        max_digits=12,
        decimal_places=3,
        error_messages=QUANTITY_ERRORS,
    )


class DeskForm(forms.Form):
    default_renderer = desk_renderer()  # calldesk.forms: the same HTML, drawn faster

    def first_error(self) -> str:
        """The one sentence the screen shows for a bad input."""
        for errors in self.errors.values():
            return str(errors[0])
        return ""


class StartOrderForm(DeskForm):
    client = forms.IntegerField(min_value=1, max_value=MAX_ID)
    call = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    q = forms.CharField(required=False, max_length=200)


class LineForm(DeskForm):
    """The add-line row: a SKU (or the start of a name: the first match is taken) and a quantity."""

    product = forms.CharField(max_length=200, error_messages={"required": _("Type a SKU or a product name.")})
    quantity = quantity_field()


class LineQuantityForm(DeskForm):
    quantity = quantity_field()


class OfferForm(DeskForm):
    """An Accept or a Decline of a suggestion (III.7). The reason a decline needs is the
    service's to require, so that the API and the screen refuse it with the same words."""

    sku = forms.CharField(max_length=40)
    outcome = forms.ChoiceField(choices=Offer.Outcome.choices)
    kind = forms.ChoiceField(choices=Offer.Reason.choices, required=False)
    quantity = quantity_field(required=False)
    reason = forms.CharField(max_length=300, required=False)
    decline_reason = forms.CharField(max_length=32, required=False)


def _text(label, max_length: int, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.TextInput(attrs=attrs)
    )


class TermsForm(DeskForm):
    """Delivery (III.12) and, for a client with regional terms, payment and pick-up or shipping
    (III.13). Every field is optional here: confirmation says what is still missing."""

    # Dates and times as the operator's language writes them (01.11.2026 in Russian), ISO too.
    delivery_date = LocalDateField(
        label=_("Delivery date"),
        required=False,
        widget=LocalDateInput(attrs={"placeholder": pattern_hint(), "size": 11, "data-shortcut": "Alt+t"}),
        error_messages={"invalid": typed_as(_("Type the delivery date as %(pattern)s."))},
    )
    delivery_window = _text(_("Time window"), 40, placeholder=_("e.g. 10:00-14:00"), size=12)
    receiver_name = _text(_("Receiver"), 150)
    receiver_phone = _text(_("Receiver's phone"), 40, inputmode="tel")
    delivery_address = _text(_("Delivery address"), 300, placeholder=_("if not the client's address"))
    payment_form = forms.ChoiceField(
        label=_("Payment form"), choices=[("", "—"), *PaymentForm.choices], required=False
    )
    fulfilment = forms.ChoiceField(
        label=_("Fulfilment"), choices=[("", "—"), *Fulfilment.choices], required=False
    )
    pickup_at = LocalDateTimeField(
        label=_("Pick-up at"),
        required=False,
        widget=LocalDateTimeInput(attrs={"placeholder": pattern_hint(True)}),
        error_messages={"invalid": typed_as(_("Type the pick-up time as %(pattern)s."), with_time=True)},
    )
    shipping_address = _text(_("Shipping address"), 300)
    carrier = _text(_("Carrier"), 150)

    REGIONAL = ("payment_form", "fulfilment", "pickup_at", "shipping_address", "carrier")

    @classmethod
    def for_order(cls, order: Order) -> TermsForm:
        """The form showing the order's current terms."""
        return cls(
            initial={
                "delivery_date": order.delivery_date,
                "delivery_window": order.delivery_window,
                "receiver_name": order.receiver_name,
                "receiver_phone": order.receiver_phone,
                "delivery_address": order.delivery_address,
                "payment_form": order.payment_form,
                "fulfilment": order.fulfilment,
                "pickup_at": order.pickup_at,
                "shipping_address": order.shipping_address,
                "carrier": order.carrier,
            }
        )

    def wants_next_working_day(self) -> bool:
        return bool(self.data.get("next_working_day"))

    def delivery(self, *, today: date, earliest: date | None = None) -> dict:
        """The delivery terms sent; the Next working day button (Alt+N) sends the earliest
        delivery date (`earliest`: by the production calendar and the warehouse's cut-off), else
        the working day after `today`, whatever the date box holds (III.12)."""
        data = self.cleaned_data
        day = (
            (earliest or next_working_day(today)) if self.wants_next_working_day() else data["delivery_date"]
        )
        return {
            "date": day,
            "window": data["delivery_window"],
            "receiver_name": data["receiver_name"],
            "receiver_phone": data["receiver_phone"],
            "address": data["delivery_address"],
        }

    def regional(self) -> dict | None:
        """The regional terms that were sent (only a regional client's screen has them)."""
        sent = {name: self.cleaned_data[name] for name in self.REGIONAL if name in self.data}
        return sent or None
