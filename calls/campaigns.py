"""Campaigns a head of a sales department instructs (III.17), often to run a promotion (III.23):
the campaign with its call list, its results for the head, and the results as a file.

Clients who refused earlier are found again when a new campaign targets them ("declined
earlier"): their refusal reasons stay on their call tasks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from calldesk.access import require_role
from calldesk.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from calldesk.exporting import csv_bytes, xlsx_bytes
from calls.models import Call
from calls.outbound import operators_on_duty
from calls.rules import dormancy_cutoff, share_fairly
from calls.services import register_call
from clients.models import Client, ClientPhone, ClientType
from outbound.models import CallList, CallTask, Campaign
from staff.models import Role, User

TARGET_KEYS = ("client_types", "regions", "managers", "dormant", "declined_earlier")
MAX_QUESTIONS = 10
QUESTION_MAX_LENGTH = 300
NAME_MAX_LENGTH = Campaign._meta.get_field("name").max_length
GOAL_MAX_LENGTH = Campaign._meta.get_field("goal").max_length


# --- Creating and closing -------------------------------------------------------------------------


def _department_of(actor: User) -> int:
    require_role(actor, Role.HEAD)
    if actor.department_id is None:
        raise InvalidInput(
            _("You belong to no department."),
            errors=[FieldError(field="department", detail=_("A campaign is run for your department."))],
        )
    return actor.department_id


def _text(value: Any, name: str, limit: int | None, errors: list[FieldError]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors.append(FieldError(field=name, detail=_("Required.")))
    elif limit is not None and len(text) > limit:
        errors.append(FieldError(field=name, detail=_("At most %(n)d characters.") % {"n": limit}))
    return text


def _questions(value: Any, errors: list[FieldError]) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(q, str) for q in value):
        errors.append(FieldError(field="questions", detail=_("Expected a list of question texts.")))
        return []
    questions = [q.strip() for q in value]
    if any(not q for q in questions):
        errors.append(FieldError(field="questions", detail=_("A question may not be empty.")))
    elif len(questions) > MAX_QUESTIONS:
        errors.append(
            FieldError(field="questions", detail=_("At most %(n)d questions.") % {"n": MAX_QUESTIONS})
        )
    elif any(len(q) > QUESTION_MAX_LENGTH for q in questions):
        errors.append(
            FieldError(
                field="questions",
                detail=_("A question has at most %(n)d characters.") % {"n": QUESTION_MAX_LENGTH},
            )
        )
    elif len(set(questions)) != len(questions):
        errors.append(FieldError(field="questions", detail=_("Each question must differ from the others.")))
    return questions


def _str_list(value: Any, name: str, errors: list[FieldError]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        errors.append(FieldError(field=f"target.{name}", detail=_("Expected a list of texts.")))
        return []
    return sorted({item.strip() for item in value if item.strip()})


def _target(value: Any, department_id: int, errors: list[FieldError]) -> dict:
    """Validate the target; two queries at most (the client types and the managers named)."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors.append(FieldError(field="target", detail=_("Expected an object.")))
        return {}
    unknown = sorted(set(value) - set(TARGET_KEYS))
    if unknown:
        errors.append(
            FieldError(
                field="target",
                detail=_("Unknown criteria: %(keys)s. Known: %(known)s.")
                % {"keys": ", ".join(map(str, unknown)), "known": ", ".join(TARGET_KEYS)},
            )
        )
    types = _str_list(value.get("client_types"), "client_types", errors)
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
    regions = _str_list(value.get("regions"), "regions", errors)
    managers = _str_list(value.get("managers"), "managers", errors)
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
    flags = {}
    for name in ("dormant", "declined_earlier"):
        flag = value.get(name, False)
        if not isinstance(flag, bool):
            errors.append(FieldError(field=f"target.{name}", detail=_("Expected true or false.")))
        flags[name] = flag is True
    return {"client_types": types, "regions": regions, "managers": managers, **flags}


