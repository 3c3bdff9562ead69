"""A whole order taken from the keyboard (III.7, III.12): the desk, five lines, three offers,
delivery, confirmation; then the client's manager sees it among their clients' orders."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from orders.favourites import rebuild_type_favourites
from orders.models import DiscountRule, Offer, Order, PriceColumn, Special
from staff.models import Role
from tests.browser.test_operator_journey import log_in
from tests.factories import (
    ClientFactory,
    ClientPhoneFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    client_type,
    make_staff,
    price,
)
from warehouse.calendar import next_working_day

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def stock_the_catalog(today):
    """The `catalog` of tests/orders/conftest.py, plus something to offer: a special (MILK), a new
    product (BAR) and one that clients of the type buy (WATER)."""
    products = {}
    for n, (sku, base) in enumerate(
        [
            ("COLA", "50.00"),
            ("KVASS", "40.00"),
            ("CHIPS", "35.50"),
            ("TEA", "120.00"),
            ("RICE", "90.00"),
            ("MILK", "75.25"),
            ("WATER", "20.00"),
        ]
    ):
        # tea is sold loose, by the kilogram: 2.5 of it is a quantity (orders.rules.sold_by_measure)
        unit = "kg" if sku == "TEA" else "pcs"
        product = ProductFactory(sku=sku, name=f"{sku.title()} product", unit=unit, pack=12 if n % 2 else 1)
        price(product, "base", base)
        price(product, "column_3", str((Decimal(base) * Decimal("0.94")).quantize(Decimal("0.01"))))
        products[sku] = product
    bar = ProductFactory(sku="BAR", name="Bar product", new_until=today + timedelta(days=30))
    price(bar, "base", "30.00")
    rule = DiscountRule.objects.create(
        column=PriceColumn.objects.get(code="column_3"),
        min_subtotal=Decimal("1000.00"),
        priority=10,
        valid_from=today - timedelta(days=365),
    )
    rule.client_types.add(client_type("retail"))
    Special.objects.create(
        product=products["MILK"],
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=7),
        note="Milk week: 5% off.",
    )
    neighbour = ClientFactory(name="Neighbour shop", type=client_type("retail"))
    yesterday = timezone.now() - timedelta(days=1)
    bought = OrderFactory(
        client=neighbour, number="2025-900001", created_at=yesterday, confirmed_at=yesterday
    )
    OrderLineFactory(order=bought, product=products["WATER"], quantity=Decimal("24.000"))
    rebuild_type_favourites(on=today)  # what the nightly task did last night
    return products


def test_operator_takes_a_whole_order_by_keyboard_and_the_manager_sees_it(
    page: Page, browser: Browser, live_server, console_errors
):
    # given
    from django.utils import timezone

    today = timezone.localdate()
    make_staff(Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova")
    manager = make_staff(
        Role.MANAGER, department_code="retail", username="tpavlova", full_name="Tatiana Pavlova"
    )
    shop = ClientFactory(
        name="Zarya minimarket",
        type=client_type("retail"),
        manager=manager,
        credit_limit=Decimal("100000.00"),
    )
    ClientPhoneFactory(client=shop, number="+74957654321")
    stock_the_catalog(today)

    # the desk: find the caller by phone, take an order with Alt+N
    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.locator("#client-search")).to_be_focused()
    page.keyboard.type("8 495 765-43-21")
    expect(page.locator("#client-results tbody tr")).to_have_count(1)
    expect(page.locator("#client-results")).to_contain_text("Zarya minimarket")
    page.keyboard.press("Alt+n")
    expect(page).to_have_url(re.compile(r"/orders/\d+/$"))
    expect(page.locator("#order-title")).to_contain_text("Draft order: Zarya minimarket")

    # five lines: SKU, Tab, quantity, Enter; the product box has the focus again after each
    search = page.locator("#product-search")
    page.keyboard.press("F2")
    expect(search).to_be_focused()
    lines = page.locator("#order-lines tbody tr")
    for count, (sku, quantity) in enumerate(
        [("COLA", "12"), ("KVASS", "24"), ("chips", "6"), ("TEA", "2.5"), ("RICE", "3")], start=1
    ):
        page.keyboard.type(sku)
        page.keyboard.press("Tab")
        expect(page.locator("#line-quantity")).to_be_focused()
        page.keyboard.type(quantity)
        page.keyboard.press("Enter")
        expect(lines).to_have_count(count)
        expect(search).to_be_focused()
    expect(lines.nth(2)).to_contain_text("Chips product")
    # 600 + 960 + 213 + 300 + 270 = 2 343 at base: column 3 (6% off)
    expect(page.locator("#order-total")).to_have_text("RUB\xa02,202.42")
    expect(page.locator("#order-column")).to_contain_text(
        "Column 3: retail client, order over RUB\xa01,000.00"
    )
    expect(page.locator("#order-headroom")).to_have_text("Credit: room for RUB\xa097,797.58 more.")
    expect(page.locator("#offers-made")).to_have_text("0 of 3 offers made")
    expect(page.locator("#confirm-order")).to_be_disabled()

    # three offers: accept the special, decline the new product and the type's favourite
    page.keyboard.press("Alt+s")
    expect(page.locator(".suggestion").first).to_contain_text("Milk week")
    page.keyboard.press("Enter")  # accept with the quantity shown (the pack)
    expect(page.locator("#offers-made")).to_have_text("1 of 3 offers made")
    expect(lines).to_have_count(6)
    expect(page.locator(".suggestion").first).to_contain_text("Bar product")
    # htmx moves the focus to the next suggestion when the panel settles: wait for it, as the
    # operator's eyes would, before the next key
    expect(page.locator(".suggestion").first.locator("input[name=quantity]")).to_be_focused()
    page.keyboard.press("Alt+s")
    page.keyboard.press("Tab")  # Accept
    page.keyboard.press("Tab")  # why not?
    page.keyboard.type("has enough sweets")
    page.keyboard.press("Enter")
    expect(page.locator("#offers-made")).to_have_text("2 of 3 offers made")
    expect(page.locator(".suggestion").first).to_contain_text("Water product")
    expect(page.locator(".suggestion").first.locator("input[name=quantity]")).to_be_focused()
    page.keyboard.press("Alt+s")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("buys water elsewhere")
    page.keyboard.press("Enter")
    expect(page.locator("#offers-made")).to_have_text("3 of 3 offers made")
    expect(page.locator("#order-missing")).to_contain_text("Agree a delivery date")
    page.wait_for_timeout(100)  # let the panel settle (htmx's settle delay) before leaving it

    # delivery: Alt+T, the next working day, window, receiver, phone, Enter
    page.keyboard.press("Alt+t")
    expect(page.locator("#id_delivery_date")).to_be_focused()
    page.keyboard.type(next_working_day(today).isoformat())
    page.keyboard.press("Tab")
    page.keyboard.type("10:00-14:00")
    page.keyboard.press("Tab")
    page.keyboard.type("Ivan Popov")
    page.keyboard.press("Tab")
    page.keyboard.type("8 916 555-44-33")
    page.keyboard.press("Enter")
    expect(page.locator("#terms-notice")).to_have_text("Terms saved.")
    expect(page.locator("#order-ready")).to_be_visible()
    expect(page.locator("#confirm-order")).to_be_enabled()

    # confirm with Alt+C: the page shows the order with its number
    page.keyboard.press("Alt+c")
    expect(page.locator("#order-title")).to_contain_text(re.compile(r"Order \d{4}-\d{6}: Zarya minimarket"))
    order = Order.objects.get(client=shop)
    assert order.status == Order.Status.CONFIRMED
    expect(page.locator("#order-title")).to_contain_text(order.number)
    expect(page.locator("#product-search")).to_have_count(0)
    assert order.lines.count() == 6
    assert sorted(Offer.objects.filter(order=order).values_list("product__sku", "outcome")) == [
        ("BAR", "declined"),
        ("MILK", "accepted"),
        ("WATER", "declined"),
    ]
    assert (order.receiver_name, order.receiver_phone) == ("Ivan Popov", "+79165554433")
    assert console_errors == []

    # the client's manager sees the order among their clients' orders
    context = browser.new_context()
    manager_page = context.new_page()
    manager_errors: list[str] = []
    manager_page.on("console", lambda m: manager_errors.append(m.text) if m.type == "error" else None)
    manager_page.on("pageerror", lambda error: manager_errors.append(str(error)))
    log_in(manager_page, live_server.url, "tpavlova")
    expect(manager_page).to_have_url(f"{live_server.url}/orders/mine/")
    expect(manager_page.locator("main")).to_contain_text(order.number)
    expect(manager_page.locator("main")).to_contain_text("Zarya minimarket")
    # ... and has it in the inbox, the same second (III.14)
    manager_page.keyboard.press("Alt+i")
    expect(manager_page).to_have_url(f"{live_server.url}/inbox/")
    expect(manager_page.locator("#inbox h1")).to_have_text("Inbox: 1 unread")
    expect(manager_page.locator("#inbox")).to_contain_text(
        f"Order {order.number} confirmed: Zarya minimarket"
    )
    context.close()
    assert manager_errors == []
