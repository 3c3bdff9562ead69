"""Pure rules of stock and the production calendar (III.12). No ORM, no request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

ZERO_QUANTITY = Decimal("0.000")


def shown_available(stock: Decimal | None, reserved: Decimal | None) -> Decimal | None:
    """What an order may still take: the stock less what open orders reserve, never below zero;
    None when the warehouse has not reported the product (its stock is not known, so not
    limited)."""
    if stock is None:
        return None
    return max(stock - (reserved or ZERO_QUANTITY), ZERO_QUANTITY)


def beyond_stock(*, old: Decimal, new: Decimal, available: Decimal | None, backorders: bool) -> bool:
    """A line raised from `old` to `new` asks for more than is available (III.12): refused unless
    backorders are allowed. Lowering a line is always allowed, even while it is still over."""
    return not backorders and available is not None and new > old and new > available


# --- The production calendar --------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingCalendar:
    """The days between `start` and `end` (both included) that differ from the usual week: True a
    working day (a Saturday worked), False a day off (a holiday on a weekday). Any other day
    works Monday to Friday. Asking about a day outside the range is an error in the caller: load
    the range it needs once (`warehouse.calendar.working_calendar`)."""

    start: date
    end: date
    days: Mapping[date, bool] = field(default_factory=dict)

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def is_working(self, day: date) -> bool:
        if not self.covers(day):
            raise LookupError(f"{day} is outside the calendar loaded ({self.start} to {self.end})")
        if day in self.days:
            return self.days[day]
        return day.weekday() < 5

    def next_working_day(self, after: date) -> date | None:
        """The first working day after `after`, or None when there is none in the range."""
        day = after + timedelta(days=1)
        while day <= self.end:
            if self.is_working(day):
                return day
            day += timedelta(days=1)
        return None


def earliest_delivery(*, now: datetime, cut_off: time | None, calendar: WorkingCalendar) -> date | None:
    """III.12: the first day an order confirmed at `now` (local time) can be delivered: the next
    working day; with a warehouse's cut-off, an order confirmed after it (or on a day the
    warehouse does not work) one working day later. None when the range has no such day."""
    today = now.date()
    first = calendar.next_working_day(today)
    if first is None:
        return None
    if cut_off is not None and (not calendar.is_working(today) or now.time() > cut_off):
        return calendar.next_working_day(first)
    return first
