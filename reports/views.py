"""The heads' dashboard (section VI) and its exports (III.25, III.26).

The dashboard reads the pre-aggregated report rows (`department_period`) and one grouped query
of the department's running campaigns: a fixed number of queries whatever the period or the
size of the base, never a scan of raw calls. Exports run as tasks; the page polls a partial
with their progress bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from calldesk.exporting import EXPORT_FORMATS
from calldesk.money import currency_symbol
from calldesk.screen_input import LocalDateField
from reports.exports import KINDS, ExportRequest, job_for, request_export
from reports.models import ExportJob
from reports.selectors import PERIODS, Period, department_period, period_of, running_campaigns
from staff.models import Department, User
from staff.permissions import is_admin, may_read_department

DEFAULT_DEPARTMENT = "wholesale"
MAX_DAYS = 366  # a custom period is at most a year: the chart has a point a day


@dataclass
class Choice:
    """What the filters ask for, as the form shows it back, and what is wrong with it."""

    department: Department | None = None
    period: Period | None = None
    departments: list[Department] = field(default_factory=list)  # an admin's choice
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


# The years a dashboard can show: a period's neighbours (the arrows) stay inside the calendar.
YEARS = range(1900, 3000)


def _date(value: str) -> date | None:
    """A filter's date: ISO (the browser's date picker) or as the person's language writes it
    (01.11.2026, calldesk.screen_input)."""
    try:
        day = LocalDateField(required=False).clean(value.strip())
    except ValidationError:  # unreadable, or well formed but impossible, such as 2026-02-30
        return None
    return day if day is None or day.year in YEARS else None  # 9999-12-31 has no day after it


def _choice(user: User, data: QueryDict) -> Choice:
    """Read the filters. A head sees their own department whatever the request names (III.26);
    an admin chooses one (wholesale unless told). Bad dates are errors, never a 500."""
    choice = Choice()
    departments = list(Department.objects.order_by("name"))
    readable = [d for d in departments if may_read_department(user, department_id=d.pk)]
    if is_admin(user):
        choice.departments = readable  # an admin chooses; a head has only their own
    wanted = data.get("department") or DEFAULT_DEPARTMENT
    choice.department = next((d for d in readable if d.code == wanted), None) or next(
        (d for d in readable if d.code == DEFAULT_DEPARTMENT), readable[0] if readable else None
    )
    if choice.department is None:
        choice.errors.append(
            _("No departments yet.")
            if is_admin(user)
            else _("You belong to no department: ask an administrator to set yours.")
        )

    kind = data.get("period") or "day"
    today = timezone.localdate()
    choice.values = {
        "period": kind,
        "on": data.get("on", ""),
        "start": data.get("start", ""),
        "end": data.get("end", ""),
        "department": choice.department.code if choice.department else "",
    }
    if kind not in PERIODS and kind != "custom":
        choice.errors.append(_("Choose a day, a week, a month or a custom period."))
        return choice
    on = today
    if choice.values["on"]:
        on = _date(choice.values["on"])
        if on is None:
            choice.errors.append(_("Enter the date as YYYY-MM-DD, for example %(today)s.") % {"today": today})
            return choice
    if kind == "custom":
        start, end = _date(choice.values["start"]), _date(choice.values["end"])
        if start is None or end is None:
            choice.errors.append(
                _("A custom period needs a start and an end date as YYYY-MM-DD, for example %(today)s.")
                % {"today": today}
            )
            return choice
        if end < start:
            choice.errors.append(_("The period ends before it starts."))
            return choice
        if (end - start).days + 1 > MAX_DAYS:
            choice.errors.append(_("A custom period is at most %(days)d days.") % {"days": MAX_DAYS})
            return choice
        choice.period = period_of("custom", on, start=start, end=end)
    else:
        choice.period = period_of(kind, on)
    choice.values["on"] = on.isoformat()
    choice.values["start"] = choice.period.start.isoformat()
    choice.values["end"] = choice.period.end.isoformat()
    return choice


def _neighbours(period: Period) -> tuple[date, date] | None:
    """The `on` of the period before and the one after, for the arrows; none for a custom one."""
    if period.kind == "custom":
        return None
    return period.start - timedelta(days=1), period.end + timedelta(days=1)


def _chart_data(figures) -> dict:
    """The charts' numbers for dashboard.js, through `json_script` (no inline script under the
    Content Security Policy). Money goes as text, Decimal to the cent; JS parses it to plot."""
    return {
        "labels": {
            "orders": _("Orders"),
            "value": _("Order value, %(currency)s") % {"currency": currency_symbol()},
            "conversion": _("Upsell conversion, %"),
            "no_manager": _("No manager"),
        },
        "days": [date_format(point.day, "SHORT_DATE_FORMAT") for point in figures.series],
        "orders": [point.orders for point in figures.series],
        "values": [str(point.order_value) for point in figures.series],
        "conversion": [
            None if point.conversion is None else str(point.conversion) for point in figures.series
        ],
        "managers": [
            {"name": str(row.person) if row.person else _("No manager"), "value": str(row.totals.order_value)}
            for row in figures.by_manager
        ],
    }


def _title(period: Period) -> str:
    if period.days == 1:
        return date_format(period.start, "DATE_FORMAT")
    return _("%(start)s to %(end)s") % {
        "start": date_format(period.start, "DATE_FORMAT"),
        "end": date_format(period.end, "DATE_FORMAT"),
    }


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """A head's department over a day, week, month or custom period against its targets, by
    manager and by operator, with charts and exports (section VI, III.25)."""
    choice = _choice(request.user, request.GET)
    context = {"choice": choice, "periods": PERIODS, "kinds": KINDS, "formats": ExportJob.Format.choices}
    if choice.errors:
        return render(request, "reports/dashboard.html", context, status=400)
    figures = department_period(department=choice.department, period=choice.period)
    context.update(
        figures=figures,
        title=_title(choice.period),
        neighbours=_neighbours(choice.period),
        days_missing=figures.days_not_built,
        campaigns=running_campaigns(actor=request.user, department=choice.department),
        chart=_chart_data(figures),
    )
    return render(request, "reports/dashboard.html", context)


@require_POST
def start_export(request: HttpRequest) -> HttpResponse:
    """Start an export of the dashboard's rows as a task (III.26: heads and admins only); the
    answer is the progress bar, which polls itself until the file is ready."""
    choice = _choice(request.user, request.POST)
    kind, fmt = request.POST.get("kind", ""), request.POST.get("format", "")
    if kind not in KINDS:
        choice.errors.append(_("Choose what to export."))
    if fmt not in ExportJob.Format.values:
        choice.errors.append(_("Choose a format to export in."))
    if choice.errors:
        template = "reports/export.html" + ("#export-job" if request.htmx else "")
        return render(request, template, {"job": None, "errors": choice.errors}, status=400)
    job = request_export(
        actor=request.user,
        request=ExportRequest(kind=kind, format=fmt, department=choice.department, period=choice.period),
    )
    if not request.htmx:
        return redirect("reports:export-progress", job_id=job.pk)
    job.refresh_from_db(fields=["status", "rows_total", "rows_done", "error"])
    return render(request, "reports/export.html#export-job", {"job": job})


def _job_or_404(request: HttpRequest, job_id: int) -> ExportJob:
    job = job_for(actor=request.user, job_id=job_id)
    if job is None:
        raise Http404(_("No such export."))
    return job


@require_GET
def export_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The export's progress bar; htmx polls it every second until the job is done or failed."""
    job = _job_or_404(request, job_id)
    template = "reports/export.html" + ("#export-job" if request.htmx else "")
    return render(request, template, {"job": job})


@require_GET
def export_download(request: HttpRequest, job_id: int) -> HttpResponse:
    """The finished file, to whoever asked for it or an admin (III.26)."""
    job = _job_or_404(request, job_id)
    if job.status != ExportJob.Status.DONE:
        raise Http404(_("The export is not ready."))
    content = ExportJob.objects.filter(pk=job.pk).values_list("content", flat=True).get()
    file_format = EXPORT_FORMATS[job.format]
    response = HttpResponse(bytes(content or b""), content_type=file_format.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=job.file_name or f"export-{job.pk}.{file_format.extension}"
    )
    return response
