from django import template

from clients.phones import format_phone

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    """An E.164 number as an operator reads it ("8 (495) 123-45-67")."""
    return format_phone(e164)
