"""Writes of messaging: notices to staff through the outbox (III.14: nothing is lost), their
delivery to the in-app inbox and by e-mail, marking them read, and the workers' heartbeat.

A notice is written in the business transaction and handed to a Celery task after it commits.
If the broker is down then, the message waits in its table; the sweep task (beat, every minute)
delivers whatever is still undelivered. Delivery locks the row and checks `delivered_at` first,
so running it twice never makes a second inbox message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.models import InboxMessage, OutboxMessage, WorkerHeartbeat
from staff.models import Department, Role, User
from staff.rules import Capacity, NoticeRecipient, notice_recipients
from staff.services import in_language_of

logger = logging.getLogger(__name__)


def queue_message(*, kind: str, recipient_id: int, subject: str, body: str, link: str = "") -> OutboxMessage:
    """Write a message to deliver once the current transaction commits. Call inside it."""
    message = OutboxMessage.objects.create(
        kind=kind, recipient_id=recipient_id, subject=subject[:200], body=body, link=link
    )
    transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message


def queue_notice(
    *,
    kind: str,
    addressee: User | None,
    department: Department | int | None,
    write: Callable[[], tuple[str, str]],
    link: str = "",
    commercial_when_uncovered: bool = False,
) -> list[OutboxMessage]:
    """Queue a notice (subject and body from `write`, called in each recipient's language) for
    its addressee and, when the addressee is absent or there is none, for who stands in for them
    in `department` (the client's department, or the one a question or a comment is for): its
    head or its deputy, the one at work first (staff.rules.notice_recipients, the one rule of who
    covers for whom); for a question to a head (III.11) with neither at work, commercial
    management (`commercial_when_uncovered`). The stand-in's copy says for whom it came and why.
    Every door that tells staff something calls this. In the caller's transaction (the outbox):
    no query more while the addressee is at work; delivery stays once per message."""
    if addressee is not None and addressee.is_present():
        return [_queue_in_language_of(addressee, kind=kind, write=write, link=link)]
    if isinstance(department, int):
        department = Department.objects.select_related("head", "deputy").filter(pk=department).first()
    head = department.head if department is not None else None
    deputy = department.deputy if department is not None else None
    commercial: list[User] = []
    if commercial_when_uncovered and not any(p is not None and p.is_present() for p in (head, deputy)):
        commercial = list(
            User.objects.filter(is_active=True, groups__name=Role.COMMERCIAL.value).order_by("pk").distinct()
        )
    recipients = notice_recipients(
        addressee=addressee, head=head, deputy=deputy, commercial=commercial, is_there=User.is_present
    )
    return [
        _queue_in_language_of(
            recipient.person,
            kind=kind,
            write=write,
            link=link,
            note=partial(_stand_in_note, recipient, addressee, department),
        )
        for recipient in recipients
    ]


def _queue_in_language_of(
    person: User,
    *,
    kind: str,
    write: Callable[[], tuple[str, str]],
    link: str,
    note: Callable[[], str] | None = None,
) -> OutboxMessage:
    with in_language_of(person):
        subject, body = write()
        if note is not None and (why := note()):
            body = why + "\n\n" + body
    return queue_message(kind=kind, recipient_id=person.pk, subject=subject, body=body, link=link)


def _stand_in_note(recipient: NoticeRecipient[User], addressee: User | None, department) -> str:
    """Why a stand-in receives someone else's notice, in the stand-in's language."""
    if recipient.capacity == Capacity.ADDRESSEE:
        return ""
    if addressee is None:
        if recipient.capacity == Capacity.COMMERCIAL:
            return _("%(department)s has no head; sent to you as commercial management.") % {
                "department": department
            }
        return _("%(department)s has no head; sent to you as its deputy head.") % {"department": department}
    values = {"person": addressee, "department": department}
    if recipient.capacity == Capacity.HEAD:
        return _("%(person)s is absent; sent to you as head of %(department)s.") % values
    if recipient.capacity == Capacity.DEPUTY:
        return _("%(person)s is absent; sent to you as deputy head of %(department)s.") % values
    return _("%(person)s is absent; sent to you as commercial management.") % values


# With the broker down, the request that committed must not wait for it: publish with a short
# retry (a blip), and never subscribe to the task's result (Celery's Redis result backend would
# retry that subscription for ~20 s per message). The sweep delivers whatever this misses.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}


# When this process last failed to hand a task to the broker (time.monotonic()): work that can
# wait for its sweep anyway (today's report rows) is not handed over while the broker is down,
# so a request pays the broker's timeout once (for the notice), not once per nudge.
_broker_failed_at: float | None = None
BROKER_DOWN_SECONDS = 30.0


def broker_failed_recently() -> bool:
    """Did this process fail to reach the broker in the last BROKER_DOWN_SECONDS?"""
    return _broker_failed_at is not None and time.monotonic() - _broker_failed_at < BROKER_DOWN_SECONDS


def broker_errors() -> tuple[type[BaseException], ...]:
    """What publishing raises when the broker cannot take a task."""
    from kombu.exceptions import OperationalError

    return (OperationalError, OSError)


def publish(
    task, *args, errors: tuple[type[BaseException], ...] | None = None, countdown: float | None = None
) -> bool:
    """Hand a task whose work is already saved in a row to a worker, at once or not at all:
    False when it could not be handed over (the row waits for its sweep). Every door that queues
    saved work (notices, reference e-mails, exports, today's report rows) goes through here.
    `errors`: what counts as "not handed over" (default: the broker's errors; with tasks run
    in-process, as on `make run`, anything else the task raises is the task's own failure and is
    raised). `countdown`: seconds the worker waits before running it (in-process: none)."""
    caught = errors or broker_errors()
    try:
        task.apply_async(
            args=list(args), ignore_result=True, retry=True, retry_policy=_PUBLISH_RETRY, countdown=countdown
        )
    except caught as error:
        if isinstance(error, broker_errors()):
            global _broker_failed_at
            _broker_failed_at = time.monotonic()
        logger.warning("not handed over: %s%r waits for its sweep", task.name, args, exc_info=True)
        return False
    return True


def enqueue_delivery(message_id: int) -> None:
    """Hand the message to a worker; with the broker down, leave it for the sweep at once."""
    from messaging.tasks import deliver_outbox_message_task

    # Any failure, also of a delivery run in-process: the message is safe in its row.
    publish(deliver_outbox_message_task, message_id, errors=(Exception,))


@transaction.atomic
def deliver_outbox_message(*, message_id: int) -> bool:
    """Deliver one message: the inbox row, then the e-mail. Returns False if already delivered."""
    message = (
        OutboxMessage.objects.select_for_update().select_related("recipient").filter(pk=message_id).first()
    )
    if message is None or message.delivered_at is not None:
        return False
    _inbox, created = InboxMessage.objects.get_or_create(
        outbox=message,
        defaults={
            "recipient_id": message.recipient_id,
            "subject": message.subject,
            "body": message.body,
            "link": message.link,
        },
    )
    if message.recipient.email:
        send_mail(
            message.subject,
            message.body + (f"\n\n{absolute_link(message.link)}" if message.link else ""),
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient.email],
        )
    message.delivered_at = timezone.now()
    message.attempts += 1
    message.save(update_fields=["delivered_at", "attempts"])
    if created:
        announce_inbox_changed(message.recipient_id)
    return True


def absolute_link(link: str) -> str:
    """A desk link as an e-mail must carry it: a path of the desk ("/orders/5988/") on SITE_URL
    (https://desk.example.com/orders/5988/), so it opens from a mail client; the in-app inbox keeps
    the path. A link that is already absolute is left as it is."""
    if not link or "://" in link:
        return link
    return settings.SITE_URL + "/" + link.lstrip("/")


def announce_inbox_changed(user_id: int) -> None:
    """Tell the person's open pages that their inbox changed, once the transaction commits: the
    header's unread count, the inbox and a manager's orders refresh themselves (III.14). A nudge
    on their own channel only (calldesk.live); the inbox row is the record, and a page that missed
    the nudge reads it on its next refresh."""
    from calldesk import live

    live.publish_to_users([user_id], live.INBOX_CHANGED)


def mark_read(*, user, message_id: int | None) -> int:
    """Mark one of the user's inbox messages read, or all of them (message_id None)."""
    messages = InboxMessage.objects.filter(recipient=user, read_at__isnull=True)
    if message_id is not None:
        messages = messages.filter(pk=message_id)
    marked = messages.update(read_at=timezone.now())
    if marked:
        announce_inbox_changed(user.pk)  # the reader's other pages and tabs follow
    return marked


def record_worker_heartbeat(*, worker: str) -> WorkerHeartbeat:
    """Record that `worker` is alive now. Idempotent: one row per worker, overwritten."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"seen_at": timezone.now()}
    )
    return heartbeat
