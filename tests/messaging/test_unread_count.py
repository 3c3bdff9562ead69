"""Managers, heads, finance and commercial management hear at once (III.11, III.14, III.19,
III.20): the inbox's unread count in every page's header, and the rows of their pages (the
inbox, a manager's orders) as partials the page fetches when a notice arrives. Each reader sees
only their own count and rows (III.26), in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from calls.services import ask_head, record_feedback, register_call, transfer_call
from messaging.models import InboxMessage
from staff.models import Role
from tests.factories import ClientFactory, ClientPhoneFactory, OrderFactory, client_type, department

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
HEADER = {"HX-Request": "true", "HX-Target": "inbox-link"}  # what the header's link sends


@pytest.fixture
def people(staff_of):
    head = staff_of(Role.HEAD, department_code="wholesale", username="volkov", full_name="Сергей Волков")
    wholesale = department("wholesale")
    wholesale.head = head
    wholesale.save(update_fields=["head"])
    return {
        "operator": staff_of(Role.OPERATOR, department_code="call_center", username="olga"),
        "manager": staff_of(Role.MANAGER, username="pavlova", full_name="Татьяна Павлова"),
        "other": staff_of(Role.MANAGER, username="ivanov", full_name="Oleg Ivanov"),
        "kam": staff_of(Role.MANAGER, username="vasilyeva", full_name="Елена Васильева", key_account=True),
        "head": head,
        "finance": staff_of(Role.FINANCE, department_code=None, username="buh"),
        "commercial": staff_of(
            Role.COMMERCIAL, department_code=None, username="kd", full_name="Андрей Коммерческий"
        ),
    }


def tell(person, n: int, subject: str = "Заказ подтверждён") -> None:
    for number in range(n):
        InboxMessage.objects.create(recipient=person, subject=f"{subject} {number}", body="—")


def unread_badge(html: str) -> str | None:
    marker = 'id="inbox-unread"'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split(">", 1)[1].split("<", 1)[0]


@pytest.mark.parametrize("who", ["manager", "head", "finance", "commercial"])
def test_every_page_of_those_told_shows_their_own_unread_count(client, people, who):
    tell(people[who], 3)
    InboxMessage.objects.create(
        recipient=people[who], subject="Прочитано", body="—", read_at="2026-12-01T10:00Z"
    )
    tell(people["other"], 5)
    client.force_login(people[who])
    for url in ("/", reverse("inbox"), reverse("reports:me")):
        html = client.get(url, follow=True).content.decode()
        assert unread_badge(html) == "3", url
    assert 'title="3 unread messages"' in html


def test_no_badge_without_unread_and_none_for_the_roles_not_told(client, people):
    client.force_login(people["manager"])
    html = client.get(reverse("orders:my-orders")).content.decode()
    assert 'id="inbox-link"' in html and unread_badge(html) is None
    tell(people["operator"], 2)
    client.force_login(people["operator"])
    desk = client.get(reverse("calls:desk")).content.decode()
    assert 'id="inbox-link"' not in desk and unread_badge(desk) is None
    assert f'href="{reverse("inbox")}"' in desk  # the inbox itself is still in the menu


def test_the_header_partial_is_the_link_with_the_count_in_one_query(
    client, people, django_assert_num_queries
):
    tell(people["manager"], 2)
    client.force_login(people["manager"])
    client.get(reverse("inbox"), headers=HEADER)  # the session is warm
    # the session, the user with their role; the count
    with django_assert_num_queries(3):
        response = client.get(reverse("inbox"), headers=HEADER)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<span id="inbox-link"')
    assert "<html" not in html and unread_badge(html) == "2"
    tell(people["manager"], 7)
    with django_assert_num_queries(3):
        assert unread_badge(client.get(reverse("inbox"), headers=HEADER).content.decode()) == "9"


def test_the_header_partial_counts_nothing_for_those_not_told(client, people, django_assert_num_queries):
    tell(people["operator"], 2)
    client.force_login(people["operator"])
    client.get(reverse("inbox"), headers=HEADER)  # the session is warm
    with django_assert_num_queries(2):  # the session, the user with their role: no count
        html = client.get(reverse("inbox"), headers=HEADER).content.decode()
    assert unread_badge(html) is None


def test_the_header_count_costs_one_query_whatever_the_messages(client, people, django_assert_num_queries):
    client.force_login(people["manager"])
    tell(people["manager"], 1)
    client.get(reverse("inbox"))  # the session is warm
    # the session, the user with their role; the page's count, its rows, its unread count; the
    # header's count
    with django_assert_num_queries(6):
        client.get(reverse("inbox"))
    tell(people["manager"], 40)
    with django_assert_num_queries(6):
        client.get(reverse("inbox"))


def test_a_new_order_for_their_client_is_a_row_of_the_managers_orders_partial(
    client, people, django_assert_num_queries
):
    mine = ClientFactory(name="ООО «Заря»", manager=people["manager"])
    theirs = ClientFactory(name="Kiosk Vostok", manager=people["other"])
    client.force_login(people["manager"])
    html = client.get(reverse("orders:my-orders"), headers=HTMX).content.decode()
    assert html.strip().startswith('<div id="order-list"') and "<html" not in html
    assert "No orders yet." in html
    order = OrderFactory(client=mine, number="2026-000501", total=Decimal("8543.23"))
    OrderFactory(client=theirs, number="2026-000502", total=Decimal("100.00"))
    # the session, the user with their role; the orders' count and page (no header: the list alone)
    with django_assert_num_queries(4):
        html = client.get(reverse("orders:my-orders"), headers=HTMX).content.decode()
    assert f'<tr id="order-{order.pk}">' in html
    assert "ООО «Заря»" in html and "RUB\xa08,543.23" in html
    assert "2026-000502" not in html and "Kiosk Vostok" not in html
    assert f'id="reason-{order.pk}" hx-preserve="true"' in html  # a reason being typed stays


def test_the_list_keeps_the_filter_and_the_page_it_refreshes(client, people):
    client.force_login(people["manager"])
    html = client.get(reverse("orders:my-orders"), {"status": "confirmed"}).content.decode()
    assert 'hx-get="/orders/mine/?status=confirmed"' in html


def test_the_inbox_partial_lists_only_the_readers_messages(client, people):
    tell(people["manager"], 2, "Заказ 2026-000777")
    tell(people["other"], 1, "Чужое")
    client.force_login(people["manager"])
    html = client.get(reverse("inbox"), headers=HTMX).content.decode()
    assert html.strip().startswith('<section class="card" id="inbox"') and "<html" not in html
    assert "Inbox: 2 unread" in html and "Заказ 2026-000777 1" in html and "Чужое" not in html


def test_marking_read_answers_the_list_and_tells_the_header(client, people):
    tell(people["manager"], 2)
    client.force_login(people["manager"])
    response = client.post(reverse("inbox-read", args=[0]), headers=HTMX)
    assert response["HX-Trigger"] == '{"inbox-read": {}}'
    assert "Inbox: 0 unread" in response.content.decode()
    assert unread_badge(client.get(reverse("inbox"), headers=HEADER).content.decode()) is None


def test_a_call_transferred_to_a_key_account_manager_reaches_them(
    client, people, django_capture_on_commit_callbacks
):
    """III.4: a key client's call passed to a key-account manager who is not its own manager;
    they hear it in the header, read the row and open the call."""
    key = ClientFactory(name="Сеть «Перекрёсток»", type=client_type("key"), manager=people["manager"])
    ClientPhoneFactory(client=key, number="+74951112233")
    call = register_call(actor=people["operator"], direction="inbound", phone="+74951112233")
    with django_capture_on_commit_callbacks(execute=True):
        transfer_call(actor=people["operator"], call_id=call.pk, to="vasilyeva", reason="Павлова в отпуске")
    client.force_login(people["kam"])
    assert unread_badge(client.get(reverse("inbox"), headers=HEADER).content.decode()) == "1"
    inbox = client.get(reverse("inbox"), headers=HTMX).content.decode()
    assert "Call transferred to you: Сеть «Перекрёсток» (+74951112233)" in inbox
    link = reverse("calls:call", args=[call.pk])
    assert f'href="{link}"' in inbox
    assert client.get(link).status_code == 200
    client.force_login(people["manager"])
    assert unread_badge(client.get(reverse("inbox"), headers=HEADER).content.decode()) is None


def test_a_consultation_and_a_comment_reach_the_heads_count(
    client, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_head(
            actor=people["operator"],
            call_id=None,
            question="Скидка 7% для «Зари»?",
            department_code="wholesale",
        )
        record_feedback(
            actor=people["operator"],
            call_id=None,
            client_id=None,
            text="Просят доставку к 8:00",
            departments=["wholesale"],
        )
    client.force_login(people["head"])
    assert unread_badge(client.get(reverse("inbox"), headers=HEADER).content.decode()) == "2"
    inbox = client.get(reverse("inbox"), headers=HTMX).content.decode()
    assert "Скидка 7% для «Зари»?" in inbox and "Просят доставку к 8:00" in inbox
