"""Phones are stored and compared in E.164, read in PHONE_REGION (API.md, Conventions)."""

import pytest

from calldesk.errors import InvalidInput
from clients.phones import format_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    ["8 (495) 123-45-67", "+7 495 123 45 67", "84951234567", "(495) 1234567", "+7-495-123-45-67"],
)
def test_usual_notations_normalise_to_e164(raw):
    assert normalize_phone(raw) == "+74951234567"


def test_foreign_number_keeps_its_country():
    assert normalize_phone("+373 22 123456") == "+37322123456"


def test_region_can_be_given():
    assert normalize_phone("022 123 456", region="MD") == "+37322123456"


@pytest.mark.parametrize("raw", ["", "12", "hello", "+7 495"])
def test_non_numbers_are_refused_with_a_clear_message(raw):
    with pytest.raises(InvalidInput) as caught:
        normalize_phone(raw)
    assert caught.value.code == "validation_error"
    assert str(caught.value) == f"{raw} is not a phone number."


def test_format_reads_home_numbers_nationally():
    assert format_phone("+74951234567") == "8 (495) 123-45-67"
    assert format_phone("+37322123456") == "+373 22 123 456"


def test_a_formatted_number_follows_the_home_region_setting(settings):
    """Formatting is remembered per number and home region: a changed region formats anew."""
    assert format_phone("+37322123456") == "+373 22 123 456"
    settings.PHONE_REGION = "MD"
    assert format_phone("+37322123456") == "022 123 456"
    settings.PHONE_REGION = "RU"
    assert format_phone("+37322123456") == "+373 22 123 456"
