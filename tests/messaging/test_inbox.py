"""The in-app inbox: a manager sees the orders confirmed for their clients (III.14)."""

import pytest
from django.urls import reverse

from messaging.models import InboxMessage
from staff.models import Role

pytestmark = pytest.mark.django_db


def test_inbox_lists_only_my_messages_newest_first_and_marks_them_read(client, staff_of):
    oleg = staff_of(Role.MANAGER, username="oleg")
    other = staff_of(Role.MANAGER, username="andrey")
    first = InboxMessage.objects.create(
        recipient=oleg, subject="Order 2026-000001 confirmed", body="A", link="/orders/1/"
    )
    InboxMessage.objects.create(recipient=oleg, subject="Order 2026-000002 confirmed", body="B")
    InboxMessage.objects.create(recipient=other, subject="Not mine", body="C")
    client.force_login(oleg)
    html = client.get(reverse("inbox")).content.decode()
    assert "Inbox: 2 unread" in html
    assert html.index("2026-000002") < html.index("2026-000001")
    assert '<a href="/orders/1/">Order 2026-000001 confirmed</a>' in html
    assert "Not mine" not in html
    client.post(reverse("inbox-read", args=[first.pk]))
    assert "Inbox: 1 unread" in client.get(reverse("inbox")).content.decode()
    client.post(reverse("inbox-read", args=[0]))
    assert InboxMessage.objects.filter(recipient=oleg, read_at__isnull=True).count() == 0
    assert InboxMessage.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_one_cannot_mark_someone_elses_message(client, staff_of):
    oleg = staff_of(Role.MANAGER, username="oleg")
    theirs = InboxMessage.objects.create(recipient=staff_of(Role.MANAGER), subject="S", body="B")
    client.force_login(oleg)
    client.post(reverse("inbox-read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_needs_login(client):
    assert client.get(reverse("inbox")).status_code == 302
