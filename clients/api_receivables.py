"""Receivables from accounting (API.md, "Receivables"): `PUT /receivables`, all or nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

from calldesk.schemas import error_responses
from clients.receivables import import_receivables
from staff.models import Role
from staff.permissions import require_role

router = Router(tags=["receivables"])

ROW_EXAMPLE = {
    "document": "INV-2026-000123",
    "client_tax_id": "7701234567",
    "issued_on": "2026-10-01",
    "due_on": "2026-10-15",
    "amount": "1234.50",
    "paid": "0.00",
}


class ImportResultOut(Schema):
    created: int
    updated: int


@router.put("/receivables", response={200: ImportResultOut, **error_responses(409)})
def put_receivables(
    request: HttpRequest,
    # Rows stay loosely typed here (even a row that is not an object): the service checks every
    # row and reports every bad one at once, numbered by its index in this array (first is 0).
    payload: list[Any] = Body(..., examples=[[ROW_EXAMPLE]]),  # noqa: B008
):
    """Upsert receivables by `document` (finance, admin). Each row: `document`, `client_tax_id`,
    `issued_on` and `due_on` (YYYY-MM-DD), `amount` and `paid` (decimal strings, at most two
    places; `paid` may be left out). All or nothing: if any row is bad, nothing is written and
    the 400 lists every bad row. Only rows whose values changed count as updated."""
    require_role(request.auth, Role.FINANCE)
    result = import_receivables(rows=payload, actor=request.auth)
    return {"created": result.created, "updated": result.updated}
