"""Finance's home: clients with overdue receivables (III.5: due today is not yet overdue)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.selectors import overdue_clients
from staff.models import Role
from tests.factories import ClientFactory, ReceivableFactory

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 20)


def test_overdue_sums_unpaid_invoices_due_before_the_day():
    client = ClientFactory(name="Late payer")
    ReceivableFactory(
        client=client,
        issued_on=date(2026, 10, 1),
        due_on=date(2026, 11, 19),
        amount=Decimal("1000.00"),
        paid=Decimal("250.50"),
    )
    ReceivableFactory(
        client=client, issued_on=date(2026, 10, 5), due_on=date(2026, 11, 10), amount=Decimal("500.00")
    )
    ReceivableFactory(
        client=client, issued_on=date(2026, 11, 1), due_on=ON, amount=Decimal("300.00")
    )  # due today
    ReceivableFactory(
        client=client,
        issued_on=date(2026, 9, 1),
        due_on=date(2026, 9, 10),
        amount=Decimal("800.00"),
        paid=Decimal("800.00"),
    )
    [row] = overdue_clients(on=ON)
    assert row.client == client
    assert row.overdue == Decimal("1249.50")
    assert row.outstanding == Decimal("1549.50")


def test_clients_without_overdue_are_not_listed():
    ReceivableFactory(issued_on=date(2026, 11, 1), due_on=ON, amount=Decimal("300.00"))
    ReceivableFactory(
        issued_on=date(2026, 9, 1), due_on=date(2026, 9, 10), amount=Decimal("80.00"), paid=Decimal("80.00")
    )
    assert overdue_clients(on=ON) == []


def test_largest_overdue_first():
    small = ReceivableFactory(due_on=date(2026, 11, 1), amount=Decimal("10.00")).client
    large = ReceivableFactory(due_on=date(2026, 11, 1), amount=Decimal("9000.00")).client
    assert [row.client for row in overdue_clients(on=ON)] == [large, small]


def test_debtors_screen_shows_exact_amounts_in_one_query(client, staff_of, django_assert_num_queries):
    today = timezone.localdate()
    debtor = ClientFactory(name="Rodnik kiosk", credit_limit=Decimal("50000.00"))
    ReceivableFactory(
        client=debtor,
        issued_on=today - timedelta(days=40),
        due_on=today - timedelta(days=3),
        amount=Decimal("12345.67"),
    )
    for n in range(5):
        ReceivableFactory(
            client=ClientFactory(name=f"Other {n}"),
            issued_on=today - timedelta(days=30),
            due_on=today - timedelta(days=1),
            amount=Decimal("10.00"),
        )
    client.force_login(staff_of(Role.FINANCE, department_code="finance"))
    response = client.get(reverse("clients:debtors"))
    html = response.content.decode()
    assert "Rodnik kiosk" in html
    assert "RUB\xa012,345.67" in html
    assert "RUB\xa050,000.00" in html
    with django_assert_num_queries(1):
        assert len(overdue_clients(on=today)) == 6
