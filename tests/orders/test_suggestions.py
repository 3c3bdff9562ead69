"""Suggestions for an open order (III.7, III.8, III.23): new, special, traditional, assortment;
never a product already in the order or already offered; in constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.favourites import rebuild_type_favourites
from orders.models import Special
from orders.selectors import suggestions_for
from orders.services import add_line, record_offer, start_order
from tests.factories import ClientFactory, OrderFactory, OrderLineFactory, ProductFactory, client_type, price

pytestmark = pytest.mark.django_db


def history(client, product, quantities, *, days_ago=30):
    for n, quantity in enumerate(quantities):
        order = OrderFactory(client=client, created_at=timezone.now() - timedelta(days=days_ago + n))
        order.confirmed_at = order.created_at
        order.save()
        OrderLineFactory(order=order, product=product, quantity=Decimal(quantity))


@pytest.fixture
def setting(catalog, shop):
    today = timezone.localdate()
    new = ProductFactory(sku="NEWBAR", name="New bar", new_until=today + timedelta(days=10))
    price(new, "base", "10.00")
    old_new = ProductFactory(sku="OLDNEW", name="Was new", new_until=today - timedelta(days=1))
    price(old_new, "base", "10.00")
    special = Special.objects.create(
        product=catalog["TEA"],
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=5),
        note="Tea: 10% off this week",
        special_price=Decimal("108.00"),
    )
    market_only = Special.objects.create(
        product=catalog["MILK"], valid_from=today, valid_to=today, note="Market special"
    )
    market_only.client_types.add(client_type("market"))
    history(shop, catalog["RICE"], ["10", "12", "14"])  # traditional for this client
    history(shop, catalog["KVASS"], ["5"], days_ago=400)  # too long ago
    neighbour = ClientFactory(type=client_type("retail"), manager=shop.manager)
    history(neighbour, catalog["CHIPS"], ["24", "24"])  # its type buys chips: assortment advice
    history(neighbour, catalog["RICE"], ["1"])
    rebuild_type_favourites(on=today)  # what the nightly task does
    return special


def test_suggestions_name_each_kind_with_what_to_say(operator, catalog, shop, setting):
    order = start_order(actor=operator, client_id=shop.pk)
    found = [
        (s.sku, s.reason, s.note, s.usual_quantity)
        for s in suggestions_for(order=order, on=timezone.localdate())
    ]
    assert found == [
        ("TEA", "special", "Tea: 10% off this week Special price RUB\xa0108.00.", None),
        ("NEWBAR", "new", f"New until {(timezone.localdate() + timedelta(days=10)):%m/%d/%Y}.", None),
        ("RICE", "traditional", "usually orders 12", Decimal("12")),
        ("CHIPS", "assortment", "Clients of this type buy it: 2 orders in a year.", Decimal("24")),
    ]


def test_never_a_product_already_in_the_order_or_already_offered(operator, catalog, shop, setting):
    order = start_order(actor=operator, client_id=shop.pk)
    add_line(actor=operator, order_id=order.pk, sku="RICE", quantity="1")
    record_offer(actor=operator, order_id=order.pk, sku="TEA", outcome="declined", reason="too dear")
    record_offer(actor=operator, order_id=order.pk, sku="NEWBAR", outcome="accepted")
    skus = [s.sku for s in suggestions_for(order=order, on=timezone.localdate())]
    assert skus == ["CHIPS"]


def test_a_client_with_no_history_gets_its_types_traditional_products(
    operator, catalog, shop, setting, staff_of
):
    newcomer = ClientFactory(type=client_type("retail"), manager=shop.manager, name="Newcomer")
    order = start_order(actor=operator, client_id=newcomer.pk)
    traditional = [
        (s.sku, s.note)
        for s in suggestions_for(order=order, on=timezone.localdate())
        if s.reason == "traditional"
    ]
    assert traditional == [
        ("RICE", "clients of this type usually order 9"),
        ("CHIPS", "clients of this type usually order 24"),
    ]


@pytest.mark.parametrize("lines", [0, 4])
def test_suggestions_run_in_constant_queries(
    operator, catalog, shop, setting, django_assert_num_queries, lines
):
    order = start_order(actor=operator, client_id=shop.pk)
    for sku in ["COLA", "KVASS", "CHIPS", "MILK"][:lines]:
        add_line(actor=operator, order_id=order.pk, sku=sku, quantity="1")
    # lines, offers, specials, new products, the client's history, its type's, and what the
    # order's warehouse (`main`) has available of them (III.12)
    with django_assert_num_queries(7):
        suggestions_for(order=order, on=timezone.localdate())


def test_suggestions_endpoint(api, operator, catalog, shop, setting):
    order = start_order(actor=operator, client_id=shop.pk)
    body = api(operator).get(f"/api/v1/orders/{order.pk}/suggestions").json()
    assert body[2] == {
        "sku": "RICE",
        "name": "Rice product",
        "reason": "traditional",
        "note": "usually orders 12",
        "usual_quantity": "12.000",
    }


def test_required_offers_is_a_setting(api, operator, catalog, shop, settings):
    settings.ORDER_OFFERS_REQUIRED = 1
    order = start_order(actor=operator, client_id=shop.pk)
    body = api(operator).get(f"/api/v1/orders/{order.pk}").json()
    assert body["offers_required"] == 1
