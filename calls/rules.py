"""Pure rules of outbound work (III.16): when a market client counts as dormant, and how the
day's calls are shared among the operators on duty."""

from __future__ import annotations

import calendar
from datetime import date


def dormancy_cutoff(day: date, *, months: int = 6) -> date:
    """The same day `months` calendar months earlier; the month's last day when it lacks that
    day (for 31 May: 30 November). A client is dormant with no order on or after this day."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def is_dormant(*, last_order_on: date | None, joined_on: date, cutoff: date) -> bool:
    """III.16: no order dated on or after the cut-off; a client who never ordered counts once it
    joined before the cut-off."""
    if last_order_on is None:
        return joined_on < cutoff
    return last_order_on < cutoff


def share_fairly(client_ids: list[int], operators: dict[int, int]) -> dict[int, int]:
    """Give each client to the operator with the fewest open tasks so far (ties: lowest id), so
    the day's calls even out the operators' queues. `operators` maps id → open tasks now."""
    load = dict(operators)
    assignment = {}
    for client_id in client_ids:
        operator_id = min(load, key=lambda op: (load[op], op))
        assignment[client_id] = operator_id
        load[operator_id] += 1
    return assignment
