"""Tasks that moved to messaging/tasks.py answer to the names they were registered under in
calldesk/tasks.py: a message a broker holds from before a deploy names the task that way, and so
does the beat schedule (III.14: a notice queued before a deploy is still delivered after it)."""

import pytest

from calldesk.celery import app
from messaging import tasks
from messaging.models import InboxMessage, OutboxMessage
from staff.models import Role

OLD_NAMES = {
    "calldesk.tasks.record_worker_heartbeat_task": tasks.record_worker_heartbeat_task,
    "calldesk.tasks.deliver_outbox_message_task": tasks.deliver_outbox_message_task,
    "calldesk.tasks.deliver_pending_outbox_task": tasks.deliver_pending_outbox_task,
}


@pytest.mark.parametrize("name", sorted(OLD_NAMES))
def test_a_moved_task_is_registered_under_its_old_name(name):
    assert OLD_NAMES[name].name == name
    registered = app.tasks[name]  # what a worker runs for a message carrying that name
    assert (registered.run.__module__, registered.run.__name__) == ("messaging.tasks", name.rsplit(".")[-1])


def test_every_beat_entry_names_a_task_the_worker_finds():
    from django.conf import settings

    app.loader.import_default_modules()  # what a worker does at start: every app's tasks.py
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["worker-heartbeat"]["task"] == "calldesk.tasks.record_worker_heartbeat_task"
    assert schedule["outbox-sweep"]["task"] == "calldesk.tasks.deliver_pending_outbox_task"
    assert sorted(entry["task"] for entry in schedule.values() if entry["task"] not in app.tasks) == []


@pytest.mark.django_db
def test_a_delivery_queued_under_the_old_name_delivers_the_notice(staff_of, mailoutbox):
    manager = staff_of(
        Role.MANAGER, username="petrova", full_name="Ольга Петрова", email="petrova@example.test"
    )
    message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.ORDER_CONFIRMED,
        recipient=manager,
        subject="Заказ 2026-000007 подтверждён",
        body="Клиент: магазин «Ромашка»",
    )
    # What a worker does with a message from the broker: look the task up by the name it carries.
    result = app.tasks["calldesk.tasks.deliver_outbox_message_task"].apply(args=[message.pk])
    assert result.get() is True
    inbox = InboxMessage.objects.get()
    assert (inbox.recipient_id, inbox.outbox_id, inbox.subject) == (
        manager.pk,
        message.pk,
        "Заказ 2026-000007 подтверждён",
    )
    assert [m.to for m in mailoutbox] == [["petrova@example.test"]]
