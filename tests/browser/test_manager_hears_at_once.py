"""The manager hears at once (III.14): sitting on her orders page, on the desk as it is served
(ASGI, with its push channel), she sees the unread count in the header and the order an operator
confirmed for her client appear within seconds, without a reload."""

import json
import time
import urllib.request
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
PUSHED_WITHIN_MS = 3_000  # by the push channel: the fallback polls every 30 s, far past this


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


def confirm_through_the_api(base_url: str, token: str, order_id: int) -> dict:
    request = urllib.request.Request(  # noqa: S310 (the test's own server on loopback)
        f"{base_url}/api/v1/orders/{order_id}/confirm",
        data=b"",
        headers={"Authorization": f"Bearer {token}"},
        method="POST",
    )
    assert request.full_url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200
        return json.loads(response.read())


def test_the_manager_sees_the_count_and_the_order_appear_without_a_reload(
    page: Page, asgi_live_server, console_errors
):
    # given: the operator's drafts for Pavlova's client and another manager's, and Pavlova on her
    # orders page with its stream open
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
    token = issue_api_token(user=olga, name="t").raw
    operator_api = HttpClient(headers={"Authorization": f"Bearer {token}"})
    order_id = draft_ready_to_confirm(operator_api, zarya.pk)
    others_order = draft_ready_to_confirm(operator_api, vostok.pk)
    base = asgi_live_server.url
    log_in(page, base, "tpavlova")
    expect(page).to_have_url(f"{base}/orders/mine/")
    expect(page.locator("body")).to_have_attribute("data-live", "up")
    expect(page.locator(f"#order-{order_id}")).to_contain_text("draft")
    expect(page.locator("#inbox-unread")).to_have_count(0)
    page.evaluate("window.stillTheSamePage = true")  # gone if the page were reloaded

    # when: the operator confirms the order of Pavlova's client, and another manager's
    sent = time.monotonic()
    number = confirm_through_the_api(base, token, order_id)["number"]
    confirm_through_the_api(base, token, others_order)

    # then: the count and the confirmed order appear on the page she sits on, pushed
    expect(page.locator("#inbox-unread")).to_have_text("1", timeout=PUSHED_WITHIN_MS)
    row = page.locator(f"#order-{order_id}")
    expect(row).to_contain_text(number, timeout=PUSHED_WITHIN_MS)
    heard = time.monotonic() - sent
    assert heard < PUSHED_WITHIN_MS / 1000, f"the manager heard after {heard:.3f} s"
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
