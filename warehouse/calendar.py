"""The production calendar read and seeded (III.12): which days are working days, in a constant
number of queries whatever the range (the days that differ from the usual week, loaded once).

Seeded for this year and the next by a migration, and for any year by `manage.py seed_calendar`,
from the `holidays` package's calendar of Russia (public holidays, days off moved onto weekdays,
and the Saturdays worked instead). Admins edit it in admin and by `PUT /api/v1/calendar`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from warehouse.models import CalendarDay
from warehouse.rules import WorkingCalendar, earliest_delivery

# The days loaded after the day asked about: longer than the longest run of days off (Russia's
# New Year holidays, with the weekends around them, are at most twelve days).
WINDOW_DAYS = 31
COUNTRY = "RU"
SATURDAY_WORKED = "Рабочий день (перенесён выходной)"


def working_calendar(start: date, end: date) -> WorkingCalendar:
    """The calendar from `start` to `end`. One query."""
    days = dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "working"))
    return WorkingCalendar(start=start, end=end, days=days)


def is_working_day(day: date) -> bool:
    """One query."""
    return working_calendar(day, day).is_working(day)


def next_working_day(after: date) -> date:
    """The first working day after `after`. One query (one more for each month without one)."""
    while True:
        calendar = working_calendar(after, after + timedelta(days=WINDOW_DAYS))
        found = calendar.next_working_day(after)
        if found is not None:
            return found
        after = calendar.end


@dataclass(frozen=True)
class DeliveryDays:
    earliest: date  # the first day a delivery may be agreed for an order confirmed now
    agreed_is_working: bool  # the agreed date (if any) is a working day


def delivery_days(*, now: datetime, cut_off: time | None, agreed: date | None) -> DeliveryDays:
    """The earliest delivery date for an order confirmed at `now` (local time) by a warehouse with
    `cut_off`, and whether the `agreed` date is a working day (III.12). One query."""
    today = now.date()
    end = today + timedelta(days=WINDOW_DAYS)
    where = Q(date__range=(today, end))
    if agreed is not None:
        where |= Q(date=agreed)
    days = dict(CalendarDay.objects.filter(where).values_list("date", "working"))
    calendar = WorkingCalendar(start=today, end=end, days=days)
    earliest = earliest_delivery(now=now, cut_off=cut_off, calendar=calendar)
    if earliest is None:  # a month of days off ahead: the first working day past it
        earliest = next_working_day(end)
    agreed_is_working = agreed is not None and days.get(agreed, agreed.weekday() < 5)
    return DeliveryDays(earliest=earliest, agreed_is_working=agreed_is_working)


def earliest_delivery_of(order_id: int) -> date:
    """The earliest delivery date of an order confirmed now, by its warehouse's cut-off (III.12).
    Two queries."""
    from django.utils import timezone

    from orders.models import Order

    cut_off = Order.objects.filter(pk=order_id).values_list("warehouse__cut_off", flat=True).first()
    return delivery_days(now=timezone.localtime(), cut_off=cut_off, agreed=None).earliest


def country_days(years: Iterable[int]) -> dict[date, tuple[bool, str]]:
    """The production calendar of Russia for `years` from the `holidays` package: every public
    holiday and day off moved (not working, with its name in Russian), and the Saturdays worked
    instead (working)."""
    import holidays

    calendar = holidays.country_holidays(COUNTRY, years=sorted(set(years)), language="ru")
    days: dict[date, tuple[bool, str]] = {day: (False, str(name)) for day, name in calendar.items()}
    for day in calendar.weekend_workdays:
        days[day] = (True, SATURDAY_WORKED)
    return days


def seed_calendar(years: Iterable[int], *, model=CalendarDay) -> int:
    """Add the country's days of `years` that the calendar does not have yet (a day an admin
    already set is kept as they set it). Returns how many days were added. Two queries."""
    days = country_days(years)
    present = set(model.objects.filter(date__in=list(days)).values_list("date", flat=True))
    rows = [
        model(date=day, working=working, note=note[:200])
        for day, (working, note) in sorted(days.items())
        if day not in present
    ]
    model.objects.bulk_create(rows)
    return len(rows)
