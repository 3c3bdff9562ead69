"""On PostgreSQL, concurrent confirmations for one client never together pass its credit
limit, never duplicate an order, and every request gets a clear answer (API.md confirm, III.9)."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from messaging.models import InboxMessage
from orders.exceptions import OrderRuleError
from orders.models import Order, PriceColumn
from orders.services import confirm_order
from staff.models import Role
from tests.factories import ClientFactory, ProductFactory, client_type, make_staff, price
from tests.integration.conftest import ready_draft

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_in_threads(calls):
    def run(call):
        try:
            return call()
        except OrderRuleError as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_twenty_concurrent_confirmations_never_pass_the_limit():
    assert PriceColumn.objects.filter(code="base").exists()
    operator = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    manager = make_staff(Role.MANAGER, department_code="wholesale", username="oleg")
    client = ClientFactory(type=client_type("market"), manager=manager, credit_limit=Decimal("1000.00"))
    water = ProductFactory(sku="WATER")
    price(water, "base", "10.00")
    offered = []
    for sku in ("A", "B", "C"):
        price(ProductFactory(sku=sku), "base", "1.00")
        offered.append(sku)
    drafts = [ready_draft(operator, client, offered) for _ in range(20)]

    results = run_in_threads(
        [lambda order_id=order_id: confirm_order(actor=operator, order_id=order_id) for order_id in drafts]
    )

    confirmed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, OrderRuleError)]
    assert len(confirmed) + len(refused) == 20  # every request got a clear answer
    assert len(confirmed) == 10  # 10 x 100.00 = the limit, exactly
    assert {error.code for error in refused} == {"over_credit_limit"}
    total = sum(
        Order.objects.filter(client=client, status="confirmed").values_list("total", flat=True), Decimal("0")
    )
    assert total == Decimal("1000.00")
    year = timezone.localdate().year
    numbers = sorted(Order.objects.filter(status="confirmed").values_list("number", flat=True))
    assert numbers == [f"{year}-{n:06d}" for n in range(1, 11)]  # unique and without gaps


def test_the_same_order_confirmed_twice_at_once_is_one_order():
    operator = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    manager = make_staff(Role.MANAGER, department_code="wholesale", username="oleg")
    client = ClientFactory(type=client_type("market"), manager=manager, credit_limit=None)
    price(ProductFactory(sku="WATER"), "base", "10.00")
    for sku in ("A", "B", "C"):
        price(ProductFactory(sku=sku), "base", "1.00")
    order_id = ready_draft(operator, client, ["A", "B", "C"])
    results = run_in_threads([lambda: confirm_order(actor=operator, order_id=order_id) for _ in range(5)])
    assert all(isinstance(r, Order) for r in results)
    assert {r.number for r in results} == {f"{timezone.localdate().year}-000001"}
    assert Order.objects.filter(status="confirmed").count() == 1


def test_a_real_worker_delivers_the_managers_notice(celery_worker):
    operator = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    manager = make_staff(
        Role.MANAGER, department_code="wholesale", username="oleg", email="oleg@example.test"
    )
    client = ClientFactory(type=client_type("market"), manager=manager, credit_limit=None, name="Sokol kiosk")
    price(ProductFactory(sku="WATER"), "base", "10.00")
    for sku in ("A", "B", "C"):
        price(ProductFactory(sku=sku), "base", "1.00")
    order_id = ready_draft(operator, client, ["A", "B", "C"])
    order = confirm_order(actor=operator, order_id=order_id)  # commits: on_commit sends the task
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not InboxMessage.objects.filter(recipient=manager).exists():
        time.sleep(0.2)
    message = InboxMessage.objects.get(recipient=manager)
    assert message.subject == f"Order {order.number} confirmed: Sokol kiosk, RUB\xa0100.00"
