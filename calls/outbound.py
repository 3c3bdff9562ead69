"""Outbound work: the nightly list of dormant market clients (III.16) and its tasks' results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from calldesk.errors import FieldError, Forbidden, InvalidInput, NotFound
from calls.rules import dormancy_cutoff, share_fairly
from clients.models import Client
from outbound.models import CallList, CallTask, TaskAttempt
from staff.models import Role, User


@dataclass(frozen=True)
class BuiltList:
    call_list: CallList
    created: int


def operators_on_duty() -> dict[int, int]:
    """Active operators who are not absent, with how many open tasks each has now. One query."""
    operators = (
        User.objects.filter(is_active=True, groups__name=Role.OPERATOR.value)
        .exclude(presence=User.Presence.ABSENT)
        .annotate(open_tasks=Count("call_tasks", filter=~Q(call_tasks__status=CallTask.Status.DONE)))
    )
    return {operator.pk: operator.open_tasks for operator in operators}


@transaction.atomic
def build_dormant_list(*, on: date) -> BuiltList:
    """Build the dormant list of `on` (API.md `/jobs/dormant-list`): market clients (types watched
    for dormancy) with no order on or after the cut-off, the same day six calendar months earlier;
    a client who never ordered counts once it joined before the cut-off; none already on an open
    list. One set-based query over the indexed last-order day; a second run for the same day
    adds nothing, also once operators have closed some of its tasks (a task redelivered after a
    worker died, a retry, an admin's re-run). The tasks are shared fairly among the operators on
    duty. One transaction: a build killed half-way leaves no list and no task behind."""
    call_list, _created = CallList.objects.get_or_create(source=CallList.Source.DORMANT, day=on)
    call_list = CallList.objects.select_for_update().get(pk=call_list.pk)  # one builder at a time
    cutoff = dormancy_cutoff(on)
    on_open_list = CallTask.objects.filter(client=OuterRef("pk")).exclude(status=CallTask.Status.DONE)
    on_this_list = CallTask.objects.filter(client=OuterRef("pk"), call_list=call_list)
    dormant = (
        Client.objects.filter(type__watch_dormancy=True)
        .filter(Q(last_order_on__lt=cutoff) | Q(last_order_on__isnull=True, joined_on__lt=cutoff))
        .exclude(Exists(on_open_list))
        .exclude(Exists(on_this_list))
        .order_by("last_order_on", "id")
        .values_list("pk", "last_order_on")
    )
    rows = list(dormant)
    operators = operators_on_duty()
    assignment = share_fairly([pk for pk, _last in rows], operators) if operators else {}
    tasks = [
        CallTask(
            call_list=call_list,
            client_id=pk,
            operator_id=assignment.get(pk),
            reason=CallTask.Reason.DORMANT if last else CallTask.Reason.NEVER_ORDERED,
            last_order_on=last,
        )
        for pk, last in rows
    ]
    CallTask.objects.bulk_create(tasks, batch_size=2000)
    return BuiltList(call_list=call_list, created=len(tasks))


# --- Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskResult:
    outcome: str
    refusal_reason: str = ""
    answers: dict | None = None
    callback_at: object = None


@transaction.atomic
def record_task_result(*, actor: User, task_id: int, result: TaskResult) -> CallTask:
    """The operator's result of one call task. A no-answer goes back to the queue until
    `CALL_TASK_MAX_ATTEMPTS`, then closes; a callback waits for its time; a refusal needs its
    reason (recorded, so a later offer can call the client again)."""
    task = (
        # Only the task's row: PostgreSQL cannot lock the nullable side of the campaign's join.
        CallTask.objects.select_for_update(of=("self",))
        .select_related("call_list__campaign")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(_("No such call task."))
    if (
        actor.role != Role.ADMIN.value
        and task.operator_id not in (None, actor.pk)
        and actor.role != Role.HEAD.value
    ):
        raise Forbidden(_("This task is another operator's."))
    if task.status == CallTask.Status.DONE:
        from calldesk.errors import Conflict

        raise Conflict(_("This task is already done."))
    errors = []
    if result.outcome not in CallTask.Outcome.values:
        errors.append(FieldError(field="outcome", detail=", ".join(CallTask.Outcome.values)))
    if result.outcome == CallTask.Outcome.REFUSED and not (result.refusal_reason or "").strip():
        errors.append(FieldError(field="refusal_reason", detail=_("Why did the client refuse?")))
    callback_at = result.callback_at
    if result.outcome == CallTask.Outcome.CALLBACK and callback_at is None:
        errors.append(FieldError(field="callback_at", detail=_("When to call back?")))
    questions = task.call_list.campaign.questions if task.call_list.campaign_id else []
    answers = result.answers or {}
    unknown = [key for key in answers if key not in questions]
    if unknown:
        errors.append(
            FieldError(
                field="answers", detail=_("Not a question of this campaign: %(q)s") % {"q": unknown[0]}
            )
        )
    if errors:
        raise InvalidInput(_("The result is not complete."), errors=errors)
    task.attempts += 1
    task.outcome = result.outcome
    task.refusal_reason = (result.refusal_reason or "").strip()[:300]
    task.answers = {str(k): str(v)[:500] for k, v in answers.items()}
    if result.outcome == CallTask.Outcome.NO_ANSWER:
        max_attempts = int(getattr(settings, "CALL_TASK_MAX_ATTEMPTS", 3))
        task.status = CallTask.Status.DONE if task.attempts >= max_attempts else CallTask.Status.NO_ANSWER
    elif result.outcome == CallTask.Outcome.CALLBACK:
        task.status = CallTask.Status.CALLBACK
        task.callback_at = callback_at if timezone.is_aware(callback_at) else timezone.make_aware(callback_at)
    else:
        task.status = CallTask.Status.DONE
    if task.operator_id is None:
        task.operator = actor
    task.save()
    TaskAttempt.objects.create(
        task=task,
        operator=actor,
        client_id=task.client_id,
        reason=task.reason,
        outcome=task.outcome,
        at=timezone.now(),
    )
    return task


def start_dormant_list_job(*, actor: User, on: date) -> BuiltList:
    """`POST /jobs/dormant-list` (admin): the same call the nightly task makes."""
    if actor.role != Role.ADMIN.value:
        raise Forbidden()
    try:
        return build_dormant_list(on=on)
    except IntegrityError:  # the nightly task built it a moment ago: run again, it adds nothing
        return build_dormant_list(on=on)
