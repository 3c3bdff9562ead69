"""Reads of the desk's own plumbing."""

from django.db.models import QuerySet

from messaging.models import InboxMessage


def inbox_of(user) -> QuerySet[InboxMessage]:
    return InboxMessage.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()
