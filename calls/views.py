"""The operator's desk."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from calldesk.access import role_required
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
