"""Reads on clients that screens and the API need. Each runs a fixed number of queries."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from calldesk.errors import InvalidInput
from clients.models import Client, ClientPhone
from clients.phones import normalize_phone

_DIGITS = re.compile(r"\D")
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _with_card_data(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.select_related("type", "department", "manager").prefetch_related(
        Prefetch("phones", queryset=ClientPhone.objects.order_by("id"))
    )


def search_clients(term: str, *, limit: int = 20) -> list[Client]:
    """Clients matching a phone (any notation), a tax id, or part of a name. Two queries.

    A term of mostly digits is read as a phone first (exact E.164 match), then as the start of
    a tax id or the end of a phone; anything else matches names.
    """
    term = term.strip()
    if len(term) < 2:
        return []
    digits = _DIGITS.sub("", term)
    if len(digits) >= 5 and len(digits) >= len(term.replace(" ", "")) - 4:
        condition = Q(tax_id__startswith=digits) | Q(phones__number__endswith=digits[-10:])
        with contextlib.suppress(InvalidInput):  # digits that are no phone: tax id / suffix only
            condition |= Q(phones__number=normalize_phone(term))
    else:
        condition = Q(name__icontains=term)
    # distinct(): a client with two matching phones is listed once.
    return list(_with_card_data(Client.objects.filter(condition).distinct()).order_by("name", "id")[:limit])


@dataclass(frozen=True)
class Debtor:
    client: Client
    overdue: Decimal
    outstanding: Decimal


def overdue_clients(*, on: date, department_id: int | None = None, limit: int = 200) -> list[Debtor]:
    """Clients with receivables unpaid past their due date on `on`, largest first. One query.

    (III.5: due on `on` itself is not yet overdue.)
    """
    unpaid = F("receivables__amount") - F("receivables__paid")
    unpaid_filter = Q(receivables__paid__lt=F("receivables__amount"), receivables__issued_on__lte=on)
    clients = Client.objects.annotate(
        overdue=Coalesce(Sum(unpaid, filter=unpaid_filter & Q(receivables__due_on__lt=on)), ZERO),
        outstanding=Coalesce(Sum(unpaid, filter=unpaid_filter), ZERO),
    ).filter(overdue__gt=0)
    if department_id is not None:
        clients = clients.filter(department_id=department_id)
    clients = clients.select_related("type", "manager").order_by("-overdue", "name")[:limit]
    return [Debtor(client=c, overdue=c.overdue, outstanding=c.outstanding) for c in clients]
