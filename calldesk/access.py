"""Who may open which screen: one decorator, used by every view that needs a role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from clients.models import Role


def role_required(*roles: Role) -> Callable:
    """Let in a logged-in user whose role is one of `roles` (admins always); others get 403."""
    allowed = {Role(r).value for r in roles} | {Role.ADMIN.value}

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(allowed)
        return wrapper

    return decorator


def require_role(user, *roles: Role) -> None:
    """For API endpoints and services: raise Forbidden (403) unless the user has one of `roles`
    (admins always may)."""
    from calldesk.errors import Forbidden

    allowed = {Role(r).value for r in roles} | {Role.ADMIN.value}
    if getattr(user, "role", None) not in allowed:
        raise Forbidden()


def next_url(request: HttpRequest, default: str) -> str:
    """The `next` the form sent if it points into this desk, else `default` (no open redirect)."""
    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme

    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)
