"""A manager's orders (III.14) and the price-list matrix by column (III.10)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order
from staff.models import Role
from tests.factories import ClientFactory, OrderFactory, ProductFactory, price

pytestmark = pytest.mark.django_db


def test_manager_sees_only_the_orders_of_their_clients(client, staff_of):
    oleg = staff_of(Role.MANAGER, full_name="Oleg Ivanov")
    other = staff_of(Role.MANAGER)
    mine = OrderFactory(
        client=ClientFactory(name="Mine shop", manager=oleg), number="2026-000101", total=Decimal("1500.25")
    )
    OrderFactory(client=ClientFactory(name="Someone else's", manager=other), number="2026-000102")
    client.force_login(oleg)
    html = client.get(reverse("orders:my-orders")).content.decode()
    assert "2026-000101" in html
    assert "Mine shop" in html
    assert "RUB\xa01,500.25" in html
    assert "2026-000102" not in html
    assert mine.status == Order.Status.CONFIRMED


def test_manager_orders_filter_by_status(client, staff_of):
    oleg = staff_of(Role.MANAGER)
    shop = ClientFactory(manager=oleg)
    OrderFactory(client=shop, number="2026-000201", status=Order.Status.DELIVERED)
    OrderFactory(client=shop, number="2026-000202", status=Order.Status.CONFIRMED)
    client.force_login(oleg)
    html = client.get(reverse("orders:my-orders"), {"status": "delivered"}).content.decode()
    assert "2026-000201" in html
    assert "2026-000202" not in html


def test_manager_orders_screen_query_count_is_constant(client, staff_of, django_assert_num_queries):
    oleg = staff_of(Role.MANAGER)
    for n in range(12):
        OrderFactory(client=ClientFactory(manager=oleg), number=f"2026-{n + 300:06d}")
    client.force_login(oleg)
    # session, the user with their role, count, page of orders with client and taker, the header's
    # unread count (III.14)
    with django_assert_num_queries(5):
        response = client.get(reverse("orders:my-orders"))
    assert response.content.decode().count(">2026-000") == 12  # the number links


def test_price_list_shows_each_product_in_every_column(client, staff_of):
    cola = ProductFactory(sku="SKU-1", name="Zarya Cola, 0.5 l")
    price(cola, "base", "50.00")
    price(cola, "column_3", "47.00")
    client.force_login(staff_of(Role.COMMERCIAL))
    response = client.get(reverse("orders:price-list"), {"q": "cola"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Zarya Cola, 0.5 l" in html
    cells = [cell.split("</td>")[0] for cell in html.split('<td class="num">')[1:]]
    assert cells == ["RUB\xa050.00", "—", "RUB\xa047.00", "—"]  # base, column 2, column 3, column 4


def test_manager_moves_an_order_along_from_their_page(client, staff_of):
    oleg = staff_of(Role.MANAGER)
    order = OrderFactory(client=ClientFactory(manager=oleg), number="2026-000501")
    client.force_login(oleg)
    url = reverse("orders:status", args=[order.pk])
    response = client.post(url, {"status": "in_fulfilment", "next": "/orders/mine/?status=confirmed"})
    assert response["Location"] == "/orders/mine/?status=confirmed"
    order.refresh_from_db()
    assert order.status == "in_fulfilment"
    page = client.get(reverse("orders:my-orders")).content.decode()
    assert "2026-000501: In fulfilment." in page
    assert 'value="delivered"' in page
    client.post(url, {"status": "cancelled", "reason": "клиент передумал"})  # no code: refused
    order.refresh_from_db()
    assert order.status == "in_fulfilment"
    assert "Choose why the order is cancelled." in client.get(reverse("orders:my-orders")).content.decode()


def test_moving_along_never_redirects_off_the_desk(client, staff_of):
    oleg = staff_of(Role.MANAGER)
    order = OrderFactory(client=ClientFactory(manager=oleg), number="2026-000502")
    client.force_login(oleg)
    response = client.post(
        reverse("orders:status", args=[order.pk]),
        {"status": "in_fulfilment", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/orders/mine/"


def test_another_managers_order_cannot_be_moved(client, staff_of):
    order = OrderFactory(client=ClientFactory(manager=staff_of(Role.MANAGER)), number="2026-000503")
    client.force_login(staff_of(Role.MANAGER))
    client.post(reverse("orders:status", args=[order.pk]), {"status": "in_fulfilment"})
    order.refresh_from_db()
    assert order.status == "confirmed"
