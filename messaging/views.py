"""The in-app inbox screens (III.14) and the header's unread count.

Each screen has one template; an htmx request gets its named partial: the inbox's list
(`inbox`) when a notice arrives, and the header's link with the unread count
(`base.html#inbox-link`), which every page of those told at once (`notices`) fetches from here.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from messaging.selectors import inbox_of, unread_count
from messaging.services import mark_read

HEADER_LINK = "inbox-link"  # the header's element (and partial) of the unread count
# Fired on the page when the reader's inbox changed by their own hand (a message marked read):
# the header's count listens for it, as it listens for a new notice pushed to the reader.
INBOX_READ_EVENT = "inbox-read"


def inbox(request: HttpRequest) -> HttpResponse:
    """The in-app inbox: orders confirmed for a manager's clients (III.14), calls passed to them
    (III.4, III.19), consultations (III.11) and comments (III.20), newest first. An htmx request
    gets a partial: the header's link with the unread count when that is what asks (one query),
    else the list alone (a notice arrived; three queries)."""
    if request.htmx and request.htmx.target == HEADER_LINK:
        return render(request, "base.html#inbox-link")
    page = Paginator(inbox_of(request.user), 50).get_page(request.GET.get("page", 1))
    template = "messaging/inbox.html" + ("#inbox" if request.htmx else "")
    return render(request, template, {"page": page, "unread": unread_count(request.user)})


@require_POST
def inbox_read(request: HttpRequest, message_id: int) -> HttpResponse:
    """Mark one message read (or all, with message_id 0)."""
    marked = mark_read(user=request.user, message_id=message_id or None)
    if message_id and not marked and not inbox_of(request.user).filter(pk=message_id).exists():
        raise Http404  # another person's message is not there for them (III.26)
    if request.htmx:
        return trigger_client_event(inbox(request), INBOX_READ_EVENT)
    return redirect("inbox")
