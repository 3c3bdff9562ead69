"""Reads of outbound work for the screens, the API and the services: who is on duty, which
clients a list or a campaign picks out (III.16, III.17), a campaign's results for its head, the
operator's queue of call tasks. Fixed numbers of queries."""

from __future__ import annotations

import operator
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from calldesk.errors import NotFound
from clients.models import Client
from outbound import rules
from outbound.models import CallList, CallTask, Campaign
from staff.models import Role, User
from staff.permissions import (
    CAMPAIGN_ROLES,
    is_admin,
    may_see_call_task,
    may_see_campaign,
    require_role,
    sees_every_call_task,
)


def operators_on_duty() -> dict[int, int]:
    """Active operators who are not absent, with how many open tasks each has now. One query."""
    operators = (
        User.objects.filter(is_active=True, groups__name=Role.OPERATOR.value)
        .exclude(presence=User.Presence.ABSENT)
        .annotate(open_tasks=Count("call_tasks", filter=~Q(call_tasks__status=CallTask.Status.DONE)))
    )
    return {operator.pk: operator.open_tasks for operator in operators}


# --- Who is picked out ----------------------------------------------------------------------------


def dormant_as_of(clients: QuerySet[Client], *, cutoff: date) -> QuerySet[Client]:
    """The clients dormant at `cutoff` (III.16): the query is built from the rule's own
    conditions (`outbound.rules.dormancy_conditions`), so it decides as `is_dormant` does."""
    conditions = (Q(**condition) for condition in rules.dormancy_conditions(cutoff))
    return clients.filter(reduce(operator.or_, conditions))


def dormant_to_list(*, cutoff: date, call_list: CallList) -> QuerySet[Client]:
    """Market clients (types watched for dormancy) dormant at `cutoff` that are on no open list
    and not yet on `call_list`, longest silent first."""
    on_open_list = CallTask.objects.filter(client=OuterRef("pk")).exclude(status=CallTask.Status.DONE)
    on_this_list = CallTask.objects.filter(client=OuterRef("pk"), call_list=call_list)
    return (
        dormant_as_of(Client.objects.filter(type__watch_dormancy=True), cutoff=cutoff)
        .exclude(Exists(on_open_list))
        .exclude(Exists(on_this_list))
        .order_by("last_order_on", "id")
    )


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
        clients = dormant_as_of(clients, cutoff=rules.dormancy_cutoff(today))
    if target.get("declined_earlier"):
        refused = CallTask.objects.filter(client=OuterRef("pk"), outcome=CallTask.Outcome.REFUSED)
        clients = clients.filter(Exists(refused))
    return clients.order_by("name", "id")


# --- Campaigns for their head ---------------------------------------------------------------------


def campaign_for(*, actor: User, campaign_id: int) -> Campaign:
    """A campaign its department's head (or an admin) may see. Raises Forbidden, NotFound."""
    require_role(actor, *CAMPAIGN_ROLES)
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not may_see_campaign(actor, department_id=campaign.department_id):
        raise NotFound(_("No such campaign."))
    return campaign


def campaigns_of(*, actor: User) -> QuerySet[Campaign]:
    """The campaigns of the actor's department (all of them for an admin), with their task counts."""
    require_role(actor, *CAMPAIGN_ROLES)
    campaigns = Campaign.objects.select_related("created_by").annotate(
        tasks_count=Count("lists__tasks"),
        done_count=Count("lists__tasks", filter=Q(lists__tasks__status=CallTask.Status.DONE)),
    )
    if not is_admin(actor):
        department_id = actor.department_id
        if department_id is None:  # a head with no department has no campaigns to read
            return campaigns.none()
        campaigns = campaigns.filter(department_id=department_id)
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
    if not may_see_call_task(actor, operator_id=task.operator_id):  # III.26: 404, as missing
        raise NotFound(_("No such call task."))
    return task


def call_tasks(
    *, actor, operator_username: str = "", status: str = "", list_id: int | None = None
) -> QuerySet[CallTask]:
    """Outbound call tasks, by list and order of creation (the API's `/call-tasks`): the ones the
    actor may see (`may_see_call_task`: an operator their own and the unassigned)."""
    tasks = CallTask.objects.select_related("operator", "client").order_by("call_list_id", "id")
    if not sees_every_call_task(actor):
        # `may_see_call_task` as a WHERE clause: the operator's own tasks and the unassigned ones.
        if may_see_call_task(actor, operator_id=None):
            tasks = tasks.filter(Q(operator_id=actor.pk) | Q(operator__isnull=True))
        else:
            tasks = tasks.none()
    if operator_username:
        tasks = tasks.filter(operator__username=operator_username)
    if status:
        tasks = tasks.filter(status=status)
    if list_id is not None:
        tasks = tasks.filter(call_list_id=list_id)
    return tasks
