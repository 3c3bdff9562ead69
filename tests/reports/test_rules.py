"""The report rules (section VI): the score, percentages, prorated targets and target checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reports.models import DepartmentTarget
from reports.rules import average, check_target, day_score, overlap_days, percent, prorate
from tests.factories import department


@pytest.mark.parametrize(
    ("orders", "errors", "made", "accepted", "score"),
    [
        (0, 0, 5, 5, None),  # no order taken: nothing to judge
        (4, 0, 12, 12, Decimal("100.0")),
        (4, 0, 12, 0, Decimal("60.0")),
        (4, 1, 12, 3, Decimal("55.0")),  # 60 x 3/4 + 40 x 3/12
        (3, 1, 6, 3, Decimal("60.0")),  # 60 x 2/3 + 40 x 1/2
        (1, 1, 2, 0, Decimal("0.0")),
        (2, 5, 0, 0, Decimal("0.0")),  # more cancellations than orders that day: no negative score
        (3, 0, 0, 0, Decimal("60.0")),
    ],
)
def test_day_score(orders, errors, made, accepted, score):
    assert day_score(orders=orders, errors=errors, offers_made=made, offers_accepted=accepted) == score


def test_percent_and_average():
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(5, 0) is None
    assert average([Decimal("60.0"), None, Decimal("55.0")]) == Decimal("57.5")
    assert average([None, None]) is None


def test_overlap_and_prorate():
    assert overlap_days(date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 16), date(2026, 11, 22)) == 7
    assert overlap_days(date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 31)) == 0
    assert prorate(300, shared_days=7, period_days=30) == Decimal("70.00")
    assert prorate(Decimal("100000.00"), shared_days=1, period_days=30) == Decimal("3333.33")
    assert prorate(None, shared_days=7, period_days=30) is None


@pytest.mark.django_db
def test_check_target_refuses_nonsense_and_overlaps():
    wholesale = department("wholesale")
    DepartmentTarget.objects.create(
        department=wholesale, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30), orders=300
    )
    backwards = DepartmentTarget(
        department=wholesale, period_start=date(2026, 12, 10), period_end=date(2026, 12, 1), orders=1
    )
    assert check_target(backwards) == {"period_end": "The period ends before it starts."}
    empty = DepartmentTarget(
        department=wholesale, period_start=date(2026, 12, 1), period_end=date(2026, 12, 31)
    )
    assert check_target(empty) == {"orders": "Set at least one target."}
    silly = DepartmentTarget(
        department=wholesale,
        period_start=date(2026, 12, 1),
        period_end=date(2026, 12, 31),
        upsell_conversion=Decimal("120"),
    )
    assert check_target(silly) == {"upsell_conversion": "A conversion is between 0 and 100 %."}
    overlapping = DepartmentTarget(
        department=wholesale, period_start=date(2026, 11, 25), period_end=date(2026, 12, 24), orders=10
    )
    assert check_target(overlapping) == {
        "period_start": "This department already has a target from 2026-11-01 to 2026-11-30."
    }
    other_department = DepartmentTarget(
        department=department("retail"),
        period_start=date(2026, 11, 25),
        period_end=date(2026, 12, 24),
        orders=10,
    )
    assert check_target(other_department) == {}


@pytest.mark.parametrize(
    ("role", "own", "asked", "may"),
    [
        ("admin", None, 3, True),
        ("head", 3, 3, True),
        ("head", 3, 4, False),  # another department's figures (III.26)
        ("head", None, 3, False),
        ("operator", 3, 3, False),
        ("manager", 3, 3, False),
        ("finance", 3, 3, False),
    ],
)
def test_whose_figures_a_person_may_read(role, own, asked, may):
    from staff.permissions import Actor, may_read_department

    assert may_read_department(Actor(role=role, pk=1, department_id=own), department_id=asked) is may
