"""A head's dashboard: the department's day and month, by manager (section VI)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from clients.models import Role
from orders.models import Order
from reports.selectors import department_day
from tests.factories import ClientFactory, OrderFactory, client_type, department

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
DAY = date(2026, 11, 20)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=MSK)


@pytest.fixture
def wholesale_day(staff_of):
    oleg = staff_of(Role.MANAGER, full_name="Oleg Ivanov")
    irina = staff_of(Role.MANAGER, full_name="Irina Petrova", key_account=True)
    market = ClientFactory(manager=oleg)
    key = ClientFactory(manager=irina, type=client_type("key"))
    ClientFactory(manager=None)  # waiting in the head's queue (III.15)
    retail = ClientFactory(
        type=client_type("retail"), manager=staff_of(Role.MANAGER, department_code="retail")
    )
    OrderFactory(client=market, confirmed_at=at(DAY, 10), total=Decimal("1000.10"))
    OrderFactory(client=key, confirmed_at=at(DAY, 0), total=Decimal("5000.00"))  # just after midnight
    OrderFactory(client=key, confirmed_at=at(DAY - timedelta(days=5), 12), total=Decimal("250.00"))
    OrderFactory(
        client=market, confirmed_at=at(date(2026, 10, 31), 23), total=Decimal("999.00")
    )  # last month
    OrderFactory(
        client=market, confirmed_at=at(DAY + timedelta(days=1), 9), total=Decimal("77.00")
    )  # tomorrow
    OrderFactory(
        client=market, confirmed_at=at(DAY, 11), total=Decimal("400.00"), status=Order.Status.CANCELLED
    )
    OrderFactory(client=retail, confirmed_at=at(DAY, 11), total=Decimal("300.00"))  # other department
    return oleg, irina


def test_department_figures_for_the_day_and_month(wholesale_day):
    oleg, irina = wholesale_day
    figures = department_day(department=department("wholesale"), day=DAY)
    assert figures.orders_today == 2
    assert figures.value_today == Decimal("6000.10")
    assert figures.orders_month == 3
    assert figures.value_month == Decimal("6250.10")
    assert figures.clients_without_manager == 1
    assert figures.clients_by_type == [("Market", 2), ("Key client", 1)]
    rows = [(m.manager, m.clients, m.orders, m.value) for m in figures.managers]
    assert rows == [(irina, 1, 2, Decimal("5250.00")), (oleg, 1, 1, Decimal("1000.10"))]


def test_dashboard_page_shows_the_heads_department(client, staff_of):
    head = staff_of(Role.HEAD, department_code="retail")
    ClientFactory(type=client_type("retail"), manager=None)
    client.force_login(head)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert f"<h1>Retail sales: {dateformat.format(timezone.localdate(), 'N j, Y')}</h1>" in html
    assert '<dd id="without-manager">1</dd>' in html
    assert '<dd id="orders-today">0</dd>' in html
