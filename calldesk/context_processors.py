from django.conf import settings
from django.http import HttpRequest


def desk(request: HttpRequest) -> dict:
    """What every page's frame needs: the currency and the user's role."""
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    return {"CURRENCY": settings.CURRENCY, "user_role": role}
