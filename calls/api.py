"""Calls endpoints of the API (API.md, "Calls (from the telephone exchange)")."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from calldesk.pagination import page_bounds
from calldesk.schemas import DateTimeText, error_responses, one_of
from calls.models import Call
from calls.selectors import calls_register
from calls.services import EndCall, end_call, register_call_with_lookup
from clients.api import LookupOut, RouteOut, client_out, debt_out

router = Router(tags=["calls"])


class CallIn(Schema):
    direction: Literal["inbound", "outbound"]
    phone: str = Field(min_length=1, max_length=40)
    operator: str | None = None
    purpose: Literal["order", "reference", "other"] = "order"


class CallEndIn(Schema):
    purpose: Literal["order", "reference", "other"]
    outcome: Literal[
        "order_taken",
        "transferred",
        "info_sent",
        "feedback",
        "consulted_head",
        "callback",
        "no_answer",
        "declined",
    ]
    notes: str = Field(default="", max_length=4000)
    transferred_to: str | None = None
    order: int | None = None
    declined_reason: str = Field(default="", max_length=300)
    callback_at: dt.datetime | None = None  # with outcome "callback": queued for any operator


CallDirection = one_of(*Call.Direction.values)
CallPurpose = one_of(*Call.Purpose.values, "")
CallOutcome = one_of(*Call.Outcome.values, "")


class CallOut(Schema):
    """A call of the register (III.1): `purpose` and `outcome` are empty until it is wrapped up."""

    id: int
    direction: CallDirection
    phone: str = Field(description="E.164.")
    client: int | None
    operator: str | None
    started_at: DateTimeText
    ended_at: DateTimeText | None
    handle_seconds: int | None
    purpose: CallPurpose
    outcome: CallOutcome
    transferred_to: str | None
    order: int | None
    notes: str
    route: RouteOut = Field(description="What the desk advised when the call popped up.")


class CallRegisteredOut(Schema):
    id: int
    screen_pop_url: str = Field(description="The operator's screen for this call, opened by the exchange.")
    lookup: LookupOut


class CallRegisterList(Schema):
    count: int
    items: list[CallOut]


def call_out(call: Call) -> dict:
    return {
        "id": call.pk,
        "direction": call.direction,
        "phone": call.phone,
        "client": call.client_id,
        "operator": call.operator.username if call.operator_id else None,
        "started_at": call.started_at.isoformat(),
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "handle_seconds": call.handle_seconds,
        "purpose": call.purpose,
        "outcome": call.outcome,
        "transferred_to": call.transferred_to.username if call.transferred_to_id else None,
        "order": call.order_id,
        "notes": call.notes,
        "route": {
            "handler": call.route_handler,
            "user": call.route_user or None,
            "clause": call.route_clause,
            "reason": call.route_reason,
        },
    }


@router.post("/calls", response={201: CallRegisteredOut, **error_responses()})
def post_call(request: HttpRequest, payload: CallIn):
    """The exchange registers a call; it opens `screen_pop_url` in the operator's browser."""
    registered = register_call_with_lookup(
        actor=request.auth,
        direction=payload.direction,
        phone=payload.phone,
        operator=payload.operator,
        purpose=payload.purpose,
    )
    call, found = registered.call, registered.lookup
    route = found.route
    return Status(
        201,
        {
            "id": call.pk,
            "screen_pop_url": request.build_absolute_uri(reverse("calls:call", args=[call.pk])),
            "lookup": {
                "client": client_out(found.client) if found.client else None,
                "debt": debt_out(found.debt) if found.debt else None,
                "route": {
                    "handler": route.handler,
                    "user": route.user,
                    "clause": route.clause,
                    "reason": route.reason,
                },
            },
        },
    )


@router.post("/calls/{call_id}/end", response={200: CallOut, **error_responses(404, 409)})
def post_call_end(request: HttpRequest, call_id: int, payload: CallEndIn):
    """Close the call with its outcome (wrap-up); the answer carries `handle_seconds`."""
    call = end_call(
        actor=request.auth,
        call_id=call_id,
        wrap_up=EndCall(
            purpose=payload.purpose,
            outcome=payload.outcome,
            notes=payload.notes,
            transferred_to=payload.transferred_to,
            order_id=payload.order,
            declined_reason=payload.declined_reason,
            callback_at=payload.callback_at,
        ),
    )
    return call_out(Call.objects.select_related("operator", "transferred_to").get(pk=call.pk))


@router.get("/calls", response={200: CallRegisterList, **error_responses()})
def get_calls(
    request: HttpRequest, operator: str = "", on: dt.date | None = None, limit: int = 50, offset: int = 0
):
    """The call register by operator and day."""
    start, end = page_bounds(limit, offset)
    calls = calls_register(actor=request.auth, operator_username=operator, on=on)
    return {"count": calls.count(), "items": [call_out(c) for c in calls[start:end]]}
