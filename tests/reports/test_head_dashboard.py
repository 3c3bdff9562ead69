"""The heads' dashboard (section VI): a department's day or period against its targets,
by manager and by operator, from the pre-aggregated rows only (III.25), and confined to the
head's own department (III.26)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from calls.models import Call
from clients.rules import Handler
from orders.models import Offer, Order
from outbound.models import CallList, CallTask, Campaign, TaskAttempt
from reports.build import build_day
from reports.models import DepartmentTarget, ReportRun, SalesDay
from staff.models import Role
from tests.factories import (
    ClientFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    client_type,
    department,
)

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
DAY = date(2026, 11, 20)  # a Friday


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


def order(taken_by, client, confirmed: datetime, total: str, lines: int, **fields) -> Order:
    placed = OrderFactory(
        taken_by=taken_by,
        client=client,
        created_at=confirmed,
        confirmed_at=confirmed,
        total=Decimal(total),
        **fields,
    )
    for _ in range(lines):
        OrderLineFactory(order=placed)
    return placed


def offers(placed: Order, by, made: int, accepted: int) -> None:
    for n in range(made):
        outcome = Offer.Outcome.ACCEPTED if n < accepted else Offer.Outcome.DECLINED
        Offer.objects.create(order=placed, product=ProductFactory(), outcome=outcome, offered_by=by)
    Offer.objects.filter(order=placed).update(offered_at=placed.confirmed_at)


def debt_call(operator, client, when: datetime, handler: str, route_user: str) -> Call:
    """A call the desk routed away because the client's debt blocked the order (III.5, III.6)."""
    return Call.objects.create(
        direction=Call.Direction.INBOUND,
        phone="+74950000000",
        client=client,
        operator=operator,
        started_at=when,
        ended_at=when + timedelta(seconds=60),
        outcome=Call.Outcome.TRANSFERRED,
        route_clause="III.6",
        route_handler=handler,
        route_user=route_user,
    )


def dormant_call(operator, client, when: datetime) -> None:
    call_list, _ = CallList.objects.get_or_create(source=CallList.Source.DORMANT, day=when.date())
    task = CallTask.objects.create(
        call_list=call_list,
        client=client,
        operator=operator,
        reason=CallTask.Reason.DORMANT,
        status=CallTask.Status.DONE,
        outcome=CallTask.Outcome.AGREED,
    )
    TaskAttempt.objects.create(
        task=task,
        operator=operator,
        client=client,
        reason=CallTask.Reason.DORMANT,
        outcome=CallTask.Outcome.AGREED,
        at=when,
    )


@pytest.fixture
def head(staff_of):
    return staff_of(Role.HEAD, username="volkov", full_name="Pavel Volkov")


