"""Reference information by e-mail (III.18, II.2): an operator records what the caller asked for
during the call; a task builds the documents and sends them in one e-mail after the call commits.

The e-mail and its documents are in the client's language (Client.language; a caller who is not
yet a client gets what a new client would) and signed with the operator's name and the company's
(settings.COMPANY_NAME), as II.2 and III.18 have the operator give the information.

Never lost, as the outbox (`messaging/services.py`) is: the request is a row written in the call's
transaction. If the broker is down at commit, the row waits; the sweep (beat, every minute) sends
whatever is still unsent. Sending locks the row and checks `sent_at` first, so a task and the
sweep, or a redelivered task, never send the same request twice. A failed send counts an attempt
and keeps its error on the row; after `MAX_ATTEMPTS` the sweep leaves it to a person.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calldesk.errors import FieldError, Forbidden, InvalidInput
from calls.documents import (
    Attachment,
    assortment_pdf,
    certificates,
    company_name,
    delivery_terms_pdf,
    price_list_pdf,
    price_list_sheet,
    price_list_xlsx,
)
from calls.models import ReferenceRequest
from calls.services import call_for_work
from clients.models import CLIENT_DEFAULT_LANGUAGE, Client
from orders.models import Product
from staff.models import User
from staff.permissions import DESK, has_role

Document = ReferenceRequest.Document
# Short names for the subject and body of the e-mail, in the order the documents are attached.
DOCUMENT_NAMES = {
    Document.PRICE_LIST: gettext_lazy("price list"),
    Document.ASSORTMENT: gettext_lazy("assortment"),
    Document.DELIVERY_TERMS: gettext_lazy("delivery terms"),
    Document.CERTIFICATES: gettext_lazy("product certificates"),
}
# A request that failed this many times (a refused address, a document that cannot be built) is
# no longer retried by the sweep: its `last_error` tells a person what to fix.
MAX_ATTEMPTS = 20
EMAIL_MAX_LENGTH = ReferenceRequest._meta.get_field("email").max_length
ERROR_MAX_LENGTH = ReferenceRequest._meta.get_field("last_error").max_length


def request_reference(
    *, actor: User, call_id: int, email: str, documents: list[str], skus: list[str] | None = None
) -> ReferenceRequest:
    """Record that the caller of `call_id` asked for `documents` (codes of
    `ReferenceRequest.Document`; certificates of the products `skus`) at `email`; the e-mail goes
    out once this commits. The client is the call's client (a caller not yet a client gets the
    base price list and the general terms). Raises Forbidden, CallNotFound, InvalidInput (every
    bad field: email, documents, skus); nothing is written then."""
    if not has_role(actor, DESK):
        raise Forbidden()
    call = call_for_work(call_id, actor)  # its operator's (III.26): 404 or 403 for anyone else
    email, codes, skus, errors = _clean(email=email, documents=documents, skus=skus or [])
    if errors:
        raise InvalidInput(_("The reference request is not valid."), errors=errors)
    with transaction.atomic():
        request = ReferenceRequest.objects.create(
            call=call, client_id=call.client_id, email=email, documents=codes, skus=skus, requested_by=actor
        )
        transaction.on_commit(lambda: enqueue_sending(request.pk))
    return request


def _clean(*, email: str, documents: list[str], skus: list[str]) -> tuple[str, list[str], list[str], list]:
    """The e-mail, the known document codes in attachment order, the SKUs (for certificates
    only), and an error for every bad field."""
    errors: list[FieldError] = []
    email = email.strip() if isinstance(email, str) else ""
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        EmailValidator()(email)
    except ValidationError:
        errors.append(FieldError("email", _("Enter a valid e-mail address.")))

    given = documents if isinstance(documents, list | tuple) else []
    given = [code for code in given if isinstance(code, str)]
    unknown = sorted(set(given) - set(Document.values))
    codes = [code for code in Document.values if code in given]
    if unknown:
        errors.append(
            FieldError("documents", _("Unknown documents: %(codes)s.") % {"codes": ", ".join(unknown)})
        )
    elif not codes:
        errors.append(
            FieldError(
                "documents",
                _("Choose at least one of: %(codes)s.") % {"codes": ", ".join(Document.values)},
            )
        )

    wanted: list[str] = []
    if Document.CERTIFICATES in codes:
        given_skus = skus if isinstance(skus, list | tuple) else []
        wanted = list(
            dict.fromkeys(sku.strip() for sku in given_skus if isinstance(sku, str) and sku.strip())
        )
        known = set(Product.objects.filter(sku__in=wanted).values_list("sku", flat=True)) if wanted else set()
        missing = [sku for sku in wanted if sku not in known]
        if not wanted:
            errors.append(FieldError("skus", _("Name the products whose certificates to send.")))
        elif missing:
            errors.append(
                FieldError("skus", _("No product has the SKU %(skus)s.") % {"skus": ", ".join(missing)})
            )
    return email, codes, wanted, errors


def enqueue_sending(request_id: int) -> None:
    """Hand the request to a worker; with the broker down, leave it for the sweep. (With tasks run
    in-process, as on `make run`, a failed send lands here too: the sweep retries it as well.)"""
    from calls.tasks import send_reference_task
    from messaging.services import publish

    publish(send_reference_task, request_id, errors=(Exception,))  # the sweep retries any failure


def send_reference(*, request_id: int) -> bool:
    """Build the documents of one request and send them in one e-mail; True if sent now, False
    if it was already sent (or is gone).

    Locks the request row for the whole send, on purpose: the lock is what keeps a task and the
    sweep (or a redelivered task) from sending it twice, and nothing else writes that row. A
    failure rolls back, then counts an attempt and keeps the error on the row in its own small
    update, and is raised again (the task retries OSError, the sweep moves on); the request stays
    unsent for the next try. If the mail server took the e-mail but the commit then failed, the
    next try sends it again: at least once, never lost.
    """
    try:
        return _send(request_id)
    except Exception as exc:
        ReferenceRequest.objects.filter(pk=request_id, sent_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
        )
        raise


@transaction.atomic
def _send(request_id: int) -> bool:
    request = (
        ReferenceRequest.objects.select_for_update(of=("self",))
        .select_related("client__type", "requested_by")
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.sent_at is not None:
        return False
    with translation.override(language_of(request.client)):
        attachments, notes = build_attachments(request)
        message = EmailMessage(
            subject=_subject(request.documents),
            body=_body(attachments, notes, operator=request.requested_by.get_full_name()),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[request.email],
        )
    for attachment in attachments:
        message.attach(*attachment)
    message.send()
    request.sent_at = timezone.now()
    request.attachments = [attachment.filename for attachment in attachments]
    request.attempts += 1
    request.last_error = ""
    request.save(update_fields=["sent_at", "attachments", "attempts", "last_error"])
    return True


def build_attachments(request: ReferenceRequest) -> tuple[list[Attachment], list[str]]:
    """The files of a request, in the order of `ReferenceRequest.Document`, with notes on what
    could not be attached. Prices and the assortment are as of today, when the e-mail goes out."""
    today = timezone.localdate()
    attachments: list[Attachment] = []
    notes: list[str] = []
    if Document.PRICE_LIST in request.documents:
        sheet = price_list_sheet(client=request.client, on=today)
        attachments.append(price_list_xlsx(client=request.client, on=today, sheet=sheet))
        attachments.append(price_list_pdf(client=request.client, on=today, sheet=sheet))
    if Document.ASSORTMENT in request.documents:
        attachments.append(assortment_pdf(on=today))
    if Document.DELIVERY_TERMS in request.documents:
        attachments.append(delivery_terms_pdf(client=request.client))
    if Document.CERTIFICATES in request.documents:
        found = certificates(skus=request.skus, on=today)
        attachments += found.attachments
        notes += found.notes
    return attachments, notes


def language_of(client: Client | None) -> str:
    """The language of what goes to a client: its own, or a new client's for an unknown caller."""
    return client.language if client is not None else CLIENT_DEFAULT_LANGUAGE


def _subject(codes: list[str]) -> str:
    names = ", ".join(str(DOCUMENT_NAMES[code]) for code in Document.values if code in codes)
    return _("Documents from %(company)s: %(documents)s") % {"company": company_name(), "documents": names}


def _body(attachments: list[Attachment], notes: list[str], *, operator: str) -> str:
    lines = [_("Hello,"), "", _("As agreed on the phone, here are the documents you asked for.")]
    if attachments:
        lines += ["", _("Attached:")] + [f"- {attachment.filename}" for attachment in attachments]
    if notes:
        lines += ["", _("Not attached:")] + [f"- {note}" for note in notes]
    lines += ["", _("If you have any questions, call us back."), "", _("Kind regards,")]
    lines += [operator] if operator else []
    lines += [company_name()]
    return "\n".join(lines)


def unsent_request_ids(*, older_than_seconds: int = 30, limit: int = 200) -> list[int]:
    """Requests still unsent after `older_than_seconds` (their task never ran, or failed), oldest
    first, but those that failed `MAX_ATTEMPTS` times. The age keeps the sweep off requests whose
    task is just running."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        ReferenceRequest.objects.filter(
            sent_at__isnull=True, requested_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS
        )
        .order_by("requested_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
