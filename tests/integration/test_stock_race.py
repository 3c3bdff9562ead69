"""On PostgreSQL, operators confirming orders for the last units at the same moment never sell
more than the warehouse has (III.12): confirmation locks the stock rows and reads what other
orders reserve after the lock, so the second waits for the first and sees its order."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
from django.db import connection
from django.db.models import Sum

from orders.exceptions import OrderRuleError
from orders.models import Order, OrderLine
from orders.services import confirm_order
from staff.models import Role
from tests.factories import ClientFactory, ProductFactory, client_type, make_staff, price
from tests.warehouse.conftest import ready_draft
from warehouse.models import Stock, Warehouse

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def confirm_together(operators_and_orders):
    """Each (operator, order id) confirmed on its own thread and connection, all released at once."""
    start = Barrier(len(operators_and_orders))

    def run(pair):
        operator, order_id = pair
        start.wait()
        try:
            return confirm_order(actor=operator, order_id=order_id)
        except OrderRuleError as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(operators_and_orders)) as pool:
        return list(pool.map(run, operators_and_orders))


def desk_with_the_last_ten():
    main = Warehouse.objects.get(code="main")  # seeded by the migrations (API.md)
    manager = make_staff(Role.MANAGER, department_code="wholesale", username="t.pavlova")
    olga = make_staff(Role.OPERATOR, department_code="call_center", username="o.smirnova")
    ivan = make_staff(Role.OPERATOR, department_code="call_center", username="i.petrov")
    kvass = ProductFactory(sku="КВАС-1", name="Квас «Очаковский», 1,5 л")
    price(kvass, "base", "89.90")
    for sku in ("ЧАЙ", "RICE", "MILK"):
        price(ProductFactory(sku=sku), "base", "10.00")
    Stock.objects.create(warehouse=main, product=kvass, quantity=Decimal("10"))
    clients = [
        ClientFactory(name=name, type=client_type("market"), manager=manager, credit_limit=None)
        for name in ("ООО «Заря»", "ИП Ромашкина")
    ]
    return olga, ivan, clients, kvass


def test_two_operators_selling_the_last_ten_never_go_below_zero():
    olga, ivan, (zarya, romashka), kvass = desk_with_the_last_ten()
    for _round in range(3):  # the race run a few times over: one winner each time
        Order.objects.filter(status="confirmed").update(status="cancelled")
        first = ready_draft(olga, zarya, "КВАС-1", "10")
        second = ready_draft(ivan, romashka, "КВАС-1", "10")

        results = confirm_together([(olga, first), (ivan, second)])

        confirmed = [r for r in results if isinstance(r, Order)]
        refused = [r for r in results if isinstance(r, OrderRuleError)]
        assert (len(confirmed), [e.code for e in refused]) == (1, ["insufficient_stock"])
        assert refused[0].detail == "Only 0 of Квас «Очаковский», 1,5 л are available; the order has 10."
        reserved = OrderLine.objects.filter(product=kvass, order__status__in=Order.Status.OPEN).aggregate(
            n=Sum("quantity")
        )["n"]
        assert reserved == Decimal("10.000")


def test_six_operators_for_ten_units_in_fours_sell_eight():
    olga, ivan, (zarya, romashka), kvass = desk_with_the_last_ten()
    pairs = [
        (
            olga if n % 2 else ivan,
            ready_draft(olga if n % 2 else ivan, zarya if n % 2 else romashka, "КВАС-1", "4"),
        )
        for n in range(6)
    ]

    results = confirm_together(pairs)

    assert sum(isinstance(r, Order) for r in results) == 2
    assert {r.code for r in results if isinstance(r, OrderRuleError)} == {"insufficient_stock"}
    reserved = OrderLine.objects.filter(product=kvass, order__status__in=Order.Status.OPEN).aggregate(
        n=Sum("quantity")
    )["n"]
    assert reserved == Decimal("8.000")  # never more than the 10 in stock
