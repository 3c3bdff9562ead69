"""The order form (DOMAIN.md, “Around the job”: an order form records the client, the address,
what was agreed and the date): a PDF of a confirmed order, e-mailed to the client in its language
when the operator asks for it on confirmation or the client's card says so (III.12-III.14).

Never lost, like the reference e-mails (`calls/references.py`): the `OrderFormMail` row is written
in the confirmation's transaction; after the commit a task sends it, and the sweep (beat, every
minute) sends whatever a down broker or a failed e-mail left unsent. Sending locks the row and
checks `sent_at` first, so a task and the sweep, or a redelivered task, never send it twice; a
failure counts an attempt and keeps its error on the row, and after `MAX_ATTEMPTS` the sweep
leaves it to a person.

The PDF is the same document as the price list's (`calls.documents`: DejaVu Sans embedded, so
Cyrillic prints and can be copied out, the company at the foot of every page).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from calldesk.errors import FieldError, InvalidInput
from calls.documents import PDF, Attachment, _Document, _row, company_name
from clients.models import Client
from orders.models import Order, OrderFormMail
from orders.rules import vat_by_rate
from orders.selectors import plain_quantity
from staff.models import User

MAX_ATTEMPTS = 20
ERROR_MAX_LENGTH = OrderFormMail._meta.get_field("last_error").max_length


# --- Who gets it ---------------------------------------------------------------------------------


def form_recipient(*, client: Client, asked: bool | None, email: str = "") -> str:
    """Where the order form goes, "" for nowhere. `asked` None (no one said): the client's card
    decides (`order_form_by_email` with its e-mail). True: the e-mail typed, else the client's;
    raises InvalidInput when there is neither or it is not an address. False: nowhere."""
    if asked is None:
        return client.email if client.order_form_by_email and client.email else ""
    if not asked:
        return ""
    email = (email or "").strip() or client.email
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            _("Type the client's e-mail to send the order form to."),
            errors=[FieldError(field="form_email", detail=_("Enter a valid e-mail address."))],
        ) from None
    return email


def queue_order_form(*, order: Order, email: str, actor: User) -> OrderFormMail:
    """Record that the confirmed `order`'s form goes to `email`, in the caller's transaction; it
    is sent once that commits. A second call for the order changes nothing."""
    mail, _created = OrderFormMail.objects.get_or_create(
        order=order, defaults={"email": email, "requested_by": actor}
    )
    transaction.on_commit(lambda: enqueue_sending(mail.pk))
    return mail


def enqueue_sending(mail_id: int) -> None:
    """Hand the e-mail to a worker; with the broker down, leave it for the sweep."""
    from messaging.services import publish
    from orders.tasks import send_order_form_task

    publish(send_order_form_task, mail_id, errors=(Exception,))  # the sweep retries any failure


# --- The document --------------------------------------------------------------------------------


def _order_with_lines(order_id: int) -> Order:
    return (
        Order.objects.select_related("client", "taken_by").prefetch_related("lines__product").get(pk=order_id)
    )


def order_form_lines(order: Order) -> list[str]:
    """The head of the form, line by line, in the active language: the date, the client, where
    and to whom, when, and the regional terms and notes agreed (III.12, III.13)."""
    client = order.client
    day = timezone.localtime(order.confirmed_at).date() if order.confirmed_at else timezone.localdate()
    lines = [
        _("Date: %(date)s") % {"date": _day(day)},
        _("Client: %(name)s, tax id %(tax_id)s") % {"name": client.name, "tax_id": client.tax_id},
        _("Delivery address: %(address)s") % {"address": order.delivery_address or "—"},
        _("Receiver: %(name)s, %(phone)s")
        % {"name": order.receiver_name or "—", "phone": order.receiver_phone or "—"},
        _("Delivery: %(date)s, %(window)s")
        % {
            "date": _day(order.delivery_date) if order.delivery_date else "—",
            "window": order.delivery_window or _("any time"),
        },
    ]
    if order.payment_form:
        lines.append(_("Payment: %(form)s") % {"form": order.get_payment_form_display()})
    if order.fulfilment == "pickup":
        when = (
            formats.date_format(timezone.localtime(order.pickup_at), "SHORT_DATETIME_FORMAT")
            if order.pickup_at
            else "—"
        )
        lines.append(_("Pick-up in the capital: %(when)s") % {"when": when})
    elif order.fulfilment == "shipping":
        lines.append(
            _("Shipping to: %(address)s; carrier: %(carrier)s")
            % {"address": order.shipping_address or "—", "carrier": order.carrier or "—"}
        )
    if order.notes:
        lines.append(_("Notes: %(notes)s") % {"notes": order.notes})
    return lines


def order_form_pdf(order: Order) -> Attachment:
    """The order form of a confirmed order as a PDF, in the active language: the head
    (`order_form_lines`), every line with its quantity, price and total, and the total. The order
    with its client, lines and products loaded (`_order_with_lines`)."""
    title = _("Order form %(number)s") % {"number": order.number}
    pdf = _Document(title)
    for text in order_form_lines(order):
        pdf.paragraph(text)
    pdf.ln(2)
    with pdf.table(
        col_widths=(24, 72, 24, 34, 36),
        text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        padding=1,
    ) as table:
        _row(table, [_("SKU"), _("Name"), _("Quantity"), _("Price"), _("Total")])
        for line in order.lines.all():
            _row(
                table,
                [
                    line.product.sku,
                    line.product.name,
                    f"{plain_quantity(line.quantity)} {line.product.unit}",
                    _money(line.unit_price),
                    _money(line.total),
                ],
            )
    pdf.ln(2)
    # as a Russian invoice sums it: without VAT, the VAT at each rate, with VAT
    lines = list(order.lines.all())
    sums = [(_("Total without VAT"), order.net)]
    for row in vat_by_rate([(line.vat_rate, line.vat, line.total) for line in lines]):
        sums.append((_("VAT %(rate)s %%") % {"rate": row.rate}, row.vat))
    sums.append((_("Total with VAT"), order.total))
    saving = sum((line.saving for line in lines), Decimal("0.00"))
    if saving:  # what the promotions saved (III.23)
        sums.append((_("Saved by promotions"), saving))
    for label, amount in sums:
        pdf.paragraph(f"{label}: {_money(amount)}")
    pdf.paragraph(
        _("Taken by %(operator)s, %(company)s.")
        % {"operator": order.taken_by.get_full_name(), "company": company_name()}
    )
    return Attachment(f"order-{order.number}.pdf", pdf.as_bytes(), PDF)


def _money(amount) -> str:
    from calldesk.money import format_money

    return format_money(amount, currency=settings.CURRENCY)


def _day(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


# --- Sending -------------------------------------------------------------------------------------


def send_order_form(*, mail_id: int) -> bool:
    """Build and send one order form; True if sent now, False if it was already sent (or is
    gone). A failure counts an attempt, keeps the error on the row and is raised again."""
    try:
        return _send(mail_id)
    except Exception as exc:
        OrderFormMail.objects.filter(pk=mail_id, sent_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
        )
        raise


@transaction.atomic
def _send(mail_id: int) -> bool:
    mail = OrderFormMail.objects.select_for_update().filter(pk=mail_id).first()
    if mail is None or mail.sent_at is not None:
        return False
    order = _order_with_lines(mail.order_id)
    with translation.override(order.client.language):
        attachment = order_form_pdf(order)
        message = EmailMessage(
            subject=_("Order %(number)s from %(company)s")
            % {"number": order.number, "company": company_name()},
            body="\n".join(
                [
                    _("Hello,"),
                    "",
                    _("Thank you for your order. Its order form is attached: please check it."),
                    "",
                    *order_form_lines(order),
                    "",
                    _("Kind regards,"),
                    company_name(),
                ]
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.email],
        )
    message.attach(*attachment)
    message.send()
    mail.sent_at = timezone.now()
    mail.attempts += 1
    mail.last_error = ""
    mail.save(update_fields=["sent_at", "attempts", "last_error"])
    return True


def unsent_order_form_ids(*, older_than_seconds: int = 30, limit: int = 200) -> list[int]:
    """Order forms still unsent after `older_than_seconds`, oldest first, but those that failed
    `MAX_ATTEMPTS` times."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        OrderFormMail.objects.filter(
            sent_at__isnull=True, requested_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS
        )
        .order_by("requested_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
