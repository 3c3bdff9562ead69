"""The people's screens of the reports (section VI): the heads' live board and the
operator's own results ("around the job": operators are paid partly by results, so they
see their own completed orders and average score).

The live board reads `reports.live` and refreshes itself: an htmx request gets only the board's
partial. The operator's page reads the pre-aggregated rows of `reports.selectors`, the user's
own only: there is no parameter naming someone else (III.26).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reports import live
from reports.selectors import PERIODS, OperatorPeriod, operator_period, period_of, report_built_at

MY_PERIODS = ("day", "week", "month")


@require_GET
def live_board(request: HttpRequest) -> HttpResponse:
    """Each operator's state now, the callbacks waiting and today's orders so far, for heads
    and admins. The page polls itself every 5 s and swaps in the `live-board` partial."""
    board = live.live_board()
    template = "reports/live.html" + ("#live-board" if request.htmx else "")
    return render(request, template, {"board": board})


def minutes_seconds(seconds: int | None) -> str:
    """A handle time as mm:ss (75 -> "1:15"); an em dash when there is none."""
    if seconds is None:
        return "—"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


@dataclass(frozen=True)
class MyPeriod:
    """One column of the operator's page: a day, a week or a month."""

    kind: str
    label: str
    figures: OperatorPeriod
    handle: str  # average handle time, mm:ss


@require_GET
def my_results(request: HttpRequest) -> HttpResponse:
    """The signed-in member of staff's own day, week and month with their average score
    ("around the job", section VI). Four queries besides the session and the user: the three
    periods and when today's figures were built."""
    today = timezone.localdate()
    periods = []
    for kind in MY_PERIODS:
        figures = operator_period(operator=request.user, period=period_of(kind, today))
        periods.append(
            MyPeriod(kind, str(PERIODS[kind]), figures, minutes_seconds(figures.handle_seconds_avg))
        )
    month = periods[-1]
    days = [(day, minutes_seconds(day.handle_seconds_avg)) for day in month.figures.days]
    context = {"periods": periods, "days": days, "today": today, "built_at": report_built_at(today)}
    return render(request, "reports/me.html", context)
