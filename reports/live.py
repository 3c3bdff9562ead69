"""The heads' live board (III.22, section VI): what each operator is doing now, the callbacks
waiting in the shared queue (III.22) and today's orders so far (III.14).

Unlike the dashboard, the board reads the live tables, not the pre-aggregated report rows: it
answers "now", which no nightly build knows. It still runs a fixed number of queries whatever
the number of operators, calls, callbacks or orders (five: the operators, their open calls, the
callback counts, the head of the callback queue, today's orders grouped by who took them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Callback
from calls.selectors import waiting_callbacks
from orders.models import Order
from reports.build import day_bounds
from staff.models import Department, Role, User

# A call left open longer than this is a call somebody forgot to wrap up, not a call in progress.
OPEN_CALL_HOURS = 4
CALLBACKS_SHOWN = 10


class State(TextChoices):
    """What an operator is doing now, as the board shows it (in words, never by colour alone)."""

    ON_CALL = "on_call", _("On a call")
    WRAP_UP = "wrap_up", _("Wrap-up")
    FREE = "free", _("Free")
    ABSENT = "absent", _("Absent")


def state_of(*, presence: str, on_call: bool) -> State:
    """The one mapping from an operator's presence and open call to the board's state:

    - absent: their presence is "absent", whatever else (another operator takes over, I.6);
    - on a call: they have an open call (no wrap-up yet) started within `OPEN_CALL_HOURS`;
    - wrap-up: no open call, but their presence is "busy" (finishing the last call's notes);
    - free: no open call and "available": the next call or callback may go to them (III.22).
    """
    if presence == User.Presence.ABSENT:
        return State.ABSENT
    if on_call:
        return State.ON_CALL
    if presence == User.Presence.BUSY:
        return State.WRAP_UP
    return State.FREE


def free_operators(*, now: datetime) -> list[User]:
    """The operators on duty who are free now, as the board would show them (`state_of`): active,
    available, with no open call started within OPEN_CALL_HOURS. A call with no operator named
    pops to them (III.1). Two queries."""
    people = list(
        User.objects.filter(
            is_active=True, groups__name=Role.OPERATOR.value, presence=User.Presence.AVAILABLE
        ).distinct()
    )
    on_call = set(
        Call.objects.filter(
            operator__in=people,
            ended_at__isnull=True,
            started_at__gte=now - timedelta(hours=OPEN_CALL_HOURS),
        ).values_list("operator_id", flat=True)
    )
    return [
        person
        for person in people
        if state_of(presence=person.presence, on_call=person.pk in on_call) == State.FREE
    ]


@dataclass(frozen=True)
class OperatorNow:
    operator: User
    state: State
    since: datetime | None  # the open call's start, else when the presence last changed
    call: Call | None  # the newest open call, with its client
    open_calls: int
    orders_today: int

    @property
    def caller(self) -> str:
        """Who is on the line: the client's name, else the number that called."""
        if self.call is None:
            return ""
        return self.call.client.name if self.call.client else self.call.phone


@dataclass(frozen=True)
class LiveBoard:
    now: datetime
    operators: list[OperatorNow]
    callbacks_waiting: int
    callbacks_overdue: int
    next_callbacks: list[Callback]  # the head of the queue, the most overdue first
    orders_today: int
    value_today: Decimal
    states: dict[str, int] = field(default_factory=dict)  # State value -> operators in it


def live_board(*, now: datetime | None = None, department: Department | None = None) -> LiveBoard:
    """Each active operator's state now, the callbacks waiting and today's orders (TIME_ZONE).

    With a department, only its operators are listed, and today's orders are those they took;
    the callback queue is the whole desk's, since any free operator takes from it (III.22).
    Five queries, whatever the size of the desk.
    """
    now = now or timezone.now()
    operators = User.objects.filter(is_active=True, groups__name=Role.OPERATOR.value).order_by(
        "full_name", "username", "pk"
    )
    if department is not None:
        operators = operators.filter(department=department)
    people = list(operators.distinct())
    ids = [person.pk for person in people]

    open_calls: dict[int, list[Call]] = {}
    calls = (
        Call.objects.filter(
            operator_id__in=ids,
            ended_at__isnull=True,
            started_at__gte=now - timedelta(hours=OPEN_CALL_HOURS),
        )
        .select_related("client")
        .order_by("-started_at", "-id")
    )
    for call in calls:
        open_calls.setdefault(call.operator_id, []).append(call)

    queue = Callback.objects.filter(taken_at__isnull=True).aggregate(
        waiting=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))
    )
    next_callbacks = list(waiting_callbacks()[:CALLBACKS_SHOWN])

    start, end = day_bounds(timezone.localdate(now))
    orders = Order.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end).exclude(
        status=Order.Status.DRAFT
    )
    if department is not None:
        orders = orders.filter(taken_by__department=department)
    by_taker = {
        row["taken_by_id"]: row
        for row in orders.values("taken_by_id").annotate(n=Count("id"), value=Sum("total")).order_by()
    }

    rows = []
    for person in people:
        mine = open_calls.get(person.pk, [])
        call = mine[0] if mine else None
        state = state_of(presence=person.presence, on_call=call is not None)
        since = call.started_at if state == State.ON_CALL else person.presence_changed_at
        taken = by_taker.get(person.pk)
        rows.append(
            OperatorNow(
                operator=person,
                state=state,
                since=since,
                call=call if state == State.ON_CALL else None,
                open_calls=len(mine),
                orders_today=taken["n"] if taken else 0,
            )
        )
    value = sum((Decimal(row["value"] or 0) for row in by_taker.values()), Decimal("0"))
    return LiveBoard(
        now=now,
        operators=rows,
        callbacks_waiting=queue["waiting"],
        callbacks_overdue=queue["overdue"],
        next_callbacks=next_callbacks,
        orders_today=sum(row["n"] for row in by_taker.values()),
        value_today=value.quantize(Decimal("0.01")),
        states={state.value: sum(1 for row in rows if row.state == state) for state in State},
    )
