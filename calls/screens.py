"""Reads the call screens need beyond `calls/selectors.py`: the whole call screen (the screen pop
plus what its panels offer), the desk's queue, the answers the call screen polls for. Each runs a
fixed number of queries, whatever the client's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q

from calls.models import Call, Callback, Consultation, ReferenceRequest
from calls.selectors import ScreenPop, open_calls_of, screen_pop, visible_calls, waiting_callbacks
from calls.services import CallNotFound
from clients.models import ClientChange, ClientType, Contact
from clients.rules import Handler, debt_sentence
from orders.models import Order
from orders.selectors import visible_orders
from staff.models import Department, Role, User
from staff.permissions import may_read_client_history

QUEUE_SIZE = 20
ORDERS_IN_CALL = 20
CLIENT_CHANGES_ON_CARD = 10
# Who sees the client's history of type, manager, credit limit and terms on the card: the people
# who decide them. The operator's job needs the type, the manager and the debt sentence, which the
# card shows anyway, not who changed a credit limit when (III.26: commercial secrets).


class MainAction:
    """What the route makes the screen's main button (III.3-III.6, III.15, III.19)."""

    TAKE_ORDER = "take_order"  # the operator takes it: a known client, route III.3 (or III.18)
    TRANSFER = "transfer"  # one key: to the person the route names
    CHOOSE = "choose"  # the route names nobody: the operator picks a reachable person
    NONE = "none"  # the call is closed


@dataclass(frozen=True)
class ReferenceRow:
    """A reference request of the call with its documents' names (III.18)."""

    request: ReferenceRequest
    documents: list[str]

    @property
    def is_sent(self) -> bool:
        return self.request.sent_at is not None


@dataclass(frozen=True)
class CallScreen:
    pop: ScreenPop
    debt_sentence: str
    main_action: str
    route_person: User | None
    transfer_candidates: list[User]
    orders_in_call: list[Order]
    departments: list[Department]
    references: list[ReferenceRow]
    client_email: str
    client_types: list[ClientType]
    # The client's latest changes, newest first; None when the reader's role does not see them.
    client_changes: list[ClientChange] | None = None

    @property
    def call(self) -> Call:
        return self.pop.call

    @property
    def is_open(self) -> bool:
        return self.pop.call.is_open()

    @property
    def order_taken(self) -> Order | None:
        """The latest order confirmed in this call, if any: the wrap-up's likely outcome."""
        return next((o for o in self.orders_in_call if o.status != Order.Status.DRAFT), None)

    @property
    def order_confirmed(self) -> Order | None:
        """An order confirmed in this call and not cancelled: the call takes no second one
        (orders.services.start_order refuses it whatever the door)."""
        return next((o for o in self.orders_in_call if o.status in Order.Status.SOLD), None)

    @property
    def focus(self) -> str:
        """Where the keyboard starts: the wrap-up once an order was taken, the search for an
        unknown caller, else the main action."""
        if not self.is_open:
            return "next"
        if self.order_taken is not None:
            return "wrap-up"
        if self.pop.client is None:
            return "find"
        return "main"

    @property
    def handle_time(self) -> str:
        """A closed call's handle time as H:MM:SS, or M:SS under an hour."""
        seconds = self.pop.call.handle_seconds
        if seconds is None:
            return ""
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

    @property
    def transfer_targets(self) -> list[User]:
        """Whom the wrap-up may name as having taken the call: the route's person first."""
        if self.route_person is None:
            return self.transfer_candidates
        return [self.route_person, *(u for u in self.transfer_candidates if u.pk != self.route_person.pk)]


def route_purpose(call: Call) -> str:
    """The purpose a transfer records, read from the clause the route cited."""
    return {"III.18": Call.Purpose.REFERENCE, "III.19": Call.Purpose.OTHER}.get(
        call.route_clause, Call.Purpose.ORDER
    )


def _main_action(call: Call, route_person: User | None) -> str:
    if not call.is_open():
        return MainAction.NONE
    if call.route_handler == Handler.OPERATOR:
        return MainAction.TAKE_ORDER if call.client_id else MainAction.CHOOSE
    if route_person is not None:
        return MainAction.TRANSFER
    return MainAction.CHOOSE


def route_person_of(call: Call) -> User | None:
    """The active member of staff the route names, if any. One query, none without a name."""
    if not call.route_user:
        return None
    return User.objects.filter(username=call.route_user, is_active=True).first()


