"""Links that work: an e-mail to staff carries the desk's link as an absolute URL on SITE_URL,
so it opens from a mail client; the in-app inbox keeps the desk's relative path (III.14)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from calldesk.settings.environment import site_url_from
from messaging.models import InboxMessage
from messaging.services import absolute_link, deliver_outbox_message, queue_message
from staff.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(staff_of):
    return staff_of(
        Role.MANAGER,
        department_code="retail",
        username="tpavlova",
        full_name="Татьяна Павлова",
        email="tp@example.test",
    )


def test_the_email_carries_the_absolute_url_and_the_inbox_the_path(
    manager, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://desk.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        queue_message(
            kind="order_confirmed",
            recipient_id=manager.pk,
            subject="Заказ 2026-005988 подтверждён: Ромашка",
            body="Ромашка заказала.",
            link=reverse("orders:order", args=[5988]),
        )
    assert InboxMessage.objects.get().link == "/orders/5988/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].body == "Ромашка заказала.\n\nhttps://desk.example.com/orders/5988/"


def test_a_desk_served_under_a_path_keeps_it_in_the_link(manager, settings, mailoutbox):
    settings.SITE_URL = "https://intranet.example.com/calldesk"
    message = queue_message(
        kind="feedback", recipient_id=manager.pk, subject="S", body="B", link="/calls/feedback/"
    )
    assert deliver_outbox_message(message_id=message.pk) is True
    assert mailoutbox[0].body == "B\n\nhttps://intranet.example.com/calldesk/calls/feedback/"


def test_the_embedded_default_is_make_runs_address(settings):
    from calldesk.settings import base

    assert base.SITE_URL == "http://127.0.0.1:8000"
    settings.SITE_URL = base.SITE_URL
    assert absolute_link("/orders/12/") == "http://127.0.0.1:8000/orders/12/"


def test_no_link_and_an_absolute_link_are_left_as_they_are(settings):
    settings.SITE_URL = "https://desk.example.com"
    assert absolute_link("") == ""
    assert absolute_link("https://other.example.com/x") == "https://other.example.com/x"


def test_a_message_without_a_link_has_no_url_in_its_email(manager, settings, mailoutbox):
    settings.SITE_URL = "https://desk.example.com"
    message = queue_message(kind="feedback", recipient_id=manager.pk, subject="S", body="Без ссылки")
    deliver_outbox_message(message_id=message.pk)
    assert mailoutbox[0].body == "Без ссылки"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://desk.example.com/", "https://desk.example.com"),
        (" http://127.0.0.1:8000 ", "http://127.0.0.1:8000"),
        ("https://intranet.example.com/calldesk/", "https://intranet.example.com/calldesk"),
    ],
)
def test_site_url_is_read_without_its_trailing_slash(raw, expected):
    assert site_url_from(raw) == expected


@pytest.mark.parametrize(
    "raw", ["desk.example.com", "ftp://desk.example.com", "https://", "https://d.example.com/?a=1"]
)
def test_site_url_must_be_an_http_address(raw):
    with pytest.raises(ImproperlyConfigured, match="SITE_URL must be the desk's http\\(s\\) address"):
        site_url_from(raw)
