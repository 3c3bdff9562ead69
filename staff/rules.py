"""Who stands in for whom (III.4, III.11, III.15, III.19): pure rules over people and presence.

A department answers through its head; its deputy stands in when the head is not there. The same
rule names the person a call is routed to (`standing_in`, with "reachable" as the test: a call
needs someone now) and the people a notice is copied to when its recipient is absent
(`notice_recipients`, with "present" as the test: a busy person still reads their inbox). No ORM,
no request: the callers pass the people and the test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


def standing_in(head: T | None, deputy: T | None, *, is_there: Callable[[T], bool]) -> T | None:
    """Who answers for a department: its head when there, else its deputy when there, else
    whichever is set, the head first (the caller leaves a callback request, the notice waits in
    their inbox); None only when the department has neither."""
    if head is not None and is_there(head):
        return head
    if deputy is not None and is_there(deputy):
        return deputy
    return head if head is not None else deputy


class Capacity:
    """Why a person receives a notice."""

    ADDRESSEE = "addressee"  # it is theirs
    HEAD = "head"  # the head of the department, for an absent member of it
    DEPUTY = "deputy"  # the deputy, for an absent head (or an absent member, the head away too)
    COMMERCIAL = "commercial"  # commercial management, when no head nor deputy is there


@dataclass(frozen=True)
class NoticeRecipient(Generic[T]):
    person: T
    capacity: str


def notice_recipients(
    *,
    addressee: T | None,
    head: T | None,
    deputy: T | None,
    is_there: Callable[[T], bool],
    commercial: Sequence[T] = (),
) -> list[NoticeRecipient[T]]:
    """Who receives a notice (an order confirmed, a call transferred, a question, a comment) so
    that nobody waits for an absent person: its addressee (None: the department's head, when no
    one is named), and, when the addressee is absent or missing, who stands in for them in the
    department the notice concerns: its head, else its deputy, the one who is there first, never
    the addressee again. When neither is there, `commercial` (commercial management, given only
    for questions to a head, III.11: those of them who are there, else all) receives it; without
    them, the head or the deputy still do, to read on return."""
    recipients: list[NoticeRecipient[T]] = []
    if addressee is not None:
        recipients.append(NoticeRecipient(addressee, Capacity.ADDRESSEE))
        if is_there(addressee):
            return recipients
    leaders = [
        NoticeRecipient(person, capacity)
        for person, capacity in ((head, Capacity.HEAD), (deputy, Capacity.DEPUTY))
        if person is not None and person != addressee
    ]
    there = [leader for leader in leaders if is_there(leader.person)]
    if there:
        return [*recipients, there[0]]
    if commercial:
        chosen = [person for person in commercial if is_there(person)] or list(commercial)
        return [
            *recipients,
            *(NoticeRecipient(person, Capacity.COMMERCIAL) for person in chosen if person != addressee),
        ]
    return [*recipients, *leaders[:1]]
