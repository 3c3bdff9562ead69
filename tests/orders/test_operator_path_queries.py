"""The operator's path through the API in a fixed number of queries, whatever the size of the
order (bench/README.md): the screen pop's lookup, adding a line, suggestions and confirm. A regression
fails here long before anyone runs `make bench`."""

import uuid

import pytest
from django.utils import timezone

from orders.favourites import rebuild_type_favourites
from tests.factories import ProductFactory, price
from tests.orders.conftest import ready_terms
from tests.orders.test_order_intake import JSON, new_order, offer_three

pytestmark = pytest.mark.django_db


@pytest.fixture
def http(api, operator, catalog, shop):
    http = api(operator)
    http.get("/api/v1/lookup", {"phone": "+74957654321"})  # the token's first use is written once
    return http


def filler(count: int) -> list[str]:
    skus = []
    for n in range(count):
        product = ProductFactory(sku=f"F{n:03d}")
        price(product, "base", "1.00")
        skus.append(product.sku)
    return skus


def long_order(http, shop, lines: int) -> int:
    order = new_order(http, shop.pk)
    for sku in filler(lines):
        http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": sku, "quantity": "1"}, content_type=JSON)
    return order["id"]


def test_the_screen_pop_lookup_is_three_queries(http, django_assert_num_queries):
    # the token with its user and role; the client with its card and debt; its phones
    with django_assert_num_queries(3):
        body = http.get("/api/v1/lookup", {"phone": "8 (495) 765-43-21"}).json()
    assert (body["client"]["name"], body["route"]["handler"]) == ("Zarya minimarket", "operator")


@pytest.mark.parametrize("lines", [1, 40])
def test_adding_a_line_is_the_same_queries_on_a_short_and_a_long_order(
    http, shop, lines, django_assert_num_queries
):
    order_id = long_order(http, shop, lines)
    # the token with its user and role; the service's 9 (see test_order_intake) and its
    # savepoint pair; the answer's draft state: the client's debt, the production calendar's days
    # ahead (III.12), the line and offer counts
    with django_assert_num_queries(14):
        body = http.post(
            f"/api/v1/orders/{order_id}/lines", {"sku": "TEA", "quantity": "1"}, content_type=JSON
        )
    assert body.status_code == 201
    assert (body.json()["lines_count"], body.json()["line"]["sku"]) == (lines + 1, "TEA")


@pytest.mark.parametrize("lines", [1, 40])
def test_suggestions_and_confirm_are_the_same_queries_on_a_short_and_a_long_order(
    http, shop, lines, django_assert_num_queries
):
    order_id = long_order(http, shop, lines)
    rebuild_type_favourites(on=timezone.localdate())
    # the token and role, the order with its lines, the suggestions (none: so no stock to read)
    with django_assert_num_queries(10):
        assert http.get(f"/api/v1/orders/{order_id}/suggestions").status_code == 200
    offer_three(http, order_id)
    http.patch(f"/api/v1/orders/{order_id}", ready_terms(), content_type=JSON)
    # the idempotency key, the locks, every rule of the confirm (the production calendar's days
    # among them), the stock rows locked (III.12), the number, the manager's notice in the
    # outbox, and the answer
    with django_assert_num_queries(24):
        confirmed = http.post(
            f"/api/v1/orders/{order_id}/confirm", headers={"Idempotency-Key": str(uuid.uuid4())}
        )
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "confirmed"
