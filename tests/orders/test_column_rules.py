"""III.10: the price column for an order, at each threshold (pure rule, no database)."""

from datetime import date
from decimal import Decimal as D

import pytest

from orders.rules import ColumnRule, choose_column

ON = date(2026, 11, 20)


def rule(
    code, position, *, types=(), minimum="0.00", priority=10, valid_from=date(2026, 1, 1), valid_to=None
):
    return ColumnRule(
        column_code=code,
        column_name=f"Column {position}",
        column_position=position,
        client_type_codes=frozenset(types),
        client_type_names=tuple(types),
        min_subtotal=D(minimum),
        priority=priority,
        valid_from=valid_from,
        valid_to=valid_to,
    )


RULES = [
    rule("column_2", 2, types=("retail",), minimum="20000.00"),
    rule("column_3", 3, types=("retail",), minimum="50000.00", priority=20),
    rule("column_4", 4, types=("key",)),
    rule("column_2", 2, minimum="100000.00", priority=5),  # any client, large orders
]


@pytest.mark.parametrize(
    ("type_code", "subtotal", "code", "reason"),
    [
        ("retail", "0.00", "base", "base prices: no discount rule applies"),
        ("retail", "19999.99", "base", "base prices: no discount rule applies"),
        ("retail", "20000.00", "column_2", "Column 2: retail client, order over RUB\xa020,000.00"),
        ("retail", "49999.99", "column_2", "Column 2: retail client, order over RUB\xa020,000.00"),
        ("retail", "50000.00", "column_3", "Column 3: retail client, order over RUB\xa050,000.00"),
        (
            "retail",
            "150000.00",
            "column_3",
            "Column 3: retail client, order over RUB\xa050,000.00",
        ),  # priority beats size
        ("key", "0.00", "column_4", "Column 4: key client"),
        ("market", "99999.99", "base", "base prices: no discount rule applies"),
        ("market", "100000.00", "column_2", "Column 2: any client, order over RUB\xa0100,000.00"),
    ],
)
def test_column_at_each_threshold(type_code, subtotal, code, reason):
    name = {"retail": "Retail", "key": "Key client", "market": "Market"}[type_code]
    choice = choose_column(
        rules=RULES, client_type_code=type_code, client_type_name=name, base_subtotal=D(subtotal), on=ON
    )
    assert (choice.code, choice.reason) == (code, reason)


def test_a_tie_in_priority_goes_to_the_larger_discount():
    rules = [
        rule("column_2", 2, priority=10),
        rule("column_4", 4, priority=10),
        rule("column_3", 3, priority=10),
    ]
    assert (
        choose_column(
            rules=rules, client_type_code="market", client_type_name="Market", base_subtotal=D("1"), on=ON
        ).code
        == "column_4"
    )


def test_rules_outside_their_period_do_not_apply():
    rules = [
        rule("column_4", 4, valid_from=date(2026, 12, 1)),
        rule("column_3", 3, valid_to=date(2026, 11, 19)),
    ]
    assert (
        choose_column(
            rules=rules, client_type_code="market", client_type_name="Market", base_subtotal=D("1"), on=ON
        ).code
        == "base"
    )
    assert (
        choose_column(
            rules=rules,
            client_type_code="market",
            client_type_name="Market",
            base_subtotal=D("1"),
            on=date(2026, 11, 19),
        ).code
        == "column_3"
    )
