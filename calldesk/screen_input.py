"""Numbers and dates typed on a screen, read as the person writes them.

"Around the job": the interface speaks English, Russian and Romanian, and people type numbers
and dates the way their language writes them: a Russian types a quantity "2,5", a price
"189,90", an amount "12 500,00" (a space, often a no-break one, between thousands) and a date
"01.11.2026". Screens accept that; the API stays canonical (dot decimals, ISO dates, API.md) and
files are read by calldesk.parsing. The separators are CLDR's (Babel) for the active language.

A number grouped the way the person's language groups thousands is read so first: "1,000" is a
thousand to an English reader and "1.000" to a Romanian (never "0,500", whose first group is a
zero). Otherwise the rule is the files' (calldesk.parsing.file_number_text): spaces between
thousands, one decimal mark, a comma or a point ("12 500,00", "2,5", "2.5"); and both marks as
the language groups and splits ("1,234.50" in English, "1.234,50" in Russian or Romanian).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from babel.numbers import get_decimal_symbol, get_group_symbol
from django import forms
from django.db import models
from django.utils.formats import get_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from calldesk.money import cldr_locale
from calldesk.parsing import file_number_text

# Between two digits: a space, a no-break space, a narrow no-break space (what CLDR writes in
# Russian), a thin or a figure space.
GROUP_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009\u2007]+(?=\d)")
GROUPED = re.compile(r"[+-]?\d{1,3}")
# Dates a person of any language may type besides their language's own formats: ISO, and the
# day-first dotted form that Russian and Romanian write.
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y")
TIME_FORMATS = ("%H:%M", "%H:%M:%S")


def canonical_number(text: str, *, language: str | None = None) -> str:
    """`text` as typed in `language` (the active one) in plain decimal notation ("12500.00"); what
    reads as no number is given back stripped, for the field to refuse in its own words."""
    locale = cldr_locale(language)
    decimal_mark, group_mark = get_decimal_symbol(locale), get_group_symbol(locale)
    stripped = text.strip()
    if group_mark in ",." and _grouped_by(stripped, group_mark, decimal_mark):
        # "1,000" in English and "1.000" in Romanian are a thousand, as the reader writes it
        whole, _mark, fraction = stripped.partition(decimal_mark)
        return whole.replace(group_mark, "") + (f".{fraction}" if fraction else "")
    plain = file_number_text(text)
    if plain is not None:
        return plain
    value = GROUP_SPACES.sub("", stripped)
    if group_mark not in ",.":  # Russian groups with a space: a point or a comma is the other mark
        group_mark = "." if decimal_mark == "," else ","
    whole, mark, fraction = value.rpartition(decimal_mark)
    try:
        if mark:
            return _ungrouped(whole, group_mark) + "." + fraction
        return _ungrouped(value, group_mark)
    except ValueError:
        return value


def _grouped_by(text: str, group_mark: str, decimal_mark: str) -> bool:
    """Whether `text` groups thousands with `group_mark` as its language does ("1,000", "12,500.75"
    in English): a first group of one to three digits not starting with 0, then groups of three."""
    pattern = rf"[+-]?[1-9]\d{{0,2}}(?:{re.escape(group_mark)}\d{{3}})+(?:{re.escape(decimal_mark)}\d+)?"
    return re.fullmatch(pattern, text) is not None


def _ungrouped(whole: str, mark: str) -> str:
    parts = whole.split(mark)
    if (
        len(parts) < 2
        or not GROUPED.fullmatch(parts[0])
        or any(len(p) != 3 or not p.isdigit() for p in parts[1:])
    ):
        raise ValueError(whole)
    return "".join(parts)


def local_number(text: str, *, language: str | None = None) -> str:
    """A plain decimal ("2.5") as `language` writes it ("2,5" in Russian), for a value a person
    reads and may type back."""
    return text.replace(".", get_decimal_symbol(cldr_locale(language)))


def date_input_format() -> str:
    """The strftime format a date is shown in for typing: the active language's first input
    format (dd.mm.yyyy in Russian and Romanian, ISO in English)."""
    return get_format("DATE_INPUT_FORMATS")[0]


def date_pattern(with_time: bool = False) -> str:
    """What the date format looks like to a reader: "DD.MM.YYYY" in the reader's own letters."""
    fmt = date_input_format() + (" %H:%M" if with_time else "")
    tokens = {
        "%d": _("DD"),
        "%m": _("MM"),
        "%Y": _("YYYY"),
        "%y": _("YY"),
        "%H": pgettext("hours", "HH"),
        "%M": pgettext("minutes", "MM"),
    }
    return re.sub(r"%[dmYyHM]", lambda match: tokens[match.group()], fmt)


# The pattern as a placeholder, worked out when the field is rendered, in the reader's language.
pattern_hint = lazy(date_pattern, str)


def _date_formats() -> list[str]:
    return list(dict.fromkeys([*get_format("DATE_INPUT_FORMATS"), *DATE_FORMATS]))


def _datetime_formats() -> list[str]:
    found = [*get_format("DATETIME_INPUT_FORMATS")]
    for day in _date_formats():
        found += [f"{day} {time}" for time in TIME_FORMATS] + [f"{day}T{time}" for time in TIME_FORMATS]
    return list(dict.fromkeys(found))


class LocalDecimalField(forms.DecimalField):
    """A decimal typed as the person's language writes it ("2,5", "12 500,00"); the form's own
    limits (places, digits, minimum) then apply as to any DecimalField."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            value = canonical_number(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}


# For a ModelAdmin: its amounts (credit limits, receivables, special prices, a rule's minimum)
# typed as the person's language writes them. Dates there are Django admin's, already localized.
LOCAL_AMOUNTS = {models.DecimalField: {"form_class": LocalDecimalField}}


class LocalDateInput(forms.DateInput):
    """Shows the date as the person types it (dd.mm.yyyy in Russian), decided when rendered."""

    def format_value(self, value):
        if isinstance(value, date):
            return value.strftime(self.format or date_input_format())
        return value


class LocalDateTimeInput(forms.DateTimeInput):
    def format_value(self, value):
        if isinstance(value, datetime):
            from django.utils import timezone

            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime(self.format or date_input_format() + " %H:%M")
        return value


class LocalDateField(forms.DateField):
    """A date typed dd.mm.yyyy, dd.mm.yy, ISO or in the language's own formats."""

    widget = LocalDateInput

    @property
    def input_formats(self) -> list[str]:  # read when a value is parsed: the active language's
        return _date_formats()


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed "01.11.2026 14:30", ISO ("2026-11-01 14:30", "2026-11-01T14:30") or in
    the language's own formats; 24-hour."""

    widget = LocalDateTimeInput

    @property
    def input_formats(self) -> list[str]:
        return _datetime_formats()


def typed_as(message, *, with_time: bool = False):
    """A lazy error message (`message`: a gettext_lazy with %(pattern)s) naming the pattern of
    the active language: "Type the delivery date as DD.MM.YYYY.", in the reader's letters."""
    return lazy(lambda: str(message) % {"pattern": date_pattern(with_time)}, str)()
