"""Screens of the clients app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from calldesk.access import role_required
from clients.models import Role
from clients.selectors import overdue_clients


@role_required(Role.FINANCE, Role.HEAD)
def debtors(request: HttpRequest) -> HttpResponse:
    """Finance's home: clients with overdue receivables today, largest debt first (III.5, III.6)."""
    today = timezone.localdate()
    department_id = request.user.department_id if request.user.role == Role.HEAD else None
    rows = overdue_clients(on=today, department_id=department_id)
    return render(request, "clients/debtors.html", {"rows": rows, "today": today})
