"""Hostile input (III.26): every API operation and every screen, sent random, oversized,
negative, Unicode, SQL-like and HTML/JS-like values by hypothesis, answers a 4xx with a clear
message or a valid result, never a 500.

The operations and the screens are walked (the API's routers, the URLconf), never only listed: a
route added without a strategy here fails `test_every_route_has_a_strategy`. Runs are
deterministic (`derandomize=True`, no example database), so CI sees the same examples each time.
Unit tests run on SQLite, which stores NUL bytes and big integers that PostgreSQL refuses: the
refusals checked here are made at the edge (schemas, forms, converters), not by the database.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calldesk.api import api
from calls.models import Call, Callback, Consultation, FeedbackRoute
from calls.services import ask_head, record_feedback, register_call
from orders.services import add_line, start_order
from outbound.models import CallList, CallTask
from staff.models import Department, Role
from staff.services import issue_api_token
from tests.factories import ClientFactory, ClientPhoneFactory, ProductFactory, client_type, make_staff, price

pytestmark = pytest.mark.django_db

# HOSTILE_EXAMPLES raises the count for a longer local hunt; CI runs the fixed default.
SETTINGS = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "12")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ROLES = [Role.ADMIN, Role.OPERATOR, Role.MANAGER, Role.HEAD, Role.FINANCE, Role.COMMERCIAL]

# --- Hostile values -------------------------------------------------------------------------------

HUGE = "Ж" * 10_000
SQL = "'; DROP TABLE clients; --"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = [
    "",
    " ",
    HUGE,
    "x" * 300,
    SQL,
    SCRIPT,
    IMG,
    "a\x00b",
    "\x00",
    "\u202eRTL override\u202c",
    "مرحبا بالعالم",
    "👨‍👩‍👧‍👦🍺" * 20,
    "e\u0301\u0301\u0301\u0301",
    "\r\n\t",
    "%00%27",
    "../../etc/passwd",
    "null",
    "{}",
]
HOSTILE_NUMBER_TEXT = [
    "-1",
    "0",
    "-0",
    str(2**63),
    str(-(2**63) - 1),
    str(2**64),
    "9" * 40,
    "NaN",
    "Infinity",
    "-Infinity",
    "1e309",
    "1E+5",
    "0.00000000000000000001",
    "12345678901234567890.12345678901234567890",
    "1.5",
    "-5.00",
    "1,5",
]
HOSTILE_DATE_TEXT = ["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "0001-01-01", "26-1-1", "today"]
HOSTILE_DATETIME_TEXT = [
    "2026-02-30T10:00:00+03:00",
    "2026-11-28T25:61:00",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-14:00",
    "2026-11-28 10:00",
    "1e10",
]
HOSTILE_INTS = [0, -1, -(2**63) - 1, 2**63, 2**64, 10**30]
HOSTILE_FLOATS = [float("nan"), float("inf"), float("-inf"), -0.0, 1e308, 0.1, -1.5]
# What a JSON body may carry beyond strings: each of these where a string, a number or an object
# is expected. A lone surrogate is valid JSON text (escaped) but not encodable text anywhere.
WRONG_TYPES = [None, True, False, [], {}, [1, "a"], {"a": {"b": [{"c": None}]}}, [[[[[]]]]], "\ud800"]

text_values = st.one_of(
    st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBER_TEXT + HOSTILE_DATE_TEXT),
    st.text(max_size=40),
)
json_scalars = st.one_of(
    text_values,
    st.sampled_from(HOSTILE_INTS + HOSTILE_FLOATS),
    st.integers(),
    st.decimals(allow_nan=False, places=20).map(str),
)
json_any = st.one_of(json_scalars, st.sampled_from(WRONG_TYPES))


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# Raw bodies that are not the JSON asked for at all.
RAW_BODIES = [b"", b"{", b"\xff\xfe\x00", b"null", b"[]", b'"x"', b"1e400", deep(100_000).encode(), b"NaN"]


def refused_by_postgresql(value: Any) -> str | None:
    """What PostgreSQL refuses in a query parameter that SQLite (this layer) lets through."""
    if isinstance(value, str):
        if "\x00" in value:
            return "a NUL byte in text"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "a lone surrogate in text"
    elif isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return "an integer beyond bigint"
    return None


def as_postgresql(execute, sql, params, many, context):
    """Fail a query as PostgreSQL would: the refusals must come from the edge, not the database."""
    for row in params if many else [params]:
        for value in (row or {}).values() if isinstance(row, dict) else row or ():
            if problem := refused_by_postgresql(value):
                raise AssertionError(f"{problem} reached the database: {sql[:200]}")
    return execute(sql, params, many, context)


@pytest.fixture
def postgresql_refusals(db):
    with connection.execute_wrapper(as_postgresql):
        yield


# --- The world the examples act on ---------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, int]
    names: dict[str, str]
    users: dict[Role, Any]

    def plausible(self) -> dict[str, list]:
        """Values a careful client would send, by field name: mixed in, they take the examples
        past the first check and into the services."""
        n, i = self.names, self.ids
        today = timezone.localdate()
        return {
            "sku": [n["sku"], "NOPE-1"],
            "client": [i["client"]],
            "call": [i["call"]],
            "order": [i["order"]],
            "list": [i["list"]],
            "type": ["market", "retail", "key"],
            "username": [n["operator"], n["manager"]],
            "manager": [n["manager"]],
            "operator": [n["operator"]],
            "transferred_to": [n["manager"]],
            "phone": ["+74951112233", "8 916 555-44-33"],
            "phones": [["+74957770011"]],
            "receiver_phone": ["8 916 555-44-33"],
            "role": ["operator", "manager"],
            "department": ["wholesale", "retail"],
            "column": ["column_3", "base"],
            "client_types": [["market"], []],
            "client_tax_id": [n["tax_id"]],
            "tax_id": [n["tax_id"], "7701234567"],
            "document": ["INV-1"],
            "date": [(today + timedelta(days=3)).isoformat()],
            "on": [today.isoformat()],
            "issued_on": [today.isoformat()],
            "due_on": [(today + timedelta(days=14)).isoformat()],
            "valid_from": [today.isoformat()],
            "valid_to": [(today + timedelta(days=30)).isoformat()],
            "amount": ["100.00"],
            "paid": ["0.00"],
            "quantity": ["2", "1.5"],
            "credit_limit": ["50000.00"],
            "min_subtotal": ["1000.00"],
            "special_price": ["9.50"],
            "prices": [{"base": "10.00", "column_3": "9.50"}],
            "name": ["Zarya"],
            "reason": ["the client asked"],
            "limit": [50],
            "offset": [0],
            "status": ["available", "in_fulfilment", "cancelled", "open"],
            "outcome": ["accepted", "declined", "order_taken", "agreed", "callback"],
            "purpose": ["order", "reference", "other"],
            "direction": ["inbound"],
            "email": ["a@example.test"],
            "password": ["calldesk-demo-1"],
            "active": [True],
            "priority": [10],
            "pack": [12],
            "unit": ["pcs"],
        }


@pytest.fixture
def world(db) -> World:
    users = {
        Role.ADMIN: make_staff(Role.ADMIN, username="h_admin"),
        Role.OPERATOR: make_staff(Role.OPERATOR, department_code="call_center", username="h_operator"),
        Role.MANAGER: make_staff(Role.MANAGER, department_code="wholesale", username="h_manager"),
        Role.HEAD: make_staff(Role.HEAD, department_code="wholesale", username="h_head"),
        Role.FINANCE: make_staff(Role.FINANCE, department_code="finance", username="h_finance"),
        Role.COMMERCIAL: make_staff(Role.COMMERCIAL, department_code="wholesale", username="h_commercial"),
    }
    Department.objects.filter(code="wholesale").update(head=users[Role.HEAD])
    operator, manager = users[Role.OPERATOR], users[Role.MANAGER]
    client = ClientFactory(name="Zarya market", type=client_type("market"), manager=manager)
    ClientPhoneFactory(client=client, number="+74951112233")
    product = ProductFactory(sku="COLA", name="Cola")
    price(product, "base", "50.00")
    price(product, "column_3", "47.00")
    call = register_call(actor=operator, direction=Call.Direction.INBOUND, phone="+74951112233")
    order = start_order(actor=operator, client_id=client.pk)
    line = add_line(actor=operator, order_id=order.pk, sku="COLA", quantity=Decimal("2")).line
    call_list = CallList.objects.create(source=CallList.Source.DORMANT, day=timezone.localdate())
    task = CallTask.objects.create(
        call_list=call_list, client=client, operator=operator, reason=CallTask.Reason.DORMANT
    )
    feedback = record_feedback(
        actor=operator, call_id=call.pk, client_id=client.pk, text="More kvass", departments=["wholesale"]
    )
    consultation = ask_head(actor=operator, call_id=call.pk, question="May we deliver on Sunday?")
    callback = Callback.objects.create(
        client=client,
        phone="+74951112233",
        due_at=timezone.now(),
        origin=call,
        created_by=operator,
    )
    return World(
        ids={
            "client": client.pk,
            "call": call.pk,
            "order": order.pk,
            "line": line.pk,
            "list": call_list.pk,
            "task": task.pk,
            "route": FeedbackRoute.objects.filter(feedback=feedback).first().pk,
            "consultation": consultation.pk if isinstance(consultation, Consultation) else 1,
            "callback": callback.pk,
        },
        names={
            "operator": operator.username,
            "manager": manager.username,
            "sku": "COLA",
            "tax_id": client.tax_id,
        },
        users=users,
    )


@pytest.fixture
def clients(world) -> dict:
    """A test client per role for the API (a Bearer token) and one for the screens (logged in)."""
    api_clients, screen_clients = {}, {}
    for role, user in world.users.items():
        issued = issue_api_token(user=user, name="hostile")
        api_clients[role] = HttpClient(headers={"Authorization": f"Bearer {issued.raw}"})
        screen = HttpClient()
        screen.force_login(user)
        screen_clients[role] = screen
    return {"api": api_clients, "screen": screen_clients}


# --- The API: walked from the routers ------------------------------------------------------------


def api_operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation the API serves, read from its routers."""
    found = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            full = "/" + "/".join(part for part in (prefix.strip("/"), path.strip("/")) if part)
            for operation in view.operations:
                found.extend((method, full) for method in operation.methods)
    return sorted(set(found))


