"""Every write of the call register. Each service owns its transaction.

A call is registered when it pops up (the exchange's `POST /calls`, or an operator typing a
number), with what the desk advised (the route); it is closed only with an outcome (wrap-up);
a transfer closes it for the operator and tells the receiver in their inbox at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calldesk import live
from calldesk.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from calls.models import Call, Callback, Consultation, Feedback, FeedbackRoute
from clients.models import Client
from clients.phones import normalize_phone
from clients.selectors import Lookup, lookup_call, lookup_client
from messaging.services import queue_notice
from reports.refresh import refresh_after_commit
from staff.models import Department, User
from staff.permissions import (
    DESK,
    CallFacts,
    actor_of,
    has_role,
    is_operator,
    may_answer_consultation,
    may_handle_feedback,
    may_register_calls,
    may_see_call,
    may_work_on_call,
)
from staff.services import in_language_of


class CallNotFound(NotFound):
    default_detail = gettext_lazy("No such call.")


class CallAlreadyEnded(Conflict):
    code = "call_already_ended"
    default_detail = gettext_lazy("The call has already been closed.")


def _check_desk_role(actor: User) -> None:
    if not has_role(actor, DESK):
        raise Forbidden()


def call_facts(call: Call) -> CallFacts:
    """What the rules of `staff.permissions` read of a call (its client loaded, no query)."""
    client = call.client
    return CallFacts(
        operator_id=call.operator_id,
        transferred_to_id=call.transferred_to_id,
        client_manager_id=client.manager_id if client else None,
        client_department_id=client.department_id if client else None,
    )


def _check_may_work_on(call: Call, actor: User) -> None:
    """A call the actor may not see is missing to them (404); its side panels are its
    operator's (403 for anyone else who sees it, III.26)."""
    facts = call_facts(call)
    person = actor_of(actor)
    if not may_see_call(person, facts):
        raise CallNotFound()
    if not may_work_on_call(person, facts):
        raise Forbidden(_("This is another operator's call."))


def call_for_work(call_id: int, actor: User) -> Call:
    """The call the actor works on, with its client. Raises CallNotFound, Forbidden."""
    call = Call.objects.select_related("client").filter(pk=call_id).first()
    if call is None:
        raise CallNotFound()
    _check_may_work_on(call, actor)
    return call


def _locked_open_call(call_id: int, actor: User) -> Call:
    call = Call.objects.select_for_update(of=("self",)).select_related("client").filter(pk=call_id).first()
    if call is None:
        raise CallNotFound()
    _check_may_work_on(call, actor)
    if not call.is_open():
        raise CallAlreadyEnded()
    return call


# --- The call pops up -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredCall:
    call: Call
    lookup: Lookup  # what the desk found and advised when the call came in


def register_call(
    *, actor: User, direction: str, phone: str, operator: str | None = None, purpose: str = "order"
) -> Call:
    """Register a call with its caller (found by phone) and the route the desk advises (III.1,
    III.14). The exchange names the operator; an operator registering a call is its operator."""
    return register_call_with_lookup(
        actor=actor, direction=direction, phone=phone, operator=operator, purpose=purpose
    ).call


@transaction.atomic
def register_call_with_lookup(
    *, actor: User, direction: str, phone: str, operator: str | None = None, purpose: str = "order"
) -> RegisteredCall:
    """register_call, with the lookup it was routed by (the exchange's answer shows it)."""
    if not may_register_calls(actor):
        raise Forbidden()
    if direction not in Call.Direction.values:
        raise InvalidInput(
            _("Direction is inbound or outbound."),
            errors=[FieldError(field="direction", detail=_("inbound or outbound"))],
        )
    number = normalize_phone(phone)
    if operator:
        person = User.objects.filter(username=operator, is_active=True).first()
        if person is None:
            raise InvalidInput(
                _("No operator %(username)s.") % {"username": operator},
                errors=[FieldError(field="operator", detail=_("Unknown user."))],
            )
    else:
        person = actor if is_operator(actor) else None
    with in_language_of(person):
        found = lookup_call(phone=number, purpose=purpose, on=timezone.localdate())
    route = found.route
    call = Call.objects.create(
        direction=direction,
        phone=number,
        client=found.client,
        operator=person,
        started_at=timezone.now(),
        route_handler=route.handler,
        route_user=route.user or "",
        route_clause=route.clause,
        route_reason=route.reason[:500],
    )
    if direction == Call.Direction.INBOUND:
        _pop_call(call, actor=actor)
    live.publish(live.BOARD, live.BOARD_CHANGED)  # the operator is on a call now (section VI)
    return RegisteredCall(call=call, lookup=found)


