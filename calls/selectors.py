"""Reads of the call register for the desk and the API, in fixed numbers of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from calldesk.prepared import Prepared, columns, model_from_row
from calls.models import Call, Callback, Consultation, FeedbackRoute
from calls.services import CallNotFound
from clients.models import Client
from clients.rules import Debt
from clients.selectors import DEBT_SUMS, card_columns, card_from_row, debt_from_row, debt_sums
from orders.models import Order
from staff.models import User
from staff.permissions import Actor, CallReach, actor_of, call_reach


@dataclass(frozen=True)
class ScreenPop:
    """Everything the operator sees when a call pops up (III.1-III.6, III.15, III.19)."""

    call: Call
    client: Client | None
    debt: Debt | None
    recent_orders: list[Order]
    recent_calls: list[Call]
    open_feedback: list[FeedbackRoute]
    answers: list[Consultation]


def _where(reach: CallReach) -> Q:
    """`CallReach` as a WHERE clause on calls: the same rule as `CallReach.covers`."""
    if reach.everything:
        return Q()
    where = Q(pk__in=[])  # nothing, unless a part below lets some in
    if reach.person_id is not None:
        where |= Q(operator_id=reach.person_id) | Q(transferred_to_id=reach.person_id)
    if reach.unclaimed:
        where |= Q(operator__isnull=True)
    if reach.client_manager_id is not None:
        where |= Q(client__manager_id=reach.client_manager_id)
    if reach.client_department_id is not None:
        where |= Q(client__department_id=reach.client_department_id)
    return where


def visible_calls(actor) -> QuerySet[Call]:
    """The calls `actor` (a User or an Actor) may see (III.14, III.26), as one filter."""
    return Call.objects.filter(_where(call_reach(actor if isinstance(actor, Actor) else actor_of(actor))))


# The call screen's first query, compiled once per shape of reach (calldesk.prepared): an
# operator's, a manager's, a head's and an admin's WHERE clauses differ in form, not only in values.
_SENTINELS = {
    "call_id": -190102031,
    "person_id": -190102032,
    "manager_id": -190102033,
    "department_id": -190102034,
}
_CALL_CARDS: dict[tuple[bool, ...], Prepared] = {}


def _call_card_query(reach: CallReach) -> tuple[Prepared, dict]:
    """The prepared query of a call with its operator, the person it was passed to, the client's
    card and debt sums, for reaches of `reach`'s shape, and the values to run it with."""
    shape = (
        reach.everything,
        reach.person_id is not None,
        reach.unclaimed,
        reach.client_manager_id is not None,
        reach.client_department_id is not None,
    )
    values: dict[str, Any] = {"call_id": None, "on": None}
    if shape[1]:
        values["person_id"] = reach.person_id
    if shape[3]:
        values["manager_id"] = reach.client_manager_id
    if shape[4]:
        values["department_id"] = reach.client_department_id
    prepared = _CALL_CARDS.get(shape)
    if prepared is None:
        names = set(values) - {"on"}
        sentinels = {name: value for name, value in _SENTINELS.items() if name in names}

        def build(call_id, on, person_id=None, manager_id=None, department_id=None) -> QuerySet:
            shaped = CallReach(
                everything=reach.everything,
                person_id=person_id,
                unclaimed=reach.unclaimed,
                client_manager_id=manager_id,
                client_department_id=department_id,
            )
            return (
                Call.objects.filter(_where(shaped), pk=call_id)
                .annotate(**debt_sums(on, client_ref="client_id"))
                .order_by()
                .values(
                    *columns(Call),
                    *columns(User, "operator__"),
                    *columns(User, "transferred_to__"),
                    *card_columns("client__"),
                    *DEBT_SUMS,
                )[:1]
            )

        prepared = _CALL_CARDS.setdefault(shape, Prepared(build, on=date(1901, 2, 3), **sentinels))
    return prepared, values


def _reaches_nothing(reach: CallReach) -> bool:
    return not (
        reach.everything
        or reach.person_id is not None
        or reach.unclaimed
        or reach.client_manager_id is not None
        or reach.client_department_id is not None
    )


