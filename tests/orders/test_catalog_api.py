"""The catalog doors of the API (API.md, "Catalog and prices"): columns, the price-list upsert,
products with the client's column price (III.10), specials and discount rules, and who may do what."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import DiscountRule, PriceChange, PriceColumn, Product, Special
from staff.models import Role
from tests.factories import ClientFactory, ProductFactory, client_type, price

pytestmark = pytest.mark.django_db


@pytest.fixture
def commercial(staff_of):
    return staff_of(Role.COMMERCIAL, department_code=None, username="kvasilieva")


def discount_rule(column_code, *type_codes, min_subtotal="0.00", priority=10):
    rule = DiscountRule.objects.create(
        column=PriceColumn.objects.get(code=column_code),
        min_subtotal=Decimal(min_subtotal),
        priority=priority,
        valid_from=timezone.localdate() - timedelta(days=30),
    )
    rule.client_types.set([client_type(code) for code in type_codes])
    return rule


def price_row(sku, base, **prices):
    return {
        "sku": sku,
        "name": f"Product {sku}",
        "unit": "pcs",
        "new_until": None,
        "active": True,
        "prices": {"base": base, **prices},
    }


# --- columns and the price list ------------------------------------------------------------------


def test_price_columns_are_listed_in_position_order(api, operator):
    response = api(operator).get("/api/v1/price-columns")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "base", "name": "Base", "position": 1},
        {"code": "column_2", "name": "Column 2", "position": 2},
        {"code": "column_3", "name": "Column 3", "position": 3},
        {"code": "column_4", "name": "Column 4", "position": 4},
    ]


def test_commercial_puts_the_price_list_and_again_changes_nothing(api, commercial):
    http = api(commercial)
    payload = [price_row("COLA", "50.00", column_2="48.50"), price_row("TEA", "12")]

    first = http.put("/api/v1/price-list", payload, content_type="application/json")
    again = http.put("/api/v1/price-list", payload, content_type="application/json")

    assert first.status_code == 200, first.json()
    assert first.json() == {"created": 2, "updated": 0, "prices_changed": 3}
    assert again.json() == {"created": 0, "updated": 0, "prices_changed": 0}
    history = PriceChange.objects.values_list(
        "product__sku", "column__code", "changed_by__username", "source"
    )
    assert set(history) == {
        ("COLA", "base", "kvasilieva", "api"),
        ("COLA", "column_2", "kvasilieva", "api"),
        ("TEA", "base", "kvasilieva", "api"),
    }


def test_the_admin_role_may_put_the_price_list(api, staff_of):
    response = api(staff_of(Role.ADMIN, department_code=None)).put(
        "/api/v1/price-list", [price_row("COLA", "1.00")], content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["created"] == 1


def test_a_body_that_is_not_a_list_is_400(api, commercial):
    response = api(commercial).put("/api/v1/price-list", {"sku": "COLA"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert not Product.objects.exists()


# --- products with the client's price ------------------------------------------------------------


@pytest.fixture
def priced_products(db):
    cola = ProductFactory(sku="COLA", name="Cola", unit="pcs", pack=12, category="Soft drinks")
    price(cola, "base", "50.00")
    price(cola, "column_3", "45.5")
    tea = ProductFactory(sku="TEA", name="Tea", new_until=date(2027, 1, 31))
    price(tea, "base", "12.00")  # no column_3 price: the client pays base
    return cola, tea


def test_products_show_the_column_price_for_a_client_whose_type_has_a_rule(api, operator, priced_products):
    discount_rule("column_3", "market")
    discount_rule("column_4", "market", min_subtotal="100000.00", priority=50)  # not reached by a list
    market_shop = ClientFactory(type=client_type("market"))

    response = api(operator).get("/api/v1/products", {"client": market_shop.pk})

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "warehouse": "main",  # the default warehouse serves the client's region (III.12)
        "items": [
            {
                "sku": "COLA",
                "name": "Cola",
                "unit": "pcs",
                "pack": 12,
                "category": "Soft drinks",
                "active": True,
                "new_until": None,
                "vat_rate": 20,
                "min_quantity": "0.000",
                "whole_packs": False,
                "price": "45.50",
                "column": "column_3",
                "available": None,  # the warehouse never reported it: not limited
            },
            {
                "sku": "TEA",
                "name": "Tea",
                "unit": "pcs",
                "pack": 1,
                "category": "",
                "active": True,
                "new_until": "2027-01-31",
                "vat_rate": 20,
                "min_quantity": "0.000",
                "whole_packs": False,
                "price": "12.00",
                "column": "base",
                "available": None,
            },
        ],
    }


def test_products_show_base_for_a_client_without_a_rule_and_without_a_client(api, operator, priced_products):
    discount_rule("column_3", "market")
    retail_shop = ClientFactory(type=client_type("retail"))
    http = api(operator)

    for params in ({"client": retail_shop.pk}, {}):
        response = http.get("/api/v1/products", params)
        assert response.status_code == 200
        assert [(i["sku"], i["price"], i["column"]) for i in response.json()["items"]] == [
            ("COLA", "50.00", "base"),
            ("TEA", "12.00", "base"),
        ]


def test_a_rule_that_has_ended_or_not_started_does_not_apply(api, operator, priced_products):
    today = timezone.localdate()
    ended = discount_rule("column_3", "market")
    ended.valid_to = today - timedelta(days=1)
    ended.save()
    DiscountRule.objects.create(
        column=PriceColumn.objects.get(code="column_3"), valid_from=today + timedelta(days=1)
    )

    response = api(operator).get("/api/v1/products", {"client": ClientFactory().pk, "search": "COLA"})

    assert [(i["sku"], i["price"], i["column"]) for i in response.json()["items"]] == [
        ("COLA", "50.00", "base")
    ]


def test_products_search_and_paginate(api, operator, priced_products):
    http = api(operator)

    by_name = http.get("/api/v1/products", {"search": "te"}).json()
    by_sku = http.get("/api/v1/products", {"search": "co"}).json()
    second_page = http.get("/api/v1/products", {"limit": 1, "offset": 1}).json()
    too_many = http.get("/api/v1/products", {"limit": 501})
    unknown_client = http.get("/api/v1/products", {"client": 999999})

    assert [i["sku"] for i in by_name["items"]] == ["TEA"]
    assert [i["sku"] for i in by_sku["items"]] == ["COLA"]
    assert (second_page["count"], [i["sku"] for i in second_page["items"]]) == (2, ["TEA"])
    assert too_many.status_code == 400 and too_many.json()["code"] == "validation_error"
    assert unknown_client.status_code == 404 and unknown_client.json()["code"] == "not_found"


@pytest.mark.parametrize("count", [3, 12])
def test_products_list_runs_in_a_constant_number_of_queries(count, api, operator, django_assert_num_queries):
    discount_rule("column_2", "market")
    for _ in range(count):
        product = ProductFactory()
        price(product, "base", "10.00")
        price(product, "column_2", "9.00")
    shop = ClientFactory()
    http = api(operator)
    http.get("/api/v1/products")  # the token's first use is recorded once

    # token and user, client with type, rules, their client types, the client's warehouse (III.12),
    # count, page (with its stock), prices
    with django_assert_num_queries(8):
        response = http.get("/api/v1/products", {"client": shop.pk})

    assert len(response.json()["items"]) == count
    assert {i["price"] for i in response.json()["items"]} == {"9.00"}


# --- specials and discount rules -------------------------------------------------------------------


def test_commercial_creates_a_special(api, commercial, priced_products):
    response = api(commercial).post(
        "/api/v1/specials",
        {
            "sku": "COLA",
            "valid_from": "2026-11-01",
            "valid_to": "2026-11-30",
            "client_types": ["market"],
            "note": "Cola at 45 this month",
            "special_price": "45.00",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    special = Special.objects.get()
    assert body == {
        "id": special.pk,
        "sku": "COLA",
        "valid_from": "2026-11-01",
        "valid_to": "2026-11-30",
        "client_types": ["market"],
        "note": "Cola at 45 this month",
        "kind": "special_price",  # a special price alone makes the kind
        "terms": "special price RUB\xa045.00",
        "special_price": "45.00",
        "percent": None,
        "buy": None,
        "pay": None,
    }
    assert special.created_by == commercial


def test_commercial_creates_a_discount_rule(api, commercial):
    response = api(commercial).post(
        "/api/v1/discount-rules",
        {
            "column": "column_2",
            "client_types": [],
            "min_subtotal": "5000.00",
            "priority": 20,
            "valid_from": "2026-01-01",
            "valid_to": None,
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    rule = DiscountRule.objects.get()
    assert response.json() == {
        "id": rule.pk,
        "name": "",
        "column": "column_2",
        "client_types": [],
        "min_subtotal": "5000.00",
        "priority": 20,
        "valid_from": "2026-01-01",
        "valid_to": None,
    }
    assert rule.created_by == commercial


@pytest.mark.parametrize(
    ("url", "body", "fields"),
    [
        (
            "/api/v1/specials",
            {"sku": "NOPE", "valid_from": "2026-11-01", "valid_to": "2026-11-30", "note": "x"},
            {"sku"},
        ),
        (
            "/api/v1/specials",
            {"sku": "COLA", "valid_from": "2026-11-30", "valid_to": "2026-11-01", "note": "x"},
            {"valid_to"},
        ),
        (
            "/api/v1/specials",
            {
                "sku": "COLA",
                "valid_from": "2026-11-01",
                "valid_to": "2026-11-30",
                "note": "x",
                "client_types": ["martians"],
            },
            {"client_types"},
        ),
        (
            "/api/v1/specials",
            {
                "sku": "COLA",
                "valid_from": "2026-11-01",
                "valid_to": "2026-11-30",
                "note": "x",
                "special_price": 45.5,
            },
            {"special_price"},
        ),
        ("/api/v1/discount-rules", {"column": "column_9", "valid_from": "2026-11-01"}, {"column"}),
        (
            "/api/v1/discount-rules",
            {"column": "column_2", "valid_from": "2026-11-30", "valid_to": "2026-11-01"},
            {"valid_to"},
        ),
        (
            "/api/v1/discount-rules",
            {"column": "column_2", "valid_from": "2026-11-01", "client_types": ["martians"]},
            {"client_types"},
        ),
        (
            "/api/v1/discount-rules",
            {"column": "column_2", "valid_from": "2026-11-01", "min_subtotal": "10.001"},
            {"min_subtotal"},
        ),
    ],
)
def test_bad_specials_and_rules_are_400_with_the_field(api, commercial, priced_products, url, body, fields):
    response = api(commercial).post(url, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert {e["field"] for e in response.json()["errors"]} == fields
    assert not Special.objects.exists() and not DiscountRule.objects.exists()


# --- roles ---------------------------------------------------------------------------------------


def test_an_operator_may_not_change_prices_specials_or_rules(api, operator, priced_products):
    http = api(operator)
    before = sorted(Product.objects.values_list("sku", "name"))

    price_list = http.put("/api/v1/price-list", [price_row("NEW", "1.00")], content_type="application/json")
    special = http.post(
        "/api/v1/specials",
        {"sku": "COLA", "valid_from": "2026-11-01", "valid_to": "2026-11-30", "note": "x"},
        content_type="application/json",
    )
    rule = http.post(
        "/api/v1/discount-rules",
        {"column": "column_2", "valid_from": "2026-11-01"},
        content_type="application/json",
    )

    for response in (price_list, special, rule):
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert sorted(Product.objects.values_list("sku", "name")) == before
    assert not Special.objects.exists() and not DiscountRule.objects.exists()
    assert not PriceChange.objects.exists()


def test_no_token_is_401(client):
    response = client.get("/api/v1/products")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
