"""An order as a distributor really takes it (III.7, III.10, III.12, III.23): from the call, the
receiver and address are already there (the client's authorised receiver at its default address),
a quantity that breaks a product's packs is refused with the nearest whole packs and taken rounded
to them, a promotion accepted from the suggestions lowers its line, and the screen shows the VAT
by rate and the saving in exact figures; then confirmed, and Alt+W back to the call's wrap-up."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from calls.services import register_call
from clients.models import Contact, DeliveryAddress
from orders.models import Order, Special
from staff.models import Role
from tests.browser.test_operator_journey import log_in
from tests.factories import ClientFactory, ClientPhoneFactory, ProductFactory, client_type, make_staff, price

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ADDRESS = "г. Москва, ул. Ленина, д. 5, павильон 12"


def the_client_and_the_catalog(today):
    manager = make_staff(
        Role.MANAGER, department_code="retail", username="tpavlova", full_name="Татьяна Павлова"
    )
    shop = ClientFactory(
        name="Минимаркет «Заря»",
        type=client_type("retail"),
        manager=manager,
        credit_limit=Decimal("100000.00"),
    )
    ClientPhoneFactory(client=shop, number="+74957654321")
    receiver = Contact.objects.create(
        client=shop, name="Иван Попов", phone="+79165554433", may_receive_goods=True
    )
    default = DeliveryAddress.objects.create(client=shop, address=ADDRESS, is_default=True)
    default.receivers.add(receiver)
    # water by whole cases of 12 (VAT 20 %); milk at 10 % VAT with 7 % off this week (III.23)
    water = ProductFactory(
        sku="ВОДА-05", name="Вода «Родник» 0,5 л", pack=12, whole_packs=True, min_quantity=12
    )
    price(water, "base", "60.00")
    milk = ProductFactory(sku="МОЛОКО-1", name="Молоко 3,2 % 1 л", vat_rate=10)
    price(milk, "base", "80.00")
    Special.objects.create(
        product=milk,
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=6),
        note="Молочная неделя",
        kind=Special.Kind.PERCENT_OFF,
        percent=Decimal("7"),
    )
    for sku, name in (("ПРЯНИК", "Пряник тульский"), ("ХАЛВА", "Халва подсолнечная")):
        new = ProductFactory(sku=sku, name=name, new_until=today + timedelta(days=20))
        price(new, "base", "45.00")
    return shop


def test_a_prefilled_receiver_a_pack_rounded_quantity_a_promotion_vat_and_the_saving(
    page: Page, live_server, console_errors
):
    # given: an operator on a call from a shop with an authorised receiver at its default address
    today = timezone.localdate()
    olga = make_staff(
        Role.OPERATOR, department_code="call_center", username="olga", full_name="Ольга Смирнова"
    )
    shop = the_client_and_the_catalog(today)
    call = register_call(actor=olga, direction="inbound", phone="+74957654321")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    page.goto(f"{live_server.url}/desk/calls/{call.pk}/")
    expect(page.locator("#take-order")).to_be_focused()
    page.keyboard.press("Alt+g")
    expect(page).to_have_url(re.compile(r"/orders/\d+/$"))

    # the receiver and the address are there before anything is typed (III.12)
    expect(page.locator("#id_receiver_name")).to_have_value("Иван Попов")
    expect(page.locator("#id_delivery_address")).to_have_value(ADDRESS)

    # 18 bottles of water break the cases of 12: refused with the nearest, then 24 taken
    search = page.locator("#product-search")
    lines = page.locator("#order-lines tbody tr")
    page.keyboard.press("F2")
    expect(search).to_be_focused()
    page.keyboard.type("ВОДА-05")
    page.keyboard.press("Tab")
    expect(page.locator("#line-quantity")).to_be_focused()
    page.keyboard.type("18")
    page.keyboard.press("Enter")
    expect(page.locator("#order-error")).to_have_text(
        "Вода «Родник» 0,5 л is sold by whole packs of 12: 12 or 24."
    )
    expect(lines.locator("td.empty")).to_have_count(1)  # nothing written
    page.locator("#line-quantity").fill("24")
    page.locator("#line-quantity").press("Enter")
    expect(lines).to_have_count(1)
    expect(lines.first.locator("input[name=quantity]")).to_have_value("24")

    # the milk week's promotion, accepted from the suggestions for 10 litres: 7 % off the line
    page.wait_for_load_state("networkidle")  # the panels the new line redraws have come back
    page.keyboard.press("Alt+s")
    expect(page.locator(".suggestion").first).to_contain_text("Молочная неделя")
    expect(page.locator(".suggestion").first.locator("input[name=quantity]")).to_be_focused()
    page.keyboard.type("10")
    page.keyboard.press("Enter")
    expect(lines).to_have_count(2, timeout=15_000)  # a busy machine: the server's answer, not the page
    expect(page.locator("#offers-made")).to_have_text("1 of 3 offers made")
    expect(page.locator("[id$=-promotion]")).to_have_text("7 % off: saving RUB\xa056.00")
    # the other two suggestions declined with reasons from the list
    for made, reason in ((2, "Not this time"), (3, "No shelf space")):
        expect(page.locator(".suggestion").first.locator("input[name=quantity]")).to_be_focused()
        page.keyboard.press("Alt+s")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.type(reason)
        page.keyboard.press("Enter")
        expect(page.locator("#offers-made")).to_have_text(f"{made} of 3 offers made")

    # then: VAT by rate and the saving, exact (prices include VAT; VAT rounded per line)
    # water 24 x 60.00 = 1,440.00, VAT 20/120 = 240.00; milk 10 x 74.40 = 744.00, VAT 10/110 = 67.64
    expect(page.locator("#order-vat-20")).to_have_text("RUB\xa0240.00")
    expect(page.locator("#order-vat-10")).to_have_text("RUB\xa067.64")
    expect(page.locator("#order-net")).to_have_text("RUB\xa01,876.36")
    expect(page.locator("#order-total")).to_have_text("RUB\xa02,184.00")
    expect(page.locator("#order-saving")).to_have_text("RUB\xa056.00")
    page.wait_for_timeout(100)  # let the panel settle before leaving it

    # the delivery date by its key; the prefilled receiver's phone is there too
    page.keyboard.press("Alt+t")
    expect(page.locator("#id_receiver_phone")).to_have_value(re.compile(r"\+?7.*916.*555.*44.*33"))
    page.keyboard.press("Alt+n")
    expect(page.locator("#order-ready")).to_be_visible()
    page.keyboard.press("Alt+c")
    expect(page.locator("#order-title")).to_contain_text(re.compile(r"Order \d{4}-\d{6}: Минимаркет «Заря»"))
    order = Order.objects.get(client=shop)
    assert (order.status, order.receiver_name, order.delivery_address) == ("confirmed", "Иван Попов", ADDRESS)
    assert (order.total, order.vat) == (Decimal("2184.00"), Decimal("307.64"))
    expect(page.locator("#order-total")).to_have_text("RUB\xa02,184.00")
    expect(page.locator("#order-saving")).to_have_text("RUB\xa056.00")
    page.keyboard.press("Alt+w")
    expect(page).to_have_url(f"{live_server.url}/desk/calls/{call.pk}/#wrap-up")
    expect(page.locator("#take-order")).to_have_count(0)
    assert console_errors == []
