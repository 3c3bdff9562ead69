"""Paging of the API's lists (API.md: `?limit=` default 50, at most 500, and `?offset=`): one rule
for every list endpoint."""

from __future__ import annotations

from django.utils.translation import gettext as _

from calldesk.errors import FieldError, InvalidInput

MAX_LIMIT = 500


def page_bounds(limit: int, offset: int) -> tuple[int, int]:
    """The slice `[start:end]` of a list for `?limit=&offset=`. Raises InvalidInput (400) naming
    each parameter out of range."""
    errors = []
    if not 1 <= limit <= MAX_LIMIT:
        errors.append(FieldError("limit", _("From 1 to %(max)d.") % {"max": MAX_LIMIT}))
    if offset < 0:
        errors.append(FieldError("offset", _("0 or more.")))
    if errors:
        raise InvalidInput(
            _("limit is 1 to %(max)d and offset 0 or more.") % {"max": MAX_LIMIT}, errors=errors
        )
    return offset, offset + limit