def _pop_call(call: Call, *, actor: User) -> None:
    """The screen pop (III.1): once the call is committed, the operator named is told on whichever
    page of the desk they have open, with the caller's name, type and route; a call with no
    operator named pops to every operator on duty who is free (the live board's "free"). An
    operator who registers a call themselves is already opening its screen."""
    recipients: list[User]
    if call.operator is not None:
        recipients = [call.operator] if call.operator.pk != actor.pk else []
    else:
        from reports.live import free_operators

        recipients = free_operators(now=call.started_at)
    client = call.client
    for person in recipients:
        with in_language_of(person):
            payload = {
                "call": call.pk,
                "url": reverse("calls:call", args=[call.pk]),
                "caller": client.name if client else call.phone,
                "type": str(client.type) if client else str(_("Unknown caller")),
                "route": call.route_reason,
            }
        live.publish(live.user_channel(person.pk), live.CALL_POP, payload)
    live.publish_to_users([call.operator_id], live.CALLS_CHANGED, {"call": call.pk})


@transaction.atomic
def attach_client(*, actor: User, call_id: int, client_id: int) -> Call:
    """Tie a call to the client registered or found during it (III.15)."""
    call = _locked_open_call(call_id, actor)
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise InvalidInput(
            _("No such client."), errors=[FieldError(field="client", detail=_("Unknown client."))]
        )
    call.client = client
    # route by the client now on the call, whatever number it called from (III.3-III.19)
    client = Client.objects.select_related("type", "department__head", "department__deputy", "manager").get(
        pk=client.pk
    )
    route = lookup_client(client=client, on=timezone.localdate()).route
    call.route_handler, call.route_user = route.handler, route.user or ""
    call.route_clause, call.route_reason = route.clause, route.reason[:500]
    call.save()
    return call


@transaction.atomic
def register_caller(*, actor: User, call_id: int, name: str, tax_id: str, type_code: str) -> Client:
    """Register the unknown caller as a new client with the call's number and tie the call to it,
    in one transaction: the client waits in its department head's queue and the route becomes
    that head (III.15). A client whose call could not take it is never left registered."""
    call = _locked_open_call(call_id, actor)
    if call.client_id is not None:
        raise Conflict(_("This call already has its client."))
    from clients.services import register_client

    client = register_client(actor=actor, name=name, tax_id=tax_id, type_code=type_code, phones=[call.phone])
    attach_client(actor=actor, call_id=call.pk, client_id=client.pk)
    return client


# --- Wrap-up --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EndCall:
    purpose: str
    outcome: str
    notes: str = ""
    transferred_to: str | None = None
    order_id: int | None = None
    declined_reason: str = ""
    transfer_reason: str = ""
    callback_at: datetime | None = None  # with outcome "callback": queued for any operator (III.22)


@transaction.atomic
def end_call(*, actor: User, call_id: int, wrap_up: EndCall) -> Call:
    """Close a call with its outcome (wrap-up): a call is never closed without one. A transfer
    names who took it; the receiver is told in their inbox at once (III.4, III.6, III.19)."""
    errors = []
    if wrap_up.purpose not in Call.Purpose.values:
        errors.append(FieldError(field="purpose", detail=_("order, reference or other")))
    if wrap_up.outcome not in Call.Outcome.values:
        errors.append(FieldError(field="outcome", detail=", ".join(Call.Outcome.values)))
    if wrap_up.outcome == Call.Outcome.TRANSFERRED and not wrap_up.transferred_to:
        errors.append(FieldError(field="transferred_to", detail=_("Who took the call?")))
    if wrap_up.outcome == Call.Outcome.DECLINED and not wrap_up.declined_reason.strip():
        errors.append(FieldError(field="declined_reason", detail=_("Why did the client decline?")))
    if errors:
        raise InvalidInput(_("Close the call with its purpose and outcome."), errors=errors)
    call = _locked_open_call(call_id, actor)
    receiver = None
    if wrap_up.transferred_to:
        receiver = User.objects.filter(username=wrap_up.transferred_to, is_active=True).first()
        if receiver is None:
            raise InvalidInput(
                _("No such person to transfer to."),
                errors=[FieldError(field="transferred_to", detail=_("Unknown user."))],
            )
    if wrap_up.order_id is not None:
        from orders.models import Order

        client_id = call.client_id
        if client_id is None or not Order.objects.filter(pk=wrap_up.order_id, client_id=client_id).exists():
            raise InvalidInput(
                _("That order is not this caller's."),
                errors=[FieldError(field="order", detail=_("Unknown order."))],
            )
    call.purpose = wrap_up.purpose
    call.outcome = wrap_up.outcome
    call.notes = wrap_up.notes.strip()
    call.declined_reason = wrap_up.declined_reason.strip()[:300]
    call.transferred_to = receiver
    call.transfer_reason = (wrap_up.transfer_reason or call.route_reason).strip()[:500] if receiver else ""
    call.order_id = wrap_up.order_id
    call.ended_at = max(timezone.now(), call.started_at)
    call.save()
    # the figures of the day the call started follow its end (III.14, III.25)
    refresh_after_commit(day=timezone.localdate(call.started_at))
    live.publish_to_users([call.operator_id], live.CALLS_CHANGED, {"call": call.pk})
    live.publish(live.BOARD, live.BOARD_CHANGED)
    if receiver is not None:
        _tell_receiver(call, receiver)
    if wrap_up.outcome == Call.Outcome.CALLBACK and wrap_up.callback_at is not None:
        # the same transaction: a callback is never queued for a call that failed to close
        schedule_callback(
            actor=actor, call_id=call.pk, phone=call.phone, due_at=wrap_up.callback_at, note=call.notes[:300]
        )
    return call


