"""VAT (НДС) on orders, as Russian invoices show it: each line's VAT at the product's rate,
rounded half-up to the kopeck line by line; the order's net, VAT per rate and totals with and
without VAT, exact (III.10, III.12: what was agreed, priced)."""

import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from orders.models import Order, OrderLine, Product
from orders.rules import VatRow, line_money, vat_by_rate
from orders.services import add_line, change_line, remove_line, start_order
from staff.models import Role
from tests.factories import ProductFactory, price

JSON = "application/json"
D = Decimal


# --- The rule, no database -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rate", "vat", "net"),
    [
        ("1329.30", 10, "120.85", "1208.45"),  # 120.8454... down
        ("100.71", 20, "16.79", "83.92"),  # 16.785 exactly: half-up, where half-even would give 16.78
        ("600.00", 20, "100.00", "500.00"),
        ("0.05", 20, "0.01", "0.04"),  # 0.0083... : a kopeck
        ("250.00", 0, "0.00", "250.00"),
    ],
)
def test_vat_in_a_price_that_holds_it_is_rate_over_100_plus_rate(amount, rate, vat, net):
    money = line_money(D(amount), rate, prices_include_vat=True)
    assert (money.net, money.vat, money.total) == (D(net), D(vat), D(amount))


@pytest.mark.parametrize(
    ("amount", "rate", "vat", "total"),
    [
        ("1329.30", 10, "132.93", "1462.23"),
        ("100.71", 20, "20.14", "120.85"),  # 20.142 down
        ("0.25", 10, "0.03", "0.28"),  # 0.025 exactly: half-up
        ("250.00", 0, "0.00", "250.00"),
    ],
)
def test_vat_on_a_price_without_it_is_added_at_rate_over_100(amount, rate, vat, total):
    money = line_money(D(amount), rate, prices_include_vat=False)
    assert (money.net, money.vat, money.total) == (D(amount), D(vat), D(total))


def test_vat_by_rate_sums_the_rounded_lines_highest_rate_first():
    rows = vat_by_rate(
        [(10, D("120.85"), D("1329.30")), (20, D("16.79"), D("100.71")), (20, D("100.00"), D("600.00"))]
    )
    assert rows == [
        VatRow(rate=20, net=D("583.92"), vat=D("116.79"), total=D("700.71")),
        VatRow(rate=10, net=D("1208.45"), vat=D("120.85"), total=D("1329.30")),
    ]
    assert vat_by_rate([]) == []


# --- A mixed order ---------------------------------------------------------------------------------


@pytest.fixture
def groceries(db):
    """Butter at 10 % (a food of the government's list), water and cola at 20 %: base prices only,
    so whatever column the order reaches, every line stays at these prices."""
    butter = ProductFactory(sku="МС-825", name="Масло сливочное 82,5 %", unit="кг", vat_rate=10)
    water = ProductFactory(
        sku="ВМ-05", name="Вода минеральная 0,5 л, упаковка 12 шт.", unit="шт", vat_rate=20
    )
    cola = ProductFactory(sku="ZC-050", name="Zarya Cola 0.5 l", vat_rate=20)
    price(butter, "base", "189.90")
    price(water, "base", "33.57")
    price(cola, "base", "50.00")
    return {"butter": butter, "water": water, "cola": cola}


def mixed_order(operator, shop) -> Order:
    order = start_order(actor=operator, client_id=shop.pk)
    add_line(actor=operator, order_id=order.pk, sku="МС-825", quantity="7")  # 1 329.30
    add_line(actor=operator, order_id=order.pk, sku="ВМ-05", quantity="3")  # 100.71
    add_line(actor=operator, order_id=order.pk, sku="ZC-050", quantity="12")  # 600.00
    return order


def test_a_mixed_order_with_prices_holding_vat_in_exact_figures(api, operator, groceries, shop):
    order = mixed_order(operator, shop)
    body = api(operator).get(f"/api/v1/orders/{order.pk}").json()
    assert [(ln["sku"], ln["vat_rate"], ln["net"], ln["vat"], ln["total"]) for ln in body["lines"]] == [
        ("МС-825", 10, "1208.45", "120.85", "1329.30"),
        ("ВМ-05", 20, "83.92", "16.79", "100.71"),
        ("ZC-050", 20, "500.00", "100.00", "600.00"),
    ]
    assert (body["net"], body["vat"], body["total"]) == ("1792.37", "237.64", "2030.01")
    assert body["vat_by_rate"] == [
        {"rate": 20, "net": "583.92", "vat": "116.79", "total": "700.71"},
        {"rate": 10, "net": "1208.45", "vat": "120.85", "total": "1329.30"},
    ]
    order.refresh_from_db()
    assert (order.total, order.vat, order.net) == (D("2030.01"), D("237.64"), D("1792.37"))


@override_settings(CALLDESK_PRICES_INCLUDE_VAT=False)
def test_a_mixed_order_with_prices_without_vat_adds_it_line_by_line(api, operator, groceries, shop):
    order = mixed_order(operator, shop)
    body = api(operator).get(f"/api/v1/orders/{order.pk}").json()
    assert [(ln["sku"], ln["unit_price"], ln["net"], ln["vat"], ln["total"]) for ln in body["lines"]] == [
        ("МС-825", "189.90", "1329.30", "132.93", "1462.23"),
        ("ВМ-05", "33.57", "100.71", "20.14", "120.85"),
        ("ZC-050", "50.00", "600.00", "120.00", "720.00"),
    ]
    assert (body["net"], body["vat"], body["total"]) == ("2030.01", "273.07", "2303.08")
    assert body["vat_by_rate"] == [
        {"rate": 20, "net": "700.71", "vat": "140.14", "total": "840.85"},
        {"rate": 10, "net": "1329.30", "vat": "132.93", "total": "1462.23"},
    ]


