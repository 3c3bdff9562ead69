"""Loosely typed input values (a JSON field, a file's cell, an admin form's value) checked and
turned into what the models store: money, dates, text. One rule for every import and service.

Each parser raises ValueError with a sentence for the user; the caller names the field.
Money is never read through float (API.md: money is a decimal string such as "1234.50").

Two notations. The API's JSON is canonical (API.md, "Conventions"): `parse_money` and
`parse_date` take a decimal point and YYYY-MM-DD only. A file's cells are written as 1C and
Russian Excel write them (DOMAIN.md, "Around the job": roubles, Moscow): `parse_file_money` also
takes a decimal comma and spaces between thousands ("12 500,00"), `parse_file_date` also
dd.mm.yyyy. A service takes the `Notation` of its door (`CANONICAL` or `FILE_CELLS`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
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


# --- a file's cells ------------------------------------------------------------------------------

# Between groups of thousands: a space, a no-break space (Excel's and 1C's), a narrow no-break
# space (CLDR's for Russian) or a thin space.
GROUP_SPACES = " \u00a0\u202f\u2009"
FILE_NUMBER_PATTERN = re.compile(
    rf"(?P<sign>[+-]?)(?P<whole>\d{{1,3}}(?:[{GROUP_SPACES}]\d{{3}})+|\d+)(?:[.,](?P<fraction>\d+))?"
)
# 1C writes a date cell as "01.11.2026" or, from a date-and-time field, "01.11.2026 0:00:00".
FILE_DATE_PATTERN = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?: 0?0:00(?::00)?)?")


def file_number_text(text: str) -> str | None:
    """A number as a file's cell writes it ("12 500,00", "189.90", "-5") in the canonical
    notation ("12500.00"), or None when it is not one. One decimal mark, a comma or a point;
    only spaces between thousands: "1,234.50" and "1.234,50" are refused, not guessed at."""
    match = FILE_NUMBER_PATTERN.fullmatch(text.strip())
    if match is None:
        return None
    whole = re.sub(f"[{GROUP_SPACES}]", "", match["whole"])
    fraction = match["fraction"]
    return f"{match['sign']}{whole}" + (f".{fraction}" if fraction is not None else "")


def parse_file_money(value: Any, *, limit: Decimal) -> Decimal:
    """`parse_money` for a file's cell: also "189,90", "12 500,00" (a space or a no-break space
    between thousands)."""
    if isinstance(value, str):
        text = file_number_text(value)
        if text is None:
            raise ValueError(
                _('"%(value)s" is not an amount such as 1234.50 or 1 234,50.') % {"value": value.strip()[:50]}
            )
        value = text
    return parse_money(value, limit=limit)


def parse_file_date(value: Any) -> date:
    """`parse_date` for a file's cell: dd.mm.yyyy (as a Russian writes it) or YYYY-MM-DD."""
    if isinstance(value, str):
        text = value.strip()
        match = FILE_DATE_PATTERN.fullmatch(text)
        if match is not None:
            try:
                return date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                raise ValueError(_("%(value)s is not a valid date.") % {"value": text[:50]}) from None
        if not DATE_PATTERN.fullmatch(text):
            raise ValueError(_("Expected a date as dd.mm.yyyy or YYYY-MM-DD."))
    return parse_date(value)


@dataclass(frozen=True)
class Notation:
    """How a door writes money and dates: the API's JSON (canonical) or a file's cells."""

    money: Callable[..., Decimal]  # (value, *, limit) -> Decimal
    date: Callable[[Any], date]


CANONICAL = Notation(money=parse_money, date=parse_date)
FILE_CELLS = Notation(money=parse_file_money, date=parse_file_date)
