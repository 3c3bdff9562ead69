"""Who may open which screen and call which endpoint: the access matrix, in one table.

Every page of the desk and every endpoint of the integration API has one row here, naming the
roles that may use it (admins always may). The rows are enforced at the door, before a view runs
or a request body is read: `AccessMatrixMiddleware` for the screens, the API's Bearer
authentication for the endpoints. A route with no row is refused to everyone (403) and fails
`tests/calldesk/test_access_matrix.py`, so a new route cannot ship without a decision.

The matrix answers "may this role use this door at all"; its role sets are `staff.permissions`'s.
What a person may see of or do to a given object is decided by the object rules of
`staff.permissions` (III.26), asked by the selectors and services whatever the door: an object
the reader may not see answers 404, one they see but may not change 403.

Django admin (`/admin/`) keeps its own gate, staff status plus model permissions: admins,
finance (receivables) and commercial management (price lists) get in; see
`staff.permissions.ADMIN_SITE_ROLES`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from django.http import HttpRequest

from staff.permissions import (
    ADMIN,
    ALL_STAFF,
    CALL_TAKERS,
    CAMPAIGN_ROLES,
    CLIENT_READERS,
    COMMERCIAL,
    CONSULTATION_ROLES,
    DASHBOARD_ROLES,
    DEBTOR_ROLES,
    DESK,
    EXCEPTION_ROLES,
    EXCHANGE,
    EXPORT_ROLES,
    FINANCE,
    HEAD,
    MANAGER,
    OPERATOR,
    OUTBOUND_ROLES,
    PRICE_LIST_ROLES,
    RECEIVABLES_ROLES,
    RESULT_READERS,
    STATUS_ROLES,
    WAREHOUSE,
)


@dataclass(frozen=True)
class Rule:
    """One row: who may use a route. `public`: no login needed. `roles`: the roles that may
    (admins are always added). `perms`: permissions that let a system's token in whatever its
    role (the telephone exchange, the warehouse)."""

    roles: frozenset[str] = frozenset()
    perms: frozenset[str] = frozenset()
    public: bool = False
    why: str = ""

    def allows(self, user) -> bool:
        if self.public:
            return True
        if user is None or not user.is_authenticated:
            return False
        if getattr(user, "role", None) in self.roles:
            return True
        return any(user.has_perm(perm) for perm in self.perms)


def public(why: str = "") -> Rule:
    return Rule(public=True, why=why)


def allow(*roles: str, perms: Iterable[str] = (), why: str = "") -> Rule:
    return Rule(roles=frozenset(roles) | {ADMIN}, perms=frozenset(perms), why=why)


# --- Screens, by URL name ------------------------------------------------------------------------
SCREENS: dict[str, Rule] = {
    # The frame.
    "home": allow(*ALL_STAFF, why="each role lands on its own screen"),
    "login": public(),
    "logout": public(),
    "set_language": public(),
    "calls-at-once": allow(*CALL_TAKERS, why="whose calls pop (III.1)"),
    "inbox": allow(*ALL_STAFF),
    "inbox-read": allow(*ALL_STAFF),
    "media": allow(*ALL_STAFF, why="uploaded certificates are for staff (III.26)"),
    "live-stream": allow(*ALL_STAFF, why="each person's own events and those their role reads"),
    # The operator's desk (III.1-III.15, III.18-III.22).
    "calls:desk": allow(*CALL_TAKERS),
    "calls:call-register": allow(*CALL_TAKERS),
    "calls:call": allow(*DESK),
    "calls:transfer": allow(*DESK),
    "calls:wrap-up": allow(*DESK),
    "calls:attach-client": allow(*DESK),
    "calls:new-client": allow(*DESK),
    "calls:call-feedback": allow(*DESK),
    "calls:consult": allow(*DESK),
    "calls:call-answers": allow(*DESK),
    "calls:reference": allow(*DESK),
    "calls:callback-take": allow(*CALL_TAKERS),
    "calls:feedback-inbox": allow(*ALL_STAFF, why="comments reach every department (III.20)"),
    "calls:feedback-status": allow(*ALL_STAFF),
    "calls:consultations": allow(*CONSULTATION_ROLES, why="commercial: when no head is at work (III.11)"),
    "calls:answer": allow(*CONSULTATION_ROLES),
    # Outbound calls (III.16, III.17).
    "outbound:queue": allow(*OUTBOUND_ROLES),
    "outbound:task": allow(*OUTBOUND_ROLES),
    "outbound:task-call": allow(*OUTBOUND_ROLES),
    "outbound:campaigns": allow(*CAMPAIGN_ROLES),
    "outbound:campaign": allow(*CAMPAIGN_ROLES),
    "outbound:campaign-close": allow(*CAMPAIGN_ROLES),
    "outbound:campaign-export": allow(*EXPORT_ROLES, why="exports of client data: heads and admins (III.26)"),
    # Clients: debts for finance and heads, the head's manager queue (III.6, III.15).
    "clients:debtors": allow(*DEBTOR_ROLES),
    "clients:queue": allow(HEAD),
    "clients:assignment": allow(HEAD),
    # Orders (III.3-III.14).
    "orders:my-orders": allow(MANAGER, HEAD),
    "orders:price-list": allow(OPERATOR, MANAGER, HEAD, COMMERCIAL),
    "orders:start": allow(*DESK),
    "orders:order": allow(*DESK),
    "orders:status": allow(*STATUS_ROLES),
    "orders:exception": allow(*EXCEPTION_ROLES),
    "orders:product-search": allow(*DESK),
    "orders:line-add": allow(*DESK),
    "orders:line-change": allow(*DESK),
    "orders:line-remove": allow(*DESK),
    "orders:offer": allow(*DESK),
    "orders:terms": allow(*DESK),
    "orders:confirm": allow(*DESK),
    # Reports (section VI, III.25).
    "reports:dashboard": allow(*DASHBOARD_ROLES),
    "reports:export": allow(*EXPORT_ROLES, why="exports of client data: heads and admins (III.26)"),
    "reports:export-progress": allow(*EXPORT_ROLES),
    "reports:export-download": allow(*EXPORT_ROLES),
    "reports:live": allow(*DASHBOARD_ROLES),
    "reports:me": allow(*ALL_STAFF, why="each person's own results"),
}

# --- API endpoints, by "METHOD /path" as API.md writes them ---------------------------------------
API: dict[str, Rule] = {
    "GET /health": public(why="the exchange and monitoring probe it"),
    "GET /me": allow(*ALL_STAFF),
    "PATCH /me": allow(*ALL_STAFF, why="each person's own language"),
    "POST /staff": allow(),
    "GET /staff": allow(*ALL_STAFF),
    "PUT /staff/{username}/presence": allow(*ALL_STAFF, perms=[EXCHANGE], why="the person or their head"),
    "PUT /departments/{code}": allow(why="an admin names the heads (III.4, III.15, III.19)"),
    "POST /clients": allow(*DESK, why="a new caller is registered (III.15)"),
    "GET /clients": allow(*CLIENT_READERS),
    "GET /clients/{client_id}": allow(*CLIENT_READERS),
    "PATCH /clients/{client_id}": allow(MANAGER, HEAD, FINANCE, why="which field: the client service"),
    "GET /clients/{client_id}/debt": allow(*CLIENT_READERS),
    "GET /lookup": allow(*DESK, perms=[EXCHANGE]),
    "PUT /receivables": allow(*RECEIVABLES_ROLES),
    "POST /orders": allow(*DESK),
    "GET /orders": allow(*EXPORT_ROLES, perms=[WAREHOUSE], why="an export of client data (III.26)"),
    "GET /orders/{order_id}": allow(*DESK, perms=[WAREHOUSE]),
    "PATCH /orders/{order_id}": allow(*DESK),
    "POST /orders/{order_id}/lines": allow(*DESK),
    "PATCH /orders/{order_id}/lines/{line_id}": allow(*DESK),
    "DELETE /orders/{order_id}/lines/{line_id}": allow(*DESK),
    "GET /orders/{order_id}/suggestions": allow(*DESK),
    "POST /orders/{order_id}/offers": allow(*DESK),
    "POST /orders/{order_id}/confirm": allow(*DESK),
    "POST /orders/{order_id}/exception": allow(*EXCEPTION_ROLES),
    "POST /orders/{order_id}/status": allow(*DESK, perms=[WAREHOUSE], why="operators cancel their own draft"),
    "GET /price-columns": allow(*ALL_STAFF),
    "PUT /price-list": allow(*PRICE_LIST_ROLES),
    "GET /products": allow(*ALL_STAFF),
    "POST /specials": allow(*PRICE_LIST_ROLES),
    "POST /discount-rules": allow(*PRICE_LIST_ROLES),
    "POST /calls": allow(*DESK, perms=[EXCHANGE]),
    "GET /calls": allow(*DESK),
    "POST /calls/{call_id}/end": allow(*DESK, perms=[EXCHANGE]),
    "POST /jobs/dormant-list": allow(),
    "GET /call-tasks": allow(*OUTBOUND_ROLES),
    "POST /call-tasks/{task_id}/result": allow(*OUTBOUND_ROLES),
    "GET /reports/operators": allow(*RESULT_READERS, why="an operator: their own row"),
    "PUT /stock": allow(perms=[WAREHOUSE], why="the warehouse system reports its stock (III.12)"),
    "PUT /calendar": allow(why="the production calendar of delivery days (III.12)"),
}


# --- Looking a route up ---------------------------------------------------------------------------
API_PREFIX = "api/v1/"
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def api_key(method: str, django_route: str) -> str:
    """`("GET", "api/v1/orders/<int:order_id>")` -> `"GET /orders/{order_id}"`."""
    path = django_route.removeprefix(API_PREFIX).rstrip("/")
    return f"{method.upper()} /" + _CONVERTER.sub(r"{\1}", path)


def screen_rule(view_name: str) -> Rule | None:
    return SCREENS.get(view_name)


def api_rule(method: str, django_route: str) -> Rule | None:
    return API.get(api_key(method, django_route))


def is_admin_site(view_name: str) -> bool:
    return view_name == "admin" or view_name.startswith("admin:")


def is_api(django_route: str) -> bool:
    return django_route.startswith(API_PREFIX)


# --- Walking every route, for the tests -----------------------------------------------------------
def screen_routes(urlconf=None) -> Iterator[tuple[str, str]]:
    """(route, view name) of every screen: every URL but the admin site and the API."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join(filter(None, [namespace, pattern.name or ""]))
                yield prefix + str(pattern.pattern), name

    for route, name in walk(get_resolver(urlconf).url_patterns, "", None):
        if not (is_admin_site(name) or is_api(route)):
            yield route, name


