"""The sets of order statuses the rules read are named once, on Order.Status: open (counted
against the credit limit, III.5, III.9) and sold (what a client buys, III.7, III.8)."""

from orders.models import Order

Status = Order.Status


def test_the_sets():
    assert {Status.CONFIRMED, Status.IN_FULFILMENT} == Status.OPEN
    assert {Status.CONFIRMED, Status.IN_FULFILMENT, Status.DELIVERED} == Status.SOLD
    assert Status.OPEN < Status.SOLD


def test_the_sets_are_not_statuses_an_order_can_have():
    assert Status.values == ["draft", "confirmed", "in_fulfilment", "delivered", "cancelled"]


def test_the_index_of_open_orders_covers_exactly_the_open_statuses():
    index = next(index for index in Order._meta.indexes if index.name == "order_open_by_client")
    assert index.condition.connector == "OR"
    assert {value for field, value in index.condition.children if field == "status"} == Status.OPEN
    assert len(index.condition.children) == len(Status.OPEN)
