"""The manager hears at once (III.14): sitting on their orders page, they see the unread count in
the header and the order an operator confirmed for their client appear, without a reload."""

from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from playwright.sync_api import Page, expect

from orders.models import Order
from staff.models import Role
from staff.services import issue_api_token
from tests.browser.test_operator_journey import log_in
from tests.factories import ClientFactory, ProductFactory, client_type, make_staff, price
from tests.orders.conftest import ready_terms

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
JSON = "application/json"
ARRIVES_WITHIN_MS = 15_000  # the page hears of the notice by the push channel, or at worst polls


def draft_ready_to_confirm(http: HttpClient, client_id: int) -> int:
    """A draft of three COLA for the client with three offers and the delivery agreed (III.7,
    III.12), taken by the operator through the API."""
    order = http.post("/api/v1/orders", {"client": client_id}, content_type=JSON).json()
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "3"}, content_type=JSON)
    for sku in ("TEA", "RICE", "MILK"):
        http.post(
            f"/api/v1/orders/{order['id']}/offers",
            {"sku": sku, "outcome": "declined", "reason": "ещё есть"},
            content_type=JSON,
        )
    assert http.patch(f"/api/v1/orders/{order['id']}", ready_terms(), content_type=JSON).status_code == 200
    return order["id"]


def test_the_manager_sees_the_count_and_the_order_appear_without_a_reload(
    page: Page, live_server, console_errors
):
    # given: the operator's draft for Pavlova's client, and Pavlova on her orders page
    olga = make_staff(
        Role.OPERATOR, department_code="call_center", username="olga", full_name="Ольга Смирнова"
    )
    pavlova = make_staff(
        Role.MANAGER, department_code="retail", username="tpavlova", full_name="Татьяна Павлова"
    )
    other = make_staff(Role.MANAGER, department_code="retail", username="ivanov")
    for sku, base in (("COLA", "50.00"), ("TEA", "120.00"), ("RICE", "90.00"), ("MILK", "75.25")):
        price(ProductFactory(sku=sku, name=f"{sku.title()} product"), "base", base)
    zarya = ClientFactory(name="Минимаркет «Заря»", type=client_type("retail"), manager=pavlova)
    vostok = ClientFactory(name="Kiosk Vostok", type=client_type("retail"), manager=other)
    operator_api = HttpClient(headers={"Authorization": f"Bearer {issue_api_token(user=olga, name='t').raw}"})
    order_id = draft_ready_to_confirm(operator_api, zarya.pk)
    others_order = draft_ready_to_confirm(operator_api, vostok.pk)
    log_in(page, live_server.url, "tpavlova")
    expect(page).to_have_url(f"{live_server.url}/orders/mine/")
    expect(page.locator(f"#order-{order_id}")).to_contain_text("draft")
    expect(page.locator("#inbox-unread")).to_have_count(0)
    page.evaluate("window.stillTheSamePage = true")  # gone if the page were reloaded

    # when: the operator confirms the order of Pavlova's client, and another manager's
    confirmed = operator_api.post(f"/api/v1/orders/{order_id}/confirm")
    assert confirmed.status_code == 200, confirmed.json()
    assert operator_api.post(f"/api/v1/orders/{others_order}/confirm").status_code == 200
    number = Order.objects.get(pk=order_id).number

    # then: the count and the confirmed order appear on the page she sits on
    expect(page.locator("#inbox-unread")).to_have_text("1", timeout=ARRIVES_WITHIN_MS)
    row = page.locator(f"#order-{order_id}")
    expect(row).to_contain_text(number, timeout=ARRIVES_WITHIN_MS)
    expect(row).to_contain_text("Confirmed")
    expect(row).to_contain_text("RUB\xa0150.00")
    expect(page.locator("#order-list")).not_to_contain_text("Kiosk Vostok")
    assert page.evaluate("window.stillTheSamePage") is True
    assert Order.objects.get(pk=order_id).total == Decimal("150.00")
    # the inbox, one key away, has the notice
    page.keyboard.press("Alt+i")
    expect(page.locator("#inbox h1")).to_have_text("Inbox: 1 unread")
    expect(page.locator("#inbox")).to_contain_text(f"Order {number} confirmed: Минимаркет «Заря»")
    assert console_errors == []
