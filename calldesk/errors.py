"""The one error shape of the API (API.md, "Errors") and the base of every domain error.

A domain exception carries its API code and status (`ClientHasDebt.code = "client_has_debt"`);
the API turns any of them into `{"code", "detail", "errors"}`, and a screen shows `str(exc)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema


@dataclass(frozen=True)
class FieldError:
    field: str
    detail: str
    row: int | None = None

    def as_dict(self) -> dict:
        data: dict = {"field": self.field, "detail": self.detail}
        if self.row is not None:
            data["row"] = self.row
        return data


class DeskError(Exception):
    """A request the desk refuses for a reason the user can act on (a 4xx, never a 500)."""

    code = "conflict"
    status = 409
    default_detail = _("The request conflicts with the current state.")

    def __init__(self, detail: str | None = None, *, errors: list[FieldError] | None = None) -> None:
        self.detail = str(detail if detail is not None else self.default_detail)
        self.errors = errors or []
        super().__init__(self.detail)

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.detail, "errors": [e.as_dict() for e in self.errors]}


class InvalidInput(DeskError):
    code = "validation_error"
    status = 400
    default_detail = _("The request is not valid.")


class NotFound(DeskError):
    code = "not_found"
    status = 404
    default_detail = _("Not found.")


class Forbidden(DeskError):
    code = "forbidden"
    status = 403
    default_detail = _("Your role may not do this.")


class FieldErrorOut(Schema):
    field: str = Field(description="The field at fault, dotted for a nested one; empty for the whole body.")
    detail: str
    row: int | None = Field(default=None, description="The row (from 0), only in a bulk body's errors.")


class ErrorOut(Schema):
    """The body of every 4xx (and of 503): `DeskError.as_dict()` and calldesk/api.py's handlers
    write it; each operation declares it for its error statuses (calldesk.schemas)."""

    code: str = Field(
        description="validation_error, not_authenticated, forbidden, not_found, conflict, "
        "unavailable, or an order rule's code (client_has_debt, ...)."
    )
    detail: str = Field(description="A sentence for a person.")
    errors: list[FieldErrorOut]


class Conflict(DeskError):
    code = "conflict"
    status = 409


class ServiceUnavailable(DeskError):
    """The database did not answer (a dropped connection, a restart, a full pool): the one 5xx
    the API answers on purpose, 503 with the same body, so a client retries instead of giving up.
    The transaction was rolled back unless the drop came after its commit, so the detail does not
    promise either; a retried confirm is safe (an order confirmed already is returned as it is)."""

    code = "unavailable"
    status = 503
    default_detail = _("The desk could not reach its database, so the request may not be done. Try again.")