SCHEMA = "schema"  # the strategy is derived from the operation's OpenAPI description
ROWS_RECEIVABLE = "rows:receivable"
ROWS_PRICE_LIST = "rows:price-list"
ROWS_STOCK = "rows:stock"
ROWS_CALENDAR = "rows:calendar"

# Each operation and how its input is built. A new operation fails the coverage test until it is
# named here (and a loosely typed body gets a row strategy of its own).
API_STRATEGIES: dict[tuple[str, str], str] = {
    ("GET", "/health"): SCHEMA,
    ("GET", "/me"): SCHEMA,
    ("PATCH", "/me"): SCHEMA,
    ("POST", "/staff"): SCHEMA,
    ("GET", "/staff"): SCHEMA,
    ("PUT", "/staff/{username}/presence"): SCHEMA,
    ("PUT", "/departments/{code}"): SCHEMA,
    ("POST", "/clients"): SCHEMA,
    ("GET", "/clients"): SCHEMA,
    ("GET", "/clients/{client_id}"): SCHEMA,
    ("PATCH", "/clients/{client_id}"): SCHEMA,
    ("GET", "/clients/{client_id}/debt"): SCHEMA,
    ("GET", "/lookup"): SCHEMA,
    ("PUT", "/receivables"): ROWS_RECEIVABLE,
    ("POST", "/orders"): SCHEMA,
    ("GET", "/orders"): SCHEMA,
    ("GET", "/orders/{order_id}"): SCHEMA,
    ("PATCH", "/orders/{order_id}"): SCHEMA,
    ("POST", "/orders/{order_id}/lines"): SCHEMA,
    ("PATCH", "/orders/{order_id}/lines/{line_id}"): SCHEMA,
    ("DELETE", "/orders/{order_id}/lines/{line_id}"): SCHEMA,
    ("GET", "/orders/{order_id}/suggestions"): SCHEMA,
    ("POST", "/orders/{order_id}/offers"): SCHEMA,
    ("POST", "/orders/{order_id}/confirm"): SCHEMA,
    ("POST", "/orders/{order_id}/exception"): SCHEMA,
    ("POST", "/orders/{order_id}/status"): SCHEMA,
    ("GET", "/price-columns"): SCHEMA,
    ("PUT", "/price-list"): ROWS_PRICE_LIST,
    ("GET", "/products"): SCHEMA,
    ("POST", "/specials"): SCHEMA,
    ("POST", "/discount-rules"): SCHEMA,
    ("POST", "/calls"): SCHEMA,
    ("GET", "/calls"): SCHEMA,
    ("POST", "/calls/{call_id}/end"): SCHEMA,
    ("POST", "/jobs/dormant-list"): SCHEMA,
    ("GET", "/call-tasks"): SCHEMA,
    ("POST", "/call-tasks/{task_id}/result"): SCHEMA,
    ("GET", "/reports/operators"): SCHEMA,
    ("PUT", "/stock"): ROWS_STOCK,
    ("PUT", "/calendar"): ROWS_CALENDAR,
}

