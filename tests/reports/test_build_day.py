"""The daily operator report (III.14, III.25, section VI): a known day of calls, orders, offers
and call-list results, and every figure the build makes of it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F

from calls.models import Call
from clients.rules import Handler
from orders.models import Offer, Order
from outbound.models import CallList, CallTask, TaskAttempt
from reports.build import build_day, days_to_catch_up
from reports.models import OperatorDay, ReportRun, SalesDay
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
DAY = date(2026, 11, 20)


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=MSK)


def call(operator, client, start: datetime, seconds: int | None, **fields) -> Call:
    return Call.objects.create(
        direction=fields.pop("direction", Call.Direction.INBOUND),
        phone="+74950000000",
        client=client,
        operator=operator,
        started_at=start,
        ended_at=start + timedelta(seconds=seconds) if seconds is not None else None,
        outcome=fields.pop("outcome", Call.Outcome.ORDER_TAKEN if seconds is not None else ""),
        **fields,
    )


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


def offers(order: Order, by, when: datetime, made: int, accepted: int) -> None:
    for n in range(made):
        outcome = Offer.Outcome.ACCEPTED if n < accepted else Offer.Outcome.DECLINED
        Offer.objects.create(order=order, product=ProductFactory(), outcome=outcome, offered_by=by)
    Offer.objects.filter(order=order).update(offered_at=when)


def dormant_call(
    operator, client, when: datetime, *, reason=CallTask.Reason.DORMANT, outcome="agreed"
) -> None:
    call_list, _ = CallList.objects.get_or_create(source=CallList.Source.DORMANT, day=when.date())
    task = CallTask.objects.create(
        call_list=call_list, client=client, operator=operator, reason=reason, status="done", outcome=outcome
    )
    TaskAttempt.objects.create(
        task=task, operator=operator, client=client, reason=reason, outcome=outcome, at=when
    )


@pytest.fixture
def known_day(staff_of):
    """Two operators, a manager who takes orders himself, wholesale and retail clients."""
    olga = staff_of(Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova")
    marina = staff_of(
        Role.OPERATOR, department_code="call_center", username="marina", full_name="Marina Egorova"
    )
    oleg = staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov")
    irina = staff_of(Role.MANAGER, username="irina", full_name="Irina Petrova", key_account=True)
    retail_manager = staff_of(Role.MANAGER, department_code="retail", username="tanya")
    a, b, z, y, x, w = (ClientFactory(name=name, manager=oleg) for name in "ABZYXW")
    key = ClientFactory(name="K", manager=irina, type=client_type("key"))
    shop = ClientFactory(name="R", manager=retail_manager, type=client_type("retail"))

    # Olga's calls: an order, a key client passed on (III.4), a debtor passed to the manager
    # (III.6), an outbound call to a dormant client, a call still open, and one from yesterday.
    call(olga, a, at(DAY, 9), 240)
    call(olga, key, at(DAY, 10), 120, outcome=Call.Outcome.TRANSFERRED, route_clause="III.4")
    call(
        olga,
        b,
        at(DAY, 11),
        90,
        outcome=Call.Outcome.TRANSFERRED,
        route_clause="III.6",
        route_handler=Handler.MANAGER,
        route_user="oleg",
    )
    call(olga, z, at(DAY, 12), 300, direction=Call.Direction.OUTBOUND)
    call(olga, shop, at(DAY, 13), None)
    call(olga, a, at(DAY - timedelta(days=1), 23, 59, 30), 60)
    # Marina's: a debtor passed to finance, one left as a callback request, an unknown caller.
    call(
        marina,
        b,
        at(DAY, 9, 30),
        180,
        outcome=Call.Outcome.TRANSFERRED,
        route_clause="III.6",
        route_handler=Handler.FINANCE,
        route_user="norlova",
    )
    call(
        marina,
        a,
        at(DAY, 14),
        60,
        outcome=Call.Outcome.CALLBACK,
        route_clause="III.6",
        route_handler=Handler.FINANCE,
        route_user="",
    )
    call(marina, None, at(DAY, 14, 30), 60, outcome=Call.Outcome.INFO_SENT)

    o1 = order(olga, a, at(DAY, 9, 3), "1500.50", 3)
    o2 = order(olga, z, at(DAY, 12, 4), "800.00", 2)
    order(olga, key, at(DAY, 0), "100.00", 1)  # at midnight: today's
    order(olga, a, at(DAY + timedelta(days=1), 0), "70.00", 1)  # tomorrow's
    offers(o1, olga, at(DAY, 9, 2), made=3, accepted=1)
    offers(o2, olga, at(DAY, 12, 3), made=3, accepted=2)
    yesterday = order(olga, a, at(DAY - timedelta(days=1), 23, 50), "60.00", 1)
    offers(yesterday, olga, at(DAY - timedelta(days=1), 23, 49), made=3, accepted=3)
    draft = OrderFactory(taken_by=marina, client=b, status=Order.Status.DRAFT, number=None, confirmed_at=None)
    offers(draft, marina, at(DAY, 9, 35), made=2, accepted=0)
    # Errors (section VI): Olga's order of two days ago cancelled today for a wrong quantity;
    # Marina's confirmed and cancelled today as a duplicate; a draft cancelled is no error, nor
    # is Olga's order cancelled today because the goods ran out (not the operator's mistake).
    order(
        olga,
        a,
        at(DAY - timedelta(days=2), 10),
        "10.00",
        1,
        status=Order.Status.CANCELLED,
        status_changed_at=at(DAY, 16),
        cancel_code="wrong_quantity",
    )
    order(
        olga,
        a,
        at(DAY - timedelta(days=2), 11),
        "20.00",
        1,
        status=Order.Status.CANCELLED,
        status_changed_at=at(DAY, 17),
        cancel_code="out_of_stock",
        cancel_reason="нет на складе",
    )
    order(
        marina,
        b,
        at(DAY, 10),
        "200.00",
        1,
        status=Order.Status.CANCELLED,
        status_changed_at=at(DAY, 11),
        cancel_code="duplicate",
    )
    OrderFactory(
        taken_by=marina,
        client=b,
        status=Order.Status.CANCELLED,
        number=None,
        confirmed_at=None,
        status_changed_at=at(DAY, 12),
    )

    # Dormant clients (III.16): Z called and ordered today (the result recorded after the
    # order); Y called by Marina three days ago, ordered today through Oleg; X called five days
    # ago, ordered two days ago and again today (reactivated then, not today); W refused today;
    # a campaign call is not a dormant call.
    dormant_call(olga, z, at(DAY, 12, 5))
    dormant_call(marina, y, at(DAY - timedelta(days=3), 10))
    order(oleg, y, at(DAY, 15), "999.99", 4)
    dormant_call(marina, x, at(DAY - timedelta(days=5), 10))
    order(oleg, x, at(DAY - timedelta(days=2), 11), "30.00", 1)
    order(oleg, x, at(DAY, 16), "50.00", 1)
    dormant_call(marina, w, at(DAY, 15), outcome="refused")
    dormant_call(marina, a, at(DAY, 15, 30), reason=CallTask.Reason.CAMPAIGN)
    return olga, marina, oleg, irina, retail_manager


REPORT_FIELDS = (
    "calls_in",
    "calls_out",
    "calls_ended",
    "talk_seconds",
    "orders",
    "order_value",
    "lines",
    "offers_made",
    "offers_accepted",
    "transfers",
    "dormant_called",
    "dormant_reordered",
    "errors",
    "exceptions",
    "score",
)


def report_of(user) -> dict:
    row = OperatorDay.objects.get(operator=user, day=DAY)
    return {name: getattr(row, name) for name in REPORT_FIELDS}


def test_every_figure_of_each_operator(known_day):
    olga, marina, oleg, *_ = known_day
    built = build_day(DAY)
    assert built.operators == 3
    assert report_of(olga) == {
        "calls_in": 4,
        "calls_out": 1,
        "calls_ended": 4,
        "talk_seconds": 750,
        "orders": 3,
        "order_value": Decimal("2400.50"),
        "lines": 6,
        "offers_made": 6,
        "offers_accepted": 3,
        "transfers": 2,
        "dormant_called": 1,
        "dormant_reordered": 1,
        "errors": 1,
        "exceptions": 0,
        "score": Decimal("60.0"),  # 60 x 2/3 orders without error + 40 x 3/6 offers taken
    }
    assert OperatorDay.objects.get(operator=olga, day=DAY).handle_seconds_avg == 188  # 750 / 4
    assert report_of(marina) == {
        "calls_in": 3,
        "calls_out": 0,
        "calls_ended": 3,
        "talk_seconds": 300,
        "orders": 1,
        "order_value": Decimal("200.00"),
        "lines": 1,
        "offers_made": 2,
        "offers_accepted": 0,
        "transfers": 1,
        "dormant_called": 1,  # W today; Y three days ago does not count today
        "dormant_reordered": 1,  # Y, who ordered today after her call
        "errors": 1,
        "exceptions": 0,
        "score": Decimal("0.0"),
    }
    assert report_of(oleg) == {
        "calls_in": 0,
        "calls_out": 0,
        "calls_ended": 0,
        "talk_seconds": 0,
        "orders": 2,
        "order_value": Decimal("1049.99"),
        "lines": 5,
        "offers_made": 0,
        "offers_accepted": 0,
        "transfers": 0,
        "dormant_called": 0,
        "dormant_reordered": 0,
        "errors": 0,
        "exceptions": 0,
        "score": Decimal("60.0"),
    }
    rows = OperatorDay.objects.filter(day=DAY)
    assert {r.operator.username: r.department.code for r in rows} == {
        "olga": "call_center",
        "marina": "call_center",
        "oleg": "wholesale",
    }


SLICE_FIELDS = (
    "calls_in",
    "calls_out",
    "orders",
    "order_value",
    "lines",
    "offers_made",
    "offers_accepted",
    "reactivated",
    "errors",
    "blocked_to_manager",
    "blocked_to_finance",
    "blocked_to_callback",
)


def test_the_heads_slices_by_department_operator_and_manager(known_day):
    build_day(DAY)
    slices = {
        (s.department.code, s.operator.username if s.operator else None, s.manager.username): tuple(
            getattr(s, name) for name in SLICE_FIELDS
        )
        for s in SalesDay.objects.filter(day=DAY).select_related("department", "operator", "manager")
    }
    assert slices == {
        # calls in, out, orders, value, lines, offers made, taken, reactivated, errors, blocked
        # to the manager, to finance, as a callback
        ("wholesale", "olga", "oleg"): (2, 1, 2, Decimal("2300.50"), 5, 6, 3, 1, 1, 1, 0, 0),
        ("wholesale", "olga", "irina"): (1, 0, 1, Decimal("100.00"), 1, 0, 0, 0, 0, 0, 0, 0),
        ("retail", "olga", "tanya"): (1, 0, 0, Decimal("0.00"), 0, 0, 0, 0, 0, 0, 0, 0),
        ("wholesale", "marina", "oleg"): (2, 0, 1, Decimal("200.00"), 1, 2, 0, 1, 1, 0, 1, 1),
        ("wholesale", "oleg", "oleg"): (0, 0, 2, Decimal("1049.99"), 5, 0, 0, 0, 0, 0, 0, 0),
    }


def test_a_rerun_changes_nothing(known_day):
    build_day(DAY)
    first_operators = list(OperatorDay.objects.order_by("pk").values())
    first_slices = sorted(
        tuple(sorted((k, v) for k, v in r.items() if k != "id")) for r in SalesDay.objects.values()
    )
    first_run = ReportRun.objects.get(day=DAY)
    build_day(DAY)
    assert list(OperatorDay.objects.order_by("pk").values()) == first_operators  # same rows, same ids
    assert (
        sorted(tuple(sorted((k, v) for k, v in r.items() if k != "id")) for r in SalesDay.objects.values())
        == first_slices
    )
    assert ReportRun.objects.count() == 1
    assert ReportRun.objects.get(day=DAY).built_at >= first_run.built_at


def test_a_rerun_follows_the_data_and_drops_a_day_nobody_worked(known_day):
    olga, marina, oleg, *_ = known_day
    build_day(DAY)
    Order.objects.filter(taken_by=oleg).update(confirmed_at=F("confirmed_at") - timedelta(days=30))
    Order.objects.filter(taken_by=olga, total=Decimal("800.00")).update(total=Decimal("900.00"))
    build_day(DAY)
    assert not OperatorDay.objects.filter(operator=oleg, day=DAY).exists()
    assert OperatorDay.objects.get(operator=olga, day=DAY).order_value == Decimal("2500.50")
    # Y's order moved a month back: no longer a reactivation today.
    assert OperatorDay.objects.get(operator=marina, day=DAY).dormant_reordered == 0


def test_other_days_are_left_alone(known_day):
    build_day(DAY)
    build_day(DAY - timedelta(days=1))
    assert OperatorDay.objects.filter(day=DAY).count() == 3
    yesterday = OperatorDay.objects.get(day=DAY - timedelta(days=1))
    assert (yesterday.operator.username, yesterday.calls_in, yesterday.orders, yesterday.offers_made) == (
        "olga",
        1,
        1,
        3,
    )


def test_an_empty_day_builds_no_rows(db):
    built = build_day(DAY)
    assert (built.operators, built.slices) == (0, 0)
    assert ReportRun.objects.filter(day=DAY).exists()
    assert department("wholesale").pk not in SalesDay.objects.values_list("department", flat=True)


def test_the_build_reads_a_fixed_number_of_queries(known_day, django_assert_num_queries):
    # 10 grouped reads (3 for reactivations), 1 for departments, then one transaction: lock the
    # run, delete stale rows, upsert, delete + insert the slices, save the run (and the test's
    # savepoints around the block).
    build_day(DAY)  # the day's run row exists from here on
    with django_assert_num_queries(18):
        build_day(DAY)
    olga = known_day[0]
    for n in range(5):
        extra = ClientFactory(name=f"More {n}")
        call(olga, extra, at(DAY, 17, n), 30)
        order(olga, extra, at(DAY, 17, n, 20), "10.00", 2)
        dormant_call(olga, extra, at(DAY, 17, n, 40))
    with django_assert_num_queries(18):
        build_day(DAY)
    assert OperatorDay.objects.get(operator=olga, day=DAY).dormant_reordered == 6


def test_days_to_catch_up_are_those_not_built_after_they_ended(db):
    today = DAY
    ReportRun.objects.create(day=DAY - timedelta(days=1), built_at=at(DAY, 0, 10))  # built after its end
    ReportRun.objects.create(day=DAY - timedelta(days=2), built_at=at(DAY - timedelta(days=2), 18))  # mid-day
    missing = days_to_catch_up(today=today, lookback=3)
    assert missing == [DAY - timedelta(days=3), DAY - timedelta(days=2)]
