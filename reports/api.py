"""Reports endpoints of the API (API.md, "Reports")."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from calldesk.errors import FieldError, InvalidInput
from reports.models import OperatorDay
from reports.selectors import operator_report_for, report_built_at

router = Router(tags=["reports"])


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


@router.get("/reports/operators", response=dict)
def get_operator_reports(request: HttpRequest, on: dt.date | None = None):
    """The daily operator report of a day (default: yesterday), as the nightly task built it;
    today's rows are refreshed every few minutes. `built_at` is null for a day not built yet.
    Three queries."""
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
