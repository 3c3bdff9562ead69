"""The inbox's unread count in every page's header, for the people told in the inbox at once
(III.6, III.11, III.14, III.19, III.20; `staff.permissions.hears_notices`)."""

from __future__ import annotations

from django.http import HttpRequest

from messaging.selectors import UnreadNotices
from staff.permissions import hears_notices


def notices(request: HttpRequest) -> dict:
    """`notices`: the reader's unread count, read (one query) only when the page shows it; None
    for whoever is not told in the inbox, so their pages cost no query for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hears_notices(user):
        return {"notices": None}
    return {"notices": UnreadNotices(user)}