ROW_SCHEMAS = {
    ROWS_CALENDAR: {
        "type": "object",
        "required": ["date", "working"],
        "properties": {
            "date": {"type": "string", "format": "date"},
            "working": {"type": "boolean"},
            "note": {"type": "string"},
        },
    },
    ROWS_STOCK: {
        "type": "object",
        "required": ["sku", "warehouse", "quantity"],
        "properties": {
            "sku": {"type": "string"},
            "warehouse": {"type": "string"},
            "quantity": {"type": "string"},
        },
    },
    ROWS_RECEIVABLE: {
        "type": "object",
        "required": ["document", "client_tax_id", "issued_on", "due_on", "amount"],
        "properties": {
            "document": {"type": "string"},
            "client_tax_id": {"type": "string"},
            "issued_on": {"type": "string", "format": "date"},
            "due_on": {"type": "string", "format": "date"},
            "amount": {"type": "string"},
            "paid": {"type": "string"},
        },
    },
    ROWS_PRICE_LIST: {
        "type": "object",
        "required": ["sku", "name", "prices"],
        "properties": {
            "sku": {"type": "string"},
            "name": {"type": "string"},
            "unit": {"type": "string"},
            "pack": {"type": "integer"},
            "category": {"type": "string"},
            "new_until": {"type": "string", "format": "date"},
            "active": {"type": "boolean"},
            "prices": {
                "type": "object",
                "required": ["base"],
                "properties": {"base": {"type": "string"}, "column_3": {"type": "string"}},
            },
        },
    },
}


