"""Input no database column can hold, refused at the edge with a 400 that names the field.

PostgreSQL refuses a NUL byte in text and a lone UTF-16 surrogate cannot be encoded at all, and
its integers stop at 2**63 - 1; SQLite (the unit tests) lets some of these through or fails late.
So the API refuses them once, here, for every operation (`api.add_decorator(refuse_unstorable)`),
whatever field, query or path parameter they came in, and the screens' id converter refuses a
path id beyond the range with a 404; `RefuseUnstorableInput` refuses a NUL byte in any screen's
form field or query parameter with a 400.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from pydantic import BaseModel

from calldesk.errors import FieldError, InvalidInput

MAX_ID = 2**63 - 1  # PostgreSQL's bigint, the type of every id


def _problem(value: str) -> str | None:
    if "\x00" in value:
        return _("Text may not contain a NUL character (\\u0000).")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Text must be valid Unicode (no lone surrogate characters).")
    return None


def unstorable(value: Any, field: str = "") -> list[FieldError]:
    """Every place in `value` (a parsed body, query or path value) that cannot be stored."""
    errors: list[FieldError] = []
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, str):
        if problem := _problem(value):
            errors.append(FieldError(field=field, detail=problem))
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if not -MAX_ID - 1 <= value <= MAX_ID:
            errors.append(FieldError(field=field, detail=_("The number is out of range.")))
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{field}.{key}" if field else str(key)
            errors.extend(unstorable(key, name) if isinstance(key, str) else [])
            errors.extend(unstorable(item, name))
    elif isinstance(value, list | tuple | set):
        for index, item in enumerate(value):
            errors.extend(unstorable(item, f"{field}.{index}" if field else str(index)))
    return errors


def refuse_unstorable(operation: Callable) -> Callable:
    """For every API operation, after its input is parsed (and the caller authenticated): a 400
    `validation_error` naming each field that holds what cannot be stored."""

    @functools.wraps(operation)
    def checked(request, *args, **kwargs):
        errors = []
        for name, value in kwargs.items():
            # A body's fields are named as in the body, not after the endpoint's argument.
            errors.extend(unstorable(value, "" if isinstance(value, BaseModel | list) else name))
        if errors:
            raise InvalidInput(_("The request holds text or numbers that cannot be stored."), errors=errors)
        return operation(request, *args, **kwargs)

    return checked


class IdConverter:
    """`<id:order_id>` in a screen's URL: digits that fit a bigint; anything longer is a 404,
    never an overflow in the database."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class RefuseUnstorableInput:
    """The screens' edge (the API has `refuse_unstorable`): a form field or query parameter with
    a NUL byte is a 400 with a sentence, before a view hands it to a search or a save that
    PostgreSQL would refuse with a 500. Forms refuse it too; this covers the raw parameters
    (searches, filters) that no form reads."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and self._holds_nul(request):
            return HttpResponseBadRequest(
                _("The request holds a NUL character (\\u0000), which no field may contain."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request) -> bool:
        sources = [request.GET]
        if request.method == "POST":
            sources.append(request.POST)
        return "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in data.getlist(key))
            for data in sources
            for key in data
        )
