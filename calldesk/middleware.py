"""Content Security Policy: scripts and everything else only from the desk itself.

No inline script anywhere (htmx, shortcuts and page code are static files), no CDN: the desk
runs on networks without internet. Inline styles stay allowed because Django admin and the
API docs use style attributes.
"""

from __future__ import annotations

import time
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


class SlidingSessionMiddleware:
    """The idle hour (SESSION_COOKIE_AGE) starts again on each request, as Django's
    SESSION_SAVE_EVERY_REQUEST would make it, but the session is written at most once a
    SESSION_REFRESH_SECONDS: writing it on every request cost every screen three statements
    (a transaction and the update) for an expiry that moved by a few seconds. An idle session
    thus ends between an hour less SESSION_REFRESH_SECONDS and an hour after its last request.
    Placed right after SessionMiddleware; an empty session (nobody signed in) is never written."""

    KEY = "_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.modified and not session.is_empty():
            refresh_if_due(session)
        return response


def refresh_if_due(session) -> None:
    """Mark `session` for writing (and with it a new expiry) if it was last written more than
    SESSION_REFRESH_SECONDS ago, or never by this rule (signing in marks it: calldesk.apps)."""
    now = int(time.time())
    last = session.get(SlidingSessionMiddleware.KEY)
    if not isinstance(last, int) or now - last >= settings.SESSION_REFRESH_SECONDS or now < last:
        session[SlidingSessionMiddleware.KEY] = now


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


class UserLanguageMiddleware:
    """The interface speaks the person's own language ("Around the job": English, Russian,
    Romanian). LocaleMiddleware, before authentication, has already chosen the language cookie
    (what the header's switcher sets), else the browser's Accept-Language, else LANGUAGE_CODE;
    a signed-in person's `language` (staff.User) overrides them. Read from request.user, which the
    access matrix loads anyway: no query of its own. The API activates its token's user's
    language in its authentication (calldesk/api.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            activate_language_of(request, getattr(request, "user", None))
        return self.get_response(request)


def activate_language_of(request: HttpRequest, user) -> None:
    """Speak `user`'s chosen language for the rest of this request, if they chose one the desk
    speaks; otherwise keep what LocaleMiddleware chose."""
    from django.utils import translation

    language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
    if language and language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
