"""The heads' dashboard as files (III.25): a department's sales rows or the operators' days of a
period, as CSV or XLSX, written by a task with its progress on the `ExportJob` row.

Exports of client data are for heads and admins only (III.26): `request_export` checks the role
and confines a head to their own department; the file is served only to whoever asked for it
(or an admin). Like the screens, an export reads the pre-aggregated rows only (III.25).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calldesk import live
from calldesk.errors import Forbidden
from calldesk.exporting import EXPORT_FORMATS, table_bytes
from reports.models import ExportJob, OperatorDay, SalesDay
from reports.rules import percent
from reports.selectors import Period
from staff.models import Department, Role, User
from staff.permissions import actor_of, may_read_department, may_see_export, require_role

logger = logging.getLogger(__name__)

CHUNK = 500  # rows written between two updates of the progress bar
KINDS = {
    "sales": gettext_lazy("Department sales by day, operator and manager"),
    "operators": gettext_lazy("Operators' days"),
}


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    format: str
    department: Department
    period: Period


def request_export(*, actor: User, request: ExportRequest) -> ExportJob:
    """Record an export job and queue its task once the job is committed. A broker that is
    down leaves the job queued ("waiting" on the progress bar) instead of failing the request.
    Raises Forbidden (not a head or admin, or another department's head: III.26), ValueError
    (an unknown kind or format)."""
    require_role(actor, Role.HEAD)
    if not may_read_department(actor, department_id=request.department.pk):
        raise Forbidden()
    if request.kind not in KINDS:
        raise ValueError(request.kind)
    if request.format not in ExportJob.Format.values:
        raise ValueError(request.format)
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=actor,
            kind=request.kind,
            format=request.format,
            params={
                "department": request.department.code,
                "period": request.period.kind,
                "start": request.period.start.isoformat(),
                "end": request.period.end.isoformat(),
            },
            file_name=file_name(request),
        )
        transaction.on_commit(lambda: queue_export(job.pk))
    return job


def queue_export(job_id: int) -> bool:
    """Send the job to a worker; False (and the job stays queued) if the broker is unreachable."""
    from messaging.services import publish
    from reports.tasks import run_export_task

    return publish(run_export_task, job_id)


def file_name(request: ExportRequest) -> str:
    period = request.period
    span = period.start.isoformat() if period.days == 1 else f"{period.start}_{period.end}"
    extension = EXPORT_FORMATS[request.format].extension
    if request.kind == "sales":
        return f"sales-{request.department.code}-{span}.{extension}"
    return f"operators-{span}.{extension}"


def job_for(*, actor: User, job_id: int) -> ExportJob | None:
    """The job if the actor asked for it or is an admin (III.26); None otherwise. The file's
    bytes are not loaded. One query."""
    job = ExportJob.objects.defer("content").filter(pk=job_id).first()
    if job is None:
        return None
    if not may_see_export(actor_of(actor), requested_by_id=job.requested_by_id):
        return None
    return job


# --- The task's work ------------------------------------------------------------------------------


def run_export(job_id: int) -> str:
    """Write the job's file. Idempotent: a job already done (or running elsewhere) is left
    alone, so a retried or duplicated task changes nothing; the job is claimed by a conditional
    update, so two workers never write it at once, and a failed job may be run again. Progress
    (`rows_done`) is saved every `CHUNK` rows, outside any transaction, so the bar moves while
    the file is written. An error marks the job failed, with its text. Returns the status."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.FAILED]
    ).update(status=ExportJob.Status.RUNNING, rows_done=0, error="", finished_at=None)
    if not claimed:
        return ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""
    job = ExportJob.objects.defer("content").get(pk=job_id)
    try:
        header, rows, total = _table(job)
        ExportJob.objects.filter(pk=job_id).update(rows_total=total)
        title = str(KINDS.get(job.kind, job.kind))
        body = _counting(job_id, rows, requested_by_id=job.requested_by_id)
        content = table_bytes(job.format, header, body, title=title)
    except Exception as error:  # the job must say it failed, whatever went wrong
        logger.exception("Export %s failed.", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED,
            error=str(error)[:500] or error.__class__.__name__,
            finished_at=timezone.now(),
        )
        live.publish_to_users([job.requested_by_id], live.EXPORT_PROGRESS, {"job": job_id})
        return ExportJob.Status.FAILED
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE, content=content, rows_done=total, finished_at=timezone.now()
    )
    live.publish_to_users([job.requested_by_id], live.EXPORT_PROGRESS, {"job": job_id})
    return ExportJob.Status.DONE


def _counting(job_id: int, rows: Iterator[list[Any]], *, requested_by_id: int | None) -> Iterator[list[Any]]:
    for done, row in enumerate(rows, start=1):
        yield row
        if done % CHUNK == 0:
            ExportJob.objects.filter(pk=job_id).update(rows_done=done)
            live.publish_to_users([requested_by_id], live.EXPORT_PROGRESS, {"job": job_id})


