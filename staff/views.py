"""The per-role home page: after login each role lands on the screen of its work."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from staff.models import Role

HOME_BY_ROLE = {
    Role.OPERATOR: "calls:desk",
    Role.MANAGER: "orders:my-orders",
    Role.HEAD: "reports:dashboard",
    Role.FINANCE: "clients:debtors",
    Role.COMMERCIAL: "orders:price-list",
    Role.ADMIN: "admin:index",
}


def home(request: HttpRequest) -> HttpResponse:
    """After login each role lands on its own screen (operator: the desk; head: dashboard...)."""
    role = request.user.role
    if role is None:
        raise PermissionDenied
    return redirect(HOME_BY_ROLE[Role(role)])
