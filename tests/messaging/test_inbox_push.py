"""A notice reaching the inbox is pushed to its recipient's pages (III.14, calldesk.live): once
it is delivered and committed, on their own channel only; the header, the inbox and a manager's
orders refresh on that event, and poll only while the stream is down."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse

from calldesk import live
from messaging.models import InboxMessage
from messaging.services import deliver_outbox_message, mark_read, queue_message
from staff.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pavlova(staff_of):
    return staff_of(Role.MANAGER, username="pavlova", full_name="Татьяна Павлова")


def test_a_delivered_notice_is_pushed_to_its_recipient_once(
    pavlova, staff_of, django_capture_on_commit_callbacks
):
    staff_of(Role.MANAGER, username="ivanov")
    with mock.patch.object(live, "publish_to_users") as pushed:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            message = queue_message(
                kind="order_confirmed", recipient_id=pavlova.pk, subject="Заказ 2026-000001", body="—"
            )
        assert InboxMessage.objects.get().recipient == pavlova
        assert pushed.call_args_list == [mock.call([pavlova.pk], live.INBOX_CHANGED)]
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver_outbox_message(message_id=message.pk) is False  # delivered already
        assert pushed.call_count == 1


def test_marking_read_is_pushed_to_the_readers_other_pages(pavlova):
    InboxMessage.objects.create(recipient=pavlova, subject="Заказ", body="—")
    with mock.patch.object(live, "publish_to_users") as pushed:
        assert mark_read(user=pavlova, message_id=None) == 1
        assert mark_read(user=pavlova, message_id=None) == 0  # nothing changed: nothing pushed
    assert pushed.call_args_list == [mock.call([pavlova.pk], live.INBOX_CHANGED)]


def test_the_header_the_inbox_and_the_orders_refresh_on_the_event_and_poll_only_as_fallback(client, pavlova):
    client.force_login(pavlova)
    trigger = 'hx-trigger="sse:inbox-changed, live:poll" data-live-poll="30"'
    orders = client.get(reverse("orders:my-orders")).content.decode()
    assert 'hx-trigger="sse:inbox-changed, inbox-read from:body, live:poll" data-live-poll="30"' in orders
    assert f'<div id="order-list" hx-get="/orders/mine/" {trigger}' in orders
    inbox = client.get(reverse("inbox")).content.decode()
    assert f'id="inbox" hx-get="/inbox/" {trigger}' in inbox
    assert "every " not in orders + inbox  # no fixed polling
