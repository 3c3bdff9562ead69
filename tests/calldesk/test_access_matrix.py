"""The access matrix (III.26): every screen and every API endpoint, walked for every
role, answers as `calldesk.access` says: allowed, 403, or the login page (401 on the API). A
route without a row fails here, and the test's own test shows it does."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from ninja import NinjaAPI, Router

from calldesk import access
from calldesk.api import api as desk_api
from calldesk.errors import DeskError
from staff import permissions
from staff.models import Role, User
from staff.services import issue_api_token
from tests.factories import ClientFactory, OrderFactory, client_type, make_staff

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in Role]
MISSING_ID = 987654  # no object has it: an allowed role reaches the view and gets its 404
PATH_VALUES = {"fmt": "csv", "username": "nobody"}


@pytest.fixture
def people(db):
    """One member of staff per role, plus nobody (anonymous)."""
    departments = {
        Role.OPERATOR: "call_center",
        Role.MANAGER: "wholesale",
        Role.HEAD: "wholesale",
        Role.FINANCE: "finance",
        Role.COMMERCIAL: "wholesale",
        Role.ADMIN: None,
    }
    return {role.value: make_staff(role, department_code=departments[role]) for role in Role}


def screen_url(route: str, name: str) -> str:
    kwargs = {key: PATH_VALUES.get(key, MISSING_ID) for key in re.findall(r"<(?:\w+:)?(\w+)>", route)}
    return reverse(name, kwargs=kwargs)


def api_url(key: str) -> tuple[str, str]:
    method, path = key.split(" ", 1)
    path = re.sub(r"\{(\w+)\}", lambda m: str(PATH_VALUES.get(m.group(1), MISSING_ID)), path)
    return method, "/api/v1" + path


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


# --- Every route has exactly one row ---------------------------------------------------------------


def test_every_screen_and_endpoint_has_a_row_and_every_row_a_route():
    assert access.rows_missing() == []
    assert access.rows_unused() == []


def test_the_walk_covers_every_route():
    """The walk below is built from the URLconf and the API, not from a hand-kept list."""
    screens = {name for _, name in access.screen_routes()}
    assert screens == set(access.SCREENS)
    assert set(access.api_operations(desk_api)) == set(access.API)
    assert len(access.SCREENS) >= 50 and len(access.API) >= 36


# --- The walk: every screen for every role ---------------------------------------------------------


@pytest.mark.parametrize(("route", "name"), sorted(access.screen_routes()), ids=lambda v: str(v))
def test_each_screen_answers_each_role_as_the_matrix_says(route, name, people):
    url = screen_url(route, name)
    rule = access.SCREENS[name]
    anonymous = HttpClient().get(url)
    if rule.public:
        assert anonymous.status_code not in {401, 403} and not is_login_redirect(anonymous), url
        assert anonymous.status_code < 500, url
    else:
        assert is_login_redirect(anonymous), (url, anonymous.status_code)
    for role, user in people.items():
        browser = HttpClient()
        browser.force_login(user)
        response = browser.get(url)
        if response.status_code == 405:  # a form's target: the view runs on POST
            response = browser.post(url)
        if rule.public:  # logging out sends anyone to the login page
            assert response.status_code not in {403, 405} and response.status_code < 500, (url, role)
        elif role in rule.roles:
            assert response.status_code not in {403, 405} and not is_login_redirect(response), (url, role)
            assert response.status_code < 500, (url, role)
        else:
            assert response.status_code == 403, (url, role, response.status_code)


# --- The walk: every endpoint for every role --------------------------------------------------------


@pytest.mark.parametrize("key", sorted(access.API))
def test_each_endpoint_answers_each_role_as_the_matrix_says(key, people):
    method, url = api_url(key)
    rule = access.API[key]
    body = {"data": "{}", "content_type": "application/json"} if method in {"POST", "PUT", "PATCH"} else {}

    anonymous = getattr(HttpClient(), method.lower())(url, **body)
    if rule.public:
        assert anonymous.status_code == 200, (key, anonymous.status_code)
        return
    assert anonymous.status_code == 401, (key, anonymous.status_code)
    assert anonymous.json()["code"] == "not_authenticated"
    for role, user in people.items():
        token = issue_api_token(user=user, name="walk").raw
        response = getattr(HttpClient(headers={"Authorization": f"Bearer {token}"}), method.lower())(
            url, **body
        )
        if role in rule.roles:
            assert response.status_code not in {401, 403}, (key, role, response.status_code)
            assert response.status_code < 500, (key, role)
        else:
            assert response.status_code == 403, (key, role, response.status_code)
            assert response.json() == {
                "code": "forbidden",
                "detail": "Your role may not do this.",
                "errors": [],
            }


def test_a_forbidden_role_gets_403_before_its_body_is_read(people):
    """The door is checked before validation: a malformed body from the wrong role is a 403."""
    token = issue_api_token(user=people["operator"], name="t").raw
    http = HttpClient(headers={"Authorization": f"Bearer {token}"})
    assert http.put("/api/v1/price-list", "not json", content_type="application/json").status_code == 403
    assert http.put("/api/v1/receivables", "[{]", content_type="application/json").status_code == 403


def test_the_exchange_and_the_warehouse_get_in_by_their_permission(staff_of, api):
    exchange = staff_of(Role.COMMERCIAL, username="exchange")
    exchange.user_permissions.add(Permission.objects.get(codename="set_any_presence"))
    warehouse = staff_of(Role.COMMERCIAL, username="warehouse")
    warehouse.user_permissions.add(Permission.objects.get(codename="change_order_status"))
    as_exchange = api(User.objects.get(pk=exchange.pk))
    as_warehouse = api(User.objects.get(pk=warehouse.pk))

    assert as_exchange.get("/api/v1/lookup", {"phone": "+74950000000"}).status_code == 200
    assert as_exchange.get("/api/v1/orders").status_code == 403
    assert as_warehouse.get("/api/v1/orders").status_code == 200
    assert as_warehouse.get("/api/v1/lookup", {"phone": "+74950000000"}).status_code == 403


def test_django_admin_lets_in_admins_finance_and_commercial_only(people):
    assert {"admin", "finance", "commercial"} == permissions.ADMIN_SITE_ROLES
    for role, user in people.items():
        browser = HttpClient()
        browser.force_login(user)
        response = browser.get("/admin/")
        if role in permissions.ADMIN_SITE_ROLES:
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), role
    assert HttpClient().get("/admin/")["Location"].startswith("/admin/login/")


# --- The test's own test: a route without a row -----------------------------------------------------


def unruled_page(request):
    from django.http import HttpResponse

    return HttpResponse("should never be served")


extra_api = NinjaAPI(urls_namespace="unruled-api", auth=desk_api.auth, docs_url=None, openapi_url=None)
extra_router = Router()


@extra_router.get("/unruled-endpoint")
def unruled_endpoint(request):
    return {"served": True}


extra_api.add_router("/", extra_router)
extra_api.add_exception_handler(
    DeskError, lambda request, exc: extra_api.create_response(request, exc.as_dict(), status=exc.status)
)


def urlpatterns_with_unruled_routes():
    from django.urls import path

    import calldesk.urls

    return [
        path("unruled-page/", unruled_page, name="unruled-page"),
        path("api/v1/", extra_api.urls),
        *calldesk.urls.urlpatterns,
    ]


class UnruledUrls:
    urlpatterns = urlpatterns_with_unruled_routes()


@override_settings(ROOT_URLCONF=UnruledUrls)
def test_a_route_added_without_a_row_is_reported_and_refused_to_everyone(people):
    assert access.rows_missing(urlconf=UnruledUrls) == ["screen 'unruled-page'"]
    assert access.rows_missing(urlconf=UnruledUrls, api=extra_api) == [
        "screen 'unruled-page'",
        "api GET /unruled-endpoint",
    ]
    admin = HttpClient()
    admin.force_login(people["admin"])
    assert admin.get("/unruled-page/").status_code == 403
    token = issue_api_token(user=people["admin"], name="t").raw
    refused = HttpClient(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/unruled-endpoint")
    assert refused.status_code == 403
    assert json.loads(refused.content)["code"] == "forbidden"


def test_a_row_left_after_its_route_is_gone_is_reported(monkeypatch):
    monkeypatch.setitem(access.SCREENS, "orders:archive", access.allow(access.MANAGER))
    monkeypatch.setitem(access.API, "GET /orders/{order_id}/pdf", access.allow(access.MANAGER))
    assert access.rows_unused() == ["screen orders:archive", "api GET /orders/{order_id}/pdf"]


# --- Object rules: whose orders, who sets credit limits, who exports (III.26) -----------------------


@pytest.fixture
def two_managers(staff_of):
    mine = staff_of(Role.MANAGER, username="mine")
    other = staff_of(Role.MANAGER, username="other")
    client = ClientFactory(manager=mine)
    return mine, other, client


def test_a_manager_changes_only_their_clients_orders(two_managers, api):
    mine, other, client = two_managers
    taken_by = make_staff(Role.OPERATOR, department_code="call_center")
    order = OrderFactory(client=client, status="draft", number=None, confirmed_at=None, taken_by=taken_by)
    notes = {"notes": "Ring the bell twice"}
    refused = api(other).patch(f"/api/v1/orders/{order.pk}", notes, content_type="application/json")
    assert refused.status_code == 404  # not their client's: not there for them (III.26)
    assert refused.json()["detail"] == "No such order."
    assert (
        api(mine).patch(f"/api/v1/orders/{order.pk}", notes, content_type="application/json").status_code
        == 200
    )
    order.refresh_from_db()
    assert order.notes == "Ring the bell twice"


def test_a_head_moves_only_their_departments_orders(two_managers, staff_of, api):
    _, _, client = two_managers  # a market client: wholesale
    order = OrderFactory(client=client, number="2026-000001")
    retail_head = staff_of(Role.HEAD, department_code="retail")
    wholesale_head = staff_of(Role.HEAD, department_code="wholesale")
    move = {"status": "in_fulfilment", "reason": ""}
    assert (
        api(retail_head)
        .post(f"/api/v1/orders/{order.pk}/status", move, content_type="application/json")
        .status_code
        == 404
    )
    answer = api(wholesale_head).post(
        f"/api/v1/orders/{order.pk}/status", move, content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "in_fulfilment"


def test_only_finance_sets_credit_limits_and_loads_receivables(two_managers, staff_of, api):
    mine, _, client = two_managers
    limit = {"credit_limit": "5000.00"}
    for role in (Role.HEAD, Role.MANAGER):
        who = mine if role == Role.MANAGER else staff_of(role)
        refused = api(who).patch(f"/api/v1/clients/{client.pk}", limit, content_type="application/json")
        assert refused.status_code == 403, role
    finance = staff_of(Role.FINANCE, department_code="finance")
    assert (
        api(finance).patch(f"/api/v1/clients/{client.pk}", limit, content_type="application/json").status_code
        == 200
    )
    client.refresh_from_db()
    assert str(client.credit_limit) == "5000.00"
    assert (
        api(staff_of(Role.HEAD)).put("/api/v1/receivables", [], content_type="application/json").status_code
        == 403
    )


def test_exports_of_client_data_are_for_heads_and_admins():
    exports = {name for name, rule in access.SCREENS.items() if "export" in name} | {"GET /orders"}
    assert exports == {
        "outbound:campaign-export",
        "reports:export",
        "reports:export-progress",
        "reports:export-download",
        "GET /orders",
    }
    for name in exports:
        rule = access.SCREENS.get(name) or access.API[name]
        assert rule.roles == {"head", "admin"}, name


def test_the_matrix_keeps_commercial_secrets_and_client_data_apart():
    """III.26 as rows: commercial management (prices) reads no client, order or call; operators
    change no price, limit, receivable or rule and see no dashboard; nobody but admins creates
    staff or runs jobs by hand."""
    client_data = [
        key for key in access.API if re.search(r" /(clients|lookup|orders|calls|call-tasks|receivables)", key)
    ]
    assert len(client_data) == 24
    assert all("commercial" not in access.API[key].roles for key in client_data)
    for key in (
        "PUT /price-list",
        "POST /specials",
        "POST /discount-rules",
        "PUT /receivables",
        "PATCH /clients/{client_id}",
        "POST /orders/{order_id}/exception",
    ):
        assert "operator" not in access.API[key].roles, key
    for name in (
        "reports:dashboard",
        "reports:live",
        "clients:debtors",
        "clients:queue",
        "outbound:campaigns",
    ):
        assert "operator" not in access.SCREENS[name].roles, name
    assert access.API["POST /staff"].roles == {"admin"}
    assert access.API["POST /jobs/dormant-list"].roles == {"admin"}


def test_the_readme_shows_the_matrix_as_the_code_has_it():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shown = readme.split("<!-- access-matrix -->\n", 1)[1].split("<!-- /access-matrix -->", 1)[0]
    assert shown == access.as_markdown()


def test_a_manager_opens_drafts_for_their_clients_and_a_key_account_manager_for_key_clients(
    two_managers, staff_of, api
):
    mine, other, client = two_managers
    refused = api(other).post("/api/v1/orders", {"client": client.pk}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This client is another manager's or another department's."
    assert (
        api(mine).post("/api/v1/orders", {"client": client.pk}, content_type="application/json").status_code
        == 201
    )
    key_client = ClientFactory(type=client_type("key"), manager=mine)
    key_account = staff_of(Role.MANAGER, username="kam", key_account=True)
    answer = api(key_account).post(
        "/api/v1/orders", {"client": key_client.pk}, content_type="application/json"
    )
    assert answer.status_code == 201  # III.4: the key client's call passed to another key-account manager