@functools.cache
def openapi_schema() -> dict:
    return api.get_openapi_schema()


def openapi_operation(method: str, path: str) -> tuple[dict, dict]:
    schema = openapi_schema()
    return schema["paths"][f"/api/v1{path}"][method.lower()], schema.get("components", {}).get("schemas", {})


def resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def typed_values(
    schema: dict, components: dict, name: str, world: World, depth: int = 0
) -> st.SearchStrategy:
    """What is sent for one field: a plausible value, a hostile value of its type, or anything."""
    schema = resolve(schema, components)
    plausible = world.plausible().get(name, [])
    choices = []
    if plausible:
        choices.append(st.sampled_from(plausible))
    if "anyOf" in schema:
        choices.extend(typed_values(option, components, name, world, depth) for option in schema["anyOf"])
    kind = schema.get("type")
    if "enum" in schema:
        choices.append(st.sampled_from(schema["enum"]))
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            choices.append(st.dates().map(str) | st.sampled_from(HOSTILE_DATE_TEXT))
        elif fmt == "date-time":
            choices.append(st.sampled_from(HOSTILE_DATETIME_TEXT))
        choices.append(text_values)
    elif kind in {"integer", "number"}:
        choices.append(st.sampled_from(HOSTILE_INTS + HOSTILE_FLOATS + HOSTILE_NUMBER_TEXT))
    elif kind == "boolean":
        choices.append(st.booleans())
    elif kind == "object" and depth < 3:
        choices.append(object_values(schema, components, world, depth + 1))
    elif kind == "array" and depth < 3:
        items = schema.get("items", {})
        choices.append(st.lists(typed_values(items, components, name, world, depth + 1), max_size=3))
    elif kind == "null":
        choices.append(st.none())
    choices.append(json_any)
    return st.one_of(choices)