def _table(job: ExportJob) -> tuple[list[str], Iterator[list[Any]], int]:
    params = job.params or {}
    start, end = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    if job.kind == "sales":
        department = Department.objects.get(code=params["department"])
        rows = sales_rows(department=department, start=start, end=end)
        return sales_header(), _sales_cells(rows), rows.count()
    if job.kind == "operators":
        rows = operator_rows(start=start, end=end)
        return operators_header(), _operator_cells(rows), rows.count()
    raise ValueError(_("Unknown export: %(kind)s") % {"kind": job.kind})


def sales_rows(*, department: Department, start: date, end: date) -> QuerySet[SalesDay]:
    """The department's sales rows of the period, by day, operator and manager."""
    return (
        SalesDay.objects.filter(department=department, day__gte=start, day__lte=end)
        .select_related("department", "operator", "manager")
        .order_by(
            "day",
            F("operator__full_name").asc(nulls_last=True),
            F("operator__username").asc(nulls_last=True),
            F("manager__full_name").asc(nulls_last=True),
            F("manager__username").asc(nulls_last=True),
            "id",
        )
    )


def operator_rows(*, start: date, end: date) -> QuerySet[OperatorDay]:
    """Every operator's days of the period: heads see every operator's report (III.25)."""
    return (
        OperatorDay.objects.filter(day__gte=start, day__lte=end)
        .select_related("operator", "department")
        .order_by("day", "operator__full_name", "operator__username", "id")
    )


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""


def sales_header() -> list[str]:
    return [
        _("Day"),
        _("Department"),
        _("Taken by"),
        _("Client's manager"),
        _("Calls in"),
        _("Calls out"),
        _("Orders"),
        _("Order value"),
        _("Order lines"),
        _("Offers made"),
        _("Offers accepted"),
        _("Upsell conversion, %"),
        _("Dormant clients reactivated"),
        _("Errors"),
        _("Blocked by debt: to the manager"),
        _("Blocked by debt: to finance"),
        _("Blocked by debt: callback request"),
    ]


def _sales_cells(rows: QuerySet[SalesDay]) -> Iterator[list[Any]]:
    for row in rows.iterator(chunk_size=CHUNK):
        yield [
            row.day,
            str(row.department),
            _name(row.operator),
            _name(row.manager),
            row.calls_in,
            row.calls_out,
            row.orders,
            Decimal(row.order_value),
            row.lines,
            row.offers_made,
            row.offers_accepted,
            percent(row.offers_accepted, row.offers_made),
            row.reactivated,
            row.errors,
            row.blocked_to_manager,
            row.blocked_to_finance,
            row.blocked_to_callback,
        ]


def operators_header() -> list[str]:
    return [
        _("Day"),
        _("Operator"),
        _("Username"),
        _("Department"),
        _("Calls in"),
        _("Calls out"),
        _("Calls wrapped up"),
        _("Talk time, seconds"),
        _("Average handle time, seconds"),
        _("Orders"),
        _("Order value"),
        _("Order lines"),
        _("Offers made"),
        _("Offers accepted"),
        _("Upsell conversion, %"),
        _("Transfers"),
        _("Dormant clients called"),
        _("Dormant clients who ordered again"),
        _("Errors"),
        _("Authorised exceptions"),
        _("Score"),
    ]


def _operator_cells(rows: QuerySet[OperatorDay]) -> Iterator[list[Any]]:
    for row in rows.iterator(chunk_size=CHUNK):
        yield [
            row.day,
            _name(row.operator),
            row.operator.username,
            str(row.department) if row.department else "",
            row.calls_in,
            row.calls_out,
            row.calls_ended,
            row.talk_seconds,
            row.handle_seconds_avg,
            row.orders,
            Decimal(row.order_value),
            row.lines,
            row.offers_made,
            row.offers_accepted,
            row.conversion,
            row.transfers,
            row.dormant_called,
            row.dormant_reordered,
            row.errors,
            row.exceptions,
            row.score,
        ]


def sweep_exports(*, now=None) -> list[int]:
    """Beat, every minute: exports a down broker left queued for over a minute are written here
    (nothing is lost, only delayed); an export still "running" half an hour after it was asked
    for lost its worker, and is marked failed so its head can start it again. Returns the ids
    written."""
    now = now or timezone.now()
    ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, created_at__lt=now - timedelta(minutes=30)
    ).update(
        status=ExportJob.Status.FAILED,
        error=_("The export was interrupted; start it again."),
        finished_at=now,
    )
    waiting = list(
        ExportJob.objects.filter(status=ExportJob.Status.QUEUED, created_at__lt=now - timedelta(minutes=1))
        .order_by("created_at")
        .values_list("pk", flat=True)[:20]
    )
    for job_id in waiting:
        run_export(job_id)
    return waiting