def transfer_call(*, actor: User, call_id: int, to: str, reason: str = "", purpose: str = "order") -> Call:
    """One key: pass the call to the person the route names (III.4, III.6, III.15, III.19)."""
    return end_call(
        actor=actor,
        call_id=call_id,
        wrap_up=EndCall(
            purpose=purpose, outcome=Call.Outcome.TRANSFERRED, transferred_to=to, transfer_reason=reason
        ),
    )


def _tell_receiver(call: Call, receiver: User) -> None:
    """The person a call was passed to is told at once, in their language; when they are absent,
    the head (or deputy) of the client's department, or of their own for a caller not yet a
    client, too (III.4, III.19; messaging.queue_notice)."""
    who = call.client.name if call.client else call.phone

    def write() -> tuple[str, str]:
        subject = _("Call transferred to you: %(who)s (%(phone)s)") % {"who": who, "phone": call.phone}
        return subject, call.transfer_reason or _("No reason given.")

    queue_notice(
        kind="call_transferred",
        addressee=receiver,
        department=call.client.department_id if call.client else receiver.department_id,
        write=write,
        link=reverse("calls:call", args=[call.pk]),
    )


# --- Comments and wishes (III.20) -----------------------------------------------------------------


@transaction.atomic
def record_feedback(
    *, actor: User, call_id: int | None, client_id: int | None, text: str, departments: list[str]
) -> Feedback:
    """Record what the client said and pass a copy to each department it concerns (III.20)."""
    _check_desk_role(actor)
    text = (text or "").strip()
    chosen = list(Department.objects.select_related("head", "deputy").filter(code__in=departments or []))
    errors = []
    if not text:
        errors.append(FieldError(field="text", detail=_("What did the client say?")))
    if not chosen or len(chosen) != len(set(departments)):
        errors.append(FieldError(field="departments", detail=_("Choose the departments it concerns.")))
    if errors:
        raise InvalidInput(_("The comment is not complete."), errors=errors)
    call = call_for_work(call_id, actor) if call_id else None
    feedback = Feedback.objects.create(
        call=call, client_id=client_id or (call.client_id if call else None), text=text, recorded_by=actor
    )
    FeedbackRoute.objects.bulk_create([FeedbackRoute(feedback=feedback, department=d) for d in chosen])
    for department in chosen:
        # its head, or its deputy when the head is absent or none is set (messaging.queue_notice)
        queue_notice(
            kind="feedback",
            addressee=department.head,
            department=department,
            write=partial(_comment_notice, department, text),
            link=reverse("calls:feedback-inbox"),
        )
    return feedback


def _comment_notice(department: Department, text: str) -> tuple[str, str]:
    return _("A client's comment for %(department)s") % {"department": department}, text


@transaction.atomic
def set_feedback_status(*, actor: User, route_id: int, status: str) -> FeedbackRoute:
    """A department marks its copy seen or done; only its own staff (or an admin)."""
    if status not in FeedbackRoute.Status.values:
        raise InvalidInput(
            _("Status is new, seen or done."), errors=[FieldError(field="status", detail="new, seen, done")]
        )
    route = FeedbackRoute.objects.select_for_update().filter(pk=route_id).first()
    if route is None:
        raise NotFound()
    if not may_handle_feedback(actor, department_id=route.department_id):
        raise NotFound()  # another department's copy is not there for them (III.26)
    route.status, route.updated_by, route.updated_at = status, actor, timezone.now()
    route.save(update_fields=["status", "updated_by", "updated_at"])
    return route


