"""III.10: a product's price in the order's column, else its base price: one rule, in Python
(`price_in_column`) and in SQL (`price_at`), and both give the same answer."""

from decimal import Decimal as D

import pytest

from orders.models import PriceColumn, Product
from orders.rules import BASE, price_in_column
from orders.selectors import price_at
from tests.factories import ProductFactory, price


@pytest.mark.parametrize(
    ("prices", "column", "expected"),
    [
        ({"base": D("10.00"), "column_3": D("9.40")}, "column_3", ("column_3", D("9.40"))),
        ({"base": D("10.00")}, "column_3", (BASE, D("10.00"))),
        ({"base": D("10.00"), "column_2": D("9.70")}, "column_3", (BASE, D("10.00"))),
        ({"base": D("10.00"), "column_3": D("9.40")}, BASE, (BASE, D("10.00"))),
        ({"column_3": D("9.40")}, "column_3", ("column_3", D("9.40"))),
        ({"column_2": D("9.70")}, "column_3", (None, None)),
        ({}, BASE, (None, None)),
    ],
)
def test_the_price_in_the_column_else_base(prices, column, expected):
    assert price_in_column(prices, column) == expected


@pytest.mark.django_db
def test_sql_and_python_agree():
    both = ProductFactory(sku="KV-001", name="Квас хлебный, 1,5 л")
    price(both, BASE, "80.00")
    price(both, "column_3", "75.20")
    base_only = ProductFactory(sku="ZC-050", name="Zarya Cola, 0.5 l")
    price(base_only, BASE, "50.00")
    other_column = ProductFactory(sku="MN-010", name="Минеральная вода «Нарзан»")
    price(other_column, BASE, "60.00")
    price(other_column, "column_2", "58.10")
    unpriced = ProductFactory(sku="NP-000", name="Not priced yet")
    column = PriceColumn.objects.get(code="column_3")

    in_sql = dict(Product.objects.annotate(price=price_at(column.pk)).values_list("sku", "price"))

    for product in (both, base_only, other_column, unpriced):
        prices = {p.column.code: p.amount for p in product.prices.select_related("column")}
        assert in_sql[product.sku] == price_in_column(prices, "column_3")[1]
    assert in_sql == {"KV-001": D("75.20"), "ZC-050": D("50.00"), "MN-010": D("60.00"), "NP-000": None}
