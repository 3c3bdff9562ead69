"""What the reports' screens and the API read: the pre-aggregated rows only (III.25, section VI).
Every function here runs a fixed number of queries whatever the period or the size of the base."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from outbound.models import CallTask, Campaign
from outbound.selectors import campaigns_of
from reports.models import DepartmentTarget, OperatorDay, ReportRun, SalesDay
from reports.rules import average, overlap_days, percent, prorate
from staff.models import Department, User

PERIODS = {
    "day": gettext_lazy("Day"),
    "week": gettext_lazy("Week"),
    "month": gettext_lazy("Month"),
}
SALES_COUNTERS = (
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
OPERATOR_COUNTERS = OperatorDay.COUNTERS


@dataclass(frozen=True)
class Period:
    """Inclusive dates."""

    kind: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __iter__(self):
        return iter(self.start + timedelta(days=n) for n in range(self.days))


def period_of(kind: str, day: date, *, start: date | None = None, end: date | None = None) -> Period:
    """The day, its week (Monday to Sunday), its month, or a custom range (start..end)."""
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period("week", monday, monday + timedelta(days=6))
    if kind == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period("month", first, following - timedelta(days=1))
    if kind == "custom" and start is not None and end is not None:
        return Period("custom", min(start, end), max(start, end))
    return Period("day", day, day)


@dataclass
class Totals:
    calls_in: int = 0
    calls_out: int = 0
    orders: int = 0
    order_value: Decimal = Decimal("0.00")
    lines: int = 0
    offers_made: int = 0
    offers_accepted: int = 0
    reactivated: int = 0
    errors: int = 0
    blocked_to_manager: int = 0
    blocked_to_finance: int = 0
    blocked_to_callback: int = 0

    @classmethod
    def of(cls, row: dict) -> Totals:
        values: dict[str, Any] = {name: row[name] for name in SALES_COUNTERS if row.get(name) is not None}
        if "order_value" in values:
            values["order_value"] = Decimal(values["order_value"]).quantize(Decimal("0.01"))
        return cls(**values)

    @property
    def conversion(self) -> Decimal | None:
        """Upsell conversion (III.7): offers accepted per 100 made."""
        return percent(self.offers_accepted, self.offers_made)

    @property
    def blocked(self) -> int:
        return self.blocked_to_manager + self.blocked_to_finance + self.blocked_to_callback


@dataclass(frozen=True)
class PersonFigures:
    person: User | None
    totals: Totals


@dataclass(frozen=True)
class TargetCheck:
    """One indicator against its target for the period shown (section VI)."""

    code: str
    label: str
    actual: Decimal
    target: Decimal

    @property
    def share(self) -> Decimal | None:
        """Percent of the target reached."""
        if not self.target:
            return None
        return (self.actual * 100 / self.target).quantize(Decimal("0.1"))

    @property
    def met(self) -> bool:
        return self.actual >= self.target


@dataclass(frozen=True)
class DayPoint:
    day: date
    orders: int
    order_value: Decimal
    conversion: Decimal | None


@dataclass(frozen=True)
class DepartmentPeriod:
    department: Department
    period: Period
    totals: Totals
    by_manager: list[PersonFigures]
    by_operator: list[PersonFigures]
    series: list[DayPoint]
    targets: list[TargetCheck]
    built_at: datetime | None  # the latest build among the period's days; None: none built
    days_not_built: int  # days of the period up to today whose rows were never built
    clients_by_type: list[tuple[str, int]] = field(default_factory=list)
    clients_without_manager: int = 0


def _sums(names: tuple[str, ...]) -> dict:
    return {name: Sum(name) for name in names}


def department_period(*, department: Department, period: Period) -> DepartmentPeriod:
    """A department's figures over a period, with its targets, by manager, by operator and day by
    day: nine queries, from the pre-aggregated rows and two counts of clients."""
    today = timezone.localdate()
    rows = SalesDay.objects.filter(department=department, day__gte=period.start, day__lte=period.end)
    totals = Totals.of(rows.aggregate(**_sums(SALES_COUNTERS)))
    by_manager = list(rows.values("manager_id").annotate(**_sums(SALES_COUNTERS)).order_by())
    by_operator = list(
        rows.exclude(operator__isnull=True).values("operator_id").annotate(**_sums(SALES_COUNTERS)).order_by()
    )
    people_ids = {r["manager_id"] for r in by_manager} | {r["operator_id"] for r in by_operator}
    people = {u.pk: u for u in User.objects.filter(pk__in=people_ids - {None})}

    def figures(grouped: list[dict], key: str) -> list[PersonFigures]:
        result = [PersonFigures(people.get(r[key]), Totals.of(r)) for r in grouped]
        return sorted(
            result,
            key=lambda p: (-p.totals.order_value, p.person is None, p.person.full_name if p.person else ""),
        )

    per_day = {
        r["day"]: r
        for r in rows.values("day").annotate(
            **_sums(("orders", "order_value", "offers_made", "offers_accepted"))
        )
    }
    series = []
    for day in period:
        r = per_day.get(day, {})
        series.append(
            DayPoint(
                day=day,
                orders=r.get("orders") or 0,
                order_value=Decimal(r.get("order_value") or 0).quantize(Decimal("0.01")),
                conversion=percent(r.get("offers_accepted") or 0, r.get("offers_made") or 0),
            )
        )
    runs = dict(
        ReportRun.objects.filter(day__gte=period.start, day__lte=period.end).values_list("day", "built_at")
    )
    clients = Client.objects.filter(department=department)
    by_type = list(
        clients.values_list("type__name").annotate(n=Count("id")).order_by("type__position", "type__name")
    )
    return DepartmentPeriod(
        department=department,
        period=period,
        totals=totals,
        by_manager=figures(by_manager, "manager_id"),
        by_operator=figures(by_operator, "operator_id"),
        series=series,
        targets=targets_for(department=department, period=period, totals=totals),
        built_at=max(runs.values()) if runs else None,
        days_not_built=sum(1 for day in period if day <= today and day not in runs),
        clients_by_type=by_type,
        clients_without_manager=clients.filter(manager__isnull=True).count(),
    )


def targets_for(*, department: Department, period: Period, totals: Totals) -> list[TargetCheck]:
    """The department's targets that overlap the period, each prorated to the days shared (a
    month's target seen over a week is the week's part of it); conversion is a rate and is
    compared as it is. One query."""
    wanted: dict[str, Decimal] = {}
    conversions: list[Decimal] = []
    for target in DepartmentTarget.objects.filter(
        department=department, period_start__lte=period.end, period_end__gte=period.start
    ).order_by("period_start"):
        shared = overlap_days(period.start, period.end, target.period_start, target.period_end)
        length = (target.period_end - target.period_start).days + 1
        for code in ("orders", "order_value", "reactivated"):
            part = prorate(getattr(target, code), shared_days=shared, period_days=length)
            if part is not None:
                wanted[code] = wanted.get(code, Decimal(0)) + part
        if target.upsell_conversion is not None:
            conversions.append(target.upsell_conversion)
    labels = {
        "orders": _("Orders"),
        "order_value": _("Order value"),
        "reactivated": _("Dormant clients reactivated"),
        "upsell_conversion": _("Upsell conversion, %"),
    }
    actual = {
        "orders": Decimal(totals.orders),
        "order_value": totals.order_value,
        "reactivated": Decimal(totals.reactivated),
        "upsell_conversion": totals.conversion or Decimal("0.0"),
    }
    if conversions:
        wanted["upsell_conversion"] = max(conversions)
    return [
        TargetCheck(code=code, label=labels[code], actual=actual[code], target=wanted[code])
        for code in ("orders", "order_value", "upsell_conversion", "reactivated")
        if code in wanted
    ]


@dataclass(frozen=True)
class OperatorPeriod:
    operator: User
    period: Period
    totals: dict  # OPERATOR_COUNTERS summed; order_value a Decimal
    days: list[OperatorDay]
    average_score: Decimal | None

    @property
    def conversion(self) -> Decimal | None:
        return percent(self.totals["offers_accepted"], self.totals["offers_made"])

    @property
    def handle_seconds_avg(self) -> int | None:
        if not self.totals["calls_ended"]:
            return None
        return round(self.totals["talk_seconds"] / self.totals["calls_ended"])


def operator_period(*, operator: User, period: Period) -> OperatorPeriod:
    """An operator's own figures over a period and the days in it, newest first ("around the
    job": operators see their completed orders and average score). One query."""
    days = list(
        OperatorDay.objects.filter(operator=operator, day__gte=period.start, day__lte=period.end).order_by(
            "-day"
        )
    )
    totals = {name: sum((getattr(d, name) for d in days), 0) for name in OPERATOR_COUNTERS}
    totals["order_value"] = sum((d.order_value for d in days), Decimal("0.00"))
    return OperatorPeriod(
        operator=operator,
        period=period,
        totals=totals,
        days=days,
        average_score=average([d.score for d in days]),
    )