# --- Consulting the head (III.11) -----------------------------------------------------------------


@transaction.atomic
def ask_head(
    *, actor: User, call_id: int | None, question: str, department_code: str | None = None
) -> Consultation:
    """Raise a non-standard situation to the head of the relevant sales department (the client's,
    unless another is named); it appears on the head's screen and in their inbox (III.11)."""
    _check_desk_role(actor)
    question = (question or "").strip()
    if not question:
        raise InvalidInput(
            _("What should the head decide?"), errors=[FieldError(field="question", detail=_("Required."))]
        )
    call = call_for_work(call_id, actor) if call_id else None
    if department_code:
        department = Department.objects.select_related("head", "deputy").filter(code=department_code).first()
    elif call is not None and call.client is not None:
        department = Department.objects.select_related("head", "deputy").get(pk=call.client.department_id)
    else:
        department = Department.objects.select_related("head", "deputy").filter(code="wholesale").first()
    if department is None:
        raise InvalidInput(
            _("No such department."), errors=[FieldError(field="department", detail=_("Unknown."))]
        )
    consultation = Consultation.objects.create(
        call=call,
        client=call.client if call else None,
        department=department,
        head=department.head,
        asked_by=actor,
        question=question,
    )
    # on every head's list of questions at once: whoever covers the department reads it (III.11)
    live.publish(live.BOARD, live.CONSULTATIONS_CHANGED, {"consultation": consultation.pk})
    # the head; with the head absent (or none set), the deputy, else commercial management (III.11)
    queue_notice(
        kind="consultation",
        addressee=department.head,
        department=department,
        write=lambda: (
            _("%(operator)s asks: %(question)s") % {"operator": actor, "question": question[:120]},
            question,
        ),
        link=reverse("calls:consultations"),
        commercial_when_uncovered=True,
    )
    return consultation


@transaction.atomic
def answer_consultation(*, actor: User, consultation_id: int, answer: str) -> Consultation:
    """The head answers; the answer comes back to the operator's screen (III.11)."""
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("Write the answer."), errors=[FieldError(field="answer", detail=_("Required."))])
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound()
    # another department's question is not there for this head (III.26)
    if not may_answer_consultation(actor, department_id=consultation.department_id):
        raise NotFound()
    if consultation.answered_at is not None:
        raise Conflict(_("This question has already been answered."))
    consultation.answer, consultation.answered_by, consultation.answered_at = answer, actor, timezone.now()
    consultation.save(update_fields=["answer", "answered_by", "answered_at"])
    # back on the operator's call screen at once, and off the head's list of open questions
    live.publish_to_users([consultation.asked_by_id], live.ANSWERS_CHANGED, {"consultation": consultation.pk})
    live.publish(live.BOARD, live.CONSULTATIONS_CHANGED, {"consultation": consultation.pk})
    return consultation


# --- The shared callback queue (III.22) ----------------------------------------------------------


@transaction.atomic
def schedule_callback(
    *, actor: User, call_id: int | None, phone: str, due_at: datetime, note: str = ""
) -> Callback:
    _check_desk_role(actor)
    number = normalize_phone(phone)
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    client = Client.objects.filter(phones__number=number).first()
    callback = Callback.objects.create(
        client=client,
        phone=number,
        due_at=due_at,
        note=(note or "").strip()[:300],
        origin_id=call_id,
        created_by=actor,
    )
    live.publish(live.DESK, live.CALLBACKS_CHANGED, {"callback": callback.pk})  # every desk's queue
    live.publish(live.BOARD, live.BOARD_CHANGED)
    return callback


@transaction.atomic
def take_callback(*, actor: User, callback_id: int) -> Call:
    """A free operator takes a callback from the shared queue: it is theirs, and the outbound
    call is registered at once (so two operators never call the same client back)."""
    _check_desk_role(actor)
    callback = Callback.objects.select_for_update().filter(pk=callback_id).first()
    if callback is None:
        raise NotFound()
    if callback.taken_at is not None:
        raise Conflict(_("Another operator has taken this callback."))
    call = register_call(actor=actor, direction=Call.Direction.OUTBOUND, phone=callback.phone)
    callback.taken_by, callback.taken_at, callback.done_call = actor, timezone.now(), call
    callback.save(update_fields=["taken_by", "taken_at", "done_call"])
    live.publish(live.DESK, live.CALLBACKS_CHANGED, {"callback": callback.pk})  # gone from every queue
    live.publish(live.BOARD, live.BOARD_CHANGED)
    return call


def waiting_callbacks_filter() -> Q:
    return Q(taken_at__isnull=True)
