"""III.14, nothing lost: a manager's notice is written with the order and survives a broker
that is down when the order commits; delivery is idempotent."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from messaging.models import InboxMessage, OutboxMessage
from messaging.services import deliver_outbox_message, queue_message
from messaging.tasks import deliver_outbox_message_task, deliver_pending_outbox_task
from staff.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(staff_of):
    return staff_of(Role.MANAGER, username="oleg", email="oleg@example.test")


def test_with_the_broker_down_the_message_waits_and_the_sweep_delivers_it_once(
    manager, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        mock.patch.object(
            deliver_outbox_message_task, "apply_async", side_effect=OperationalError("redis down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = queue_message(
            kind="order_confirmed", recipient_id=manager.pk, subject="Order 2026-000001", body="..."
        )
    message.refresh_from_db()
    assert message.delivered_at is None  # the broker refused: nothing delivered, nothing lost
    assert not InboxMessage.objects.exists()
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=message.created_at.replace(year=2025))
    assert deliver_pending_outbox_task() == 1
    assert deliver_pending_outbox_task() == 0  # a second sweep finds nothing to do
    assert InboxMessage.objects.get().subject == "Order 2026-000001"
    assert [m.to for m in mailoutbox] == [["oleg@example.test"]]


def test_delivering_twice_makes_one_inbox_message_and_one_email(manager, mailoutbox):
    message = OutboxMessage.objects.create(kind="order_confirmed", recipient=manager, subject="S", body="B")
    assert deliver_outbox_message(message_id=message.pk) is True
    assert deliver_outbox_message(message_id=message.pk) is False
    assert InboxMessage.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_failed_email_leaves_the_message_for_the_next_sweep(manager, mailoutbox):
    message = OutboxMessage.objects.create(kind="order_confirmed", recipient=manager, subject="S", body="B")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=message.created_at.replace(year=2025))
    with mock.patch("messaging.services.send_mail", side_effect=OSError("smtp down")):
        assert deliver_pending_outbox_task() == 0
    message.refresh_from_db()
    assert message.delivered_at is None
    assert message.attempts == 1
    assert not InboxMessage.objects.exists()  # rolled back with the failed delivery
    assert deliver_pending_outbox_task() == 1
    assert InboxMessage.objects.count() == 1


def test_publish_waits_for_the_sweep_only_when_the_broker_fails():
    """A broker error leaves the row for its sweep (False); any other error is the task's own
    failure (with tasks run in-process, as on `make run`) and is raised, unless the caller says
    that any failure is for the sweep (the outbox, reference e-mails)."""
    from messaging.services import publish

    with mock.patch.object(deliver_outbox_message_task, "apply_async", side_effect=OperationalError("down")):
        assert publish(deliver_outbox_message_task, 1) is False
    with mock.patch.object(deliver_outbox_message_task, "apply_async", side_effect=ValueError("a bug")):
        with pytest.raises(ValueError, match="a bug"):
            publish(deliver_outbox_message_task, 1)
        assert publish(deliver_outbox_message_task, 1, errors=(Exception,)) is False
    with mock.patch.object(deliver_outbox_message_task, "apply_async", return_value=None) as sent:
        assert publish(deliver_outbox_message_task, 7) is True
    assert sent.call_args.kwargs["args"] == [7] and sent.call_args.kwargs["ignore_result"] is True
