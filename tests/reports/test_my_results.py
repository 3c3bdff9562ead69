"""The operator's own page ("around the job": operators are paid partly by
results, so they see their own completed orders and average score; section VI for the score).
Each member of staff sees their own rows only (III.26), in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from calls.models import Call
from reports.build import build_day
from reports.models import OperatorDay, ReportRun
from reports.rules import day_score
from reports.views_people import minutes_seconds
from staff.models import Role
from tests.factories import ClientFactory, OrderFactory, OrderLineFactory, make_staff

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
DAY = date(2026, 11, 20)  # a Friday: its week is Mon 16 to Sun 22 November


def row(who, day: date, **figures) -> OperatorDay:
    """An operator's day with its score as `build_day` would compute it (section VI)."""
    figures.setdefault("order_value", Decimal("0.00"))
    score = day_score(
        orders=figures.get("orders", 0),
        errors=figures.get("errors", 0),
        offers_made=figures.get("offers_made", 0),
        offers_accepted=figures.get("offers_accepted", 0),
    )
    return OperatorDay.objects.create(operator=who, day=day, score=score, **figures)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DAY)
    return DAY


@pytest.fixture
def olga_month(operator):
    """Olga's November so far, a day of October, and another operator's same day."""
    row(
        operator,
        DAY,
        calls_in=6,
        calls_out=3,
        calls_ended=8,
        talk_seconds=1200,
        orders=4,
        order_value=Decimal("1234.50"),
        lines=9,
        offers_made=10,
        offers_accepted=5,
        transfers=2,
        dormant_called=3,
        dormant_reordered=1,
        errors=1,
    )  # score 60 * 3/4 + 40 * 5/10 = 65.0
    row(
        operator,
        date(2026, 11, 17),
        calls_in=2,
        calls_out=1,
        calls_ended=2,
        talk_seconds=200,
        orders=2,
        order_value=Decimal("500.00"),
        lines=3,
        offers_made=4,
        offers_accepted=4,
    )  # score 100.0
    row(operator, date(2026, 11, 16), calls_in=1, calls_ended=1, talk_seconds=30)  # no orders: no score
    row(
        operator,
        date(2026, 11, 3),
        calls_out=5,
        calls_ended=5,
        talk_seconds=300,
        orders=5,
        order_value=Decimal("1000.00"),
        lines=5,
        offers_made=5,
        offers_accepted=1,
        dormant_called=2,
        dormant_reordered=2,
    )  # score 60 + 8 = 68.0
    row(
        operator,
        date(2026, 10, 31),
        orders=9,
        order_value=Decimal("9000.00"),
        offers_made=9,
        offers_accepted=9,
    )
    marina = make_staff(Role.OPERATOR, department_code="call_center", username="marina")
    row(marina, DAY, orders=7, order_value=Decimal("777.00"), lines=7, offers_made=1, offers_accepted=0)
    return operator


def cells(html: str) -> dict[str, str]:
    """Every cell of the page that has an id, as text."""
    return {
        key: re.sub(r"\s+", " ", value).strip()
        for key, value in re.findall(r'<td class="num" id="([a-z-]+)">(.*?)</td>', html, flags=re.S)
    }


def test_minutes_seconds():
    assert [minutes_seconds(s) for s in (None, 0, 5, 75, 150, 3725)] == [
        "—",
        "0:00",
        "0:05",
        "1:15",
        "2:30",
        "62:05",
    ]


def test_an_operator_sees_their_day_week_and_month(client, today, olga_month):
    client.force_login(olga_month)
    response = client.get(reverse("reports:me"))
    assert response.status_code == 200
    figures = cells(response.content.decode())
    assert {k: v for k, v in figures.items() if k.startswith("day-")} == {
        "day-score": "65.0",
        "day-orders": "4",
        "day-value": "RUB 1,234.50",
        "day-lines": "9",
        "day-offers": "5 / 10",
        "day-conversion": "50.0 %",
        "day-errors": "1",
        "day-calls-in": "6",
        "day-calls-out": "3",
        "day-handle": "2:30",  # 1200 s over 8 calls
        "day-transfers": "2",
        "day-dormant-called": "3",
        "day-dormant-reordered": "1",
    }
    assert {k: v for k, v in figures.items() if k.startswith("week-")} == {
        "week-score": "82.5",  # (65.0 + 100.0) / 2: Monday had no orders, so no score
        "week-orders": "6",
        "week-value": "RUB 1,734.50",
        "week-lines": "12",
        "week-offers": "9 / 14",
        "week-conversion": "64.3 %",
        "week-errors": "1",
        "week-calls-in": "9",
        "week-calls-out": "4",
        "week-handle": "2:10",  # 1430 s over 11 calls
        "week-transfers": "2",
        "week-dormant-called": "3",
        "week-dormant-reordered": "1",
    }
    assert {k: v for k, v in figures.items() if k.startswith("month-")} == {
        "month-score": "77.7",  # (65.0 + 100.0 + 68.0) / 3; October's 100 is not in it
        "month-orders": "11",
        "month-value": "RUB 2,734.50",
        "month-lines": "17",
        "month-offers": "10 / 19",
        "month-conversion": "52.6 %",
        "month-errors": "1",
        "month-calls-in": "9",
        "month-calls-out": "9",
        "month-handle": "1:48",  # 1730 s over 16 calls
        "month-transfers": "2",
        "month-dormant-called": "5",
        "month-dormant-reordered": "3",
    }


