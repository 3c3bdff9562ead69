"""The operator's desk."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from calldesk.access import role_required
from calls.selectors import department_feedback, open_consultations, screen_pop
from clients.models import Role
from clients.selectors import search_clients


@role_required(Role.OPERATOR, Role.MANAGER, Role.HEAD)
def desk(request: HttpRequest) -> HttpResponse:
    """The operator's screen: find the caller by phone, tax id or name (III.1, III.2).

    An htmx request (typing in the search box) gets only the results fragment.
    """
    term = request.GET.get("q", "").strip()
    results = search_clients(term) if term else []
    template = "calls/desk.html" + ("#client-results" if request.htmx else "")
    return render(request, template, {"term": term, "results": results})


@role_required(Role.OPERATOR, Role.MANAGER, Role.HEAD, Role.FINANCE)
def call_screen(request: HttpRequest, call_id: int) -> HttpResponse:
    """The screen pop: the caller's card, debt and the route, for one call (III.1-III.6)."""
    pop = screen_pop(call_id=call_id, on=timezone.localdate())
    return render(request, "calls/call.html", {"pop": pop, "call": pop.call, "client": pop.client})


@role_required(Role.OPERATOR, Role.MANAGER, Role.HEAD, Role.FINANCE, Role.COMMERCIAL)
def feedback_inbox(request: HttpRequest) -> HttpResponse:
    """A department's comments and wishes from clients (III.20)."""
    department_id = request.user.department_id
    routes = (
        department_feedback(department_id=department_id, status=request.GET.get("status", ""))
        if department_id
        else []
    )
    return render(request, "calls/feedback_inbox.html", {"routes": routes[:100] if department_id else []})


@role_required(Role.HEAD)
def consultations(request: HttpRequest) -> HttpResponse:
    """A head's open questions from operators (III.11)."""
    department_id = request.user.department_id
    questions = open_consultations(department_id=department_id) if department_id else []
    return render(request, "calls/consultations.html", {"questions": questions})