@pytest.fixture
def known_day(staff_of):
    """A wholesale day built by `build_day`: two operators, two managers, a client without a
    manager, a dormant client who ordered again, three debtors routed three ways, and a retail
    order that is none of wholesale's business."""
    olga = staff_of(Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova")
    marina = staff_of(
        Role.OPERATOR, department_code="call_center", username="marina", full_name="Marina Egorova"
    )
    oleg = staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov")
    irina = staff_of(Role.MANAGER, username="irina", full_name="Irina Petrova", key_account=True)
    a, b, sleepy = (ClientFactory(name=name, manager=oleg) for name in ("A", "B", "Sleepy"))
    key = ClientFactory(name="K", manager=irina, type=client_type("key"))
    newcomer = ClientFactory(name="New", manager=None)
    shop = ClientFactory(
        name="R", type=client_type("retail"), manager=staff_of(Role.MANAGER, department_code="retail")
    )

    offers(order(olga, a, at(DAY, 9), "1000.10", 2), olga, made=4, accepted=1)
    offers(order(marina, key, at(DAY, 10), "5000.00", 3), marina, made=2, accepted=2)
    order(olga, newcomer, at(DAY, 11), "200.00", 1)
    dormant_call(olga, sleepy, at(DAY - timedelta(days=3), 12))
    order(olga, sleepy, at(DAY, 12), "150.00", 1)  # ordered again after the dormant list's call
    order(olga, shop, at(DAY, 13), "300.00", 1)  # retail
    cancelled = order(
        marina,
        b,
        at(DAY - timedelta(days=2), 10),
        "80.00",
        1,
        status=Order.Status.CANCELLED,
        cancel_code="duplicate",
    )
    Order.objects.filter(pk=cancelled.pk).update(status_changed_at=at(DAY, 15))  # an error, on DAY
    debt_call(olga, b, at(DAY, 14), Handler.MANAGER, "oleg")
    debt_call(marina, b, at(DAY, 15), Handler.FINANCE, "fin")
    debt_call(marina, a, at(DAY, 16), Handler.FINANCE, "")  # nobody free: a callback request
    build_day(DAY)
    return {"olga": olga, "marina": marina, "oleg": oleg, "irina": irina}


def page(client, user, **params) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"), params)
    return response.status_code, response.content.decode()


def cell(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no #{element_id}"
    return match.group(1).strip()


def row_of(html: str, table_id: str, attribute: str, value: str) -> dict[str, str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert table, f"no #{table_id}"
    row = re.search(rf'<tr {attribute}="{value}".*?</tr>', table.group(0), re.S)
    assert row, f"no row {value} in #{table_id}"
    return {
        name: re.sub(r"<[^>]+>", "", text).strip()
        for name, text in re.findall(r'data-cell="([\w-]+)">(.*?)</td>', row.group(0), re.S)
    }


# --- The figures ----------------------------------------------------------------------------------


def test_a_built_day_shows_the_departments_figures(client, head, known_day):
    status, html = page(client, head, on=DAY.isoformat())
    assert status == 200
    assert '<h1 id="dashboard-title">Wholesale sales: Nov. 20, 2026</h1>' in html
    assert cell(html, "total-orders") == "4"
    assert cell(html, "total-value") == "RUB\xa06,350.10"
    assert cell(html, "total-lines") == "7"
    assert cell(html, "conversion") == "50.0 %"  # 3 of 6 offers accepted (III.7)
    assert cell(html, "offers") == "3 / 6"
    assert cell(html, "reactivated") == "1"
    assert cell(html, "errors") == "1"
    assert cell(html, "calls-in") == "3"
    assert cell(html, "calls-out") == "0"
    assert cell(html, "blocked-manager") == "1"
    assert cell(html, "blocked-finance") == "1"
    assert cell(html, "blocked-callback") == "1"
    assert cell(html, "blocked-total") == "3"
    built_at = ReportRun.objects.get(day=DAY).built_at
    as_of = date_format(timezone.localtime(built_at), "DATETIME_FORMAT")
    assert re.match(rf"Figures as of {re.escape(as_of)}\s*<a ", cell(html, "built-at"))
    assert 'id="days-not-built"' not in html


def test_by_manager_and_by_operator(client, head, known_day):
    _, html = page(client, head, on=DAY.isoformat())
    oleg = row_of(html, "by-manager", "data-person", "oleg")
    assert (oleg["orders"], oleg["value"], oleg["lines"], oleg["conversion"]) == (
        "2",
        "RUB\xa01,150.10",
        "3",
        "25.0",
    )
    assert (oleg["reactivated"], oleg["errors"], oleg["blocked"], oleg["calls-in"]) == ("1", "1", "3", "3")
    irina = row_of(html, "by-manager", "data-person", "irina")
    assert (irina["orders"], irina["value"], irina["conversion"]) == ("1", "RUB\xa05,000.00", "100.0")
    nobody = row_of(html, "by-manager", "data-person", "-")
    assert (nobody["orders"], nobody["value"], nobody["conversion"]) == ("1", "RUB\xa0200.00", "—")
    managers = re.findall(
        r'data-person="([\w-]+)"', re.search(r'id="by-manager".*?</table>', html, re.S).group(0)
    )
    assert managers == ["irina", "oleg", "-"]  # by value, highest first
    olga = row_of(html, "by-operator", "data-person", "olga")
    assert (olga["orders"], olga["value"], olga["lines"], olga["conversion"]) == (
        "3",
        "RUB\xa01,350.10",
        "4",
        "25.0",
    )
    assert (olga["reactivated"], olga["blocked"]) == ("1", "1")
    marina = row_of(html, "by-operator", "data-person", "marina")
    assert (marina["orders"], marina["value"], marina["errors"], marina["blocked"]) == (
        "1",
        "RUB\xa05,000.00",
        "1",
        "2",
    )


def test_clients_by_type_and_without_a_manager(client, head, known_day):
    _, html = page(client, head, on=DAY.isoformat())
    types = re.search(r'id="clients-by-type">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td><td class=\"num\">(\d+)</td>", types) == [
        ("Market", "4"),
        ("Key client", "1"),
    ]
    assert cell(html, "without-manager") == "1"


def test_the_chart_data_goes_as_json_with_money_as_text(client, head, known_day):
    _, html = page(client, head, period="week", on=DAY.isoformat())
    data = json.loads(
        re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["days"] == [
        "11/16/2026",
        "11/17/2026",
        "11/18/2026",
        "11/19/2026",
        "11/20/2026",
        "11/21/2026",
        "11/22/2026",
    ]
    assert data["orders"] == [0, 0, 0, 0, 4, 0, 0]
    assert data["values"] == ["0.00", "0.00", "0.00", "0.00", "6350.10", "0.00", "0.00"]
    assert data["conversion"] == [None, None, None, None, "50.0", None, None]
    assert data["managers"] == [
        {"name": "Irina Petrova", "value": "5000.00"},
        {"name": "Oleg Ivanov", "value": "1150.10"},
        {"name": "No manager", "value": "200.00"},
    ]
    assert data["labels"]["value"] == "Order value, RUB"
    # the page loads Chart.js from the desk itself, and draws from a static file (CSP)
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>' in html
    assert '<script src="/static/js/dashboard.js" defer></script>' in html
    assert "cdn" not in html.lower()


# --- Periods and targets --------------------------------------------------------------------------


def sales(day: date, code: str = "wholesale", **counters) -> SalesDay:
    return SalesDay.objects.create(day=day, department=department(code), **counters)


def built(*days: date) -> None:
    for day in days:
        ReportRun.objects.create(
            day=day, built_at=timezone.make_aware(datetime.combine(day, datetime.max.time()))
        )


def test_a_week_adds_up_its_days_and_warns_of_days_not_built(client, head):
    sales(DAY, orders=2, order_value=Decimal("100.50"), offers_made=4, offers_accepted=1)
    sales(DAY - timedelta(days=4), orders=3, order_value=Decimal("20.00"), offers_made=1, offers_accepted=1)
    sales(DAY - timedelta(days=5), orders=7, order_value=Decimal("1.00"))  # the Sunday before
    sales(DAY, code="retail", orders=50, order_value=Decimal("5000.00"))
    built(*(DAY - timedelta(days=n) for n in range(5)))  # Monday to Friday
    _, html = page(client, head, period="week", on=DAY.isoformat())
    assert '<h1 id="dashboard-title">Wholesale sales: Nov. 16, 2026 to Nov. 22, 2026</h1>' in html
    assert cell(html, "total-orders") == "5"
    assert cell(html, "total-value") == "RUB\xa0120.50"
    assert cell(html, "conversion") == "40.0 %"
    # Saturday and Sunday are not built; they count as missing once they are past
    assert (
        cell(html, "days-not-built") == "2 days of this period are not built yet: their figures are missing."
    )


def test_days_still_to_come_are_not_missing(client, head, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DAY)
    built(*(DAY - timedelta(days=n) for n in range(5)))  # Monday to today, Friday
    _, html = page(client, head, period="week")
    assert '<h1 id="dashboard-title">Wholesale sales: Nov. 16, 2026 to Nov. 22, 2026</h1>' in html
    assert 'id="days-not-built"' not in html  # Saturday and Sunday are yet to come
    ReportRun.objects.filter(day=DAY - timedelta(days=2)).delete()
    _, html = page(client, head, period="week")
    assert cell(html, "days-not-built") == "1 day of this period is not built yet: its figures are missing."


def test_targets_are_prorated_to_the_day_and_compared(client, head, known_day):
    DepartmentTarget.objects.create(
        department=department("wholesale"),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        orders=300,
        order_value=Decimal("150000.00"),
        upsell_conversion=Decimal("40.0"),
        reactivated=10,
    )
    _, html = page(client, head, on=DAY.isoformat())
    orders = row_of(html, "targets-table", "data-target", "orders")
    assert orders == {"actual": "4", "target": "10", "share": "40.0 %", "met": "Not met"}
    value = row_of(html, "targets-table", "data-target", "order_value")
    assert value == {
        "actual": "RUB\xa06,350.10",
        "target": "RUB\xa05,000.00",
        "share": "127.0 %",
        "met": "Met",
    }
    conversion = row_of(html, "targets-table", "data-target", "upsell_conversion")
    assert conversion == {"actual": "50", "target": "40", "share": "125.0 %", "met": "Met"}
    reactivated = row_of(html, "targets-table", "data-target", "reactivated")
    assert reactivated == {"actual": "1", "target": "0.33", "share": "303.0 %", "met": "Met"}
    assert 'class="target-missed"' in html and 'class="target-met"' in html


def test_a_month_without_targets_says_so(client, head):
    _, html = page(client, head, period="month", on=DAY.isoformat())
    assert '<h1 id="dashboard-title">Wholesale sales: Nov. 1, 2026 to Nov. 30, 2026</h1>' in html
    assert 'id="no-targets"' in html
    assert cell(html, "built-at").startswith("No figures have been built for this period yet.")


def test_a_custom_period(client, head):
    sales(date(2026, 11, 3), orders=1, order_value=Decimal("10.00"))
    sales(date(2026, 11, 9), orders=2, order_value=Decimal("20.00"))
    sales(date(2026, 11, 10), orders=4, order_value=Decimal("40.00"))
    status, html = page(client, head, period="custom", start="2026-11-03", end="2026-11-09")
    assert status == 200
    assert cell(html, "total-orders") == "3"
    assert 'id="period-previous"' not in html


# --- Who sees what --------------------------------------------------------------------------------


def test_a_head_sees_only_their_own_department(client, staff_of):
    sales(DAY, orders=1, order_value=Decimal("10.00"))
    sales(DAY, code="retail", orders=9, order_value=Decimal("90.00"))
    retail_head = staff_of(Role.HEAD, department_code="retail")
    status, html = page(client, retail_head, on=DAY.isoformat(), department="wholesale")
    assert status == 200
    assert '<h1 id="dashboard-title">Retail sales: Nov. 20, 2026</h1>' in html
    assert cell(html, "total-orders") == "9"
    assert 'id="filter-department"' not in html  # no choice to make


def test_an_admin_chooses_the_department(client, staff_of):
    sales(DAY, orders=1, order_value=Decimal("10.00"))
    sales(DAY, code="retail", orders=9, order_value=Decimal("90.00"))
    admin = staff_of(Role.ADMIN, department_code=None)
    _, html = page(client, admin, on=DAY.isoformat())
    assert '<h1 id="dashboard-title">Wholesale sales: Nov. 20, 2026</h1>' in html  # by default
    assert cell(html, "total-orders") == "1"
    _, html = page(client, admin, on=DAY.isoformat(), department="retail")
    assert cell(html, "total-orders") == "9"
    assert '<option value="retail" selected>Retail sales</option>' in html


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.MANAGER, Role.FINANCE, Role.COMMERCIAL])
def test_other_roles_are_refused(client, staff_of, role):
    status, _ = page(client, staff_of(role))
    assert status == 403


def test_a_head_without_a_department_is_told_so(client, staff_of):
    status, html = page(client, staff_of(Role.HEAD, department_code=None))
    assert status == 400
    assert "You belong to no department" in html
    assert 'id="total-orders"' not in html


@pytest.mark.parametrize(
    "params,message",
    [
        ({"on": "2026-13-40"}, "Enter the date as YYYY-MM-DD"),
        ({"on": "2026-02-30"}, "Enter the date as YYYY-MM-DD"),
        ({"on": "yesterday"}, "Enter the date as YYYY-MM-DD"),
        ({"period": "custom", "start": "2026-11-01"}, "A custom period needs a start and an end date"),
        (
            {"period": "custom", "start": "2026-11-09", "end": "2026-11-01"},
            "The period ends before it starts.",
        ),
        (
            {"period": "custom", "start": "2024-01-01", "end": "2026-01-01"},
            "A custom period is at most 366 days.",
        ),
        ({"period": "year"}, "Choose a day, a week, a month or a custom period."),
    ],
)
def test_bad_filters_show_the_form_with_a_message(client, head, params, message):
    status, html = page(client, head, **params)
    assert status == 400
    assert message in cell(html, "filter-errors")
    assert 'id="period-filter"' in html
    assert 'id="total-orders"' not in html


# --- Speed: the pre-aggregated rows only, a constant number of queries ----------------------------


def campaign(head, name: str, tasks: list[tuple[str, str]]) -> Campaign:
    running = Campaign.objects.create(
        name=name, goal="Sell kvass", script="Hello", department=head.department, created_by=head, due_on=DAY
    )
    call_list = CallList.objects.create(source=CallList.Source.CAMPAIGN, day=DAY, campaign=running)
    for status, outcome in tasks:
        CallTask.objects.create(
            call_list=call_list,
            client=ClientFactory(),
            reason=CallTask.Reason.CAMPAIGN,
            status=status,
            outcome=outcome,
        )
    return running


def test_running_campaigns_show_their_results(client, head):
    done = CallTask.Status.DONE
    summer = campaign(
        head, "Summer kvass", [(done, "agreed"), (done, "refused"), (done, "refused"), ("open", "")]
    )
    closed = campaign(head, "Old", [(done, "agreed")])
    Campaign.objects.filter(pk=closed.pk).update(status=Campaign.Status.CLOSED)
    _, html = page(client, head, on=DAY.isoformat())
    assert row_of(html, "campaigns-table", "data-campaign", str(summer.pk)) == {
        "tasks": "4",
        "done": "3",
        "agreed": "1",
        "refused": "2",
        "informed": "0",
    }
    assert f'data-campaign="{closed.pk}"' not in html


def grow(head, known: dict, copies: int) -> None:
    """More of everything the dashboard reads: sales rows on more days and people, targets,
    clients, campaigns with tasks."""
    for n in range(copies):
        for offset in range(-2, 5):  # every day of DAY's week, Monday to Sunday
            sales(
                DAY - timedelta(days=offset),
                operator=known["olga"] if n % 2 else known["marina"],
                manager=known["oleg"] if offset % 2 else known["irina"],
                orders=n + 1,
                order_value=Decimal("10.00"),
                offers_made=2,
                offers_accepted=1,
            )
        ClientFactory(manager=None)
        campaign(head, f"Campaign {n}", [(CallTask.Status.DONE, "agreed")] * 3)
    built(*(DAY - timedelta(days=n) for n in range(1, 7)))


@pytest.mark.parametrize("copies", [1, 12])
def test_the_dashboard_reads_a_constant_number_of_queries(
    client, head, known_day, django_assert_num_queries, copies
):
    # given: a small base, or one many times bigger
    grow(head, known_day, copies)
    DepartmentTarget.objects.create(
        department=department("wholesale"),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        orders=300,
    )
    client.force_login(head)
    # when / then: the session, the user with their role and department; nine of
    # department_period; one of the running campaigns; the header's unread count (III.14)
    with django_assert_num_queries(14):
        response = client.get(reverse("reports:dashboard"), {"period": "week", "on": DAY.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert cell(html, "total-orders") == str(4 + 7 * sum(range(1, copies + 1)))
    assert html.count("data-campaign=") == min(copies, 5)