def test_the_month_day_by_day_with_each_days_score(client, today, olga_month):
    client.force_login(olga_month)
    html = client.get(reverse("reports:me")).content.decode()
    table = html.split('id="month-days-table"', 1)[1].split("</table>", 1)[0]
    days = re.findall(r'<tr id="day-(\d{4}-\d\d-\d\d)"', table)
    assert days == ["2026-11-20", "2026-11-17", "2026-11-16", "2026-11-03"]  # newest first, November only
    scores = re.findall(r'<td class="num" data-cell="score">(.*?)</td>', table)
    assert scores == ["65.0", "100.0", "—", "68.0"]
    assert '<td class="num" data-cell="value">RUB\xa01,000.00</td>' in table


def test_the_page_explains_the_score(client, today, operator):
    client.force_login(operator)
    html = client.get(reverse("reports:me")).content.decode()
    assert "60 for the share of your orders taken without an error" in html
    assert "plus 40 for the share of the extra items you offered that the client took" in html


def test_the_page_says_when_the_figures_were_built(client, today, operator):
    built = datetime(2026, 11, 20, 11, 55, tzinfo=MSK)
    ReportRun.objects.create(day=DAY, built_at=built)
    client.force_login(operator)
    html = client.get(reverse("reports:me")).content.decode()
    at = date_format(timezone.localtime(built), "DATETIME_FORMAT")
    assert f"Figures as of {at}; today's follow each confirmed order and ended call within seconds." in html


def test_before_the_first_build_the_page_says_so(client, today, operator):
    client.force_login(operator)
    html = client.get(reverse("reports:me")).content.decode()
    assert (
        "Today's figures are not built yet; they appear with the first confirmed order or ended call." in html
    )
    assert '<td class="num" id="month-score">—</td>' in html
    assert '<td class="num" id="day-value">RUB\xa00.00</td>' in html
    assert 'id="no-days"' in html


def test_an_operator_sees_only_their_own_figures(client, today, olga_month):
    marina = make_staff(Role.OPERATOR, department_code="call_center", username="marina2")
    client.force_login(marina)
    figures = cells(
        client.get(reverse("reports:me"), {"operator": olga_month.pk, "user": "op"}).content.decode()
    )
    assert (figures["day-orders"], figures["month-value"], figures["month-score"]) == (
        "0",
        "RUB 0.00",
        "—",
    )


def test_a_head_sees_their_own_rows_not_the_operators(client, today, olga_month, staff_of):
    head = staff_of(Role.HEAD, username="volkov")
    row(head, DAY, orders=1, order_value=Decimal("42.00"), offers_made=2, offers_accepted=1)
    client.force_login(head)
    figures = cells(client.get(reverse("reports:me")).content.decode())
    assert (figures["day-orders"], figures["day-value"], figures["day-score"]) == (
        "1",
        "RUB 42.00",
        "80.0",
    )


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("reports:me"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/reports/me/"


def test_figures_built_from_the_days_calls_and_orders(client, today, operator):
    """The page reads what `build_day` folded (III.14): a call wrapped up in 3 minutes, one
    order of two lines confirmed that day."""
    kolos = ClientFactory(name="Kolos grocery")
    start = datetime(2026, 11, 20, 10, 0, tzinfo=MSK)
    Call.objects.create(
        direction=Call.Direction.INBOUND,
        phone="+74951234567",
        client=kolos,
        operator=operator,
        started_at=start,
        ended_at=start + timedelta(seconds=185),
        outcome=Call.Outcome.ORDER_TAKEN,
    )
    placed = OrderFactory(
        taken_by=operator, client=kolos, created_at=start, confirmed_at=start, total=Decimal("250.40")
    )
    OrderLineFactory(order=placed)
    OrderLineFactory(order=placed)
    build_day(DAY)
    client.force_login(operator)
    figures = cells(client.get(reverse("reports:me")).content.decode())
    assert figures["day-calls-in"] == "1"
    assert figures["day-handle"] == "3:05"
    assert (figures["day-orders"], figures["day-value"], figures["day-lines"]) == ("1", "RUB 250.40", "2")
    assert figures["day-score"] == "60.0"  # no errors, no offers made (III.7 asks for 3-4)
    assert figures["month-score"] == "60.0"


def test_the_page_is_a_fixed_number_of_queries(client, today, operator, django_assert_num_queries):
    client.force_login(operator)
    row(operator, DAY, orders=1, order_value=Decimal("10.00"))
    # the session, the user with their role; the day, the week, the month; when today was built
    # (the session is written at most once a minute: calldesk.middleware.SlidingSessionMiddleware)
    with django_assert_num_queries(6):
        small = client.get(reverse("reports:me"))
    for n in range(1, 20):
        row(operator, DAY - timedelta(days=n), orders=1, order_value=Decimal("10.00"))
    with django_assert_num_queries(6):
        large = client.get(reverse("reports:me"))
    assert cells(small.content.decode())["month-orders"] == "1"
    assert cells(large.content.decode())["month-orders"] == "20"
