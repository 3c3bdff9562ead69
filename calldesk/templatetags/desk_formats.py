"""Money and typed dates on every screen as the reader's language writes them, a template
builtin (settings TEMPLATES), so no page loads it:

- `{{ amount|money }}`: "8 543,23 ₽" in Russian, "RUB 8,543.23" in English (calldesk.money);
- `{{ quantity|quantity }}`: 12.000 as "12", 2.500 as "2,5" in Russian (as an operator types it);
- `{{ day|typed_date }}`: a date as the person would type it into a field (01.11.2026 in
  Russian, 2026-11-01 in English; calldesk.screen_input), for hints beside such fields.
"""

from __future__ import annotations

from datetime import date

from django import template

from calldesk.money import format_money
from calldesk.screen_input import date_input_format, local_number

register = template.Library()


@register.filter
def money(amount) -> str:
    """The amount in settings.CURRENCY for the active language; "" for None, "" or nonsense."""
    try:
        return format_money(amount)
    except (ArithmeticError, ValueError, TypeError):
        return ""


@register.filter
def typed_date(day) -> str:
    """The date in the active language's input format; "" for anything but a date."""
    return day.strftime(date_input_format()) if isinstance(day, date) else ""


@register.filter
def quantity(value) -> str:
    """A quantity without trailing zeros in the active language's decimal mark; "" for None."""
    if value is None or value == "":
        return ""
    try:
        text = f"{value:f}"
    except (ValueError, TypeError):
        return ""
    return local_number(text.rstrip("0").rstrip(".") if "." in text else text)
