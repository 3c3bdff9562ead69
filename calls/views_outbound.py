"""Outbound work on the desk: the operator's queue of call tasks (III.16, III.17)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from calldesk.access import role_required
from calls.selectors import call_tasks
from clients.models import Role


@role_required(Role.OPERATOR, Role.HEAD)
def queue(request: HttpRequest) -> HttpResponse:
    """The operator's open call tasks: today's dormant clients and campaign calls."""
    tasks = call_tasks(operator_username=request.user.username).exclude(status="done")[:200]
    return render(request, "outbound/queue.html", {"tasks": tasks})
