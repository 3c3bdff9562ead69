"""Reads of the demo data: what to try on the demo desk."""

from __future__ import annotations

from datetime import date

from clients.models import ClientPhone
from clients.selectors import lookup_call


def routing_examples(*, on: date, limit: int = 600) -> dict[str, tuple[str, str]]:
    """One demo phone per kind of route, for trying the desk: {handler: (phone, client name)}."""
    examples: dict[str, tuple[str, str]] = {}
    wanted = 6  # operator, manager, key_account_manager, department_head, finance, plus key manager
    phones = ClientPhone.objects.select_related("client").order_by("client_id", "id")[:limit]
    seen_clients = set()
    for phone in phones:
        if phone.client_id in seen_clients:
            continue
        seen_clients.add(phone.client_id)
        route = lookup_call(phone=phone.number, on=on).route
        key = f"{route.handler} ({route.clause})"
        if key not in examples:
            examples[key] = (phone.number, phone.client.name)
        if len(examples) >= wanted:
            break
    return examples