def api_operations(api) -> Iterator[str]:
    """ "METHOD /path" of every operation of a NinjaAPI."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = re.sub(r"/+", "/", f"/{prefix}/{path}").rstrip("/") or "/"
            for operation in path_view.operations:
                for method in operation.methods:
                    yield f"{method.upper()} {full}"


def rows_missing(urlconf=None, api=None) -> list[str]:
    """Routes the matrix has no row for: each one is refused to everyone, and a test fails."""
    if api is None:
        from calldesk.api import api
    missing = [f"screen {name or route!r}" for route, name in screen_routes(urlconf) if name not in SCREENS]
    missing += [f"api {key}" for key in api_operations(api) if key not in API]
    return missing


def rows_unused(urlconf=None, api=None) -> list[str]:
    """Rows that name no route any more (a renamed or removed page keeps no stale promise)."""
    if api is None:
        from calldesk.api import api
    names = {name for _, name in screen_routes(urlconf)}
    keys = set(api_operations(api))
    return [f"screen {n}" for n in SCREENS if n not in names] + [f"api {k}" for k in API if k not in keys]


# --- Helpers for the frame and views --------------------------------------------------------------
@cache
def screens_of_role(role: str | None) -> frozenset[str]:
    """The screens a role's people may open, by URL name, as the matrix says: the header's menu
    and a page's buttons to other screens ask this, so no template repeats the matrix. Roles only
    (a system's permissions open no screen), so it costs no query."""
    if role is None:
        return frozenset()
    return frozenset(name for name, rule in SCREENS.items() if rule.public or role in rule.roles)


def next_url(request: HttpRequest, default: str) -> str:
    """The `next` the form sent if it points into this desk, else `default` (no open redirect)."""
    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme

    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this desk only: anything else (a bare word) would be read as a view's name.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


# --- The matrix as a table, for the README and `manage.py access_matrix` --------------------------
TABLE_ROLES = (OPERATOR, MANAGER, HEAD, FINANCE, COMMERCIAL, ADMIN)


def as_markdown() -> str:
    """One row per screen and endpoint, one column per role: ✓ may, · may not; `public` rows
    need no login; a permission that also lets a system's token in is named."""

    def row(label: str, rule: Rule) -> str:
        if rule.public:
            cells = ["public"] * len(TABLE_ROLES)
        else:
            cells = ["✓" if role in rule.roles else "·" for role in TABLE_ROLES]
        extra = ", ".join(sorted(PERM_NAMES.get(p, p) for p in rule.perms))
        return f"| {label} | " + " | ".join(cells) + f" | {extra} |"

    header = "| route | " + " | ".join(TABLE_ROLES) + " | also |"
    lines = [header, "|---" * (len(TABLE_ROLES) + 2) + "|"]
    lines += [row(f"`{name}`", rule) for name, rule in SCREENS.items()]
    lines += [row(f"`{key}`", rule) for key, rule in API.items()]
    return "\n".join(lines) + "\n"


PERM_NAMES = {EXCHANGE: "the exchange's token", WAREHOUSE: "the warehouse's token"}