def targeted_clients(*, department_id: int, target: dict, today: date) -> QuerySet[Client]:
    """The clients a target picks out: the department's clients, each criterion given narrowing
    them further (AND). One set-based query when evaluated."""
    clients = Client.objects.filter(department_id=department_id)
    if target.get("client_types"):
        clients = clients.filter(type__code__in=target["client_types"])
    if target.get("regions"):
        clients = clients.filter(region__in=target["regions"])
    if target.get("managers"):
        clients = clients.filter(manager__username__in=target["managers"])
    if target.get("dormant"):
        cutoff = dormancy_cutoff(today)
        clients = clients.filter(
            Q(last_order_on__lt=cutoff) | Q(last_order_on__isnull=True, joined_on__lt=cutoff)
        )
    if target.get("declined_earlier"):
        refused = CallTask.objects.filter(client=OuterRef("pk"), outcome=CallTask.Outcome.REFUSED)
        clients = clients.filter(Exists(refused))
    return clients.order_by("name", "id")


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
    name = _text(name, "name", NAME_MAX_LENGTH, errors)
    goal = _text(goal, "goal", GOAL_MAX_LENGTH, errors)
    script = _text(script, "script", None, errors)
    questions = _questions(questions, errors)
    if not isinstance(due_on, date) or isinstance(due_on, datetime):
        errors.append(FieldError(field="due_on", detail=_("A date is required.")))
    elif due_on < today:
        errors.append(FieldError(field="due_on", detail=_("The due date is in the past.")))
    clean_target = _target(target, department_id, errors)
    if errors:
        raise InvalidInput(_("The campaign is not complete."), errors=errors)
    campaign = Campaign.objects.create(
        name=name,
        goal=goal,
        script=script,
        questions=questions,
        department_id=department_id,
        created_by=actor,
        due_on=due_on,
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


def _campaign_of(actor: User, campaign_id: int) -> Campaign:
    """The campaign if the actor is its department's head or an admin. Raises Forbidden, NotFound."""
    require_role(actor, Role.HEAD)
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or (actor.role != Role.ADMIN.value and campaign.department_id != actor.department_id):
        raise NotFound(_("No such campaign."))
    return campaign


@transaction.atomic
def close_campaign(*, actor: User, campaign_id: int) -> Campaign:
    """Close a campaign: its open tasks leave the operators' queues; its results stay. Locks the
    campaign. Raises Forbidden, NotFound, Conflict (already closed)."""
    _campaign_of(actor, campaign_id)
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.status == Campaign.Status.CLOSED:
        raise Conflict(_("The campaign is already closed."))
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    return campaign


# --- Reads ----------------------------------------------------------------------------------------


def campaign_for(*, actor: User, campaign_id: int) -> Campaign:
    """A campaign its department's head (or an admin) may see. Raises Forbidden, NotFound."""
    return _campaign_of(actor, campaign_id)


def campaigns_of(*, actor: User) -> QuerySet[Campaign]:
    """The campaigns of the actor's department (all of them for an admin), with their task counts."""
    require_role(actor, Role.HEAD)
    campaigns = Campaign.objects.select_related("created_by").annotate(
        tasks_count=Count("lists__tasks"),
        done_count=Count("lists__tasks", filter=Q(lists__tasks__status=CallTask.Status.DONE)),
    )
    if actor.role != Role.ADMIN.value:
        campaigns = campaigns.filter(department_id=actor.department_id)
    return campaigns.order_by("-created_at", "-id")


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    tasks: int = 0
    reached: int = 0  # done, with an outcome other than no answer
    agreed: int = 0
    refused: int = 0
    informed: int = 0
    no_answer: int = 0
    callbacks_pending: int = 0
    refusal_reasons: list[tuple[str, int]] = field(default_factory=list)  # most frequent first
    answers: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)  # per question


