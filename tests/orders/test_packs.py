"""Units, packs and minimums (III.12: the quantities agreed are ones the warehouse ships): a line
below the product's minimum, not in whole packs when it is sold so, or a fraction of a piece is
refused, naming the nearest quantities that keep the terms; one rule (orders.rules), every door."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from orders.models import OrderLine, Product
from orders.rules import quantity_refusal, sold_by_measure
from orders.services import record_offer, start_order
from staff.models import Role
from tests.factories import ProductFactory, price

JSON = "application/json"
D = Decimal
WATER = "Вода минеральная 0,5 л, упаковка 12 шт."
BUTTER = "Масло сливочное 82,5 %"


# --- The rule, no database -------------------------------------------------------------------------


def refusal(quantity: str, *, name=WATER, unit="шт", pack=12, min_quantity="0", whole_packs=True):
    return quantity_refusal(
        D(quantity), name=name, unit=unit, pack=pack, min_quantity=D(min_quantity), whole_packs=whole_packs
    )


@pytest.mark.parametrize("quantity", ["12", "24", "120"])
def test_whole_packs_are_sold(quantity):
    assert refusal(quantity) is None


@pytest.mark.parametrize(
    ("quantity", "nearest"),
    [("18", ("12", "24")), ("5", ("12", "24")), ("25", ("24", "36")), ("12.5", ("12", "24"))],
)
def test_a_part_of_a_pack_is_refused_with_the_packs_either_side(quantity, nearest):
    refused = refusal(quantity)
    assert (refused.reason, refused.nearest) == ("whole_packs", tuple(D(n) for n in nearest))
    assert refused.detail == f"{WATER} is sold by whole packs of 12: {nearest[0]} or {nearest[1]}."


def test_below_the_minimum_names_the_minimum_and_the_next_pack():
    refused = refusal("12", min_quantity="24")
    assert (refused.reason, refused.nearest) == ("below_minimum", (D("24"), D("36")))
    assert refused.detail == f"{WATER} is sold from 24 шт: 24 or 36."


def test_a_minimum_that_is_not_a_whole_pack_rounds_up_to_one():
    assert refusal("12", min_quantity="10") is None
    assert refusal("6", min_quantity="5").nearest == (D("12"), D("24"))


def test_a_piece_is_never_split():
    refused = refusal("2.5", name="Zarya Cola 0.5 l", unit="pcs", pack=12, whole_packs=False)
    assert (refused.reason, refused.nearest) == ("whole_units", (D("2"), D("3")))
    assert refused.detail == "Zarya Cola 0.5 l is sold in whole units (pcs): 2 or 3."
    assert refusal("0.5", unit="шт", pack=1, whole_packs=False).nearest == (D("1"), D("2"))
    assert refusal("7", unit="шт", pack=12, whole_packs=False) is None  # loose bottles of a case


def test_a_measure_is_sold_in_fractions_from_its_minimum():
    assert refusal("2.5", name=BUTTER, unit="кг", pack=1, whole_packs=False) is None
    refused = refusal("7.5", name=BUTTER, unit="кг", pack=1, min_quantity="10", whole_packs=False)
    assert (refused.reason, refused.nearest) == ("below_minimum", (D("10"),))
    assert refused.detail == f"{BUTTER} is sold from 10 кг: 10 or more."


def test_the_words_are_the_readers_with_a_decimal_comma():
    with translation.override("ru"):
        refused = refusal("0.25", name=BUTTER, unit="кг", pack=1, min_quantity="0.5", whole_packs=False)
    assert refused.detail == f"{BUTTER} продаётся от 0,5 кг: 0,5 или больше."


@pytest.mark.parametrize(
    ("unit", "measure"),
    [("кг", True), ("Л.", True), ("kg", True), ("шт", False), ("pcs", False), ("упак.", False)],
)
def test_measures_are_the_units_a_quantity_may_be_a_fraction_of(unit, measure):
    assert sold_by_measure(unit) is measure


# --- Every door ------------------------------------------------------------------------------------


@pytest.fixture
def water(db):
    product = ProductFactory(
        sku="ВМ-05", name=WATER, unit="шт", pack=12, whole_packs=True, min_quantity=D("24")
    )
    price(product, "base", "33.57")
    return product


@pytest.fixture
def butter(db):
    product = ProductFactory(sku="МС-825", name=BUTTER, unit="кг", pack=1, min_quantity=D("0.5"))
    price(product, "base", "899.00")
    return product


@pytest.fixture
def draft(operator, shop, water, butter):
    return start_order(actor=operator, client_id=shop.pk)


def test_the_api_refuses_a_part_of_a_pack_and_writes_nothing(api, operator, draft):
    http = api(operator)
    response = http.post(
        f"/api/v1/orders/{draft.pk}/lines", {"sku": "ВМ-05", "quantity": "30"}, content_type=JSON
    )
    assert response.status_code == 400
    detail = f"{WATER} is sold by whole packs of 12: 24 or 36."
    assert response.json() == {
        "code": "invalid_quantity",
        "detail": detail,
        "errors": [{"field": "quantity", "detail": detail}],
    }
    assert not OrderLine.objects.exists()
    response = http.post(
        f"/api/v1/orders/{draft.pk}/lines", {"sku": "ВМ-05", "quantity": "12"}, content_type=JSON
    )
    assert response.json()["detail"] == f"{WATER} is sold from 24 шт: 24 or 36."


def test_the_api_takes_whole_packs_and_a_fraction_of_a_measure(api, operator, draft):
    http = api(operator)
    line = http.post(
        f"/api/v1/orders/{draft.pk}/lines", {"sku": "ВМ-05", "quantity": "36"}, content_type=JSON
    ).json()["line"]
    assert (line["quantity"], line["total"]) == ("36.000", "1208.52")
    line = http.post(
        f"/api/v1/orders/{draft.pk}/lines", {"sku": "МС-825", "quantity": "2.5"}, content_type=JSON
    ).json()["line"]
    assert (line["quantity"], line["total"]) == ("2.500", "2247.50")


def test_a_changed_quantity_and_an_added_one_keep_the_terms(api, operator, draft):
    http = api(operator)
    line_id = http.post(
        f"/api/v1/orders/{draft.pk}/lines", {"sku": "ВМ-05", "quantity": "24"}, content_type=JSON
    ).json()["line"]["id"]
    response = http.patch(f"/api/v1/orders/{draft.pk}/lines/{line_id}", {"quantity": "20"}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_quantity")
    assert response.json()["detail"] == f"{WATER} is sold from 24 шт: 24 or 36."
    # 24 on the line and 6 more make 30: the line would break the pack
    response = http.post(
        f"/api/v1/orders/{draft.pk}/lines", {"sku": "ВМ-05", "quantity": "6"}, content_type=JSON
    )
    assert response.json()["detail"] == f"{WATER} is sold by whole packs of 12: 24 or 36."
    assert OrderLine.objects.get(pk=line_id).quantity == D("24")


def test_an_offer_accepted_without_a_quantity_adds_the_least_that_is_sold(operator, draft):
    record_offer(actor=operator, order_id=draft.pk, sku="ВМ-05", outcome="accepted")
    record_offer(actor=operator, order_id=draft.pk, sku="МС-825", outcome="accepted")
    assert dict(OrderLine.objects.values_list("product__sku", "quantity")) == {
        "ВМ-05": D("24"),
        "МС-825": D("1"),
    }


def test_the_screen_says_why_and_keeps_what_was_typed(client, operator, draft):
    client.force_login(operator)
    html = client.post(
        reverse("orders:line-add", args=[draft.pk]),
        {"product": "ВМ-05", "quantity": "30"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f"{WATER} is sold by whole packs of 12: 24 or 36." in html
    assert 'id="order-error"' in html
    assert not OrderLine.objects.exists()


def test_the_price_list_sets_the_minimum_and_whole_packs(api, staff_of):
    http = api(staff_of(Role.COMMERCIAL, department_code=None, username="kvasilieva"))
    rows = [
        {
            "sku": "ВМ-05",
            "name": WATER,
            "unit": "шт",
            "pack": 12,
            "min_quantity": "24",
            "whole_packs": "да",
            "prices": {"base": "33.57"},
        },
        {"sku": "МС-825", "name": BUTTER, "unit": "кг", "min_quantity": "0,5", "prices": {"base": "899.00"}},
    ]
    assert http.put("/api/v1/price-list", rows, content_type=JSON).status_code == 200
    assert {p.sku: (p.min_quantity, p.whole_packs) for p in Product.objects.all()} == {
        "ВМ-05": (D("24.000"), True),
        "МС-825": (D("0.500"), False),
    }
    bad = [
        {
            "sku": "ВМ-05",
            "name": WATER,
            "min_quantity": "-1",
            "whole_packs": "maybe",
            "prices": {"base": "33.57"},
        }
    ]
    response = http.put("/api/v1/price-list", bad, content_type=JSON)
    assert response.status_code == 400
    assert [(e["field"], e["row"]) for e in response.json()["errors"]] == [
        ("min_quantity", 0),
        ("whole_packs", 0),
    ]
    products = http.get("/api/v1/products", {"search": "вода"}).json()["items"]
    assert [(p["min_quantity"], p["whole_packs"]) for p in products] == [("24.000", True)]


def test_the_screen_offers_a_new_product_in_a_quantity_it_is_sold_in(client, operator, draft, water):
    from datetime import timedelta

    from django.utils import timezone

    Product.objects.filter(pk=water.pk).update(new_until=timezone.localdate() + timedelta(days=10))
    client.force_login(operator)
    html = client.get(reverse("orders:order", args=[draft.pk])).content.decode()
    offered = html[html.index('name="sku" value="ВМ-05"') :]
    assert offered.index('name="quantity" inputmode="decimal" size="5" class="num" value="24"') < 800