def transfer_candidates(*, call: Call, exclude_id: int | None = None) -> list[User]:
    """Reachable staff of the kind the route calls for (finance, heads, key-account managers, the
    client's department's managers), for when the route names nobody. One query."""
    handler = call.route_handler
    staff = User.objects.filter(is_active=True, presence=User.Presence.AVAILABLE)
    if handler == Handler.FINANCE:
        staff = staff.filter(groups__name=Role.FINANCE.value)
    elif handler in (Handler.DEPARTMENT_HEAD, Handler.WHOLESALE_HEAD):
        staff = staff.filter(groups__name=Role.HEAD.value)
    elif handler == Handler.KEY_ACCOUNT_MANAGER:
        staff = staff.filter(key_account=True, groups__name__in=[Role.MANAGER.value, Role.HEAD.value])
    else:  # a manager, or the operator's own route: the managers and heads who may take it
        staff = staff.filter(groups__name__in=[Role.MANAGER.value, Role.HEAD.value])
        if call.client is not None:
            staff = staff.filter(
                Q(department_id=call.client.department_id)
                | Q(headed_departments__id=call.client.department_id)
            )
    if exclude_id is not None:
        staff = staff.exclude(pk=exclude_id)
    return list(staff.select_related("department").distinct().order_by("full_name", "username"))


def transfer_options(*, call_id: int, actor: User) -> tuple[Call, User | None, list[User]]:
    """The call, the person its route names and the reachable alternatives (the transfer's
    choices). Three queries. Raises CallNotFound."""
    call = visible_calls(actor).select_related("client").filter(pk=call_id).first()
    if call is None:
        raise CallNotFound()
    person = route_person_of(call)
    return call, person, transfer_candidates(call=call, exclude_id=actor.pk)


def client_changes_of(*, client_id: int) -> list[ClientChange]:
    """The client's latest changes of type, manager, credit limit and terms, with who made them
    (III.2, III.26). One query."""
    return list(
        ClientChange.objects.filter(client_id=client_id)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:CLIENT_CHANGES_ON_CARD]
    )


def call_screen(*, call_id: int, actor: User, on: date) -> CallScreen:
    """The screen pop and everything its panels need. For an open call of a known client: the
    screen pop's queries plus six; a closed call needs only the screen pop and its references.
    A manager, head, finance or admin also gets the client's latest changes: one query more."""
    pop = screen_pop(call_id=call_id, actor=actor, on=on)
    call, client = pop.call, pop.client
    is_open = call.is_open()
    route_person = route_person_of(call) if is_open else None
    candidates = transfer_candidates(call=call, exclude_id=actor.pk) if is_open else []
    orders: list[Order] = []
    email = ""
    types: list[ClientType] = []
    if is_open and client is not None:
        orders = list(
            visible_orders(actor)
            .filter(client_id=client.pk, created_at__gte=call.started_at)
            .order_by("-created_at", "-id")[:ORDERS_IN_CALL]
        )
        email = (
            Contact.objects.filter(client_id=client.pk)
            .exclude(email="")
            .order_by("-may_receive_goods", "name", "id")
            .values_list("email", flat=True)
            .first()
        ) or ""
    elif is_open:
        types = list(ClientType.objects.order_by("position", "name"))
    departments = list(Department.objects.order_by("name")) if is_open else []
    labels = dict(ReferenceRequest.Document.choices)
    references = [
        ReferenceRow(request, [str(labels.get(code, code)) for code in request.documents])
        for request in ReferenceRequest.objects.filter(call_id=call.pk).order_by("-requested_at", "-id")
    ]
    debt = pop.debt
    return CallScreen(
        pop=pop,
        debt_sentence=debt_sentence(debt, currency=settings.CURRENCY) if debt and debt.blocks_order else "",
        main_action=_main_action(call, route_person),
        route_person=route_person,
        transfer_candidates=candidates,
        orders_in_call=orders,
        departments=departments,
        references=references,
        client_email=email,
        client_types=types,
        client_changes=(
            client_changes_of(client_id=client.pk)
            if client is not None and may_read_client_history(actor)
            else None
        ),
    )


def check_call_visible(*, call_id: int, actor: User) -> None:
    """CallNotFound unless the actor may see the call (III.26). One query."""
    if not visible_calls(actor).filter(pk=call_id).exists():
        raise CallNotFound()


def answers_of_call(*, call_id: int, actor: User) -> list[Consultation]:
    """The questions asked to a head during this call, with their answers: for whoever may see
    the call (CallNotFound for anyone else). Two queries."""
    check_call_visible(call_id=call_id, actor=actor)
    return list(
        Consultation.objects.filter(call_id=call_id)
        .select_related("answered_by", "head")
        .order_by("-asked_at", "-id")[:5]
    )


@dataclass(frozen=True)
class DeskQueue:
    open_calls: list[Call]
    callbacks: list[Callback]


def desk_queue(*, operator_id: int) -> DeskQueue:
    """The operator's open calls and the shared callback queue (III.22). Two queries."""
    return DeskQueue(
        open_calls=list(open_calls_of(operator_id=operator_id).order_by("-started_at", "-id")[:QUEUE_SIZE]),
        callbacks=list(waiting_callbacks()[:QUEUE_SIZE]),
    )