def campaign_results(campaign_id: int) -> CampaignResults:
    """The figures of a campaign for its head (III.17): four queries, however many tasks."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No such campaign."))
    tasks = CallTask.objects.filter(call_list__campaign_id=campaign_id)
    done = Q(status=CallTask.Status.DONE)
    outcome = CallTask.Outcome
    figures = tasks.aggregate(
        tasks=Count("pk"),
        reached=Count("pk", filter=done & Q(outcome__in=[outcome.AGREED, outcome.REFUSED, outcome.INFORMED])),
        agreed=Count("pk", filter=done & Q(outcome=outcome.AGREED)),
        refused=Count("pk", filter=done & Q(outcome=outcome.REFUSED)),
        informed=Count("pk", filter=done & Q(outcome=outcome.INFORMED)),
        no_answer=Count("pk", filter=Q(outcome=outcome.NO_ANSWER)),
        callbacks_pending=Count("pk", filter=Q(status=CallTask.Status.CALLBACK)),
    )
    reasons = list(
        tasks.filter(outcome=outcome.REFUSED)
        .values_list("refusal_reason")
        .annotate(count=Count("pk"))
        .order_by("-count", "refusal_reason")
    )
    counters: dict[str, Counter] = {question: Counter() for question in campaign.questions}
    for answers in tasks.exclude(answers={}).values_list("answers", flat=True):
        for question, answer in (answers or {}).items():
            text = str(answer).strip()
            if question in counters and text:
                counters[question][text] += 1
    per_question = [
        (question, sorted(counters[question].items(), key=lambda item: (-item[1], item[0])))
        for question in campaign.questions
    ]
    return CampaignResults(campaign=campaign, refusal_reasons=reasons, answers=per_question, **figures)


def export_campaign_results(campaign_id: int, fmt: str, *, actor: User | None = None) -> bytes:
    """The campaign's tasks as a CSV (UTF-8 with BOM) or XLSX file, one row a task: client, tax
    id, operator, status, outcome, refusal reason and each question's answer. Heads and admins
    only (III.26: commercial secrets); `actor` None is the command line. Two queries."""
    if actor is not None:
        _campaign_of(actor, campaign_id)
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(
            _("Export as csv or xlsx."), errors=[FieldError("format", _("Expected csv or xlsx."))]
        )
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No such campaign."))
    header = [
        _("Client"),
        _("Tax id"),
        _("Operator"),
        _("Status"),
        _("Outcome"),
        _("Refusal reason"),
        *campaign.questions,
    ]
    tasks = (
        CallTask.objects.filter(call_list__campaign_id=campaign_id)
        .select_related("client", "operator")
        .order_by("client__name", "id")
    )
    rows = [
        [
            task.client.name,
            task.client.tax_id,
            str(task.operator) if task.operator else "",
            task.get_status_display(),
            task.get_outcome_display() if task.outcome else "",
            task.refusal_reason,
            *[str((task.answers or {}).get(question, "")) for question in campaign.questions],
        ]
        for task in tasks
    ]
    if fmt == "csv":
        return csv_bytes(header, rows)
    return xlsx_bytes(header, rows, title=campaign.name)


# --- The operator's queue -------------------------------------------------------------------------


def _workable(tasks: QuerySet[CallTask]) -> QuerySet[CallTask]:
    """Tasks still to work, from lists whose campaign (if any) is running."""
    return tasks.exclude(status=CallTask.Status.DONE).exclude(
        call_list__campaign__status=Campaign.Status.CLOSED
    )


def queue_of(*, operator: User, now: datetime | None = None) -> list[CallTask]:
    """The operator's tasks to work now: open ones, unanswered ones back in the queue, and
    callbacks whose time has come (earliest first). One query."""
    now = now or timezone.now()
    tasks = _workable(CallTask.objects.filter(operator=operator)).filter(
        Q(status__in=[CallTask.Status.OPEN, CallTask.Status.NO_ANSWER])
        | Q(status=CallTask.Status.CALLBACK, callback_at__lte=now)
    )
    tasks = tasks.select_related("client", "call_list__campaign")
    return list(tasks.order_by("callback_at", "call_list__day", "id")[:200])


def task_for(*, actor: User, task_id: int) -> CallTask:
    """A task the actor may work: their own or an unassigned one; a head or admin any. Raises
    NotFound. Two queries (the task; the client's phones)."""
    task = (
        CallTask.objects.select_related("client__type", "call_list__campaign", "operator")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(_("No such call task."))
    if actor.role not in (Role.HEAD.value, Role.ADMIN.value) and task.operator_id not in (None, actor.pk):
        raise NotFound(_("No such call task."))
    return task


@transaction.atomic
def call_task_client(*, actor: User, task_id: int) -> Call:
    """The task's "Call": register the outbound call to the client's first phone, as any call
    is registered (III.14), and keep it on the task. Raises NotFound, InvalidInput (no phone)."""
    task = task_for(actor=actor, task_id=task_id)
    if task.operator_id not in (None, actor.pk) and actor.role not in (Role.HEAD.value, Role.ADMIN.value):
        raise Forbidden(_("This task is another operator's."))
    phone = ClientPhone.objects.filter(client_id=task.client_id).order_by("id").first()
    if phone is None:
        raise InvalidInput(
            _("The client has no phone on file."), errors=[FieldError(field="phone", detail=_("No phone."))]
        )
    call = register_call(actor=actor, direction=Call.Direction.OUTBOUND, phone=phone.number)
    CallTask.objects.filter(pk=task.pk).update(call=call, updated_at=timezone.now())
    return call
