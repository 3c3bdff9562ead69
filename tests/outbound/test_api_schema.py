"""The call-task operations describe their answers: the served OpenAPI lists every field of each
body, and real bodies (a dormant list built, the tasks, a callback recorded) validate against it."""

from datetime import date

import pytest
from jsonschema import Draft202012Validator

from staff.models import Role
from tests.factories import ClientFactory, client_type

OPERATIONS = [
    ("/api/v1/jobs/dormant-list", "post", "DormantListOut"),
    ("/api/v1/call-tasks", "get", "CallTaskPage"),
    ("/api/v1/call-tasks/{task_id}/result", "post", "CallTaskOut"),
]


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").json()


def body_schema(openapi: dict, path: str, method: str) -> dict:
    ok = openapi["paths"][path][method]["responses"]["200"]
    return {**ok["content"]["application/json"]["schema"], "components": openapi["components"]}


def check(openapi: dict, path: str, method: str, body: dict) -> None:
    errors = list(Draft202012Validator(body_schema(openapi, path, method)).iter_errors(body))
    assert errors == []


@pytest.mark.parametrize(("path", "method", "name"), OPERATIONS)
def test_each_operation_answers_a_named_schema_with_its_errors(openapi, path, method, name):
    responses = openapi["paths"][path][method]["responses"]
    ok = responses["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": f"#/components/schemas/{name}"}
    assert {"400", "401", "403", "503"} <= set(responses)


def test_the_task_schema_lists_every_field(openapi):
    task = openapi["components"]["schemas"]["CallTaskOut"]
    assert set(task["properties"]) == {
        "id",
        "list",
        "client",
        "operator",
        "reason",
        "last_order_on",
        "status",
        "outcome",
        "refusal_reason",
        "answers",
        "attempts",
        "callback_at",
    }
    assert set(task["required"]) == set(task["properties"])
    assert task["properties"]["reason"]["enum"] == ["dormant", "never_ordered", "campaign"]
    outcomes = ["agreed", "refused", "informed", "no_answer", "callback", ""]
    assert task["properties"]["outcome"]["enum"] == outcomes
    assert set(openapi["components"]["schemas"]["DormantListOut"]["properties"]) == {"created", "list"}


def test_real_bodies_validate_against_the_served_schema(api, openapi, staff_of):
    operator = staff_of(Role.OPERATOR, department_code="call_center", username="светлана")
    admin_user = staff_of(Role.ADMIN, department_code=None)
    market = client_type("market")
    ClientFactory(name="Ларёк «Вокзальный»", type=market, last_order_on=date(2025, 12, 1))
    ClientFactory(name="Never-ordered kiosk", type=market, last_order_on=None, joined_on=date(2024, 1, 15))

    built = api(admin_user).post("/api/v1/jobs/dormant-list?on=2026-11-28")
    assert built.status_code == 200
    check(openapi, "/api/v1/jobs/dormant-list", "post", built.json())

    page = api(operator).get("/api/v1/call-tasks", {"operator": "светлана"}).json()
    assert page["count"] == 2
    check(openapi, "/api/v1/call-tasks", "get", page)
    never = next(item for item in page["items"] if item["reason"] == "never_ordered")
    assert (never["last_order_on"], never["outcome"], never["callback_at"]) == (None, "", None)

    answered = api(operator).post(
        f"/api/v1/call-tasks/{never['id']}/result",
        {"outcome": "callback", "callback_at": "2026-12-01T10:30:00+03:00"},
        content_type="application/json",
    )
    assert answered.status_code == 200
    body = answered.json()
    check(openapi, "/api/v1/call-tasks/{task_id}/result", "post", body)
    assert (body["status"], body["outcome"], body["attempts"]) == ("callback", "callback", 1)
    assert body["callback_at"] == "2026-12-01T07:30:00+00:00"
