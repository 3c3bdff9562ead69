"""The per-role home page: after login each role lands on the screen of its work; the header's
language switcher and, for those who take calls, whether a call opens at once."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from staff.models import Role
from staff.services import language_codes, set_opens_calls_at_once
from staff.services import set_language as set_language_of

HOME_BY_ROLE = {
    Role.OPERATOR: "calls:desk",
    Role.MANAGER: "orders:my-orders",
    Role.HEAD: "reports:dashboard",
    Role.FINANCE: "clients:debtors",
    Role.COMMERCIAL: "orders:price-list",
    Role.ADMIN: "admin:index",
}


def home(request: HttpRequest) -> HttpResponse:
    """After login each role lands on its own screen (operator: the desk; head: dashboard...)."""
    role = request.user.role
    if role is None:
        raise PermissionDenied
    return redirect(HOME_BY_ROLE[Role(role)])


def choose_language(request: HttpRequest) -> HttpResponse:
    """The header's switcher ("Around the job": the interface in English, Russian, Romanian).

    Django's set_language keeps the choice in the language cookie, for anyone, signed in or not;
    a signed-in person's choice is also kept on their record (staff.User.language), so it follows
    them to another computer and to the API. The empty choice, "the browser's language", forgets
    both. A GET changes nothing and goes back, as Django's view does."""
    response = set_language(request)
    if request.method != "POST":
        return response
    code = request.POST.get("language", "")
    if code not in ("", *language_codes()):
        return response
    if not code:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    if request.user.is_authenticated:
        set_language_of(user=request.user, language=code)
    return response


@require_POST
def calls_at_once(request: HttpRequest) -> HttpResponse:
    """The header's "open calls at once" switch (III.1): checked, a call the exchange registers
    for this person opens its screen at once; unchecked, it waits in the screen pop for Alt+R.
    Back to the page it was sent from (a path on this site; anything else goes home)."""
    set_opens_calls_at_once(user=request.user, at_once=request.POST.get("at_once") == "on")
    back = request.POST.get("next", "")
    safe = back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(back if safe else "/")
