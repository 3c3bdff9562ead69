"""Each client type's favourites, rebuilt each night for the suggestions (III.7, III.8)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from orders.favourites import rebuild_type_favourites
from orders.models import Order, TypeFavourite
from orders.tasks import rebuild_type_favourites_task
from tests.factories import ClientFactory, OrderFactory, OrderLineFactory, ProductFactory, client_type

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
ON = date(2026, 11, 20)


def bought(client, product, quantity: str, day: date, status=Order.Status.DELIVERED) -> None:
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=MSK)
    order = OrderFactory(client=client, created_at=moment, confirmed_at=moment, status=status)
    OrderLineFactory(order=order, product=product, quantity=Decimal(quantity))


def test_the_types_favourites_of_the_past_year_ranked_by_orders():
    market, shop = ClientFactory(), ClientFactory(type=client_type("retail"))
    rice, tea, kvass, chips = (ProductFactory(name=n) for n in ("Rice", "Tea", "Kvass", "Chips"))
    for quantity in ("10", "20"):
        bought(market, rice, quantity, ON - timedelta(days=3))
    bought(market, tea, "5", ON - timedelta(days=1))
    bought(market, kvass, "7", ON - timedelta(days=366))  # more than a year before
    bought(market, kvass, "7", ON)  # the day itself is not over
    bought(market, chips, "1", ON - timedelta(days=2), status=Order.Status.CANCELLED)
    bought(shop, chips, "24", ON - timedelta(days=10))
    assert rebuild_type_favourites(on=ON) == 3
    rows = [
        (f.client_type.code, f.rank, f.product.name, f.orders, f.usual_quantity, f.built_on)
        for f in TypeFavourite.objects.select_related("client_type", "product").order_by(
            "client_type__code", "rank"
        )
    ]
    assert rows == [
        ("market", 1, "Rice", 2, Decimal("15.000"), ON),
        ("market", 2, "Tea", 1, Decimal("5.000"), ON),
        ("retail", 1, "Chips", 1, Decimal("24.000"), ON),
    ]
    first = list(
        TypeFavourite.objects.order_by("client_type", "rank").values_list("product", "orders", "rank")
    )
    assert rebuild_type_favourites(on=ON) == 3  # a re-run gives the same rows
    assert (
        list(TypeFavourite.objects.order_by("client_type", "rank").values_list("product", "orders", "rank"))
        == first
    )


def test_the_nightly_task_builds_them_for_today():
    client = ClientFactory()
    product = ProductFactory()
    bought(client, product, "3", timezone.localdate() - timedelta(days=5))
    assert rebuild_type_favourites_task.delay().get() == 1
    assert TypeFavourite.objects.get().product == product
