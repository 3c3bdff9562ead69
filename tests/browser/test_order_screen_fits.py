"""The order screen fits the work at 1366x768 (III.7, III.12, III.14): from the call, five lines
typed, and Confirm with what still stands in its way stays in the window without scrolling, and
after scrolling; a decline picks its reason from the admin's list; after confirming, Alt+W leads
back to the call's wrap-up, and the call offers no second order."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from calls.services import register_call
from orders.models import Offer, Order
from staff.models import Role
from tests.browser.test_operator_journey import log_in
from tests.browser.test_order_journey import stock_the_catalog
from tests.factories import ClientFactory, ClientPhoneFactory, client_type, make_staff
from warehouse.calendar import next_working_day

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WIDTH, HEIGHT = 1366, 768


def in_window(page: Page, selector: str) -> bool:
    """The element's whole box within the window as it is scrolled now."""
    box = page.locator(selector).bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= HEIGHT
        and box["x"] >= 0
        and (box["x"] + box["width"] <= WIDTH)
    )


def test_confirm_and_what_blocks_it_stay_in_view_and_alt_w_leads_back_to_the_wrap_up(
    page: Page, live_server, console_errors
):
    # given: an operator on a call from a retail shop
    today = timezone.localdate()
    olga = make_staff(
        Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova"
    )
    manager = make_staff(
        Role.MANAGER, department_code="retail", username="tpavlova", full_name="Tatiana Pavlova"
    )
    shop = ClientFactory(
        name="Минимаркет «Заря»",
        type=client_type("retail"),
        manager=manager,
        credit_limit=Decimal("100000.00"),
    )
    ClientPhoneFactory(client=shop, number="+74957654321")
    stock_the_catalog(today)
    call = register_call(actor=olga, direction="inbound", phone="+74957654321")
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    page.goto(f"{live_server.url}/desk/calls/{call.pk}/")
    expect(page.locator("#take-order")).to_be_focused()
    page.keyboard.press("Alt+g")
    expect(page).to_have_url(re.compile(r"/orders/\d+/$"))

    # five lines from the keyboard
    lines = page.locator("#order-lines tbody tr")
    search = page.locator("#product-search")
    page.keyboard.press("F2")
    expect(search).to_be_focused()
    for count, (sku, quantity) in enumerate(
        [("COLA", "12"), ("KVASS", "24"), ("CHIPS", "6"), ("TEA", "12"), ("RICE", "3")], start=1
    ):
        page.keyboard.type(sku)
        page.keyboard.press("Tab")
        expect(page.locator("#line-quantity")).to_be_focused()
        page.keyboard.type(quantity)
        page.keyboard.press("Enter")
        expect(lines).to_have_count(count)
        expect(search).to_be_focused()

    # then: the page is taller than the window, and Confirm and the list of what is missing are
    # in it without scrolling, at the top and at the bottom of the page alike
    assert page.evaluate("document.documentElement.scrollHeight") > HEIGHT
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator("#order-missing")).to_contain_text("Offer 3 more extra item(s) (III.7).")
    expect(page.locator("#order-missing")).to_contain_text("Agree a delivery date")
    assert in_window(page, "#confirm-order")
    assert in_window(page, "#order-missing")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert in_window(page, "#confirm-order")
    page.evaluate("window.scrollTo(0, 0)")

    # three offers declined, each reason picked from the list (typed as it reads there)
    for reason in ("Already has stock", "Price too high", "Not this time"):
        expect(page.locator(".suggestion").first.locator("input[name=quantity]")).to_be_visible()
        page.keyboard.press("Alt+s")
        expect(page.locator(".suggestion").first.locator("input[name=quantity]")).to_be_focused()
        page.keyboard.press("Tab")  # Accept
        page.keyboard.press("Tab")  # why not?
        page.keyboard.type(reason)
        page.keyboard.press("Enter")
        expect(page.locator("#offers-list li")).to_have_count(
            ["Already has stock", "Price too high", "Not this time"].index(reason) + 1
        )
    expect(page.locator("#offers-made")).to_have_text("3 of 3 offers made")
    expect(page.locator("#offers-list")).to_contain_text("Declined (Price too high)")
    page.wait_for_timeout(100)  # let the panel settle before leaving it

    page.keyboard.press("Alt+t")
    expect(page.locator("#id_delivery_date")).to_be_focused()
    page.keyboard.type(next_working_day(today).isoformat())
    page.keyboard.press("Tab")
    page.keyboard.type("10:00-14:00")
    page.keyboard.press("Tab")
    page.keyboard.type("Иван Попов")
    page.keyboard.press("Tab")
    page.keyboard.type("8 916 555-44-33")
    page.keyboard.press("Enter")
    expect(page.locator("#order-ready")).to_be_visible()
    assert in_window(page, "#order-ready")
    assert in_window(page, "#confirm-order")

    # confirm: one key back to the call's wrap-up, and the call takes no second order
    page.keyboard.press("Alt+c")
    expect(page.locator("#order-title")).to_contain_text(re.compile(r"Order \d{4}-\d{6}"))
    expect(page.locator("#wrap-up-call")).to_be_focused()
    page.keyboard.press("Alt+w")
    expect(page).to_have_url(f"{live_server.url}/desk/calls/{call.pk}/#wrap-up")
    order = Order.objects.get(client=shop)
    expect(page.locator("#order-taken")).to_contain_text(f"Order {order.number} is confirmed in this call")
    expect(page.locator("#take-order")).to_have_count(0)
    assert sorted(Offer.objects.filter(order=order).values_list("decline_reason__code", flat=True)) == [
        "has_stock",
        "not_this_time",
        "price_too_high",
    ]
    assert console_errors == []
