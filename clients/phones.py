"""Phone numbers: every number is stored and compared in E.164, read in PHONE_REGION."""

from __future__ import annotations

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
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(parsed) == settings.PHONE_REGION:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
