"""Dashboards."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from calldesk.access import role_required
from clients.models import Department, Role
from reports.selectors import department_day


@role_required(Role.HEAD)
def dashboard(request: HttpRequest) -> HttpResponse:
    """A head's home: their department today and this month, by manager (section VI)."""
    departments = list(Department.objects.order_by("name"))
    department = request.user.department
    if request.user.role == Role.ADMIN or department is None:
        chosen = request.GET.get("department")
        department = next((d for d in departments if d.code == chosen), None) or next(
            (d for d in departments if d.code == "wholesale"), departments[0] if departments else None
        )
    if department is None:
        return render(request, "reports/dashboard.html", {"figures": None, "error": _("No departments yet.")})
    figures = department_day(department=department, day=timezone.localdate())
    return render(request, "reports/dashboard.html", {"figures": figures, "departments": departments})
