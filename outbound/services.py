"""Every write of outbound work, each owning its transaction: the nightly dormant list (III.16),
the campaigns a head instructs (III.17, III.23), an operator's result of a call task and the
task's call, registered as any call is (III.14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calldesk import live
from calldesk.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from calls.models import Call
from calls.services import register_call
from clients.models import ClientPhone, ClientType
from outbound.models import CallList, CallTask, Campaign, TaskAttempt
from outbound.rules import (
    campaign_questions,
    campaign_target,
    dormancy_cutoff,
    required_text,
    share_fairly,
)
from outbound.selectors import (
    campaign_for,
    dormant_to_list,
    operators_on_duty,
    targeted_clients,
    task_for,
)
from staff.models import Role, User
from staff.permissions import CAMPAIGN_ROLES, is_admin, may_see_call_task, require_role

NAME_MAX_LENGTH = Campaign._meta.get_field("name").max_length
GOAL_MAX_LENGTH = Campaign._meta.get_field("goal").max_length


# --- The nightly dormant list (III.16) ------------------------------------------------------------


@dataclass(frozen=True)
class BuiltList:
    call_list: CallList
    created: int


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
    rows = list(dormant_to_list(cutoff=cutoff, call_list=call_list).values_list("pk", "last_order_on"))
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


def start_dormant_list_job(*, actor: User, on: date) -> BuiltList:
    """`POST /jobs/dormant-list` (admin): the same call the nightly task makes."""
    if not is_admin(actor):
        raise Forbidden()
    try:
        return build_dormant_list(on=on)
    except IntegrityError:  # the nightly task built it a moment ago: run again, it adds nothing
        return build_dormant_list(on=on)


# --- Campaigns (III.17, III.23) -------------------------------------------------------------------


def _department_of(actor: User) -> int:
    require_role(actor, *CAMPAIGN_ROLES)
    if actor.department_id is None:
        raise InvalidInput(
            _("You belong to no department."),
            errors=[FieldError(field="department", detail=_("A campaign is run for your department."))],
        )
    return actor.department_id


def _check_target_names(target: dict, department_id: int, errors: list[FieldError]) -> None:
    """The client types and managers a target names must be the department's. Two queries at most."""
    types = target.get("client_types") or []
    if types:
        known = set(
            ClientType.objects.filter(department_id=department_id, code__in=types).values_list(
                "code", flat=True
            )
        )
        missing = [code for code in types if code not in known]
        if missing:
            errors.append(
                FieldError(
                    field="target.client_types",
                    detail=_("Not a client type of your department: %(codes)s")
                    % {"codes": ", ".join(missing)},
                )
            )
    managers = target.get("managers") or []
    if managers:
        known = set(
            User.objects.filter(
                department_id=department_id, groups__name=Role.MANAGER.value, username__in=managers
            ).values_list("username", flat=True)
        )
        missing = [name for name in managers if name not in known]
        if missing:
            errors.append(
                FieldError(
                    field="target.managers",
                    detail=_("Not a manager of your department: %(names)s") % {"names": ", ".join(missing)},
                )
            )


