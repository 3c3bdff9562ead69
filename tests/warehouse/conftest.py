from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from orders.services import record_offer, set_terms, start_order
from staff.models import Role, User
from tests.factories import ClientFactory, ProductFactory, client_type, price
from tests.orders.conftest import delivery_day
from warehouse.models import RegionWarehouse, Stock, Warehouse


@pytest.fixture
def main_warehouse(db) -> Warehouse:
    """The warehouse the migrations seed (API.md), serving every region without one of its own."""
    return Warehouse.objects.get(code="main")


@pytest.fixture
def podolsk(db) -> Warehouse:
    """A second warehouse serving the Moscow region's clients."""
    warehouse = Warehouse.objects.create(code="podolsk", name="Склад Подольск")
    RegionWarehouse.objects.create(region="Московская область", warehouse=warehouse)
    return warehouse


@pytest.fixture
def kvass(db):
    """Квас «Очаковский» at 89.90, and three products to decline (III.7)."""
    product = ProductFactory(sku="КВАС-1", name="Квас «Очаковский», 1,5 л", unit="шт")
    price(product, "base", "89.90")
    for sku in ("ЧАЙ", "RICE", "MILK"):
        price(ProductFactory(sku=sku, name=f"{sku} товар"), "base", "10.00")
    return product


def stock(warehouse: Warehouse, product, quantity: str) -> Stock:
    return Stock.objects.update_or_create(
        warehouse=warehouse, product=product, defaults={"quantity": Decimal(quantity)}
    )[0]


@pytest.fixture
def warehouse_token(staff_of) -> User:
    """The warehouse system's user: its token carries the warehouse's permission, whatever its role."""
    user = staff_of(Role.OPERATOR, department_code="call_center", username="sklad")
    user.user_permissions.add(Permission.objects.get(codename="change_order_status"))
    return User.objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def market(staff_of):
    manager = staff_of(Role.MANAGER, department_code="wholesale", username="t.pavlova")
    return ClientFactory(
        name="ООО «Заря»", type=client_type("market"), manager=manager, credit_limit=None, region="Москва"
    )


def ready_draft(operator, client, sku: str, quantity: str) -> int:
    """A draft of `quantity` × `sku` that passes every confirm rule."""
    from orders.services import add_line

    order = start_order(actor=operator, client_id=client.pk)
    add_line(actor=operator, order_id=order.pk, sku=sku, quantity=quantity)
    for declined in ("ЧАЙ", "RICE", "MILK"):
        record_offer(actor=operator, order_id=order.pk, sku=declined, outcome="declined", reason="нет")
    set_terms(
        actor=operator,
        order_id=order.pk,
        delivery={"date": delivery_day(), "receiver_name": "Иван Попов", "receiver_phone": "84951112233"},
    )
    return order.pk
