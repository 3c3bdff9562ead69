"""A whole order taken in Russian (III.1, III.7, III.12; "Around the job": the interface in
Russian, money in roubles): an operator who has chosen Russian finds a Cyrillic client by a
lower-case part of its name, takes an order with a decimal-comma quantity, offers three items,
agrees a delivery date typed as dd.mm.yyyy and confirms; the client's manager, whose browser asks
for Russian, sees the order among their clients' orders. Every screen reads in Russian, with
dates as dd.mm.yyyy and amounts in roubles as Russian writes them."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from calls.models import Callback
from orders.favourites import rebuild_type_favourites
from orders.models import Offer, Order, Special
from staff.models import Role, User
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

NBSP = "\N{NO-BREAK SPACE}"


def rub(amount: str) -> str:
    """An amount as the Russian screens write it (CLDR's ru pattern, as Babel formats it): groups
    of thousands and the rouble sign after a no-break space, a decimal comma: "1 234,50 ₽"."""
    whole, cents = f"{Decimal(amount):,.2f}".split(".")
    return f"{whole.replace(',', NBSP)},{cents}{NBSP}₽"


def dd_mm_yyyy(day) -> str:
    return day.strftime("%d.%m.%Y")


def stock_the_catalogue(today):
    """A Russian catalogue at base prices, and something to offer: a special (butter), a new
    product (kvass) and what clients of the type buy (mineral water)."""
    products = {}
    for sku, name, unit, pack, base in [
        ("MLK-032", "Молоко 3,2% «Колос» 1 л", "шт", 12, "94.90"),
        ("SYR-050", "Сыр российский 50% «Алтай»", "кг", 1, "689.00"),
        ("BTR-825", "Масло сливочное 82,5% «Вологодское» 180 г", "шт", 10, "229.90"),
        ("KVS-150", "Квас хлебный «Родник» 1,5 л", "шт", 6, "119.90"),
        ("WTR-150", "Вода минеральная «Алтай» 1,5 л", "шт", 6, "65.90"),
    ]:
        products[sku] = ProductFactory(sku=sku, name=name, unit=unit, pack=pack)
        price(products[sku], "base", base)
    products["KVS-150"].new_until = today + timedelta(days=30)
    products["KVS-150"].save(update_fields=["new_until"])
    Special.objects.create(
        product=products["BTR-825"],
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=7),
        note="Неделя масла: скидка 5%.",
    )
    neighbour = ClientFactory(name="Минимаркет «Колос» №7", type=client_type("retail"))
    yesterday = timezone.now() - timedelta(days=1)
    bought = OrderFactory(
        client=neighbour, number="2025-900001", created_at=yesterday, confirmed_at=yesterday
    )
    OrderLineFactory(order=bought, product=products["WTR-150"], quantity=Decimal("24.000"))
    rebuild_type_favourites(on=today)  # what the nightly task did last night
    return products


def log_in(page: Page, username: str, *, username_label: str) -> None:
    """Sign in from the login page by the keyboard, its username box named in the page's language."""
    expect(page.get_by_label(username_label)).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("secret-pass-123")
    page.keyboard.press("Enter")


def test_operator_takes_a_whole_order_in_russian(page: Page, browser: Browser, live_server, console_errors):
    # given: an operator who chose Russian, a Cyrillic client, a Russian catalogue
    today = timezone.localdate()
    olga = make_staff(
        Role.OPERATOR,
        department_code="call_center",
        username="olga",
        full_name="Ольга Смирнова",
        language="ru",
    )
    manager = make_staff(
        Role.MANAGER, department_code="retail", username="tpavlova", full_name="Татьяна Павлова"
    )
    romashka = ClientFactory(
        name="Магазин «Ромашка» №12",
        type=client_type("retail"),
        manager=manager,
        credit_limit=Decimal("100000.00"),
    )
    ClientPhoneFactory(client=romashka, number="+74957654321")
    ClientFactory(name="ООО «Заря»", type=client_type("retail"), manager=manager)
    stock_the_catalogue(today)
    due = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(15, 30)))
    Callback.objects.create(phone="+74951112233", due_at=due, note="Перезвонить о прайс-листе")

    # the login page: the browser asks for English, the operator's record says Russian
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to calldesk")
    log_in(page, "olga", username_label="Username")

    # the desk, in Russian; a callback due tomorrow at 15:30, as dd.mm.yyyy
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name="Кто звонит?")).to_be_visible()
    expect(page.locator("#callback-queue")).to_contain_text(f"{dd_mm_yyyy(due)} 15:30")
    expect(page.locator("#callback-queue h2")).to_contain_text("Ожидающие обратные звонки")

    # a lower-case part of the name finds the client
    expect(page.locator("#client-search")).to_be_focused()
    page.keyboard.type("ромаш")
    expect(page.locator("#client-results tbody tr")).to_have_count(1)
    expect(page.locator("#client-results")).to_contain_text("Магазин «Ромашка» №12")
    expect(page.locator("#client-results")).to_contain_text("Татьяна Павлова")
    expect(page.locator("#client-results")).not_to_contain_text("«Заря»")
    expect(page.locator("#client-results thead th")).to_have_text(
        ["Клиент", "Тип", "Менеджер", "Телефоны", "ИНН", ""]
    )
    page.keyboard.press("Alt+n")

    # the draft order
    expect(page).to_have_url(re.compile(r"/orders/\d+/$"))
    expect(page.locator("#order-title")).to_have_text("Черновик заказа: Магазин «Ромашка» №12")
    expect(page.locator("#order-lines-card h2")).to_have_text("Строки")
    search = page.locator("#product-search")
    lines = page.locator("#order-lines tbody tr")
    page.keyboard.press("F2")
    expect(search).to_be_focused()
    # milk by its SKU, twelve bottles
    page.keyboard.type("MLK-032")
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    expect(lines).to_have_count(1)
    expect(search).to_be_focused()
    # cheese by a lower-case word of its name: the match shows its price in roubles
    page.keyboard.type("сыр")
    matches = page.locator("#product-matches li")
    expect(matches).to_have_count(1)
    expect(matches.first).to_contain_text(f"Сыр российский 50% «Алтай» {rub('689.00')} / кг")
    page.keyboard.press("Enter")  # takes the match, moves to the quantity
    expect(page.locator("#line-quantity")).to_be_focused()
    page.keyboard.type("2,5")  # two and a half kilos, with a decimal comma
    page.keyboard.press("Enter")
    expect(lines).to_have_count(2)
    cheese = lines.nth(1)
    expect(cheese).to_contain_text("SYR-050")
    expect(cheese.locator("input[name=quantity]")).to_have_value("2,5")
    expect(cheese.locator("td.num").nth(1)).to_have_text(rub("689.00"))
    # the VAT in it at 20 %: 1 722,50 / 6 = 287,083... → 287,08 (rounded half-up, line by line)
    expect(cheese.locator("td.num").nth(2)).to_have_text("20 %: " + rub("287.08"))
    expect(cheese.locator("td.num").nth(3)).to_have_text(rub("1722.50"))
    # 12 × 94,90 + 2,5 × 689,00 = 1 138,80 + 1 722,50
    expect(page.locator("#order-total")).to_have_text(rub("2861.30"))
    expect(page.locator("#order-headroom")).to_contain_text(rub("97138.70"))
    expect(page.locator("#offers-made")).to_have_text("Сделано предложений: 0 из 3")
    expect(page.locator("#confirm-order")).to_be_disabled()

    # three offers: accept the special, decline the new product and the type's favourite
    page.keyboard.press("Alt+s")
    expect(page.locator(".suggestion").first).to_contain_text("Неделя масла")
    expect(page.locator(".suggestion").first.locator("td.num")).to_have_text(rub("229.90"))
    page.keyboard.press("Enter")  # accept with the quantity shown (the pack)
    expect(page.locator("#offers-made")).to_have_text("Сделано предложений: 1 из 3")
    expect(lines).to_have_count(3)
    expect(page.locator(".suggestion").first).to_contain_text("Квас хлебный")
    expect(page.locator(".suggestion").first.locator("input[name=quantity]")).to_be_focused()
    page.keyboard.press("Alt+s")
    page.keyboard.press("Tab")  # Accept
    page.keyboard.press("Tab")  # why not?
    page.keyboard.type("квас ещё есть")
    page.keyboard.press("Enter")
    expect(page.locator("#offers-made")).to_have_text("Сделано предложений: 2 из 3")
    expect(page.locator(".suggestion").first).to_contain_text("Вода минеральная")
    expect(page.locator(".suggestion").first.locator("input[name=quantity]")).to_be_focused()
    page.keyboard.press("Alt+s")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("берёт воду у другого поставщика")
    page.keyboard.press("Enter")
    expect(page.locator("#offers-made")).to_have_text("Сделано предложений: 3 из 3")
    # + 10 × 229,90 = 2 299,00
    expect(page.locator("#order-total")).to_have_text(rub("5160.30"))
    expect(page.locator("#order-missing")).to_have_text(
        "Согласуйте дату доставки (рабочий день после сегодняшнего), имя и телефон получателя (III.12)."
    )
    page.wait_for_timeout(100)  # let the panel settle (htmx's settle delay) before leaving it

    # delivery: the next working day typed as dd.mm.yyyy, the window, the receiver, the phone
    delivery = next_working_day(today)
    terms = page.locator("#order-terms")
    expect(terms).to_contain_text(f"ближайшая доставка: {dd_mm_yyyy(delivery)}")
    page.keyboard.press("Alt+t")
    expect(page.locator("#id_delivery_date")).to_be_focused()
    page.keyboard.type(dd_mm_yyyy(delivery))
    page.keyboard.press("Tab")
    page.keyboard.type("10:00-14:00")
    page.keyboard.press("Tab")
    page.keyboard.type("Иван Попов")
    page.keyboard.press("Tab")
    page.keyboard.type("8 916 555-44-33")
    page.keyboard.press("Enter")
    expect(page.locator("#terms-notice")).to_have_text("Условия сохранены.")
    expect(page.locator("#id_delivery_date")).to_have_value(dd_mm_yyyy(delivery))
    expect(page.locator("#order-ready")).to_have_text("Всё согласовано: заказ можно подтверждать.")
    expect(page.locator("#confirm-order")).to_be_enabled()

    # confirm: the order with its number, its date and time, its delivery day, in Russian
    page.keyboard.press("Alt+c")
    expect(page.locator("#order-title")).to_contain_text(
        re.compile(r"Заказ \d{4}-\d{6}: Магазин «Ромашка» №12")
    )
    order = Order.objects.get(client=romashka)
    assert order.status == Order.Status.CONFIRMED
    assert order.delivery_date == delivery
    assert order.total == Decimal("5160.30")
    assert sorted(order.lines.values_list("product__sku", "quantity")) == [
        ("BTR-825", Decimal("10.000")),
        ("MLK-032", Decimal("12.000")),
        ("SYR-050", Decimal("2.500")),
    ]
    assert sorted(Offer.objects.filter(order=order).values_list("product__sku", "outcome")) == [
        ("BTR-825", "accepted"),
        ("KVS-150", "declined"),
        ("WTR-150", "declined"),
    ]
    assert (order.receiver_name, order.receiver_phone) == ("Иван Попов", "+79165554433")
    confirmed = timezone.localtime(order.confirmed_at)
    expect(page.locator("#order-head")).to_contain_text(f"подтверждён {confirmed:%d.%m.%Y %H:%M}")
    expect(page.locator("#order-total")).to_have_text(rub("5160.30"))
    expect(page.locator("#order-delivery")).to_contain_text(
        f"{dd_mm_yyyy(delivery)} 10:00-14:00 · получатель: Иван Попов"
    )
    assert User.objects.get(pk=olga.pk).language == "ru"
    assert console_errors == []

    # the client's manager, whose browser asks for Russian, sees it among their clients' orders
    context = browser.new_context(locale="ru-RU")
    manager_page = context.new_page()
    manager_errors: list[str] = []
    manager_page.on("console", lambda m: manager_errors.append(m.text) if m.type == "error" else None)
    manager_page.on("pageerror", lambda error: manager_errors.append(str(error)))
    manager_page.goto(f"{live_server.url}/login/")
    expect(manager_page.get_by_role("heading", level=1)).to_have_text("Вход в calldesk")
    log_in(manager_page, "tpavlova", username_label="Имя пользователя")
    expect(manager_page).to_have_url(f"{live_server.url}/orders/mine/")
    expect(manager_page.get_by_role("heading", level=1)).to_have_text("Заказы моих клиентов")
    row = manager_page.locator("main tbody tr", has_text=order.number)
    expect(row).to_contain_text("Магазин «Ромашка» №12")
    expect(row).to_contain_text(f"{confirmed:%d.%m.%Y %H:%M}")
    expect(row).to_contain_text("Ольга Смирнова")
    expect(row.locator("td.num")).to_have_text(rub("5160.30"))
    context.close()
    assert manager_errors == []
