"""Content Security Policy: scripts and everything else only from the desk itself.

No inline script anywhere (htmx, shortcuts and page code are static files), no CDN: the desk
runs on networks without internet. Inline styles stay allowed because Django admin and the
API docs use style attributes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class HtmxLoginRedirectMiddleware:
    """A page that refreshes itself (the live board, a consultation waiting for its answer)
    outlives the session: the next htmx request is redirected to the login page, which htmx
    would swap into the section. Tell htmx to load the login page as a whole page instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response


class AccessMatrixMiddleware:
    """The screens' door (`calldesk.access.SCREENS`): before a view runs, a public page passes,
    an anonymous visitor goes to the login page, a role without a row gets 403, and so does
    everyone on a route the matrix does not name. The admin site keeps its own gate and the API
    checks the matrix in its Bearer authentication, before a body is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        from django.contrib.auth.views import redirect_to_login
        from django.core.exceptions import PermissionDenied

        from calldesk import access

        match = request.resolver_match
        if match is None or access.is_api(match.route) or access.is_admin_site(match.view_name):
            return None
        rule = access.screen_rule(match.view_name)
        if rule is not None and rule.public:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if rule is None or not rule.allows(request.user):
            raise PermissionDenied
        return None
