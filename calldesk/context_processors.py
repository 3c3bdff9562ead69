from django.conf import settings
from django.http import HttpRequest

from calldesk.access import screens_of_role
from staff.models import Role


def desk(request: HttpRequest) -> dict:
    """What every page's frame needs: the currency, the user's role (its code, and its label in
    the reader's language for the header's badge) and the screens the access matrix opens to that
    role (`may_open`, by URL name: the menu and the buttons ask it)."""
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    label = Role(role).label if role in Role.values else role
    return {
        "CURRENCY": settings.CURRENCY,
        "user_role": role,
        "user_role_label": label,
        "may_open": screens_of_role(role),
    }
