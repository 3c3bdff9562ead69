"""The API describes itself: every operation of the served `/api/v1/openapi.json` declares the
body of each status it answers, every field of it, and real answers match (API.md, "Conventions").

The served schema is read as an integrator reads it, over HTTP. Real bodies come from the API
itself, called through the test client with the data of a working day (Cyrillic names, rouble
amounts): every answer, success or error, is validated against the schema the operation declares
for that status, with no field left undocumented (`additionalProperties: false` is added to
every object the schema describes). An operation that answers a status it does not declare fails.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from io import StringIO
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from pydantic import BaseModel

from calldesk.api import api as desk_api
from staff.models import Department, Role, User
from tests.factories import ClientFactory, ClientPhoneFactory, ProductFactory, client_type, make_staff, price
from tests.orders.conftest import delivery_day

pytestmark = pytest.mark.django_db
JSON = "application/json"
PREFIX = "/api/v1"

# Every operation, by the part of the desk whose test below calls it; a new operation fails
# `test_every_served_operation_is_called_here` until a test calls it and checks its bodies.
AREAS: dict[str, set[tuple[str, str]]] = {
    "service and staff": {
        ("GET", "/health"),
        ("GET", "/me"),
        ("PATCH", "/me"),
        ("POST", "/staff"),
        ("GET", "/staff"),
        ("PUT", "/staff/{username}/presence"),
        ("PUT", "/departments/{code}"),
    },
    "clients": {
        ("POST", "/clients"),
        ("GET", "/clients"),
        ("GET", "/clients/{client_id}"),
        ("PATCH", "/clients/{client_id}"),
        ("GET", "/clients/{client_id}/debt"),
        ("GET", "/lookup"),
        ("PUT", "/receivables"),
    },
    "catalog": {
        ("GET", "/price-columns"),
        ("PUT", "/price-list"),
        ("GET", "/products"),
        ("POST", "/specials"),
        ("POST", "/discount-rules"),
    },
    "orders": {
        ("POST", "/orders"),
        ("GET", "/orders"),
        ("GET", "/orders/{order_id}"),
        ("PATCH", "/orders/{order_id}"),
        ("POST", "/orders/{order_id}/lines"),
        ("PATCH", "/orders/{order_id}/lines/{line_id}"),
        ("DELETE", "/orders/{order_id}/lines/{line_id}"),
        ("GET", "/orders/{order_id}/suggestions"),
        ("POST", "/orders/{order_id}/offers"),
        ("POST", "/orders/{order_id}/confirm"),
        ("POST", "/orders/{order_id}/exception"),
        ("POST", "/orders/{order_id}/status"),
    },
    "calls": {
        ("POST", "/calls"),
        ("GET", "/calls"),
        ("POST", "/calls/{call_id}/end"),
    },
    "outbound": {
        ("POST", "/jobs/dormant-list"),
        ("GET", "/call-tasks"),
        ("POST", "/call-tasks/{task_id}/result"),
    },
    "reports": {
        ("GET", "/reports/operators"),
    },
    "warehouse": {
        ("PUT", "/stock"),
        ("PUT", "/calendar"),
    },
}


# --- The served schema ----------------------------------------------------------------------------


@functools.cache
def served() -> dict:
    response = HttpClient().get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.json()


def served_operations() -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path.removeprefix(PREFIX))
        for path, operations in served()["paths"].items()
        for method in operations
    )


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = served()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def closed(schema: Any) -> Any:
    """The schema with `additionalProperties: false` on every object that lists its properties:
    a field the code answers but the schema does not name is a failure."""
    if isinstance(schema, dict):
        schema = {key: closed(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    return schema


FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def is_time_with_offset(value: object) -> bool:
    """API.md: times are ISO 8601 with their offset."""
    return not isinstance(value, str) or dt.datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("date", raises=ValueError)
def is_date(value: object) -> bool:
    return not isinstance(value, str) or (bool(dt.date.fromisoformat(value)) and len(value) == 10)


def body_schema(method: str, path: str, status: int) -> dict:
    operation = served()["paths"][PREFIX + path][method.lower()]
    declared = operation["responses"]
    assert str(status) in declared, f"{method} {path} answered {status}, which it does not declare"
    return declared[str(status)]["content"]["application/json"]["schema"]


@dataclass
class Contract:
    """Calls the API and checks each answer against the served schema for its status."""

    answered: set[tuple[str, str, int]] = field(default_factory=set)

    def call(
        self,
        http: HttpClient,
        method: str,
        path: str,
        expect: int,
        *,
        ids: dict | None = None,
        query: dict | None = None,
        body: Any = None,
        headers: dict | None = None,
    ) -> Any:
        url = PREFIX + path.format(**(ids or {}))
        response = http.generic(
            method,
            url + ("?" + urlencode(query) if query else ""),
            data=b"" if body is None else json.dumps(body),
            content_type=JSON,
            headers=headers or {},
        )
        answer = response.json()
        assert response.status_code == expect, (method, url, response.status_code, answer)
        schema = closed({**body_schema(method, path, expect), "components": served()["components"]})
        problems = list(Draft202012Validator(schema, format_checker=FORMATS).iter_errors(answer))
        assert not problems, f"{method} {path} {expect}: the body does not match its schema: " + "; ".join(
            f"{list(p.absolute_path)}: {p.message}" for p in problems
        )
        self.answered.add((method, path, expect))
        return answer

    def assert_called(self, area: str) -> None:
        """Every operation of the area answered a success, and so was checked."""
        succeeded = {(m, p) for m, p, status in self.answered if status < 300}
        assert AREAS[area] <= succeeded, sorted(AREAS[area] - succeeded)


@pytest.fixture
def contract() -> Contract:
    return Contract()


# --- The schema itself ----------------------------------------------------------------------------


def objects_without_properties(schema: Any, where: str) -> list[str]:
    """Where a schema allows an object whose fields it does not name (a bare `dict`)."""
    found = []
    if isinstance(schema, dict):
        if "$ref" in schema:
            return []  # components are walked once, by name
        if schema.get("type") == "object" and "properties" not in schema:
            values = schema.get("additionalProperties")
            if not isinstance(values, dict) or not values:
                found.append(where)
        for key, value in schema.items():
            found += objects_without_properties(value, f"{where}.{key}")
    elif isinstance(schema, list):
        for n, item in enumerate(schema):
            found += objects_without_properties(item, f"{where}[{n}]")
    return found


def test_every_operation_declares_the_fields_of_its_bodies():
    schema = served()
    bare = []
    for method, path in served_operations():
        operation = schema["paths"][PREFIX + path][method.lower()]
        responses = operation["responses"]
        successes = [code for code in responses if code.startswith("2")]
        assert successes, f"{method} {path} declares no success"
        for code in successes:
            body = responses[code]["content"]["application/json"]["schema"]
            target = resolve(body)
            if target.get("type") == "array":
                target = resolve(target["items"])
            assert target.get("properties"), f"{method} {path} {code}: a body with no properties"
            bare += objects_without_properties(body, f"{method} {path} {code}")
        if operation.get("security"):  # every operation behind a token may refuse it
            for code in ("400", "401", "403"):
                assert responses.get(code, {}).get("content", {}).get("application/json", {}).get(
                    "schema"
                ) == {"$ref": "#/components/schemas/ErrorOut"}, f"{method} {path} does not declare {code}"
    for name, component in schema["components"]["schemas"].items():
        bare += objects_without_properties(component, name)
    assert not bare, f"objects whose fields are not named: {bare}"


def test_no_two_schemas_share_a_name():
    """The served components are keyed by class name, and a second Schema of the same name would
    silently replace the first: every Schema the operations use has a name of its own."""
    seen: dict[str, set[str]] = {}

    def declared(model: type) -> bool:
        """A Schema a module declares (ninja's own wrappers of each response and each group of
        parameters are made on the fly and named by it)."""
        return getattr(sys.modules.get(model.__module__), model.__qualname__, None) is model

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            qualified = f"{annotation.__module__}.{annotation.__qualname__}"
            if qualified in seen.get(annotation.__name__, set()):
                return
            if declared(annotation):
                seen.setdefault(annotation.__name__, set()).add(qualified)
            for model_field in annotation.model_fields.values():
                walk(model_field.annotation)
        for argument in getattr(annotation, "__args__", ()):
            walk(argument)
        for extra in getattr(annotation, "__metadata__", ()):
            walk(extra)

    for _prefix, router in desk_api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in operation.response_models.values():
                    if model not in (None, Ellipsis) and hasattr(model, "model_fields"):
                        walk(model)
                for model in operation.models:
                    walk(model)
    assert {"OrderOut", "ClientOut", "ErrorOut"} <= set(seen)
    clashes = {name: sorted(where) for name, where in seen.items() if len(where) > 1}
    assert not clashes, clashes


def test_every_served_operation_is_called_here():
    assert set(served_operations()) == set().union(*AREAS.values())


# --- A working day, through the API ---------------------------------------------------------------


@dataclass
class Desk:
    people: dict[str, User]
    http: dict[str, HttpClient]
    zarya: Any  # a market client with a manager and a credit limit
    romashka: Any  # a market client who has not ordered for a year: dormant (III.16)


@pytest.fixture
def desk(api) -> Desk:
    people = {
        "admin": make_staff(Role.ADMIN, username="admin.k", full_name="Константин Админов"),
        "operator": make_staff(
            Role.OPERATOR, department_code="call_center", username="o.smirnova", full_name="Ольга Смирнова"
        ),
        "manager": make_staff(
            Role.MANAGER, department_code="wholesale", username="t.pavlova", full_name="Татьяна Павлова"
        ),
        "head": make_staff(
            Role.HEAD, department_code="wholesale", username="p.ivanov", full_name="Пётр Иванов"
        ),
        "finance": make_staff(
            Role.FINANCE, department_code="finance", username="a.kuznetsova", full_name="Анна Кузнецова"
        ),
        "commercial": make_staff(
            Role.COMMERCIAL, department_code="wholesale", username="i.sokolov", full_name="Игорь Соколов"
        ),
    }
    Department.objects.filter(code="wholesale").update(head=people["head"])
    zarya = ClientFactory(
        name="ООО «Заря»",
        tax_id="7701234567",
        type=client_type("market"),
        manager=people["manager"],
        credit_limit=Decimal("150000.00"),
        region="Москва",
        address="Москва, ул. Ленина, д. 1",
    )
    ClientPhoneFactory(client=zarya, number="+74951112233")
    romashka = ClientFactory(
        name="ИП Ромашкина Е. В.",
        tax_id="7709876543",
        type=client_type("market"),
        manager=people["manager"],
        joined_on=dt.date(2024, 3, 1),
    )
    ClientPhoneFactory(client=romashka, number="+74953334455")
    today = timezone.localdate()
    for sku, name, base, column_3, new in [
        ("KV-015", "Квас «Очаковский», 1,5 л", "89.90", "84.50", False),
        ("CH-150", "Чипсы «Русская картошка», 150 г", "119.00", "111.90", False),
        ("MR-500", "Морс клюквенный, 0,5 л", "74.00", "69.50", True),
        ("PR-300", "Пряники тульские, 300 г", "149.00", "139.00", False),
        ("SG-001", "Сушки с маком, на развес", "210.00", "198.00", False),
    ]:
        product = ProductFactory(
            sku=sku,
            name=name,
            unit="кг" if sku == "SG-001" else "шт",  # by weight: a fraction of a kilogram is sold
            new_until=today + dt.timedelta(days=30) if new else None,
        )
        price(product, "base", base)
        price(product, "column_3", column_3)
    return Desk(
        people=people, http={role: api(user) for role, user in people.items()}, zarya=zarya, romashka=romashka
    )


def test_service_and_staff_bodies(desk, contract):
    http = desk.http
    contract.call(HttpClient(), "GET", "/health", 200)
    me = contract.call(http["operator"], "GET", "/me", 200)
    assert (me["username"], me["full_name"], me["role"]) == ("o.smirnova", "Ольга Смирнова", "operator")
    assert me["language"] is None
    chosen = contract.call(http["operator"], "PATCH", "/me", 200, body={"language": "ru"})
    assert chosen["language"] == "ru"
    contract.call(http["operator"], "PATCH", "/me", 400, body={"language": "русский"})
    staff = contract.call(http["head"], "GET", "/staff", 200, query={"department": "wholesale"})
    assert {"t.pavlova", "p.ivanov"} <= {person["username"] for person in staff["items"]}
    created = contract.call(
        http["admin"],
        "POST",
        "/staff",
        201,
        body={
            "username": "m.orlova",
            "full_name": "Мария Орлова",
            "role": "manager",
            "department": "wholesale",
            "key_account": True,
            "email": "m.orlova@example.test",
            "password": "Zarya-2026-pass",
        },
    )
    assert (created["full_name"], created["key_account"], created["presence"]) == (
        "Мария Орлова",
        True,
        "available",
    )
    contract.call(
        http["admin"],
        "POST",
        "/staff",
        409,
        body={"username": "m.orlova", "full_name": "Мария Орлова", "role": "manager"},
    )
    contract.call(http["admin"], "POST", "/staff", 400, body={"username": "", "full_name": "", "role": "кто"})
    presence = contract.call(
        http["manager"],
        "PUT",
        "/staff/{username}/presence",
        200,
        ids={"username": "t.pavlova"},
        body={"status": "busy"},
    )
    assert presence["presence"] == "busy"
    contract.call(
        http["admin"],
        "PUT",
        "/staff/{username}/presence",
        404,
        ids={"username": "nobody"},
        body={"status": "busy"},
    )
    # a department's head and deputy (III.4, III.15, III.19): both at once, or neither
    deputy = make_staff(Role.HEAD, department_code="wholesale", username="e.belova", full_name="Елена Белова")
    named = contract.call(
        http["admin"],
        "PUT",
        "/departments/{code}",
        200,
        ids={"code": "wholesale"},
        body={"head": "p.ivanov", "deputy": deputy.username},
    )
    assert named == {"code": "wholesale", "name": "Wholesale sales", "head": "p.ivanov", "deputy": "e.belova"}
    refused = contract.call(
        http["admin"],
        "PUT",
        "/departments/{code}",
        400,
        ids={"code": "wholesale"},
        body={"head": "p.ivanov", "deputy": "p.ivanov"},
    )
    assert refused["errors"] == [{"field": "deputy", "detail": "The deputy is another person than the head."}]
    contract.call(http["admin"], "PUT", "/departments/{code}", 404, ids={"code": "mars"}, body={"head": None})
    contract.call(
        http["head"], "PUT", "/departments/{code}", 403, ids={"code": "wholesale"}, body={"head": "p.ivanov"}
    )
    contract.call(HttpClient(), "GET", "/me", 401)
    contract.call(HttpClient(headers={"Authorization": "Bearer not-a-token"}), "GET", "/staff", 401)
    contract.call(
        http["operator"], "POST", "/staff", 403, body={"username": "x", "full_name": "x", "role": "operator"}
    )
    contract.assert_called("service and staff")


def test_client_bodies(desk, contract):
    http = desk.http
    registered = contract.call(
        http["operator"],
        "POST",
        "/clients",
        201,
        body={
            "name": "ИП Петров А. В.",
            "tax_id": "502712345678",
            "type": "retail",
            "phones": ["8 (495) 765-43-21"],
            "region": "Московская область",
            "address": "Мытищи, Олимпийский пр-т, 10",
        },
    )
    assert (registered["department"], registered["phones"], registered["credit_limit"]) == (
        "retail",
        ["+74957654321"],
        None,
    )
    contract.call(
        http["operator"],
        "POST",
        "/clients",
        409,
        body={"name": "ИП Петров А. В.", "tax_id": "502712345678", "type": "retail"},
    )
    changed = contract.call(
        http["finance"],
        "PATCH",
        "/clients/{client_id}",
        200,
        ids={"client_id": desk.zarya.pk},
        body={"credit_limit": "12500.00", "payment_terms_days": 21},
    )
    assert (changed["credit_limit"], changed["manager"]["full_name"]) == ("12500.00", "Татьяна Павлова")
    contract.call(
        http["finance"],
        "PATCH",
        "/clients/{client_id}",
        400,
        ids={"client_id": desk.zarya.pk},
        body={"credit_limit": 12.5},
    )
    loaded = contract.call(
        http["finance"],
        "PUT",
        "/receivables",
        200,
        body=[
            {
                "document": "СЧ-2026-000123",
                "client_tax_id": "7701234567",
                "issued_on": "2026-10-01",
                "due_on": "2026-10-15",
                "amount": "12500.00",
                "paid": "2500.00",
            },
            {
                "document": "СЧ-2026-000124",
                "client_tax_id": "7701234567",
                "issued_on": timezone.localdate().isoformat(),
                "due_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
                "amount": "4300.50",
            },
        ],
    )
    assert loaded == {"created": 2, "updated": 0}
    refused = contract.call(
        http["finance"],
        "PUT",
        "/receivables",
        400,
        body=[
            {"document": "СЧ-1", "client_tax_id": "0000000000", "issued_on": "2026-02-30", "amount": "1,5"}
        ],
    )
    assert {error["row"] for error in refused["errors"]} == {0}
    debt = contract.call(
        http["manager"], "GET", "/clients/{client_id}/debt", 200, ids={"client_id": desk.zarya.pk}
    )
    assert debt == {
        "overdue": "10000.00",
        "outstanding": "14300.50",
        "open_orders": "0.00",
        "credit_limit": "12500.00",
        "headroom": "-1800.50",
        "blocks_order": True,
        "reasons": ["overdue", "over_limit"],
    }
    card = contract.call(
        http["manager"], "GET", "/clients/{client_id}", 200, ids={"client_id": desk.zarya.pk}
    )
    assert (card["name"], card["phones"]) == ("ООО «Заря»", ["+74951112233"])
    contract.call(http["manager"], "GET", "/clients/{client_id}", 404, ids={"client_id": 999_999})
    found = contract.call(http["manager"], "GET", "/clients", 200, query={"search": "Заря"})
    assert [client["name"] for client in found["items"]] == ["ООО «Заря»"]
    contract.call(http["manager"], "GET", "/clients", 400, query={"limit": 501})
    popped = contract.call(http["operator"], "GET", "/lookup", 200, query={"phone": "+74951112233"})
    assert (popped["client"]["name"], popped["debt"]["blocks_order"], popped["route"]["clause"]) == (
        "ООО «Заря»",
        True,
        "III.6",
    )
    unknown = contract.call(http["operator"], "GET", "/lookup", 200, query={"phone": "+74990000000"})
    assert (unknown["client"], unknown["debt"], unknown["route"]["handler"]) == (
        None,
        None,
        "department_head",
    )
    contract.assert_called("clients")


def test_catalog_bodies(desk, contract):
    http = desk.http
    columns = contract.call(http["operator"], "GET", "/price-columns", 200)
    assert columns[0]["code"] == "base"
    loaded = contract.call(
        http["commercial"],
        "PUT",
        "/price-list",
        200,
        body=[
            {
                "sku": "KV-015",
                "name": "Квас «Очаковский», 1,5 л",
                "unit": "шт",
                "pack": 6,
                "category": "Напитки",
                "active": True,
                "prices": {"base": "92.40", "column_3": "86.90"},
            },
            {
                "sku": "HL-800",
                "name": "Хлебцы ржаные, 800 г",
                "unit": "шт",
                "category": "Бакалея",
                "new_until": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
                "prices": {"base": "12500.00"},
            },
        ],
    )
    assert (loaded["created"], loaded["updated"]) == (1, 1)
    contract.call(
        http["commercial"], "PUT", "/price-list", 400, body=[{"sku": "X-1", "name": "Без цены", "prices": {}}]
    )
    products = contract.call(
        http["operator"], "GET", "/products", 200, query={"search": "Квас", "client": desk.zarya.pk}
    )
    assert [(item["sku"], item["price"], item["column"]) for item in products["items"]] == [
        ("KV-015", "92.40", "base")
    ]
    contract.call(http["operator"], "GET", "/products", 404, query={"client": 999_999})
    today = timezone.localdate()
    special = contract.call(
        http["commercial"],
        "POST",
        "/specials",
        201,
        body={
            "sku": "PR-300",
            "valid_from": today.isoformat(),
            "valid_to": (today + dt.timedelta(days=14)).isoformat(),
            "client_types": ["market"],
            "note": "Тульские пряники: к чаю, скидка на неделю",
            "special_price": "129.00",
        },
    )
    assert (special["sku"], special["special_price"]) == ("PR-300", "129.00")
    rule = contract.call(
        http["commercial"],
        "POST",
        "/discount-rules",
        201,
        body={
            "column": "column_3",
            "client_types": ["market"],
            "min_subtotal": "12500.00",
            "priority": 20,
            "valid_from": today.isoformat(),
            "name": "Рынки от 12 500 ₽",
        },
    )
    assert (rule["column"], rule["min_subtotal"], rule["valid_to"]) == ("column_3", "12500.00", None)
    contract.call(
        http["commercial"],
        "POST",
        "/discount-rules",
        400,
        body={"column": "нет", "valid_from": today.isoformat()},
    )
    contract.call(http["operator"], "POST", "/specials", 403, body={})
    contract.assert_called("catalog")


def test_order_bodies(desk, contract):
    http = desk.http
    operator, manager = http["operator"], http["manager"]
    order = contract.call(operator, "POST", "/orders", 201, body={"client": desk.zarya.pk})
    ids = {"order_id": order["id"]}
    assert (order["status"], order["number"], order["lines"], order["headroom"]) == (
        "draft",
        None,
        [],
        "150000.00",
    )
    added = contract.call(
        operator, "POST", "/orders/{order_id}/lines", 201, ids=ids, body={"sku": "KV-015", "quantity": "48"}
    )
    assert (added["line"]["name"], added["line"]["total"], added["repriced"]) == (
        "Квас «Очаковский», 1,5 л",
        "4315.20",
        False,
    )
    line_ids = {**ids, "line_id": added["line"]["id"]}
    changed = contract.call(
        operator, "PATCH", "/orders/{order_id}/lines/{line_id}", 200, ids=line_ids, body={"quantity": "150"}
    )
    assert (changed["line"]["quantity"], changed["subtotal"]) == ("150.000", "13485.00")
    extra = contract.call(
        operator, "POST", "/orders/{order_id}/lines", 201, ids=ids, body={"sku": "SG-001", "quantity": "2.5"}
    )
    removed = contract.call(
        operator,
        "DELETE",
        "/orders/{order_id}/lines/{line_id}",
        200,
        ids={**ids, "line_id": extra["line"]["id"]},
    )
    assert (removed["line"], removed["lines_count"]) == (None, 1)
    contract.call(
        operator, "POST", "/orders/{order_id}/lines", 400, ids=ids, body={"sku": "KV-015", "quantity": "0"}
    )
    suggestions = contract.call(operator, "GET", "/orders/{order_id}/suggestions", 200, ids=ids)
    assert "MR-500" in {item["sku"] for item in suggestions}
    for sku, outcome in [("MR-500", "accepted"), ("PR-300", "declined"), ("CH-150", "declined")]:
        offered = contract.call(
            operator,
            "POST",
            "/orders/{order_id}/offers",
            201,
            ids=ids,
            body={"sku": sku, "outcome": outcome, "quantity": "12", "reason": "Клиент подумает"},
        )
    assert offered["offers_made"] == 3
    early = contract.call(
        operator, "POST", "/orders/{order_id}/confirm", 409, ids=ids, headers={"Idempotency-Key": "Заря-1"}
    )
    assert early["code"] == "delivery_incomplete"
    replayed = contract.call(
        operator, "POST", "/orders/{order_id}/confirm", 409, ids=ids, headers={"Idempotency-Key": "Заря-1"}
    )
    assert replayed == early
    terms = contract.call(
        operator,
        "PATCH",
        "/orders/{order_id}",
        200,
        ids=ids,
        body={
            "delivery": {
                "date": delivery_day().isoformat(),
                "window": "10:00-14:00",
                "receiver_name": "Иван Попов",
                "receiver_phone": "8 916 555-44-33",
                "address": "Москва, ул. Ленина, д. 1, склад 2",
            },
            "notes": "Въезд со двора, позвонить за час",
        },
    )
    assert terms["missing"] == []
    confirmed = contract.call(
        operator, "POST", "/orders/{order_id}/confirm", 200, ids=ids, headers={"Idempotency-Key": "Заря-2"}
    )
    assert (confirmed["status"], confirmed["total"], "headroom" in confirmed) == (
        "confirmed",
        "14373.00",
        False,
    )
    again = contract.call(
        operator, "POST", "/orders/{order_id}/confirm", 200, ids=ids, headers={"Idempotency-Key": "Заря-2"}
    )
    assert again == confirmed
    read = contract.call(operator, "GET", "/orders/{order_id}", 200, ids=ids)
    assert [(line["sku"], line["unit_price"]) for line in read["lines"]] == [
        ("KV-015", "89.90"),
        ("MR-500", "74.00"),
    ]
    moved = contract.call(
        manager, "POST", "/orders/{order_id}/status", 200, ids=ids, body={"status": "in_fulfilment"}
    )
    assert moved["status"] == "in_fulfilment"
    contract.call(
        manager, "POST", "/orders/{order_id}/status", 409, ids=ids, body={"status": "in_fulfilment"}
    )
    # a second draft, let past the debt checks by the manager
    draft = contract.call(manager, "POST", "/orders", 201, body={"client": desk.zarya.pk})
    excepted = contract.call(
        manager,
        "POST",
        "/orders/{order_id}/exception",
        200,
        ids={"order_id": draft["id"]},
        body={"reason": "Оплата обещана до пятницы, согласовано с финансами"},
    )
    assert excepted["exception"]["by"] == "t.pavlova"
    contract.call(
        operator,
        "POST",
        "/orders/{order_id}/exception",
        403,
        ids={"order_id": draft["id"]},
        body={"reason": "Я оператор"},
    )
    contract.call(operator, "POST", "/orders/{order_id}/confirm", 404, ids={"order_id": 999_999})
    export = contract.call(http["head"], "GET", "/orders", 200, query={"status": "in_fulfilment"})
    assert [(item["number"], item["total"], item["lines"][0]["quantity"]) for item in export["items"]] == [
        (confirmed["number"], "14373.00", "150.000")
    ]
    contract.call(http["head"], "GET", "/orders", 400, query={"status": "потерян"})
    contract.call(HttpClient(), "GET", "/orders/{order_id}", 401, ids=ids)
    contract.assert_called("orders")


def test_call_bodies(desk, contract):
    operator = desk.http["operator"]
    popped = contract.call(
        operator,
        "POST",
        "/calls",
        201,
        body={"direction": "inbound", "phone": "8 (495) 111-22-33", "operator": "o.smirnova"},
    )
    assert (popped["lookup"]["client"]["name"], popped["screen_pop_url"]) == (
        "ООО «Заря»",
        f"http://testserver/desk/calls/{popped['id']}/",
    )
    ended = contract.call(
        operator,
        "POST",
        "/calls/{call_id}/end",
        200,
        ids={"call_id": popped["id"]},
        body={"purpose": "reference", "outcome": "info_sent", "notes": "Выслали прайс на почту"},
    )
    assert (ended["outcome"], ended["client"], ended["route"]["clause"]) == (
        "info_sent",
        desk.zarya.pk,
        "III.3",
    )
    contract.call(
        operator,
        "POST",
        "/calls/{call_id}/end",
        409,
        ids={"call_id": popped["id"]},
        body={"purpose": "reference", "outcome": "info_sent"},
    )
    contract.call(
        operator,
        "POST",
        "/calls/{call_id}/end",
        404,
        ids={"call_id": 999_999},
        body={"purpose": "other", "outcome": "feedback"},
    )
    register = contract.call(
        operator,
        "GET",
        "/calls",
        200,
        query={"operator": "o.smirnova", "on": timezone.localdate().isoformat()},
    )
    assert [(call["phone"], call["notes"]) for call in register["items"]] == [
        ("+74951112233", "Выслали прайс на почту")
    ]
    contract.call(operator, "GET", "/calls", 400, query={"on": "2026-02-30"})
    contract.assert_called("calls")


def test_outbound_bodies(desk, contract):
    http = desk.http
    built = contract.call(
        http["admin"], "POST", "/jobs/dormant-list", 200, query={"on": timezone.localdate().isoformat()}
    )
    assert built["created"] == 2  # neither market client has ever ordered
    tasks = contract.call(http["operator"], "GET", "/call-tasks", 200, query={"status": "open"})
    task = next(item for item in tasks["items"] if item["client"] == desk.romashka.pk)
    done = contract.call(
        http["operator"],
        "POST",
        "/call-tasks/{task_id}/result",
        200,
        ids={"task_id": task["id"]},
        body={"outcome": "refused", "refusal_reason": "Закрыли точку на ремонт"},
    )
    assert (done["status"], done["outcome"]) == ("done", "refused")
    contract.call(
        http["operator"],
        "POST",
        "/call-tasks/{task_id}/result",
        409,
        ids={"task_id": task["id"]},
        body={"outcome": "agreed"},
    )
    contract.call(http["operator"], "POST", "/jobs/dormant-list", 403)
    contract.assert_called("outbound")


def test_report_bodies(desk, contract):
    operator = desk.http["operator"]
    popped = contract.call(
        operator, "POST", "/calls", 201, body={"direction": "inbound", "phone": "+74951112233"}
    )
    contract.call(
        operator,
        "POST",
        "/calls/{call_id}/end",
        200,
        ids={"call_id": popped["id"]},
        body={"purpose": "other", "outcome": "feedback", "notes": "Просят больше кваса летом"},
    )
    today = timezone.localdate()
    call_command("build_operator_reports", "--on", today.isoformat(), stdout=StringIO())
    report = contract.call(operator, "GET", "/reports/operators", 200, query={"on": today.isoformat()})
    assert [
        (row["operator"], row["full_name"], row["calls_in"], row["order_value"]) for row in report["items"]
    ] == [("o.smirnova", "Ольга Смирнова", 1, "0.00")]
    contract.call(
        operator, "GET", "/reports/operators", 400, query={"on": (today + dt.timedelta(days=1)).isoformat()}
    )
    contract.call(desk.http["commercial"], "GET", "/reports/operators", 403)
    contract.assert_called("reports")


def test_warehouse_bodies(desk, contract):
    """PUT /stock (III.12): the admin's report is counted; a bad row is a 400 naming its row."""
    from warehouse.models import Warehouse

    Warehouse.objects.create(code="podolsk", name="Склад Подольск")
    stored = contract.call(
        desk.http["admin"],
        "PUT",
        "/stock",
        200,
        body=[
            {"sku": "KV-015", "warehouse": "main", "quantity": 120},
            {"sku": "CH-150", "warehouse": "Склад Подольск", "quantity": "36.500"},
        ],
    )
    assert stored == {"created": 2, "updated": 0}
    refused = contract.call(
        desk.http["admin"],
        "PUT",
        "/stock",
        400,
        body=[{"sku": "KV-015", "warehouse": "main", "quantity": -1}],
    )
    assert [(error["row"], error["field"]) for error in refused["errors"]] == [(0, "quantity")]
    contract.call(desk.http["operator"], "PUT", "/stock", 403, body=[])
    products = contract.call(desk.http["operator"], "GET", "/products", 200, query={"search": "квас"})
    assert (products["warehouse"], [item["available"] for item in products["items"]]) == ("main", ["120.000"])
    days = contract.call(
        desk.http["admin"],
        "PUT",
        "/calendar",
        200,
        body=[{"date": "2027-06-19", "working": True, "note": "Рабочая суббота"}],
    )
    assert days == {"created": 1, "updated": 0}
    refused = contract.call(
        desk.http["admin"], "PUT", "/calendar", 400, body=[{"date": "19.06.2027", "working": True}]
    )
    assert refused["errors"] == [
        {"field": "date", "row": 0, "detail": "Send dates as YYYY-MM-DD: 19.06.2027 is 2027-06-19."}
    ]
    contract.call(desk.http["operator"], "PUT", "/calendar", 403, body=[])
    contract.assert_called("warehouse")