def object_values(schema: dict, components: dict, world: World, depth: int = 0) -> st.SearchStrategy:
    """An object with its required fields (each maybe hostile) and some optional ones; now and
    then a required field is left out."""
    schema = resolve(schema, components)
    properties = schema.get("properties", {})
    required = [key for key in schema.get("required", []) if key in properties]

    def field(key: str) -> st.SearchStrategy:
        return typed_values(properties[key], components, key, world, depth)

    optional = {key: field(key) for key in properties if key not in required}
    full = st.fixed_dictionaries({key: field(key) for key in required}, optional=optional)
    if not required:
        return full
    missing = st.fixed_dictionaries({}, optional={key: field(key) for key in properties})
    return st.one_of(full, full, full, missing)


def path_values(name: str, kind: str, world: World) -> st.SearchStrategy:
    if kind == "integer":
        key = name.removesuffix("_id")
        real = world.ids.get(key, 1)
        ids = [real, real, 0, 999_999, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]
        return st.sampled_from([*ids, -1, "abc", "1e3", " 1", SCRIPT, "%00"]).map(str)
    return st.one_of(
        st.sampled_from([world.names["operator"], "nobody"]),
        st.sampled_from([t for t in HOSTILE_TEXT if t and "\x00" not in t and "/" not in t]),
    )


def is_utf8(value: Any) -> bool:
    try:
        value.encode("utf-8")
    except (AttributeError, UnicodeEncodeError):
        return False
    return True


def short(value: Any) -> str:
    """A failing example as it can be read: long values cut."""
    text = repr(value)
    return text if len(text) < 400 else text[:400] + f"... ({len(text)} chars)"


@dataclass
class ApiRequest:
    method: str
    path: str
    query: dict
    body: bytes | None

    def __repr__(self) -> str:
        return f"{self.method} {short(self.path)} query={short(self.query)} body={short(self.body)}"


@st.composite
def api_requests(draw, method: str, path: str, world: World) -> ApiRequest:
    operation, components = openapi_operation(method, path)
    url = path
    query = {}
    for parameter in operation.get("parameters", []):
        kind = resolve(parameter.get("schema", {}), components)
        kind = kind.get("type") or next(
            (o.get("type") for o in kind.get("anyOf", []) if o.get("type") != "null"), "string"
        )
        name = parameter["name"]
        if parameter["in"] == "path":
            url = url.replace("{" + name + "}", quote(draw(path_values(name, kind, world)), safe=""))
        elif parameter["in"] == "query" and draw(st.booleans()):
            value = draw(typed_values(parameter.get("schema", {}), components, name, world))
            # A URL carries bytes: a lone surrogate cannot be sent as it is, only JSON-escaped.
            query[name] = value if isinstance(value, str) and is_utf8(value) else json.dumps(value)
    strategy = API_STRATEGIES[(method, path)]
    body = None
    if strategy in ROW_SCHEMAS:
        rows = st.lists(object_values(ROW_SCHEMAS[strategy], components, world) | json_any, max_size=4)
        body = draw(st.one_of(rows, rows, rows, json_any).map(lambda v: json.dumps(v).encode()))
    elif "requestBody" in operation:
        body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
        good = object_values(body_schema, components, world).map(lambda v: json.dumps(v).encode())
        wrong = json_any.map(lambda v: json.dumps(v).encode())
        body = draw(st.one_of(good, good, good, wrong, st.sampled_from(RAW_BODIES)))
    return ApiRequest(method=method, path="/api/v1" + url, query=query, body=body)


def assert_api_answer(response, request: ApiRequest) -> None:
    where = repr(request)
    assert response.status_code < 500, where
    if 400 <= response.status_code < 500:
        assert response["Content-Type"].startswith("application/json"), where
        body = response.json()
        assert isinstance(body.get("code"), str) and body["code"], where
        assert isinstance(body.get("detail"), str) and body["detail"].strip(), (where, body)
        assert isinstance(body.get("errors"), list), (where, body)


