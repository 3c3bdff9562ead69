from django.conf import settings
from django.http import HttpRequest

from calldesk.access import screens_of_role
from staff.models import Role


def desk(request: HttpRequest) -> dict:
    """What every page's frame needs: the currency, the user's role (its code, and its label in
    the reader's language for the header's badge), the screens the access matrix opens to that
    role (`may_open`, by URL name: the menu and the buttons ask it) and the language chosen in the
    header's switcher (`language_choice`: the person's own, else the language cookie's; "" when
    the browser's language is followed)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    role = user.role if signed_in else None
    label = Role(role).label if role in Role.values else role
    choice = user.language if signed_in else request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if choice not in dict(settings.LANGUAGES):
        choice = ""
    return {
        "CURRENCY": settings.CURRENCY,
        "user_role": role,
        "user_role_label": label,
        "may_open": screens_of_role(role),
        "language_choice": choice,
    }
