"""The in-app inbox screens (III.14)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from messaging.selectors import inbox_of, unread_count
from messaging.services import mark_read


def inbox(request: HttpRequest) -> HttpResponse:
    """The in-app inbox: orders confirmed for a manager's clients (III.14), newest first."""
    page = Paginator(inbox_of(request.user), 50).get_page(request.GET.get("page", 1))
    return render(request, "messaging/inbox.html", {"page": page, "unread": unread_count(request.user)})


@require_POST
def inbox_read(request: HttpRequest, message_id: int) -> HttpResponse:
    """Mark one message read (or all, with message_id 0)."""
    marked = mark_read(user=request.user, message_id=message_id or None)
    if message_id and not marked and not inbox_of(request.user).filter(pk=message_id).exists():
        raise Http404  # another person's message is not there for them (III.26)
    if request.htmx:
        return inbox(request)
    return redirect("inbox")
