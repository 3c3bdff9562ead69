"""Reports endpoints of the API (API.md, "Reports")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import WithJsonSchema

from calldesk.errors import FieldError, InvalidInput
from calldesk.schemas import DateText, DateTimeText, Money, error_responses
from reports.models import OperatorDay
from reports.selectors import operator_report_for, report_built_at

router = Router(tags=["reports"])


Score = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d+\.\d$",
            "description": "0 to 100 with one place, as a decimal string.",
            "examples": ["87.5"],
        }
    ),
]


class OperatorDayOut(Schema):
    """One operator's day (section VI)."""

    operator: str = Field(description="The username.")
    full_name: str
    date: DateText
    calls_in: int
    calls_out: int
    handle_seconds_avg: int | None = Field(description="null on a day with no call wrapped up.")
    talk_seconds: int
    orders: int
    order_value: Money
    lines: int
    offers_made: int
    offers_accepted: int
    transfers: int
    dormant_called: int
    dormant_reordered: int
    errors: int = Field(
        description="Orders cancelled after confirmation for the operator's own mistake (section VI)."
    )
    exceptions: int = Field(description="Orders confirmed past the debt check (III.6).")
    score: Score | None = Field(description="null on a day without orders.")


class OperatorReportOut(Schema):
    date: DateText
    built_at: DateTimeText | None = Field(description="null for a day not built yet.")
    count: int
    items: list[OperatorDayOut]


def operator_day_out(row: OperatorDay) -> dict:
    return {
        "operator": row.operator.username,
        "full_name": row.operator.full_name,
        "date": row.day.isoformat(),
        "calls_in": row.calls_in,
        "calls_out": row.calls_out,
        "handle_seconds_avg": row.handle_seconds_avg,
        "talk_seconds": row.talk_seconds,
        "orders": row.orders,
        "order_value": str(row.order_value),
        "lines": row.lines,
        "offers_made": row.offers_made,
        "offers_accepted": row.offers_accepted,
        "transfers": row.transfers,
        "dormant_called": row.dormant_called,
        "dormant_reordered": row.dormant_reordered,
        "errors": row.errors,
        "exceptions": row.exceptions,
        "score": str(row.score) if row.score is not None else None,
    }


@router.get("/reports/operators", response={200: OperatorReportOut, **error_responses()})
def get_operator_reports(request: HttpRequest, on: dt.date | None = None):
    """The daily operator report of a day (default: yesterday), as the nightly task built it;
    today's rows follow each confirmed order and ended call within seconds (reports.refresh).
    `built_at` is null for a day not built yet. Three queries."""
    today = timezone.localdate()
    day = on or today - dt.timedelta(days=1)
    if day > today:
        raise InvalidInput(
            _("There is no report for a day that has not come yet."),
            errors=[FieldError(field="on", detail=_("Today or earlier."))],
        )
    rows = [operator_day_out(row) for row in operator_report_for(actor=request.auth, day=day)]
    built_at = report_built_at(day)
    return {
        "date": day.isoformat(),
        "built_at": built_at.isoformat() if built_at else None,
        "count": len(rows),
        "items": rows,
    }