def operators_on(day: date) -> QuerySet[OperatorDay]:
    """The daily operator report of a day (API.md, "Reports"), by operator's name."""
    return OperatorDay.objects.filter(day=day).select_related("operator").order_by("operator__username")


def report_built_at(day: date) -> datetime | None:
    return ReportRun.objects.filter(day=day).values_list("built_at", flat=True).first()


def operator_report_for(*, actor: User, day: date) -> QuerySet[OperatorDay]:
    """Who reads the daily operator report (III.25, III.26): heads, finance (accounting pays by
    results) and admins see every operator; an operator or a manager only their own row; the
    commercial department has no business here."""
    from calldesk.errors import Forbidden
    from staff.permissions import reads_every_report_row, reads_own_report_row_only

    rows = operators_on(day)
    if reads_own_report_row_only(actor):
        return rows.filter(operator=actor)
    if not reads_every_report_row(actor):
        raise Forbidden()
    return rows


CAMPAIGNS_SHOWN = 5


def running_campaigns(*, actor: User, department: Department) -> list[Campaign]:
    """The department's running campaigns, newest first, at most five, with their results
    (III.17): one grouped query, however many campaigns or tasks."""
    done = Q(lists__tasks__status=CallTask.Status.DONE)
    outcome = CallTask.Outcome
    return list(
        campaigns_of(actor=actor)
        .filter(department=department, status=Campaign.Status.RUNNING)
        .annotate(
            agreed_count=Count("lists__tasks", filter=done & Q(lists__tasks__outcome=outcome.AGREED)),
            refused_count=Count("lists__tasks", filter=done & Q(lists__tasks__outcome=outcome.REFUSED)),
            informed_count=Count("lists__tasks", filter=done & Q(lists__tasks__outcome=outcome.INFORMED)),
        )[:CAMPAIGNS_SHOWN]
    )