def test_changing_and_removing_lines_keeps_the_orders_vat_the_sum_of_its_lines(
    api, operator, groceries, shop
):
    order = mixed_order(operator, shop)
    change = change_line(
        actor=operator,
        order_id=order.pk,
        line_id=OrderLine.objects.get(order=order, product__sku="ВМ-05").pk,
        quantity="1",
    )
    # 33.57 / 6 = 5.595 → 5.60
    assert (change.line.total, change.line.vat) == (D("33.57"), D("5.60"))
    remove_line(
        actor=operator,
        order_id=order.pk,
        line_id=OrderLine.objects.get(order=order, product__sku="ZC-050").pk,
    )
    order.refresh_from_db()
    lines = OrderLine.objects.filter(order=order)
    assert order.vat == sum(line.vat for line in lines) == D("126.45")
    assert order.total == sum(line.total for line in lines) == D("1362.87")
    body = (
        api(operator)
        .post(f"/api/v1/orders/{order.pk}/lines", {"sku": "ZC-050", "quantity": "1"}, content_type=JSON)
        .json()
    )
    # the answer to a line carries the order's net, VAT and total: 50.00 holds 8.33
    assert (body["line"]["vat"], body["net"], body["vat"], body["total"]) == (
        "8.33",
        "1278.09",
        "134.78",
        "1412.87",
    )


def test_a_line_keeps_the_rate_it_was_written_at(operator, groceries, shop):
    order = mixed_order(operator, shop)
    Product.objects.filter(sku="МС-825").update(vat_rate=20)
    line = OrderLine.objects.get(order=order, product__sku="МС-825")
    assert (line.vat_rate, line.vat) == (10, D("120.85"))


def test_the_export_for_the_warehouse_carries_vat(api, operator, groceries, shop, staff_of):
    from django.contrib.auth.models import Permission

    from staff.models import User

    order = mixed_order(operator, shop)
    Order.objects.filter(pk=order.pk).update(
        status="confirmed", number="2026-000042", confirmed_at=order.created_at
    )
    warehouse = staff_of(Role.OPERATOR, department_code="call_center", username="warehouse")
    warehouse.user_permissions.add(Permission.objects.get(codename="change_order_status"))
    body = api(User.objects.get(pk=warehouse.pk)).get("/api/v1/orders", {"status": "confirmed"}).json()
    item = body["items"][0]
    assert (item["net"], item["vat"], item["total"]) == ("1792.37", "237.64", "2030.01")
    assert item["lines"][0] == {
        "sku": "МС-825",
        "name": "Масло сливочное 82,5 %",
        "unit": "кг",
        "quantity": "7.000",
        "unit_price": "189.90",
        "vat_rate": 10,
        "vat": "120.85",
        "total": "1329.30",
    }


def test_the_order_screen_shows_vat_per_rate_and_both_totals(client, operator, groceries, shop):
    order = mixed_order(operator, shop)
    client.force_login(operator)
    html = client.get(reverse("orders:order", args=[order.pk])).content.decode()

    def cell(element_id: str) -> str:
        return re.search(rf'id="{element_id}">([^<]*)<', html).group(1)

    assert cell("order-net") == "RUB\xa01,792.37"
    assert cell("order-vat-20") == "RUB\xa0116.79"
    assert cell("order-vat-10") == "RUB\xa0120.85"
    assert cell("order-total") == "RUB\xa02,030.01"
    assert "10 %: RUB\xa0120.85" in html  # the butter's line


# --- The rate in the price list --------------------------------------------------------------------


@pytest.fixture
def commercial(staff_of):
    return staff_of(Role.COMMERCIAL, department_code=None, username="kvasilieva")


def row(sku: str, name: str, **fields) -> dict:
    return {"sku": sku, "name": name, "prices": {"base": "100.00"}, **fields}


def test_the_price_list_sets_the_rate_and_a_new_product_without_one_gets_20(api, commercial):
    http = api(commercial)
    response = http.put(
        "/api/v1/price-list",
        [
            row("МС-825", "Масло сливочное 82,5 %", vat_rate=10),
            row("ZC-050", "Zarya Cola 0.5 l"),
            row("W-0", "Вода", vat_rate="0"),
        ],
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert dict(Product.objects.values_list("sku", "vat_rate")) == {"МС-825": 10, "ZC-050": 20, "W-0": 0}
    # a row without the rate keeps the product's
    http.put("/api/v1/price-list", [row("МС-825", "Масло сливочное 82,5 %")], content_type=JSON)
    assert Product.objects.get(sku="МС-825").vat_rate == 10


@pytest.mark.parametrize("rate", [18, "12", -10, "twenty", True, "10.5"])
def test_a_rate_outside_the_desks_rates_is_refused_naming_them(api, commercial, rate):
    response = api(commercial).put(
        "/api/v1/price-list", [row("МС-825", "Масло сливочное 82,5 %", vat_rate=rate)], content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "vat_rate", "detail": "The VAT rate must be one of 0, 10, 20 (per cent).", "row": 0}
    ]
    assert not Product.objects.exists()
