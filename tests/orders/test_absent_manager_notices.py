"""Nobody waits for an absent manager (III.14, III.19): the notice of a confirmed order goes to the
client's manager and, when the manager is absent, also to the head of the client's department,
or to the deputy when the head is absent too, saying so in the reader's language; in the order's
transaction (the outbox), delivered once, by e-mail with a link that opens."""

import uuid

import pytest
from django.utils import translation

from messaging.models import InboxMessage, OutboxMessage
from messaging.tasks import deliver_pending_outbox_task
from staff.models import Department, Role, User
from tests.orders.test_order_intake import JSON, confirmed_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def retail(staff_of):
    """Розница, headed by Ольга Смирнова (who reads Russian), Павел Кузнецов her deputy."""
    head = staff_of(
        Role.HEAD,
        department_code="retail",
        username="osmirnova",
        full_name="Ольга Смирнова",
        email="olga@example.test",
        language="ru",
    )
    deputy = staff_of(
        Role.HEAD, department_code="retail", username="pkuznetsov", full_name="Pavel Kuznetsov", email=""
    )
    Department.objects.filter(code="retail").update(name="Розница", head=head, deputy=deputy)
    return {"head": head, "deputy": deputy}


def away(*people: User) -> None:
    User.objects.filter(pk__in=[p.pk for p in people]).update(presence=User.Presence.ABSENT)


def confirm(http, order_id: int) -> str:
    response = http.post(f"/api/v1/orders/{order_id}/confirm")
    assert response.status_code == 200, response.json()
    return response.json()["number"]


def test_a_present_manager_alone_is_told(
    api, operator, catalog, shop, retail, django_capture_on_commit_callbacks
):
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(http, order_id)
    assert list(InboxMessage.objects.values_list("recipient__username", flat=True)) == ["tpavlova"]


def test_an_absent_managers_order_goes_also_to_the_head_in_her_language(
    api, operator, catalog, shop, retail, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://desk.example.com"
    away(shop.manager)
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        number = confirm(http, order_id)
    manager_copy = InboxMessage.objects.get(recipient__username="tpavlova")
    head_copy = InboxMessage.objects.get(recipient__username="osmirnova")
    assert manager_copy.subject == f"Order {number} confirmed: Zarya minimarket, RUB\xa0100.00"
    assert not manager_copy.body.startswith("Tatiana Pavlova is absent")
    with translation.override("ru"):
        subject = translation.gettext("Order %(number)s confirmed: %(client)s, %(total)s") % {
            "number": number,
            "client": "Zarya minimarket",
            "total": "100,00\xa0₽",
        }
    assert head_copy.subject == subject
    note = "Tatiana Pavlova отсутствует; отправлено вам как руководителю отдела «Розница»."
    assert head_copy.body.startswith(note + "\n\nZarya minimarket — заказ с доставкой ")
    assert head_copy.link == manager_copy.link == f"/orders/{order_id}/"
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 0
    # both e-mails, each with the link as a mail client opens it
    assert sorted(m.to[0] for m in mailoutbox) == ["olga@example.test", "tp@example.test"]
    olga_mail = next(m for m in mailoutbox if m.to == ["olga@example.test"])
    assert olga_mail.body.startswith(note)
    assert olga_mail.body.endswith(f"\n\nhttps://desk.example.com/orders/{order_id}/")
    # delivered once: the sweep finds nothing more to do
    assert deliver_pending_outbox_task() == 0
    assert InboxMessage.objects.count() == 2


def test_with_the_head_absent_too_the_deputy_is_told(
    api, operator, catalog, shop, retail, django_capture_on_commit_callbacks
):
    away(shop.manager, retail["head"])
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(http, order_id)
    assert sorted(InboxMessage.objects.values_list("recipient__username", flat=True)) == [
        "pkuznetsov",
        "tpavlova",
    ]
    deputy_copy = InboxMessage.objects.get(recipient__username="pkuznetsov")
    assert deputy_copy.body.startswith(
        "Tatiana Pavlova is absent; sent to you as deputy head of Розница."
        "\n\nZarya minimarket ordered for delivery on "
    )


def test_without_a_head_or_deputy_the_manager_alone_has_it(
    api, operator, catalog, shop, django_capture_on_commit_callbacks
):
    Department.objects.filter(code="retail").update(head=None, deputy=None)
    away(shop.manager)
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(http, order_id)
    assert list(InboxMessage.objects.values_list("recipient__username", flat=True)) == ["tpavlova"]


def test_the_stand_in_costs_two_queries_and_only_when_the_manager_is_absent(
    api, operator, catalog, shop, retail, django_assert_num_queries
):
    away(shop.manager)
    http = api(operator)
    http.get("/api/v1/lookup", {"phone": "+74957654321"})  # the token's first use is written once
    order_id = confirmed_ready(http, shop.pk)
    # the 24 of the operator's path (tests/orders/test_operator_path_queries.py), the department
    # with its head and deputy, and the head's notice
    with django_assert_num_queries(26):
        confirmed = http.post(
            f"/api/v1/orders/{order_id}/confirm", headers={"Idempotency-Key": str(uuid.uuid4())}
        )
    assert confirmed.status_code == 200
    assert OutboxMessage.objects.count() == 2


def test_a_refused_confirmation_tells_nobody(api, operator, catalog, shop, retail):
    away(shop.manager)
    http = api(operator)
    order = http.post("/api/v1/orders", {"client": shop.pk}, content_type=JSON).json()
    assert http.post(f"/api/v1/orders/{order['id']}/confirm").status_code == 409
    assert not OutboxMessage.objects.exists()
