"""What every seed module shares: money, moments in working hours, the demo's recent weeks."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

CENT = Decimal("0.01")
# How many days of calls and reports the demo desk has behind it (III.25).
DEMO_DAYS = 35


def money(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def aware(day: date, rng: random.Random) -> datetime:
    """A moment of working hours on `day`."""
    moment = time(hour=rng.randint(9, 17), minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return timezone.make_aware(datetime.combine(day, moment))


def working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
