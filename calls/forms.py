"""Parse what the operator types on the desk and the call screen. The rules stay in the services:
a form checks the shape of a field, and a service's refusal is shown as the service words it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from calldesk.errors import DeskError
from calldesk.forms import desk_renderer
from calldesk.money import format_money
from calldesk.screen_input import LocalDateTimeField, LocalDateTimeInput, pattern_hint, typed_as
from calldesk.validation import MAX_ID
from calls.models import Call, FeedbackRoute, ReferenceRequest
from calls.services import EndCall
from clients.models import ClientType
from orders.models import Order
from staff.models import Department, User


class DeskForm(forms.Form):
    default_renderer = desk_renderer()  # calldesk.forms: the same HTML, drawn faster
    # Several forms share the call page: each field's id starts with its form's prefix.
    id_prefix = "desk"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)

    def first_error(self) -> str:
        """The one sentence a screen shows for a bad input."""
        for errors in self.errors.values():
            return str(errors[0])
        return ""

    def add_desk_error(self, error: DeskError) -> None:
        """A service's refusal: its sentence for the panel, its details next to the fields."""
        self.add_error(None, str(error))
        for detail in error.errors:
            if detail.field in self.fields and detail.field not in self.errors:
                self.add_error(detail.field, detail.detail)


class CallNumberForm(DeskForm):
    """The desk's "Call": register a call for a typed number (III.1, III.14)."""

    id_prefix = "call"
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        error_messages={"required": _("Type the caller's number.")},
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "off", "data-shortcut": "Alt+l", "size": 18}
        ),
    )


def person_label(user: User) -> str:
    where = f" ({user.department})" if user.department_id and user.department else ""
    return f"{user}{where}"


class TransferForm(DeskForm):
    """Whom to pass the call to when the route names nobody (III.6, III.15, III.19)."""

    id_prefix = "transfer"
    to = forms.ChoiceField(
        label=_("Pass to"), required=False, widget=forms.Select(attrs={"data-shortcut": "Alt+g"})
    )
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)

    def __init__(self, *args, candidates: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("— choose who takes the call —"))] + [
            (u.username, person_label(u)) for u in candidates
        ]


class WrapUpForm(DeskForm):
    """Purpose, outcome and what goes with them (III.14). Purpose and outcome are left to
    `end_call` to require, so the screen and the API refuse a close with the same words."""

    id_prefix = "wrap-up"
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), *Call.Outcome.choices],
        required=False,
        widget=forms.Select(attrs={"data-shortcut": "Alt+w"}),
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=[("", "—"), *Call.Purpose.choices], required=False
    )
    order = forms.TypedChoiceField(
        label=_("Order taken in this call"), coerce=int, empty_value=None, required=False
    )
    transferred_to = forms.ChoiceField(label=_("Transferred to"), required=False)
    declined_reason = forms.CharField(label=_("Why the client declined"), max_length=300, required=False)
    # As the operator's language writes it (01.11.2026 14:30 in Russian), ISO too.
    callback_at = LocalDateTimeField(
        label=_("Call back at"),
        required=False,
        widget=LocalDateTimeInput(attrs={"placeholder": pattern_hint(True)}),
        error_messages={"invalid": typed_as(_("Type the callback time as %(pattern)s."), with_time=True)},
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, orders: list[Order], people: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [("", _("— no order —"))] + [(o.pk, order_label(o)) for o in orders]
        self.fields["transferred_to"].choices = [("", "—")] + [(u.username, person_label(u)) for u in people]

    @classmethod
    def for_call(
        cls, call: Call, *, orders: list[Order], people: list[User], purpose: str, taken: Order | None
    ) -> WrapUpForm:
        """The form as the call stands: an order taken in this call is most likely the outcome."""
        initial = {"purpose": call.purpose or purpose}
        if taken is not None:
            initial.update(purpose=Call.Purpose.ORDER, outcome=Call.Outcome.ORDER_TAKEN, order=taken.pk)
        return cls(initial=initial, orders=orders, people=people)

    def focus(self) -> None:
        """Start the keyboard on the outcome (coming back from the order, or after a refusal)."""
        self.fields["outcome"].widget.attrs["autofocus"] = True

    def clean(self) -> dict:
        data = super().clean()
        if data.get("outcome") == Call.Outcome.CALLBACK and not data.get("callback_at"):
            self.add_error("callback_at", _("When should the client be called back?"))
        return data

    def end_call(self) -> EndCall:
        data = self.cleaned_data
        return EndCall(
            purpose=data["purpose"],
            outcome=data["outcome"],
            notes=data["notes"],
            transferred_to=data["transferred_to"] or None,
            order_id=data["order"],
            declined_reason=data["declined_reason"],
            callback_at=data.get("callback_at") if data["outcome"] == "callback" else None,
        )


def order_label(order: Order) -> str:
    number = order.number or _("draft")
    return f"{number} · {order.get_status_display()} · {format_money(order.total)}"


class AttachClientForm(DeskForm):
    id_prefix = "attach"
    client = forms.IntegerField(min_value=1, max_value=MAX_ID)


class NewClientForm(DeskForm):
    """The quick new-client form of an unknown caller (III.15): the phone is the call's."""

    id_prefix = "new-client"
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"data-shortcut": "Alt+u", "autocomplete": "off"}),
    )
    tax_id = forms.CharField(
        label=_("Tax id"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    type = forms.ChoiceField(label=_("Type"), required=False)

    def __init__(self, *args, types: list[ClientType], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("— type —"))] + [(t.code, t.name) for t in types]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("type"):
            self.add_error("type", _("Choose the client's type."))
        return data


class FeedbackForm(DeskForm):
    """A client's comment or wish and the departments it concerns (III.20)."""

    id_prefix = "feedback"
    text = forms.CharField(
        label=_("What the client said"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "data-shortcut": "Alt+m"}),
    )
    departments = forms.MultipleChoiceField(
        label=_("Pass to"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, departments: list[Department], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = [(d.code, d.name) for d in departments]


class ConsultationForm(DeskForm):
    """A non-standard situation taken to the head (III.11)."""

    id_prefix = "consult"
    question = forms.CharField(
        label=_("Question"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "data-shortcut": "Alt+h"}),
    )
    department = forms.ChoiceField(label=_("Head of"), required=False)

    def __init__(self, *args, departments: list[Department], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("the client's department"))] + [
            (d.code, d.name) for d in departments
        ]


class AnswerForm(DeskForm):
    id_prefix = "answer"
    answer = forms.CharField(label=_("Answer"), max_length=4000, required=False, widget=forms.Textarea)


class FeedbackStatusForm(DeskForm):
    id_prefix = "status"
    status = forms.ChoiceField(choices=FeedbackRoute.Status.choices)


class ReferenceForm(DeskForm):
    """Reference information to send (III.18): the address, the documents, and for certificates
    the products (SKUs, separated by commas or spaces). `request_reference` checks them all."""

    id_prefix = "reference"
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"data-shortcut": "Alt+r", "autocomplete": "off"}),
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents"),
        choices=ReferenceRequest.Document.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skus = forms.CharField(
        label=_("Products for certificates (SKUs)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. COLA, KVASS")}),
    )

    def clean_skus(self) -> list[str]:
        return [sku for sku in self.cleaned_data["skus"].replace(",", " ").split() if sku]
