from django.conf import settings
from django.http import HttpRequest

from calldesk.access import screens_of_role


def desk(request: HttpRequest) -> dict:
    """What every page's frame needs: the currency, the user's role and the screens the access
    matrix opens to that role (`may_open`, by URL name: the menu and the buttons ask it)."""
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    return {"CURRENCY": settings.CURRENCY, "user_role": role, "may_open": screens_of_role(role)}