def assert_declared(response, method: str, path: str, request: ApiRequest) -> None:
    """Whatever it was sent, an operation answers only the statuses its OpenAPI declares (the
    bodies are checked against the schema by tests/calldesk/test_openapi_contract.py)."""
    operation, _components = openapi_operation(method, path)
    assert response.status_code in operation["responses"], (
        f"{method} {path} answered {response.status_code}, which its schema does not declare: {request!r}"
    )


def send_api(http: HttpClient, request: ApiRequest):
    path = request.path
    if request.query:
        path += "?" + urlencode(request.query)
    return http.generic(
        request.method,
        path,
        data=request.body or b"",
        content_type="application/json",
    )


def test_every_route_has_a_strategy():
    """Walk the API and the URLconf: a new operation or screen must be given a strategy here."""
    assert set(api_operations()) == set(API_STRATEGIES), (
        "API operations without a hostile-input strategy (add them to API_STRATEGIES): "
        f"{sorted(set(api_operations()) - set(API_STRATEGIES))}; gone: "
        f"{sorted(set(API_STRATEGIES) - set(api_operations()))}"
    )
    assert set(screen_routes()) == set(SCREENS), (
        "Screens without a hostile-input strategy (add them to SCREENS): "
        f"{sorted(set(screen_routes()) - set(SCREENS))}; gone: {sorted(set(SCREENS) - set(screen_routes()))}"
    )


@pytest.mark.parametrize(("method", "path"), api_operations(), ids=lambda v: v)
def test_api_answers_hostile_input_with_a_4xx_or_a_result(method, path, world, clients, postgresql_refusals):
    if (method, path) not in API_STRATEGIES:
        pytest.fail(f"{method} {path} has no hostile-input strategy: add it to API_STRATEGIES")

    @SETTINGS
    @given(data=st.data())
    def run(data):
        request = data.draw(api_requests(method, path, world))
        role = data.draw(st.sampled_from(ROLES))
        response = send_api(clients["api"][role], request)
        assert_api_answer(response, request)
        assert_declared(response, method, path, request)

    run()


# --- The screens: walked from the URLconf --------------------------------------------------------

OUTSIDE = ("admin", "api")  # Django admin is Django's; the API is covered above