@transaction.atomic
def create_campaign(
    *,
    actor: User,
    name: str,
    goal: str,
    script: str,
    questions: list[str],
    due_on: date | None,
    target: dict | None,
    today: date | None = None,
) -> tuple[Campaign, int]:
    """A head (or an admin) creates a campaign for their department, with its call list (today)
    and one task per targeted client, shared fairly among the operators on duty. A constant
    number of queries, however many clients. Raises Forbidden, InvalidInput (every bad field)."""
    department_id = _department_of(actor)
    today = today or timezone.localdate()
    errors: list[FieldError] = []
    name = required_text(name, "name", NAME_MAX_LENGTH, errors)
    goal = required_text(goal, "goal", GOAL_MAX_LENGTH, errors)
    script = required_text(script, "script", None, errors)
    questions = campaign_questions(questions, errors)
    if not isinstance(due_on, date) or isinstance(due_on, datetime):
        errors.append(FieldError(field="due_on", detail=_("A date is required.")))
    elif due_on < today:
        errors.append(FieldError(field="due_on", detail=_("The due date is in the past.")))
    clean_target = campaign_target(target, errors)
    _check_target_names(clean_target, department_id, errors)
    if errors:
        raise InvalidInput(_("The campaign is not complete."), errors=errors)
    campaign = Campaign.objects.create(
        name=name,
        goal=goal,
        script=script,
        questions=questions,
        department_id=department_id,
        created_by=actor,
        due_on=cast(date, due_on),  # a date: anything else was refused above
        target=clean_target,
    )
    call_list = CallList.objects.create(source=CallList.Source.CAMPAIGN, day=today, campaign=campaign)
    client_ids = list(
        targeted_clients(department_id=department_id, target=clean_target, today=today).values_list(
            "pk", flat=True
        )
    )
    operators = operators_on_duty()
    assignment = share_fairly(client_ids, operators) if operators else {}
    CallTask.objects.bulk_create(
        [
            CallTask(
                call_list=call_list,
                client_id=pk,
                operator_id=assignment.get(pk),
                reason=CallTask.Reason.CAMPAIGN,
            )
            for pk in client_ids
        ],
        batch_size=2000,
    )
    return campaign, len(client_ids)


@transaction.atomic
def close_campaign(*, actor: User, campaign_id: int) -> Campaign:
    """Close a campaign: its open tasks leave the operators' queues; its results stay. Locks the
    campaign. Raises Forbidden, NotFound, Conflict (already closed)."""
    campaign_for(actor=actor, campaign_id=campaign_id)
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.status == Campaign.Status.CLOSED:
        raise Conflict(_("The campaign is already closed."))
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    return campaign


# --- Working a task -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskResult:
    outcome: str
    refusal_reason: str = ""
    answers: dict | None = None
    callback_at: datetime | None = None


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
    if not may_see_call_task(actor, operator_id=task.operator_id):  # III.26: 404, as missing
        raise NotFound(_("No such call task."))
    if task.status == CallTask.Status.DONE:
        raise Conflict(_("This task is already done."))
    errors = []
    if result.outcome not in CallTask.Outcome.values:
        errors.append(FieldError(field="outcome", detail=", ".join(CallTask.Outcome.values)))
    if result.outcome == CallTask.Outcome.REFUSED and not (result.refusal_reason or "").strip():
        errors.append(FieldError(field="refusal_reason", detail=_("Why did the client refuse?")))
    callback_at = result.callback_at
    if result.outcome == CallTask.Outcome.CALLBACK and callback_at is None:
        errors.append(FieldError(field="callback_at", detail=_("When to call back?")))
    campaign = task.call_list.campaign
    questions = campaign.questions if campaign is not None else []
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
        when = cast(datetime, callback_at)  # a callback without its time was refused above
        task.callback_at = when if timezone.is_aware(when) else timezone.make_aware(when)
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
    if campaign is not None:  # the head's campaign page follows its results (III.17)
        live.publish(live.BOARD, live.CAMPAIGN_CHANGED, {"campaign": campaign.pk})
    return task


@transaction.atomic
def call_task_client(*, actor: User, task_id: int) -> Call:
    """The task's "Call": register the outbound call to the client's first phone, as any call
    is registered (III.14), and keep it on the task. Raises NotFound, InvalidInput (no phone)."""
    task = task_for(actor=actor, task_id=task_id)
    phone = ClientPhone.objects.filter(client_id=task.client_id).order_by("id").first()
    if phone is None:
        raise InvalidInput(
            _("The client has no phone on file."), errors=[FieldError(field="phone", detail=_("No phone."))]
        )
    call = register_call(actor=actor, direction=Call.Direction.OUTBOUND, phone=phone.number)
    CallTask.objects.filter(pk=task.pk).update(call=call, updated_at=timezone.now())
    return call
