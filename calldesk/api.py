"""The integration API, version 1 (../shared/API.md), mounted at /api/v1/.

Each app's `api.py` holds a router; this module mounts them, authenticates Bearer tokens, and
turns every error into the one body of API.md, so that no endpoint writes its own error JSON.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from calldesk import access
from calldesk.errors import DeskError, Forbidden, ServiceUnavailable
from calldesk.middleware import activate_language_of
from calldesk.validation import refuse_unstorable
from calls.api import router as calls_router
from clients.api import router as clients_router
from clients.api_receivables import router as receivables_router
from messaging.api import router as messaging_router
from orders.api import router as orders_router
from orders.api_catalog import router as catalog_router
from outbound.api import router as outbound_router
from reports.api import router as reports_router
from staff.services import authenticate_api_token
from warehouse.api import router as warehouse_router


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`: the token's user acts with that user's role."""

    def authenticate(self, request: HttpRequest, token: str):
        user = authenticate_api_token(raw_token=token)
        if user is not None:
            request.user = user
            # API error details in the token's user's language, when they chose one.
            activate_language_of(request, user)
            # The access matrix (calldesk.access.API), before the body is read: a role that
            # may not use this endpoint gets 403 whatever it sent.
            match = getattr(request, "resolver_match", None)
            rule = access.api_rule(request.method, match.route) if match else None
            if rule is None or not rule.allows(user):
                raise Forbidden()
        return user


api = NinjaAPI(
    title="calldesk API",
    version="1",
    description="The integration API of calldesk: telephone exchange, accounting, warehouse.",
    auth=BearerToken(),
    urls_namespace="api",
)
logger = logging.getLogger(__name__)

_STATUS_CODES = {400: "validation_error", 401: "not_authenticated", 403: "forbidden", 404: "not_found"}


def error_response(request: HttpRequest, *, status: int, code: str, detail: str, errors=None) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "detail": detail, "errors": errors or []}, status=status
    )


@api.exception_handler(DeskError)
def on_desk_error(request: HttpRequest, exc: DeskError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [part for part in error.get("loc", ()) if part not in {"body", "query", "path", "header"}]
        # Bulk bodies are lists: the first index is the row, the rest the field.
        row = None
        if location and isinstance(location[0], int):
            row = location.pop(0)
        if location and location[0] in {"payload", "items", "data"}:
            location.pop(0)
            if location and isinstance(location[0], int):
                row = location.pop(0)
        entry = {"field": ".".join(str(p) for p in location), "detail": error.get("msg", "")}
        if row is not None:
            entry["row"] = row
        errors.append(entry)
    return error_response(
        request, status=400, code="validation_error", detail=_("The request is not valid."), errors=errors
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        status=401,
        code="not_authenticated",
        detail=_("Send a valid API token: Authorization: Bearer <token>."),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _STATUS_CODES.get(exc.status_code, "conflict" if exc.status_code == 409 else "error")
    return error_response(request, status=exc.status_code, code=code, detail=str(exc))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(
        request, status=403, code="forbidden", detail=str(exc) or _("Your role may not do this.")
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status=404, code="not_found", detail=_("Not found."))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database went away mid-request (a killed backend, a restart, no free connection):
    503 `unavailable` with the one error body and Retry-After, never a bare 500. The failed
    transaction was rolled back by its atomic block; only the error is logged here."""
    logger.error("api: database unavailable during %s %s", request.method, request.path, exc_info=exc)
    response = on_desk_error(request, ServiceUnavailable())
    response["Retry-After"] = "5"
    return response


# Text with a NUL byte or a lone surrogate, a number beyond bigint: a 400 naming the field, in
# every operation, before a service or the database sees it (calldesk/validation.py).
api.add_decorator(refuse_unstorable)
api.add_router("/", messaging_router)
api.add_router("/", clients_router)
api.add_router("/", receivables_router)
api.add_router("/", orders_router)
api.add_router("/", catalog_router)
api.add_router("/", calls_router)
api.add_router("/", outbound_router)
api.add_router("/", reports_router)
api.add_router("/", warehouse_router)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler404`: a URL under the API that names no operation (`/api/v1/orders/abc`, an id
    that is not a number) answers the one error body too; a screen gets Django's page."""
    if request.path.startswith("/api/"):
        return error_response(
            request,
            status=404,
            code="not_found",
            detail=_("No such endpoint or object: %(path)s") % {"path": request.path},
        )
    return page_not_found(request, exception)