def screen_pop(*, call_id: int, actor, on: date) -> ScreenPop:
    """The call with its client card, debt, recent orders, recent calls and open comments.
    Seven queries, whatever the client's history; the first (the call, the people on it, the
    card and the debt sums) is compiled once (calldesk.prepared), as the screen pop's lookup is.
    A call the actor may not see: CallNotFound."""
    reach = call_reach(actor if isinstance(actor, Actor) else actor_of(actor))
    if _reaches_nothing(reach):
        raise CallNotFound()
    prepared, values = _call_card_query(reach)
    rows = prepared.run(**{**values, "call_id": call_id, "on": on})
    if not rows:
        raise CallNotFound()
    row = rows[0]
    call = model_from_row(Call, row)
    call.operator = model_from_row(User, row, "operator__")
    call.transferred_to = model_from_row(User, row, "transferred_to__")
    client = card_from_row(row, "client__")
    call.client = client
    answers = list(
        Consultation.objects.filter(call=call).select_related("answered_by").order_by("-asked_at")[:5]
    )
    if client is None:
        return ScreenPop(call, None, None, [], [], [], answers)
    debt = debt_from_row(row, credit_limit=client.credit_limit)
    # The card's history is the call's (staff.permissions, III.7-III.9): seeing the call is the
    # right to read it; another person's drafts are never on it.
    recent_orders = list(
        Order.objects.filter(client=client).exclude(status=Order.Status.DRAFT).order_by("-created_at")[:5]
    )
    recent_calls = list(
        Call.objects.filter(client=client)
        .exclude(pk=call.pk)
        .select_related("operator")
        .order_by("-started_at")[:5]
    )
    open_feedback = list(
        FeedbackRoute.objects.filter(feedback__client=client)
        .exclude(status=FeedbackRoute.Status.DONE)
        .select_related("feedback", "department")
        .order_by("-feedback__recorded_at")[:5]
    )
    return ScreenPop(call, client, debt, recent_orders, recent_calls, open_feedback, answers)


def calls_register(*, actor, operator_username: str = "", on: date | None = None) -> QuerySet[Call]:
    """The call register, newest first, by operator and day (TIME_ZONE): the calls the actor may
    see (an operator their own, a head their department's, III.26)."""
    calls = (
        visible_calls(actor)
        .select_related("client", "operator", "transferred_to", "order")
        .order_by("-started_at", "-id")
    )
    if operator_username:
        calls = calls.filter(operator__username=operator_username)
    if on is not None:
        start = timezone.make_aware(datetime.combine(on, time.min))
        end = timezone.make_aware(datetime.combine(date.fromordinal(on.toordinal() + 1), time.min))
        calls = calls.filter(started_at__gte=start, started_at__lt=end)
    return calls


def open_calls_of(*, operator_id: int) -> QuerySet[Call]:
    return Call.objects.filter(operator_id=operator_id, ended_at__isnull=True).select_related("client")


def waiting_callbacks() -> QuerySet[Callback]:
    """The shared queue: callbacks nobody has taken, the most overdue first (III.22)."""
    return Callback.objects.filter(taken_at__isnull=True).select_related("client").order_by("due_at", "id")


def department_feedback(*, department_id: int, status: str = "") -> QuerySet[FeedbackRoute]:
    routes = FeedbackRoute.objects.filter(department_id=department_id).select_related(
        "feedback__client", "feedback__recorded_by"
    )
    if status:
        routes = routes.filter(status=status)
    return routes.order_by("-feedback__recorded_at", "-id")


def open_consultations(*, department_id: int | None) -> QuerySet[Consultation]:
    """Open questions of a department, oldest first; every department's with None (III.11)."""
    questions = Consultation.objects.filter(answered_at__isnull=True)
    if department_id is not None:
        questions = questions.filter(department_id=department_id)
    return questions.select_related("asked_by", "client", "department").order_by("asked_at", "id")
