"""Loosely typed input values (a JSON field, a file's cell, an admin form's value) checked and
turned into what the models store: money, dates, text. One rule for every import and service.

Each parser raises ValueError with a sentence for the user; the caller names the field.
Money is never read through float (API.md: money is a decimal string such as "1234.50").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# Plain decimal notation only: no exponent, no NaN/Infinity, no digit separators.
DECIMAL_PATTERN = re.compile(r"[+-]?\d+(\.\d+)?")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_money(value: Any, *, limit: Decimal) -> Decimal:
    """A non-negative amount with at most two decimal places, below `limit` (a power of ten, the
    column's size). Never through float: a JSON number with a fraction has already lost its
    exact value, so money must come as a string (or an int, or a Decimal from a form)."""
    if isinstance(value, float):
        raise ValueError(_('Send money as a decimal string such as "1234.50", not as a number.'))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_("Expected a decimal number."))
        text = format(value, "f")
    elif isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value).strip()
    else:
        raise ValueError(_('Expected a decimal string such as "1234.50".'))
    if not DECIMAL_PATTERN.fullmatch(text):
        raise ValueError(_('"%(value)s" is not a decimal number such as 1234.50.') % {"value": text[:50]})
    try:
        amount = Decimal(text)
    except InvalidOperation:  # the pattern admits only plain numbers; kept for safety
        raise ValueError(_('"%(value)s" is not a decimal number.') % {"value": text[:50]}) from None
    if amount < 0:
        raise ValueError(_("Must not be negative."))
    if amount >= limit:  # checked before quantize(), which fails on very long numbers
        raise ValueError(
            _("Too large: at most %(digits)d digits before the decimal point.")
            % {"digits": len(str(limit)) - 1}
        )
    if amount != amount.quantize(CENT):
        raise ValueError(_("At most 2 decimal places."))
    return amount.quantize(CENT) + 0  # + 0 turns "-0.00" into "0.00"


def parse_date(value: Any) -> date:
    """A date as YYYY-MM-DD (or a date already, from a form)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not DATE_PATTERN.fullmatch(text):
        raise ValueError(_("Expected a date as YYYY-MM-DD."))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("%(value)s is not a valid date.") % {"value": text}) from None


def parse_text(value: Any, *, max_length: int | None = None) -> str:
    """Text (a number in a file's cell is taken as its digits), stripped, at most `max_length`."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_("Expected a string."))
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise ValueError(_("At most %(count)d characters.") % {"count": max_length})
    return text
