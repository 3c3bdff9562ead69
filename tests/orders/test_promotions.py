"""Promotions that change the price (III.23): a special is a special price, a percentage off,
"N for the price of M" or one free per N bought; accepted on a line it prices the line, which
stores what was applied and what it saved, before the VAT is split out (orders.rules.price_line).
A special with only words is a note and changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import OrderLine, Special
from orders.rules import Promotion, price_line
from orders.services import change_line, record_offer, start_order
from staff.models import Role
from tests.factories import ProductFactory, price

JSON = "application/json"
D = Decimal
WATER = "Вода минеральная 0,5 л, упаковка 12 шт."


# --- The rule, no database -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "list_price", "promotion", "unit_price", "amount", "saving", "applied"),
    [
        # 3 for 2 on 7 units: two full groups give 2 free, 5 paid
        ("7", "120.00", Promotion("n_for_m", buy=3, pay=2), "120.00", "600.00", "240.00", "n_for_m"),
        ("6", "120.00", Promotion("n_for_m", buy=3, pay=2), "120.00", "480.00", "240.00", "n_for_m"),
        # "two for the price of one and a half" is 4 for 3
        ("9", "59.90", Promotion("n_for_m", buy=4, pay=3), "59.90", "419.30", "119.80", "n_for_m"),
        # 7 % off: 189.90 x 0.93 = 176.607 → 176.61 a unit, x 12
        (
            "12",
            "189.90",
            Promotion("percent_off", percent=D("7")),
            "176.61",
            "2119.32",
            "159.48",
            "percent_off",
        ),
        (
            "2.5",
            "899.00",
            Promotion("percent_off", percent=D("12.5")),
            "786.63",
            "1966.58",
            "280.92",
            "percent_off",
        ),
        # one free per 10 bought: of 22, 2 are free; of 21, 1
        ("22", "50.00", Promotion("free_per_n", buy=10), "50.00", "1000.00", "100.00", "free_per_n"),
        ("21", "50.00", Promotion("free_per_n", buy=10), "50.00", "1000.00", "50.00", "free_per_n"),
        (
            "5",
            "120.00",
            Promotion("special_price", special_price=D("99.00")),
            "99.00",
            "495.00",
            "105.00",
            "special_price",
        ),
    ],
)
def test_each_kind_prices_the_line(quantity, list_price, promotion, unit_price, amount, saving, applied):
    priced = price_line(D(quantity), D(list_price), promotion)
    assert (priced.unit_price, priced.amount, priced.saving, priced.promotion) == (
        D(unit_price),
        D(amount),
        D(saving),
        applied,
    )


@pytest.mark.parametrize(
    "promotion",
    [
        None,
        Promotion(""),  # a note
        Promotion("n_for_m", buy=3, pay=2),  # 2 units: no full group of 3
        Promotion("free_per_n", buy=10),  # 10 units: the 11th would be free
        Promotion("special_price", special_price=D("130.00")),  # above the column's price: it holds
    ],
)
def test_what_saves_nothing_changes_nothing(promotion):
    quantity = D("2") if promotion and promotion.kind == "n_for_m" else D("10")
    priced = price_line(quantity, D("120.00"), promotion)
    assert (priced.unit_price, priced.amount, priced.saving, priced.promotion) == (
        D("120.00"),
        quantity * D("120.00"),
        D("0.00"),
        "",
    )


# --- On an order -----------------------------------------------------------------------------------


@pytest.fixture
def commercial(staff_of):
    return staff_of(Role.COMMERCIAL, department_code=None, username="kvasilieva")


@pytest.fixture
def water(db):
    product = ProductFactory(sku="ВМ-05", name=WATER, unit="шт", pack=1, vat_rate=10)
    price(product, "base", "120.00")
    return product


def special(api, commercial, **terms) -> dict:
    today = timezone.localdate()
    response = api(commercial).post(
        "/api/v1/specials",
        {
            "sku": "ВМ-05",
            "valid_from": today.isoformat(),
            "valid_to": (today + timedelta(days=30)).isoformat(),
            "note": "Акция: три по цене двух",
            **terms,
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_an_accepted_3_for_2_prices_the_line_before_its_vat(api, commercial, operator, shop, water):
    body = special(api, commercial, kind="n_for_m", buy=3, pay=2)
    assert (body["kind"], body["terms"], body["buy"], body["pay"]) == (
        "n_for_m",
        "3 for the price of 2",
        3,
        2,
    )
    order = start_order(actor=operator, client_id=shop.pk)
    record_offer(
        actor=operator, order_id=order.pk, sku="ВМ-05", outcome="accepted", quantity="7", kind="special"
    )
    line = api(operator).get(f"/api/v1/orders/{order.pk}").json()["lines"][0]
    # 7 at 120.00 pay 5: 600.00, holding 600 x 10 / 110 = 54.5454... → 54.55 VAT
    assert {
        k: line[k] for k in ("unit_price", "total", "vat", "net", "promotion", "promotion_terms", "saving")
    } == {
        "unit_price": "120.00",
        "total": "600.00",
        "vat": "54.55",
        "net": "545.45",
        "promotion": "n_for_m",
        "promotion_terms": "3 for the price of 2",
        "saving": "240.00",
    }
    # 9 units: three groups, 3 free
    change = change_line(actor=operator, order_id=order.pk, line_id=line["id"], quantity="9")
    assert (change.line.total, change.line.saving, change.order.total) == (
        D("720.00"),
        D("360.00"),
        D("720.00"),
    )


def test_a_percentage_off_shows_the_discounted_unit_price(api, commercial, operator, shop, water):
    special(api, commercial, kind="percent_off", percent="7")
    order = start_order(actor=operator, client_id=shop.pk)
    record_offer(
        actor=operator, order_id=order.pk, sku="ВМ-05", outcome="accepted", quantity="12", kind="special"
    )
    body = api(operator).get(f"/api/v1/orders/{order.pk}").json()
    line = body["lines"][0]
    # 120.00 x 0.93 = 111.60 a unit, x 12 = 1 339.20; saved 1 440.00 - 1 339.20 = 100.80
    assert (line["unit_price"], line["total"], line["saving"], line["promotion_terms"]) == (
        "111.60",
        "1339.20",
        "100.80",
        "7 % off",
    )
    assert (body["total"], body["saving"]) == ("1339.20", "100.80")


def test_a_special_with_only_words_is_a_note(api, commercial, operator, shop, water):
    body = special(api, commercial)
    assert (body["kind"], body["terms"]) == ("", "")
    order = start_order(actor=operator, client_id=shop.pk)
    record_offer(
        actor=operator, order_id=order.pk, sku="ВМ-05", outcome="accepted", quantity="7", kind="special"
    )
    line = OrderLine.objects.get(order=order)
    assert (line.unit_price, line.total, line.saving, line.promotion) == (
        D("120.00"),
        D("840.00"),
        D("0.00"),
        "",
    )


def test_the_order_screen_shows_the_promotion_and_the_saving(client, api, commercial, operator, shop, water):
    special(api, commercial, kind="free_per_n", buy=10)
    order = start_order(actor=operator, client_id=shop.pk)
    record_offer(
        actor=operator, order_id=order.pk, sku="ВМ-05", outcome="accepted", quantity="22", kind="special"
    )
    line = OrderLine.objects.get(order=order)
    client.force_login(operator)
    html = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    assert f'id="line-{line.pk}-promotion">one free per 10 bought: saving RUB\xa0240.00<' in html
    assert 'id="order-saving">RUB\xa0240.00<' in html
    assert 'id="order-total">RUB\xa02,400.00<' in html


@pytest.mark.parametrize(
    ("terms", "errors"),
    [
        (
            {"kind": "percent_off", "percent": "100"},
            [("percent", "A percentage above 0 and below 100, e.g. 7 or 12.5.")],
        ),
        (
            {"kind": "percent_off", "percent": "0"},
            [("percent", "A percentage above 0 and below 100, e.g. 7 or 12.5.")],
        ),
        ({"kind": "percent_off"}, [("percent", "This kind of special needs it.")]),
        (
            {"kind": "n_for_m", "buy": 2, "pay": 2},
            [("pay", "N for the price of M pays for fewer units than it gives: M < N.")],
        ),
        ({"kind": "n_for_m", "buy": 3, "pay": 0}, [("pay", "A whole number from 1 to 10000.")]),
        ({"kind": "n_for_m", "buy": 3}, [("pay", "This kind of special needs it.")]),
        ({"kind": "free_per_n", "buy": 10, "pay": 9}, [("pay", "Not a term of this kind of special.")]),
        (
            {"kind": "two_for_one"},
            [
                (
                    "kind",
                    "Unknown kind; the kinds are: special_price, percent_off, n_for_m, free_per_n "
                    "(or none, for a note).",
                )
            ],
        ),
    ],
)
def test_bad_terms_are_refused_naming_each(api, commercial, water, terms, errors):
    today = timezone.localdate()
    response = api(commercial).post(
        "/api/v1/specials",
        {
            "sku": "ВМ-05",
            "valid_from": today.isoformat(),
            "valid_to": today.isoformat(),
            "note": "Акция",
            **terms,
        },
        content_type=JSON,
    )
    assert response.status_code == 400
    assert [(e["field"], e["detail"]) for e in response.json()["errors"]] == errors
    assert not Special.objects.exists()


def test_a_special_price_alone_is_a_special_price_as_before(api, commercial, water):
    body = special(api, commercial, special_price="99.00")
    assert (body["kind"], body["special_price"], body["terms"]) == (
        "special_price",
        "99.00",
        "special price RUB\xa099.00",
    )