def screen_routes() -> dict[str, str]:
    """{url name: route} of every screen, read from the URLconf (admin and API left out)."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                name = entry.namespace or namespace
                if name in OUTSIDE or str(entry.pattern).startswith(("admin/", "api/")):
                    continue
                walk(
                    entry.url_patterns,
                    route,
                    f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace,
                )
            elif isinstance(entry, URLPattern) and entry.name:
                found[f"{namespace}:{entry.name}".strip(":")] = route

    walk(get_resolver().url_patterns, "/", "")
    return found


# Each screen: the fields its forms read (POST) and the query keys it reads (GET). Every screen is
# also sent the query keys of every other one, and both methods.
SCREENS: dict[str, dict[str, list[str]]] = {
    "home": {},
    "login": {"post": ["username", "password"], "get": ["next"]},
    "logout": {},
    "inbox": {"get": ["page"]},
    # the push channel's stream takes no parameter: the library's own are sent to show they are ignored
    "live-stream": {"get": ["channel", "lastEventId", "es-meta", "recover", "link"]},
    "inbox-read": {},
    "set_language": {"post": ["language", "next"]},
    "calls-at-once": {"post": ["at_once", "next"]},
    "calls:desk": {"get": ["q", "panel"]},
    "calls:call-register": {"post": ["phone"]},
    "calls:call": {"get": ["q"]},
    "calls:transfer": {"post": ["to", "reason"]},
    "calls:wrap-up": {
        "post": ["outcome", "purpose", "order", "transferred_to", "declined_reason", "callback_at", "notes"]
    },
    "calls:attach-client": {"post": ["client"]},
    "calls:new-client": {"post": ["name", "tax_id", "type"]},
    "calls:call-feedback": {"post": ["text", "departments"]},
    "calls:consult": {"post": ["question", "department"]},
    "calls:call-answers": {},
    "calls:reference": {"post": ["email", "documents", "skus"]},
    "calls:callback-take": {},
    "calls:feedback-inbox": {"get": ["status"]},
    "calls:feedback-status": {"post": ["status", "next"]},
    "calls:consultations": {},
    "calls:answer": {"post": ["answer"]},
    "outbound:queue": {},
    "outbound:task": {
        "post": ["outcome", "refusal_reason", "callback_at", "answer_0", "answer_1"],
    },
    "outbound:task-call": {},
    "outbound:campaigns": {
        "post": [
            "name",
            "goal",
            "script",
            "questions",
            "due_on",
            "client_types",
            "regions",
            "managers",
            "dormant",
            "declined_earlier",
        ]
    },
    "outbound:campaign": {},
    "outbound:campaign-close": {},
    "outbound:campaign-export": {},
    "clients:debtors": {},
    "clients:queue": {"get": ["department", "show", "q", "page"]},
    "clients:assignment": {"post": ["manager", "type", "note", "department", "next"]},
    "orders:my-orders": {"get": ["status", "page"]},
    "orders:price-list": {"get": ["q", "page"]},
    "orders:start": {"post": ["client", "q"]},
    "orders:order": {},
    "orders:status": {"post": ["status", "reason"]},
    "orders:exception": {"post": ["reason"]},
    "orders:product-search": {"get": ["product"]},
    "orders:line-add": {"post": ["product", "quantity"]},
    "orders:line-change": {"post": ["quantity"]},
    "orders:line-remove": {},
    "orders:offer": {"post": ["sku", "outcome", "kind", "quantity", "reason"]},
    "orders:terms": {
        "post": [
            "delivery_date",
            "delivery_window",
            "receiver_name",
            "receiver_phone",
            "delivery_address",
            "payment_form",
            "fulfilment",
            "pickup_at",
            "shipping_address",
            "carrier",
        ]
    },
    "orders:confirm": {},
    "reports:dashboard": {"get": ["department", "period", "on", "start", "end"]},
    "reports:export": {"post": ["department", "period", "on", "start", "end", "kind", "format"]},
    "reports:export-progress": {},
    "reports:export-download": {},
    "reports:live": {},
    "reports:me": {"get": ["period", "on"]},
    "media": {},
}

SCREEN_PLAUSIBLE = {
    "outcome": ["order_taken", "callback", "declined", "agreed", "refused", "accepted", "declined"],
    "purpose": ["order", "reference", "other"],
    "period": ["day", "week", "month", "custom"],
    "kind": ["sales", "operators"],
    "format": ["csv", "csv-excel", "xlsx"],
    "panel": ["queue"],
    "show": ["all", "waiting"],
    "status": ["new", "seen", "done", "cancelled", "in_fulfilment", "confirmed"],
    "language": ["en", "ru"],
    "documents": ["price_list", "certificates"],
    "departments": ["wholesale", "retail"],
    "department": ["wholesale", "retail"],
    "payment_form": ["prepayment", "cash_on_delivery"],
    "fulfilment": ["pickup", "shipping"],
    "delivery_date": ["2026-12-01", "01.12.2026"],
    "pickup_at": ["2026-12-01 10:00"],
    "callback_at": ["2026-12-01 10:00", "2026-12-01T10:00"],
    "due_on": ["2026-12-31"],
    "next": ["/inbox/", "https://evil.example/", "//evil.example", "javascript:alert(1)"],
    "dormant": ["on"],
    "declined_earlier": ["on"],
}

# Form values: text only (a browser sends no JSON types), NUL bytes and huge numbers included.
form_values = st.one_of(
    st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBER_TEXT + HOSTILE_DATE_TEXT + HOSTILE_DATETIME_TEXT),
    st.text(max_size=40).filter(lambda s: "\ud800" not in s),
)


def screen_url(route: str, world: World, draw) -> str:
    """The route with its ids: a real one, or one that does not exist, is negative-looking or huge."""

    def id_for(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if converter in {"str", "path"}:
            return quote(
                draw(
                    st.sampled_from(
                        ["csv", "csv-excel", "xlsx", "x" * 300, "../../etc/passwd", "a\x00b", SCRIPT]
                    )
                )
            )
        real = world.ids.get(name.removesuffix("_id"), 1)
        return str(draw(st.sampled_from([real, real, 0, 999_999, 2**63 - 1, 2**63, 2**64, 10**30])))

    return re.sub(r"<(?:(\w+):)?(\w+)>", id_for, route)


@st.composite
def screen_requests(draw, name: str, route: str, world: World):
    spec = SCREENS[name]
    url = screen_url(route, world, draw)
    every_get = sorted({key for s in SCREENS.values() for key in s.get("get", [])})

    def value(key: str):
        plausible = SCREEN_PLAUSIBLE.get(key, []) + [
            str(v) for v in world.plausible().get(key, []) if isinstance(v, str | int)
        ]
        return draw(st.sampled_from(plausible) | form_values if plausible else form_values)

    query = {key: value(key) for key in spec.get("get", []) + every_get if draw(st.booleans())}
    form = {}
    for key in spec.get("post", []):
        if draw(st.integers(0, 4)):
            form[key] = (
                [value(key), value(key)]
                if key in {"departments", "documents", "client_types"}
                else value(key)
            )
    method = draw(
        st.sampled_from(["POST", "POST", "GET"]) if spec.get("post") else st.sampled_from(["GET", "POST"])
    )
    htmx = draw(st.booleans())
    return method, url, query, form, htmx


@pytest.mark.parametrize("name", sorted(screen_routes()), ids=lambda v: v)
def test_screens_answer_hostile_input_with_a_4xx_or_a_page(name, world, clients, postgresql_refusals):
    if name not in SCREENS:
        pytest.fail(f"{name} has no hostile-input strategy: add it to SCREENS")
    route = screen_routes()[name]

    @SETTINGS
    @given(data=st.data())
    def run(data):
        method, url, query, form, htmx = data.draw(screen_requests(name, route, world))
        role = data.draw(st.sampled_from(ROLES))
        http = clients["screen"][role]
        headers = {"HX-Request": "true"} if htmx else {}
        target = url + ("?" + urlencode(query) if query else "")
        if method == "POST":
            response = http.post(target, form, headers=headers)
        else:
            response = http.get(target, headers=headers)
        assert response.status_code < 500, f"{role} {method} {short(target)} {short(form)}"

    run()


# --- The promises, one example each (the README's "Security and reliability" table) -------------


def test_a_nul_byte_anywhere_in_the_api_is_a_400_naming_the_field(world, clients, postgresql_refusals):
    admin = clients["api"][Role.ADMIN]
    body = {"name": "Zarya\x00", "tax_id": "7701234567", "type": "market", "phones": ["+7495\x00"]}
    response = admin.post("/api/v1/clients", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert {e["field"] for e in response.json()["errors"]} == {"name", "phones.0"}
    response = admin.get("/api/v1/clients", {"search": "a\x00b"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (400, "search")


def test_an_id_beyond_bigint_is_a_400_in_the_api_and_a_404_on_a_screen(world, clients, postgresql_refusals):
    response = clients["api"][Role.ADMIN].get(f"/api/v1/orders/{2**63}")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (400, "order_id")
    response = clients["screen"][Role.OPERATOR].get(f"/desk/calls/{10**30}/")
    assert response.status_code == 404


def test_an_api_url_that_names_no_operation_answers_the_error_body(world, clients):
    admin = clients["api"][Role.ADMIN]
    for path, status in [
        ("/api/v1/nothing-here", 404),
        ("/api/v1/orders/1/lines/abc/x", 404),
        ("/api/v1/orders/abc", 400),
        ("/api/v1/clients/-1", 404),
    ]:
        response = admin.get(path)
        assert response.status_code == status, path
        assert response.json()["code"] in {"not_found", "validation_error"}
        assert response.json()["detail"]
    assert "text/html" in clients["screen"][Role.OPERATOR].get("/desk/nothing-here/")["Content-Type"]


def test_a_nul_byte_in_a_screens_parameter_is_a_400(world, clients, postgresql_refusals):
    response = clients["screen"][Role.COMMERCIAL].get("/orders/price-list/", {"q": "cola\x00"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_dashboard_day_beyond_the_calendar_is_refused_on_the_page(world, clients):
    response = clients["screen"][Role.HEAD].get("/reports/dashboard/", {"on": "9999-12-31"})
    assert response.status_code == 400
    assert "Enter the date as YYYY-MM-DD" in response.content.decode()
