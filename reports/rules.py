"""The rules of the reports, as plain functions of numbers (section VI).

The score stands for what section VI judges in an operator's day that calldesk can see: orders
taken without errors and extra items sold (III.7). It is a rule, in one place, so the daily
report, the operator's page and the heads' dashboard all show the same number."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)
# Weights of the score (section VI): accuracy counts more than selling.
ACCURACY_WEIGHT = Decimal(60)
UPSELL_WEIGHT = Decimal(40)


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` as a percentage with one decimal place; None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def day_score(*, orders: int, errors: int, offers_made: int, offers_accepted: int) -> Decimal | None:
    """An operator's score for a day, 0 to 100 (section VI, "speed, precision and accuracy in
    taking orders, without errors"): 60 points for the share of the day's orders taken without an
    error (an order cancelled after confirmation counts against the day it was cancelled), 40 for
    the share of extra items offered that the client took (III.7). None on a day without orders:
    nothing was taken, so nothing is judged."""
    if orders <= 0:
        return None
    accurate = Decimal(max(orders - errors, 0)) / Decimal(orders)
    upsell = Decimal(offers_accepted) / Decimal(offers_made) if offers_made else Decimal(0)
    score = ACCURACY_WEIGHT * accurate + UPSELL_WEIGHT * upsell
    return score.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def average(values: list[Decimal | None]) -> Decimal | None:
    """The mean of the days that have a score, one decimal place."""
    scored = [v for v in values if v is not None]
    if not scored:
        return None
    return (sum(scored, Decimal(0)) / len(scored)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def overlap_days(start: date, end: date, other_start: date, other_end: date) -> int:
    """How many days two inclusive periods share."""
    first, last = max(start, other_start), min(end, other_end)
    return max((last - first).days + 1, 0)


def prorate(amount: Decimal | int | None, *, shared_days: int, period_days: int) -> Decimal | None:
    """The part of a period's target that falls in `shared_days` of its `period_days`; a target
    for a month seen over one week is a quarter of it, give or take. Counts are prorated too, to
    two decimal places, so 10 orders over 3 of 30 days is 1.00."""
    if amount is None or period_days <= 0:
        return None
    value = Decimal(amount) * Decimal(shared_days) / Decimal(period_days)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_target(target) -> dict[str, str]:
    """What is wrong with a department target, by field: the admin form and any other door
    call this one rule."""
    errors: dict[str, str] = {}
    if target.period_start and target.period_end and target.period_end < target.period_start:
        errors["period_end"] = _("The period ends before it starts.")
    if target.upsell_conversion is not None and not (0 <= target.upsell_conversion <= 100):
        errors["upsell_conversion"] = _("A conversion is between 0 and 100 %.")
    if target.order_value is not None and target.order_value < 0:
        errors["order_value"] = _("A target value is not negative.")
    if all(getattr(target, f) is None for f in ("orders", "order_value", "upsell_conversion", "reactivated")):
        errors["orders"] = _("Set at least one target.")
    if not errors and target.department_id and target.period_start and target.period_end:
        from reports.models import DepartmentTarget

        clash = (
            DepartmentTarget.objects.filter(
                department_id=target.department_id,
                period_start__lte=target.period_end,
                period_end__gte=target.period_start,
            )
            .exclude(pk=target.pk)
            .first()
        )
        if clash is not None:
            errors["period_start"] = _("This department already has a target from %(start)s to %(end)s.") % {
                "start": clash.period_start,
                "end": clash.period_end,
            }
    return errors
