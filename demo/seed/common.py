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


# The languages the demo data set is written in. Russian by default: the company sells around
# Moscow, in roubles, to Russian clients ("Around the job"); "en" keeps the Latin data set.
# Both are one data set: every random draw is the same, only the words differ, so the same seed
# gives the same clients, orders and debts in either language.
LOCALES = ("ru", "en")
DEFAULT_LOCALE = "ru"


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise ValueError(f"unknown demo locale {locale!r}: one of {', '.join(LOCALES)}")
    return locale


def aligned(name: str, latin: list | dict, russian: list | dict) -> None:
    """The Russian words of a list are drawn exactly as the Latin ones (`rng.choice` reads the
    length), so both lists must have the same length, key by key."""
    if isinstance(latin, dict):
        if not isinstance(russian, dict) or latin.keys() != russian.keys():
            raise AssertionError(f"{name}: the Russian words have other keys than the Latin ones")
        for key in latin:
            aligned(f"{name}[{key}]", latin[key], russian[key])
    elif len(latin) != len(russian):
        raise AssertionError(f"{name}: {len(latin)} Latin words, {len(russian)} Russian")
