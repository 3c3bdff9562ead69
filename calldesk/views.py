"""Pages of the frame: the per-role home page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from calldesk.selectors import inbox_of, unread_count
from calldesk.services import mark_read
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


def inbox(request: HttpRequest) -> HttpResponse:
    """The in-app inbox: orders confirmed for a manager's clients (III.14), newest first."""
    page = Paginator(inbox_of(request.user), 50).get_page(request.GET.get("page", 1))
    return render(request, "calldesk/inbox.html", {"page": page, "unread": unread_count(request.user)})


@require_POST
def inbox_read(request: HttpRequest, message_id: int) -> HttpResponse:
    """Mark one message read (or all, with message_id 0)."""
    mark_read(user=request.user, message_id=message_id or None)
    if request.htmx:
        return inbox(request)
    return redirect("inbox")
