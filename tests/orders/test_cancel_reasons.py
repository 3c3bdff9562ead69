"""Errors as the job means them (section VI): an order is cancelled with a reason code, through
every door (the manager's screen, the API, admin), and only the codes that are the operator's own
mistake count as the operator's errors in the reports. Existing free-text reasons were migrated to
codes."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as live_apps
from django.urls import reverse
from django.utils import timezone

from orders.models import CancelReason, Order, OrderChange
from orders.services import change_status
from reports.build import build_day
from reports.models import OperatorDay
from staff.models import Role
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"
migration = importlib.import_module("orders.migrations.0014_cancel_reason_codes")


@pytest.fixture
def confirmed(manager, shop, operator) -> Order:
    return OrderFactory(client=shop, taken_by=operator, number="2026-000777", status=Order.Status.CONFIRMED)


def test_the_codes_and_which_are_the_operators_own_mistake():
    assert [(code, CancelReason(code).is_operators_mistake) for code in CancelReason.values] == [
        ("out_of_stock", False),
        ("client_refused", False),
        ("price_error", False),
        ("wrong_quantity", True),
        ("wrong_product", True),
        ("wrong_terms", True),
        ("duplicate", True),
        ("other", False),
    ]


# --- The service and the API ----------------------------------------------------------------------


def test_cancelling_needs_a_known_code_and_changes_nothing_without_one(api, manager, confirmed):
    http = api(manager)
    for body, field in (
        ({"status": "cancelled", "reason": "клиент передумал"}, "code"),
        ({"status": "cancelled", "code": "whim", "reason": "x"}, "code"),
        ({"status": "cancelled", "code": "other"}, "reason"),
    ):
        response = http.post(f"/api/v1/orders/{confirmed.pk}/status", body, content_type=JSON)
        assert response.status_code == 400
        assert [error["field"] for error in response.json()["errors"]] == [field]
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.cancel_code, confirmed.cancel_reason) == ("confirmed", "", "")
    assert not OrderChange.objects.filter(order=confirmed).exists()


def test_the_api_cancels_with_the_code_and_answers_it(api, manager, confirmed):
    response = api(manager).post(
        f"/api/v1/orders/{confirmed.pk}/status",
        {"status": "cancelled", "code": "duplicate", "reason": "взят дважды"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["cancellation"] == {
        "code": "duplicate",
        "reason": "взят дважды",
        "operators_mistake": True,
    }
    change = OrderChange.objects.get(order=confirmed)
    assert (change.old_value, change.new_value, change.reason) == (
        "confirmed",
        "cancelled",
        "duplicate: взят дважды",
    )


def test_an_order_not_cancelled_answers_no_cancellation(api, manager, confirmed):
    body = api(manager).get(f"/api/v1/orders/{confirmed.pk}").json()
    assert body["cancellation"] is None


# --- The manager's screen -------------------------------------------------------------------------


def test_the_managers_screen_cancels_with_a_code_from_the_list(client, manager, confirmed):
    client.force_login(manager)
    page = client.get(reverse("orders:my-orders")).content.decode()
    assert f'<select name="code" id="cancel-code-{confirmed.pk}"' in page
    assert '<option value="out_of_stock">Out of stock</option>' in page
    assert '<option value="duplicate">Duplicate order</option>' in page
    client.post(
        reverse("orders:status", args=[confirmed.pk]),
        {"status": "cancelled", "code": "out_of_stock", "reason": "склад пуст"},
    )
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.cancel_code, confirmed.cancel_reason) == (
        "cancelled",
        "out_of_stock",
        "склад пуст",
    )
    html = client.get(reverse("orders:order", args=[confirmed.pk])).content.decode()
    assert '<p class="message" id="order-cancelled">Cancelled: Out of stock (склад пуст)</p>' in html


# --- Admin ----------------------------------------------------------------------------------------


def test_admin_asks_why_then_cancels_through_the_service(client, staff_of, shop, operator):
    admin_user = staff_of(Role.ADMIN, username="root")
    client.force_login(admin_user)
    orders = [
        OrderFactory(client=shop, taken_by=operator, number=f"2026-00090{n}", status=Order.Status.CONFIRMED)
        for n in (1, 2)
    ]
    url = reverse("admin:orders_order_changelist")
    selected = {"action": "cancel", "_selected_action": [o.pk for o in orders]}
    asked = client.post(url, selected)
    assert asked.status_code == 200
    assert "Why are these orders cancelled?" in asked.content.decode()
    again = client.post(url, {**selected, "apply": "1", "reason": "без кода"})  # no code: asked again
    assert again.status_code == 200
    assert Order.objects.filter(status=Order.Status.CANCELLED).count() == 0
    done = client.post(url, {**selected, "apply": "1", "code": "price_error", "reason": "цена в прайсе"})
    assert done.status_code == 302
    assert sorted(Order.objects.values_list("number", "status", "cancel_code", "cancel_reason")) == [
        ("2026-000901", "cancelled", "price_error", "цена в прайсе"),
        ("2026-000902", "cancelled", "price_error", "цена в прайсе"),
    ]
    assert set(OrderChange.objects.values_list("changed_by__username", flat=True)) == {"root"}


# --- The reports ----------------------------------------------------------------------------------


def test_only_the_operators_own_mistakes_are_their_errors(manager, shop, operator):
    today = timezone.localdate()
    earlier = timezone.now() - timedelta(days=2)
    for code in ("out_of_stock", "client_refused", "price_error", "other", "wrong_quantity", "duplicate"):
        order = OrderFactory(
            client=shop,
            taken_by=operator,
            status=Order.Status.CONFIRMED,
            confirmed_at=earlier,
            created_at=earlier,
        )
        change_status(actor=manager, order_id=order.pk, status="cancelled", code=code, reason="причина")
    build_day(today)
    assert OperatorDay.objects.get(day=today, operator=operator).errors == 2


# --- The data migration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("goods out of stock", "out_of_stock"),
        ("Нет на складе", "out_of_stock"),
        ("client changed their mind", "client_refused"),
        ("Клиент отказался", "client_refused"),
        ("duplicate order", "duplicate"),
        ("Дубль заказа 2026-000012", "duplicate"),
        ("wrong quantity typed", "wrong_quantity"),
        ("неверное количество", "wrong_quantity"),
        ("цена устарела", "price_error"),
        ("debt found late", "other"),
        ("", "other"),
    ],
)
def test_the_migration_maps_known_texts_to_codes(text, code):
    assert migration.code_for(text) == code


def test_the_migration_codes_cancelled_orders_and_keeps_their_text(shop, operator):
    kept = OrderFactory(
        client=shop, taken_by=operator, status=Order.Status.CANCELLED, cancel_reason="Долг найден"
    )
    stock = OrderFactory(
        client=shop, taken_by=operator, status=Order.Status.CANCELLED, cancel_reason="no stock"
    )
    coded = OrderFactory(
        client=shop,
        taken_by=operator,
        status=Order.Status.CANCELLED,
        cancel_code="duplicate",
        cancel_reason="stock",
    )
    live = OrderFactory(client=shop, taken_by=operator, status=Order.Status.CONFIRMED, cancel_reason="")
    migration.to_codes(live_apps, None)
    rows = {o.pk: (o.cancel_code, o.cancel_reason) for o in Order.objects.all()}
    assert rows == {
        kept.pk: ("other", "Долг найден"),
        stock.pk: ("out_of_stock", "no stock"),
        coded.pk: ("duplicate", "stock"),
        live.pk: ("", ""),
    }
