"""Folding a day of calls, orders, offers and call-list results into report rows (III.14,
III.25, section VI).

`build_day` reads the day once, in a fixed number of grouped queries whatever the size of the
day, and writes the day's `OperatorDay` and `SalesDay` rows in one transaction. The day is locked
while it is rebuilt, so two runs (the nightly one and a backfill) never interleave; a re-run
overwrites the day and leaves the same rows.

What counts on day D (TIME_ZONE):
- a call, on the day it started; talk time is the handle time (start to wrap-up) of the calls
  started that day and wrapped up;
- an order, on the day it was confirmed, whatever happened to it later, and its value and lines;
- an offer (III.7), on the day it was made, on whatever order;
- an error, on the day an order confirmed earlier was cancelled for the operator's own mistake
  (section VI: `orders.models.CancelReason.OPERATORS_MISTAKES`; out of stock, the client's change
  of mind or a price-list error are nobody's error at the desk);
- a dormant client called (III.16), once per client an operator recorded a result for that day;
- a dormant client reactivated, on the day of its first confirmed order after an operator's call
  from the dormant list within `REPORT_REACTIVATION_DAYS` before it, credited to the operator of
  the last such call;
- an order blocked by debt (III.5, III.6), on the day of the call the desk routed away, by where
  the desk sent it: the manager, finance, or a callback request when nobody was free.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from calls.models import Call
from clients.rules import Handler
from orders.models import CancelReason, Offer, Order, OrderLine
from outbound.models import CallTask, TaskAttempt
from reports.models import OperatorDay, ReportRun, SalesDay
from reports.rules import day_score
from staff.models import User

DORMANT_REASONS = (CallTask.Reason.DORMANT, CallTask.Reason.NEVER_ORDERED)
DEBT_CLAUSE = "III.6"  # the route the desk takes when debt blocks an order
OPERATOR_FIELDS = ["department", *OperatorDay.COUNTERS, "score"]  # what a re-run overwrites


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day from midnight to midnight in TIME_ZONE, as aware datetimes."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


@dataclass
class Figures:
    """The counters of one slice of a day; both row kinds are sums of these."""

    calls_in: int = 0
    calls_out: int = 0
    calls_ended: int = 0
    talk_seconds: int = 0
    orders: int = 0
    order_value: Decimal = Decimal("0.00")
    lines: int = 0
    offers_made: int = 0
    offers_accepted: int = 0
    transfers: int = 0
    dormant_called: int = 0
    dormant_reordered: int = 0
    errors: int = 0
    exceptions: int = 0
    blocked_to_manager: int = 0
    blocked_to_finance: int = 0
    blocked_to_callback: int = 0

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))


# A slice: (operator id or None, client's department id or None, client's manager id or None).
Key = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class BuiltDay:
    day: date
    operators: int
    slices: int
    seconds: Decimal


def _gather(day: date) -> dict[Key, Figures]:
    start, end = day_bounds(day)
    slices: dict[Key, Figures] = defaultdict(Figures)

    handle = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    ended = Q(ended_at__isnull=False)
    blocked = Q(route_clause=DEBT_CLAUSE)
    calls = (
        Call.objects.filter(started_at__gte=start, started_at__lt=end)
        .values_list("operator_id", "client__department_id", "client__manager_id")
        .annotate(
            calls_in=Count("pk", filter=Q(direction=Call.Direction.INBOUND)),
            calls_out=Count("pk", filter=Q(direction=Call.Direction.OUTBOUND)),
            calls_ended=Count("pk", filter=ended),
            talk=Sum(handle, filter=ended),
            transfers=Count("pk", filter=Q(outcome=Call.Outcome.TRANSFERRED)),
            to_manager=Count(
                "pk",
                filter=blocked
                & Q(
                    route_handler__in=[Handler.MANAGER, Handler.KEY_ACCOUNT_MANAGER, Handler.DEPARTMENT_HEAD]
                ),
            ),
            to_finance=Count("pk", filter=blocked & Q(route_handler=Handler.FINANCE) & ~Q(route_user="")),
            to_callback=Count("pk", filter=blocked & Q(route_handler=Handler.FINANCE, route_user="")),
        )
        .order_by()
    )
    for operator, department, manager, c_in, c_out, c_ended, talk, transfers, to_m, to_f, to_c in calls:
        figures = slices[(operator, department, manager)]
        figures.calls_in += c_in
        figures.calls_out += c_out
        figures.calls_ended += c_ended
        figures.talk_seconds += round(talk.total_seconds()) if talk else 0
        figures.transfers += transfers
        figures.blocked_to_manager += to_m
        figures.blocked_to_finance += to_f
        figures.blocked_to_callback += to_c

    confirmed = (
        Order.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end)
        .exclude(status=Order.Status.DRAFT)
        .values_list("taken_by_id", "client__department_id", "client__manager_id")
        .annotate(
            orders=Count("pk"),
            value=Sum("total"),
            exceptions=Count("pk", filter=Q(exception_by__isnull=False)),
        )
        .order_by()
    )
    for operator, department, manager, orders, value, exceptions in confirmed:
        figures = slices[(operator, department, manager)]
        figures.orders += orders
        figures.order_value += value or Decimal("0.00")
        figures.exceptions += exceptions

    lines = (
        OrderLine.objects.filter(order__confirmed_at__gte=start, order__confirmed_at__lt=end)
        .exclude(order__status=Order.Status.DRAFT)
        .values_list("order__taken_by_id", "order__client__department_id", "order__client__manager_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for operator, department, manager, n in lines:
        slices[(operator, department, manager)].lines += n

    offers = (
        Offer.objects.filter(offered_at__gte=start, offered_at__lt=end)
        .values_list("offered_by_id", "order__client__department_id", "order__client__manager_id")
        .annotate(made=Count("pk"), accepted=Count("pk", filter=Q(outcome=Offer.Outcome.ACCEPTED)))
        .order_by()
    )
    for operator, department, manager, made, accepted in offers:
        figures = slices[(operator, department, manager)]
        figures.offers_made += made
        figures.offers_accepted += accepted

    cancelled = (
        Order.objects.filter(
            status=Order.Status.CANCELLED,
            cancel_code__in=CancelReason.OPERATORS_MISTAKES,
            confirmed_at__isnull=False,
            status_changed_at__gte=start,
            status_changed_at__lt=end,
        )
        .values_list("taken_by_id", "client__department_id", "client__manager_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for operator, department, manager, n in cancelled:
        slices[(operator, department, manager)].errors += n

    called = (
        TaskAttempt.objects.filter(at__gte=start, at__lt=end, reason__in=DORMANT_REASONS)
        .values_list("operator_id", "client__department_id", "client__manager_id")
        .annotate(n=Count("client_id", distinct=True))
        .order_by()
    )
    for operator, department, manager, n in called:
        slices[(operator, department, manager)].dormant_called += n

    for key in _reactivations(start, end):
        slices[key].dormant_reordered += 1
    return slices


def _reactivations(start: datetime, end: datetime) -> list[Key]:
    """The clients whose first order since an operator's call from the dormant list was confirmed
    on the day, one slice each, credited to the operator of the last such call. Days, not hours:
    the operator often records the call's result after the client has ordered on it. Three
    queries."""
    window = timedelta(days=int(getattr(settings, "REPORT_REACTIVATION_DAYS", 30)))
    dormant_calls = TaskAttempt.objects.filter(at__gte=start - window, at__lt=end, reason__in=DORMANT_REASONS)
    ordered_today = {
        client_id: (department, manager)
        for client_id, department, manager in Order.objects.filter(
            confirmed_at__gte=start, confirmed_at__lt=end, client__in=dormant_calls.values("client_id")
        )
        .exclude(status=Order.Status.DRAFT)
        .values_list("client_id", "client__department_id", "client__manager_id")
        .order_by()
        .distinct()
    }
    if not ordered_today:
        return []
    last_call: dict[int, tuple[date, int]] = {}
    for client_id, at, operator in (
        dormant_calls.filter(client_id__in=ordered_today)
        .values_list("client_id", "at", "operator_id")
        .order_by("at", "pk")
    ):
        last_call[client_id] = (timezone.localdate(at), operator)
    first_call_day = min(day for day, _ in last_call.values())
    earlier = Order.objects.filter(
        client_id__in=last_call,
        confirmed_at__gte=day_bounds(first_call_day)[0],
        confirmed_at__lt=start,
    ).exclude(status=Order.Status.DRAFT)
    ordered_since_call = {
        client_id
        for client_id, confirmed_at in earlier.values_list("client_id", "confirmed_at")
        if timezone.localdate(confirmed_at) >= last_call[client_id][0]
    }
    return [
        (operator, *ordered_today[client_id])
        for client_id, (_day, operator) in sorted(last_call.items())
        if client_id not in ordered_since_call
    ]


def build_day(day: date) -> BuiltDay:
    """Build (or rebuild) the report rows of one day. Idempotent: the same data gives the same
    rows, and the rows of a day nobody worked are removed."""
    began = clock.monotonic()
    with transaction.atomic():
        # The day's run row is locked before the day is read: two builds of one day (today's rows
        # follow every confirmed order and ended call, III.25) run one after the other, and the
        # later one reads the later data, so an older reading never overwrites a newer one.
        run, _ = ReportRun.objects.select_for_update().get_or_create(
            day=day, defaults={"built_at": timezone.now()}
        )
        return _write_day(day, run, _gather(day), began)


def _write_day(day: date, run: ReportRun, slices: dict[Key, Figures], began: float) -> BuiltDay:
    per_operator: dict[int, Figures] = defaultdict(Figures)
    for (operator, _department, _manager), figures in slices.items():
        if operator is not None:
            per_operator[operator].add(figures)
    departments = dict(User.objects.filter(pk__in=per_operator).values_list("pk", "department_id"))
    operator_rows = [
        OperatorDay(
            operator_id=operator,
            day=day,
            department_id=departments.get(operator),
            calls_in=f.calls_in,
            calls_out=f.calls_out,
            calls_ended=f.calls_ended,
            talk_seconds=f.talk_seconds,
            orders=f.orders,
            order_value=f.order_value,
            lines=f.lines,
            offers_made=f.offers_made,
            offers_accepted=f.offers_accepted,
            transfers=f.transfers,
            dormant_called=f.dormant_called,
            dormant_reordered=f.dormant_reordered,
            errors=f.errors,
            exceptions=f.exceptions,
            score=day_score(
                orders=f.orders, errors=f.errors, offers_made=f.offers_made, offers_accepted=f.offers_accepted
            ),
        )
        for operator, f in sorted(per_operator.items())
        if not f.is_empty()
    ]
    sales_rows = [
        SalesDay(
            day=day,
            department_id=department,
            operator_id=operator,
            manager_id=manager,
            calls_in=f.calls_in,
            calls_out=f.calls_out,
            orders=f.orders,
            order_value=f.order_value,
            lines=f.lines,
            offers_made=f.offers_made,
            offers_accepted=f.offers_accepted,
            reactivated=f.dormant_reordered,
            errors=f.errors,
            blocked_to_manager=f.blocked_to_manager,
            blocked_to_finance=f.blocked_to_finance,
            blocked_to_callback=f.blocked_to_callback,
        )
        for (operator, department, manager), f in sorted(slices.items(), key=lambda item: str(item[0]))
        if department is not None and not f.is_empty()
    ]
    OperatorDay.objects.filter(day=day).exclude(
        operator_id__in=[r.operator_id for r in operator_rows]
    ).delete()
    OperatorDay.objects.bulk_create(
        operator_rows,
        update_conflicts=True,
        unique_fields=["operator", "day"],
        update_fields=OPERATOR_FIELDS,
    )
    SalesDay.objects.filter(day=day).delete()
    SalesDay.objects.bulk_create(sales_rows)
    run.built_at = timezone.now()
    run.seconds = Decimal(str(round(clock.monotonic() - began, 3)))
    run.save(update_fields=["built_at", "seconds"])
    return BuiltDay(day=day, operators=len(operator_rows), slices=len(sales_rows), seconds=run.seconds)


def days_to_catch_up(*, today: date, lookback: int = 7) -> list[date]:
    """The past days (up to `lookback`) whose rows were not built after the day ended: a worker
    that was down at night leaves no day behind."""
    days = [today - timedelta(days=n) for n in range(lookback, 0, -1)]
    built = dict(ReportRun.objects.filter(day__in=days).values_list("day", "built_at"))
    return [day for day in days if day not in built or built[day] < day_bounds(day)[1]]
