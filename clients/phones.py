"""Phone numbers: every number is stored and compared in E.164, read in PHONE_REGION."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from calldesk.errors import FieldError, InvalidInput


def normalize_phone(raw: str, *, region: str | None = None) -> str:
    """Return `raw` ("8 (495) 123-45-67", "+7 495 1234567", ...) as E.164 ("+74951234567").

    Raises InvalidInput when it is not a possible phone number.
    """
    region = region or settings.PHONE_REGION
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise InvalidInput(
            _("%(phone)s is not a phone number.") % {"phone": raw},
            errors=[FieldError(field="phone", detail=_("Not a phone number."))],
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """The number as an operator reads it: national notation at home, international abroad."""
    return _formatted(e164, settings.PHONE_REGION)


@lru_cache(maxsize=16384)
def _formatted(e164: str, home_region: str) -> str:
    # Parsing and formatting cost ~0.1 ms a number; lists show the same clients again and again.
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(parsed) == home_region:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
