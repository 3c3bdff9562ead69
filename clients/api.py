"""Clients and staff endpoints of the API (API.md, "Service endpoints", "Staff", "Clients")."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["staff"])


class MeOut(Schema):
    username: str
    full_name: str
    role: str | None
    department: str | None


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    """The token's user, their role and department."""
    user = request.auth
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "role": user.role,
        "department": user.department.code if user.department_id else None,
    }
