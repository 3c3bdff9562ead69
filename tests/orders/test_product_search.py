"""Product search as a Russian types (calldesk.search, II.2, III.18): case in every alphabet,
ё = е, punctuation ignored, every word in any order, SKU digits alone; the same answers through
the catalogue, the price-list screen, the order screen and `GET /api/v1/products`. The price-list
upsert and admin keep the stored search text with the SKU and name."""

from datetime import date

import pytest
from django.urls import reverse

from calldesk.search import normalise
from orders.models import PriceColumn, Product
from orders.pricelist import upsert_price_list
from orders.selectors import catalog_page, price_list_page, product_matches, sku_for_entry
from orders.services import start_order
from staff.models import Role
from tests.factories import ProductFactory
from tests.search_cases import PRODUCT_CASES, PRODUCTS, make_products

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    return make_products()


@pytest.mark.parametrize(("term", "names"), PRODUCT_CASES)
def test_the_catalogue_and_the_price_list_find_exactly_these_products(products, term, names):
    assert [item.name for item in catalog_page(on=date(2026, 11, 20), search=term).items] == names
    assert [product.name for product in price_list_page(search=term)] == names


@pytest.mark.parametrize(("term", "names"), PRODUCT_CASES)
def test_get_products_finds_exactly_these_products(api, operator, products, term, names):
    body = api(operator).get("/api/v1/products", {"search": term}).json()
    assert (body["count"], [item["name"] for item in body["items"]]) == (len(names), names)


@pytest.mark.parametrize(("term", "names"), PRODUCT_CASES)
def test_the_order_screen_finds_exactly_these_products(operator, shop, products, term, names):
    order = start_order(actor=operator, client_id=shop.pk)
    found = product_matches(order_id=order.pk, actor=operator, term=term)
    assert sorted(match.name for match in found) == names


def test_the_order_screen_lists_the_exact_sku_first_then_skus_that_start_with_it(operator, shop, products):
    ProductFactory(sku="BV", name="Масло «BV» весовое")
    order = start_order(actor=operator, client_id=shop.pk)
    found = product_matches(order_id=order.pk, actor=operator, term="bv")
    assert [match.sku for match in found] == ["BV", "BV-00231", "BV-00232"]
    assert sku_for_entry("00231") == "BV-00231"
    assert sku_for_entry("мёд цветочный") == "МД-00418"
    assert sku_for_entry("кефир") == "кефир"


def test_the_order_screen_s_search_box_shows_the_cyrillic_match(client, operator, shop, products):
    order = start_order(actor=operator, client_id=shop.pk)
    client.force_login(operator)
    html = client.get(
        reverse("orders:product-search", args=[order.pk]),
        {"product": "МАСЛО сливочное"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'data-sku="МС-00415"' in html
    assert [sku for sku, _name, _base in PRODUCTS if f'data-sku="{sku}"' in html] == ["МС-00415"]


def test_the_price_list_screen_finds_by_sku_digits(client, staff_of, products):
    client.force_login(staff_of(Role.COMMERCIAL, department_code=None))
    html = client.get(
        reverse("orders:price-list"), {"q": "00417"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert [name for _sku, name, _base in PRODUCTS if name in html] == ["Чай чёрный «Ёлочка», 100 г"]


# --- The stored search text follows the SKU and name ---------------------------------------------


def test_the_price_list_upsert_keeps_the_search_text_of_new_and_renamed_products(staff_of):
    commercial = staff_of(Role.COMMERCIAL, department_code=None, username="kvasilieva")
    rows = [
        {"sku": "КВ-001", "name": "Квас «Хлебный», 1,5 л", "prices": {"base": "80.00"}},
        {"sku": "МЛ-002", "name": "Молоко 3,2%, 0,9 л", "prices": {"base": "95.00"}},
    ]
    upsert_price_list(rows=rows, actor=commercial, source="api")
    assert dict(Product.objects.values_list("sku", "search_text")) == {
        "КВ-001": "кв 001 квас хлебный 1.5 л",
        "МЛ-002": "мл 002 молоко 3.2 0.9 л",
    }
    rows[1]["name"] = "Молоко «Ёлкино» 2,5%, 0,9 л"
    upsert_price_list(rows=rows, actor=commercial, source="api")
    assert Product.objects.get(sku="МЛ-002").search_text == "мл 002 молоко елкино 2.5 0.9 л"
    assert [item.sku for item in catalog_page(on=date(2026, 11, 20), search="ёлкино молоко").items] == [
        "МЛ-002"
    ]
    assert catalog_page(on=date(2026, 11, 20), search="молоко 3,2").items == []


def test_a_product_saved_in_admin_is_found(client, admin_user):
    client.force_login(admin_user)
    data = {
        "sku": "ЧЗ-777",
        "name": "Чай зелёный «Ёлка»",
        "unit": "pcs",
        "pack": 12,
        "category": "",
        "active": "on",
    }
    base = PriceColumn.objects.get(code="base")
    data.update({"prices-TOTAL_FORMS": 1, "prices-INITIAL_FORMS": 0, "prices-0-column": base.pk})
    data.update({"prices-0-amount": "120.00", "certificates-TOTAL_FORMS": 0, "certificates-INITIAL_FORMS": 0})
    response = client.post(reverse("admin:orders_product_add"), data)
    assert response.status_code == 302
    product = Product.objects.get(sku="ЧЗ-777")
    assert product.search_text == "чз 777 чай зеленый елка"
    data["name"] = "Чай зелёный «Берёзка»"
    data.update(
        {"prices-INITIAL_FORMS": 1, "prices-0-id": product.prices.get().pk, "prices-0-product": product.pk}
    )
    response = client.post(reverse("admin:orders_product_change", args=[product.pk]), data)
    assert response.status_code == 302
    assert [p.sku for p in price_list_page(search="березка чай")] == ["ЧЗ-777"]
    assert list(price_list_page(search="елка чай")) == []


def test_the_migration_fills_the_search_text_of_existing_products(products):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("orders.migrations.0011_product_search_text")
    Product.objects.update(search_text="")
    migration.fill(apps, type("SchemaEditor", (), {"connection": connection})())
    assert dict(Product.objects.values_list("sku", "search_text")) == {
        sku: normalise(sku, name) for sku, name, _base in PRODUCTS
    }
    assert Product.objects.get(sku="BV-00231").search_text == "bv 00231 butter 0.5 kg"
