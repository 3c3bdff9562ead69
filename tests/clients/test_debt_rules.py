"""III.5: the debt check as a pure rule, with its edges."""

from decimal import Decimal as D

import pytest

from clients.rules import assess_debt, debt_sentence


@pytest.mark.parametrize(
    ("overdue", "outstanding", "limit", "reasons"),
    [
        (D("0.00"), D("0.00"), D("50000.00"), ()),
        (D("0.01"), D("0.01"), None, ("overdue",)),  # no limit set: only overdue blocks
        (D("0.00"), D("50000.00"), D("50000.00"), ()),  # exactly at the limit does not block
        (D("0.00"), D("50000.01"), D("50000.00"), ("over_limit",)),
        (D("0.00"), D("0.01"), D("0.00"), ("over_limit",)),  # limit zero: no credit at all
        (D("0.00"), D("0.00"), D("0.00"), ()),
        (D("10.00"), D("60000.00"), D("50000.00"), ("overdue", "over_limit")),
        (D("0.00"), D("999999.00"), None, ()),
    ],
)
def test_reasons(overdue, outstanding, limit, reasons):
    debt = assess_debt(overdue=overdue, outstanding=outstanding, open_orders=D("0.00"), credit_limit=limit)
    assert debt.reasons == reasons
    assert debt.blocks_order is bool(reasons)


def test_headroom_counts_open_orders_and_may_be_negative():
    debt = assess_debt(
        overdue=D("0"), outstanding=D("40000.00"), open_orders=D("15000.50"), credit_limit=D("50000.00")
    )
    assert debt.headroom == D("-5000.50")
    assert debt.blocks_order is False  # open orders count toward headroom, not toward the block


def test_no_limit_has_no_headroom():
    debt = assess_debt(overdue=D("0"), outstanding=D("1.00"), open_orders=D("2.00"), credit_limit=None)
    assert debt.headroom is None


def test_sentence_tells_the_operator_what_to_say():
    debt = assess_debt(
        overdue=D("1200.50"), outstanding=D("61000.00"), open_orders=D("0"), credit_limit=D("50000.00")
    )
    assert debt_sentence(debt, currency="RUB") == (
        "The order cannot be taken: RUB\xa01,200.50 is overdue; "
        "the debt of RUB\xa061,000.00 is over the credit limit of RUB\xa050,000.00."
    )
    clean = assess_debt(overdue=D("0"), outstanding=D("0"), open_orders=D("0"), credit_limit=None)
    assert debt_sentence(clean, currency="RUB") == ""
