"""Outbound endpoints of the API (API.md, "Outbound call lists"): the call tasks, an operator's
result of one, and the day's dormant list built on demand (III.16, III.17). Every answer is a
Schema, so `/api/v1/openapi.json` lists each field."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from calldesk.errors import FieldError, InvalidInput
from calldesk.pagination import page_bounds
from calldesk.schemas import DateText, DateTimeText, error_responses, one_of
from outbound.models import CallTask
from outbound.selectors import call_tasks
from outbound.services import TaskResult, record_task_result, start_dormant_list_job

router = Router(tags=["outbound"])

# The values of the model's choices, so the schema and the model cannot drift apart.
TaskReason = one_of(*CallTask.Reason.values)
TaskStatus = one_of(*CallTask.Status.values)
TaskOutcome = one_of(*CallTask.Outcome.values, "")


class TaskResultIn(Schema):
    outcome: Literal["agreed", "refused", "informed", "no_answer", "callback"]
    refusal_reason: str = Field(default="", max_length=300)
    answers: dict[str, str] = {}
    callback_at: dt.datetime | None = None


class CallTaskOut(Schema):
    """One client to call on a list (III.16, III.17), with the operator's result so far."""

    id: int
    list: int = Field(description="The call list the task is on.")
    client: int
    operator: str | None = Field(description="The username of the operator it is given to, if any.")
    reason: TaskReason
    last_order_on: DateText | None = Field(description="The client's last order, for a dormant one.")
    status: TaskStatus
    outcome: TaskOutcome = Field(description="Empty until a result is recorded.")
    refusal_reason: str
    answers: dict[str, str] = Field(description="Question → the client's answer, for a campaign's task.")
    attempts: int
    callback_at: DateTimeText | None = Field(description="When to call back, for a callback.")


class CallTaskPage(Schema):
    count: int
    items: list[CallTaskOut]


class DormantListOut(Schema):
    created: int = Field(description="Tasks this run added (0 on a re-run).")
    list: int = Field(description="The day's dormant call list.")


def task_out(task: CallTask) -> dict:
    return {
        "id": task.pk,
        "list": task.call_list_id,
        "client": task.client_id,
        "operator": task.operator.username if task.operator_id else None,
        "reason": task.reason,
        "last_order_on": task.last_order_on.isoformat() if task.last_order_on else None,
        "status": task.status,
        "outcome": task.outcome,
        "refusal_reason": task.refusal_reason,
        "answers": task.answers,
        "attempts": task.attempts,
        "callback_at": task.callback_at.isoformat() if task.callback_at else None,
    }


@router.post("/jobs/dormant-list", response={200: DormantListOut, **error_responses()})
def post_dormant_list(request: HttpRequest, on: dt.date | None = None):
    """Build a day's dormant list (III.16), as the nightly task does; a re-run adds nothing."""
    built = start_dormant_list_job(actor=request.auth, on=on or timezone.localdate())
    return {"created": built.created, "list": built.call_list.pk}


@router.get("/call-tasks", response={200: CallTaskPage, **error_responses()})
def get_call_tasks(
    request: HttpRequest,
    operator: str = "",
    status: str = "",
    list: int | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """The call tasks by operator, status and list, in the order they were created."""
    start, end = page_bounds(limit, offset)
    if status and status not in CallTask.Status.values:
        known = ", ".join(CallTask.Status.values)
        raise InvalidInput(_("Unknown status."), errors=[FieldError(field="status", detail=known)])
    tasks = call_tasks(actor=request.auth, operator_username=operator, status=status, list_id=list)
    return {"count": tasks.count(), "items": [task_out(t) for t in tasks[start:end]]}


@router.post("/call-tasks/{task_id}/result", response={200: CallTaskOut, **error_responses(404, 409)})
def post_task_result(request: HttpRequest, task_id: int, payload: TaskResultIn):
    """The operator's result of one call task (API.md): a no-answer goes back to the queue, a
    callback waits for its time, a refusal needs its reason."""
    task = record_task_result(
        actor=request.auth,
        task_id=task_id,
        result=TaskResult(
            outcome=payload.outcome,
            refusal_reason=payload.refusal_reason,
            answers=payload.answers,
            callback_at=payload.callback_at,
        ),
    )
    return task_out(call_tasks(actor=request.auth).get(pk=task.pk))
