"""Staff and clients through the API: who may change what, history, and clear 4xx answers."""

from decimal import Decimal

import pytest

from clients.models import Client, ClientChange
from staff.models import Department, Role, User
from tests.factories import ClientFactory, ClientPhoneFactory, client_type

pytestmark = pytest.mark.django_db

NEW_CLIENT = {
    "name": "Zarya minimarket",
    "tax_id": "7709876543",
    "type": "retail",
    "phones": ["8 (495) 765-43-21", "+7 916 000 11 22"],
    "region": "Moscow",
    "address": "Moscow, Mira st. 5",
}


@pytest.fixture
def people(staff_of):
    return {
        "head": staff_of(Role.HEAD, username="volkov"),
        "retail_head": staff_of(Role.HEAD, department_code="retail", username="bogdanov"),
        "oleg": staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov"),
        "irina": staff_of(Role.MANAGER, username="irina", key_account=True),
        "tatiana": staff_of(Role.MANAGER, department_code="retail", username="tatiana"),
        "finance": staff_of(Role.FINANCE, department_code="finance", username="norlova"),
        "admin": staff_of(Role.ADMIN, department_code=None, username="boss"),
    }


def test_operator_registers_a_new_client_who_waits_for_the_retail_head(api, operator, people):
    Department.objects.filter(code="retail").update(head=people["retail_head"])
    response = api(operator).post("/api/v1/clients", NEW_CLIENT, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["department"] == "retail"  # from the type
    assert body["manager"] is None
    assert body["phones"] == ["+74957654321", "+79160001122"]
    assert body["credit_limit"] is None
    client = Client.objects.get(pk=body["id"])
    assert client.type.code == "retail"
    lookup = api(operator).get("/api/v1/lookup", {"phone": "84957654321"}).json()
    assert lookup["route"]["handler"] == "department_head"
    assert lookup["route"]["user"] == "bogdanov"


def test_operator_may_not_set_a_manager_or_a_credit_limit(api, operator, people):
    for extra in ({"manager": "tatiana"}, {"credit_limit": "50000.00"}):
        response = api(operator).post(
            "/api/v1/clients", {**NEW_CLIENT, **extra}, content_type="application/json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"tax_id": "7701234567"}, 409, "conflict", "tax_id"),
        ({"phones": ["+7 495 111-11-11"]}, 409, "conflict", "phones"),
        ({"phones": ["not a phone"]}, 400, "validation_error", "phones.0"),
        ({"type": "alien"}, 400, "validation_error", "type"),
        ({"name": ""}, 400, "validation_error", "name"),
    ],
)
def test_bad_new_clients_are_refused_and_nothing_is_written(api, people, change, status, code, field):
    ClientPhoneFactory(client=ClientFactory(tax_id="7701234567"), number="+74951111111")
    before = Client.objects.count()
    response = api(people["admin"]).post(
        "/api/v1/clients", {**NEW_CLIENT, **change}, content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert Client.objects.count() == before


def test_money_as_a_float_or_with_three_decimals_is_400(api, people):
    for limit in (50000.5, "12.345", "-1.00", "lots"):
        response = api(people["admin"]).post(
            "/api/v1/clients", {**NEW_CLIENT, "credit_limit": limit}, content_type="application/json"
        )
        assert response.status_code == 400, limit
        assert response.json()["errors"][0]["field"] == "credit_limit"


def test_a_malformed_json_body_is_400_not_500(api, people):
    response = api(people["admin"]).post("/api/v1/clients", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_head_assigns_a_manager_and_history_keeps_who_when_old_new(api, people):
    client = ClientFactory(manager=None)
    response = api(people["head"]).patch(
        f"/api/v1/clients/{client.pk}", {"manager": "oleg"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["manager"] == {
        "username": "oleg",
        "full_name": "Oleg Ivanov",
        "presence": "available",
    }
    api(people["head"]).patch(
        f"/api/v1/clients/{client.pk}", {"manager": "irina"}, content_type="application/json"
    )
    changes = list(
        ClientChange.objects.order_by("id").values_list(
            "field", "old_value", "new_value", "changed_by__username"
        )
    )
    assert changes == [("manager", "", "oleg", "volkov"), ("manager", "oleg", "irina", "volkov")]
    assert all(c.changed_at is not None for c in ClientChange.objects.all())


def test_head_of_another_department_may_not_reassign(api, people):
    client = ClientFactory(manager=people["oleg"])
    response = api(people["retail_head"]).patch(
        f"/api/v1/clients/{client.pk}", {"manager": "irina"}, content_type="application/json"
    )
    assert response.status_code == 403
    client.refresh_from_db()
    assert client.manager == people["oleg"]


@pytest.mark.parametrize(
    ("who", "change", "status"),
    [
        ("oleg", {"manager": "irina"}, 403),  # managers do not reassign
        ("oleg", {"type": "key"}, 403),
        ("head", {"credit_limit": "1.00"}, 403),  # heads do not touch limits
        ("finance", {"credit_limit": "75000.00"}, 200),
        ("finance", {"manager": "irina"}, 403),
        ("oleg", {"address": "Moscow, Lesnaya st. 2"}, 200),  # the client's own manager
        ("irina", {"address": "Moscow, Lesnaya st. 2"}, 403),  # not their client
        ("admin", {"type": "market", "credit_limit": None}, 200),
    ],
)
def test_who_may_change_what(api, people, who, change, status):
    client = ClientFactory(manager=people["oleg"])
    response = api(people[who]).patch(f"/api/v1/clients/{client.pk}", change, content_type="application/json")
    assert response.status_code == status, response.json()


def test_operator_reads_but_may_not_change(api, operator, people):
    client = ClientFactory(manager=people["oleg"], name="Teremok")
    http = api(operator)
    assert http.get(f"/api/v1/clients/{client.pk}").json()["name"] == "Teremok"
    assert http.get("/api/v1/clients", {"search": "terem"}).json()["count"] == 1
    assert (
        http.patch(f"/api/v1/clients/{client.pk}", {"name": "X"}, content_type="application/json").status_code
        == 403
    )


def test_credit_limit_change_keeps_history(api, people):
    client = ClientFactory(manager=people["oleg"], credit_limit=Decimal("50000.00"))
    api(people["finance"]).patch(
        f"/api/v1/clients/{client.pk}", {"credit_limit": None}, content_type="application/json"
    )
    api(people["finance"]).patch(
        f"/api/v1/clients/{client.pk}", {"credit_limit": "0.00"}, content_type="application/json"
    )
    history = list(ClientChange.objects.order_by("id").values_list("field", "old_value", "new_value"))
    assert history == [("credit_limit", "50000.00", ""), ("credit_limit", "", "0.00")]


def test_changing_the_type_to_another_department_sends_the_client_to_its_heads_queue(api, people):
    client = ClientFactory(manager=people["oleg"])
    response = api(people["head"]).patch(
        f"/api/v1/clients/{client.pk}", {"type": "retail"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["department"] == "retail"
    assert response.json()["manager"] is None
    history = set(ClientChange.objects.values_list("field", "old_value", "new_value"))
    assert history == {("type", "market", "retail"), ("manager", "oleg", "")}


def test_key_client_needs_a_key_account_manager(api, people):
    client = ClientFactory(type=client_type("key"), manager=people["irina"])
    response = api(people["head"]).patch(
        f"/api/v1/clients/{client.pk}", {"manager": "oleg"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "A key client needs a key-account manager (III.4)."


def test_phones_are_replaced_normalised(api, people):
    client = ClientFactory(manager=people["oleg"])
    ClientPhoneFactory(client=client, number="+74950000000")
    response = api(people["oleg"]).patch(
        f"/api/v1/clients/{client.pk}",
        {"phones": ["8 916 123 45 67", "+7 (495) 000-00-00"]},
        content_type="application/json",
    )
    assert sorted(response.json()["phones"]) == ["+74950000000", "+79161234567"]


# --- staff ---------------------------------------------------------------------------------------


def test_admin_creates_staff_and_lists_them(api, people):
    http = api(people["admin"])
    response = http.post(
        "/api/v1/staff",
        {
            "username": "newkam",
            "full_name": "New Kam",
            "role": "manager",
            "department": "wholesale",
            "key_account": True,
            "email": "k@example.test",
            "password": "long-enough-1",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json() == {
        "username": "newkam",
        "full_name": "New Kam",
        "role": "manager",
        "department": "wholesale",
        "key_account": True,
        "presence": "available",
    }
    assert User.objects.get(username="newkam").check_password("long-enough-1")
    listed = http.get("/api/v1/staff", {"role": "manager", "department": "wholesale"}).json()
    assert [s["username"] for s in listed["items"]] == ["irina", "newkam", "oleg"]
    assert listed["count"] == 3


def test_staff_creation_errors(api, people, operator):
    assert (
        api(operator)
        .post(
            "/api/v1/staff",
            {"username": "x", "full_name": "X", "role": "operator"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    http = api(people["admin"])
    duplicate = http.post(
        "/api/v1/staff",
        {"username": "oleg", "full_name": "X", "role": "manager"},
        content_type="application/json",
    )
    assert duplicate.status_code == 409
    bad_role = http.post(
        "/api/v1/staff", {"username": "y", "full_name": "Y", "role": "king"}, content_type="application/json"
    )
    assert bad_role.status_code == 400
    assert bad_role.json()["errors"][0]["field"] == "role"
    bad_department = http.post(
        "/api/v1/staff",
        {"username": "z", "full_name": "Z", "role": "manager", "department": "mars"},
        content_type="application/json",
    )
    assert bad_department.status_code == 400


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("oleg", "oleg", 200),
        ("oleg", "irina", 403),
        ("head", "irina", 200),
        ("retail_head", "irina", 403),
        ("admin", "irina", 200),
    ],
)
def test_presence_is_set_by_the_person_their_head_or_admin(api, people, who, target, status):
    response = api(people[who]).put(
        f"/api/v1/staff/{target}/presence", {"status": "absent"}, content_type="application/json"
    )
    assert response.status_code == status
    expected = "absent" if status == 200 else "available"
    assert User.objects.get(username=target).presence == expected


def test_the_exchange_sets_anyones_presence(api, staff_of, people):
    from django.contrib.auth.models import Permission

    exchange = staff_of(Role.OPERATOR, department_code="call_center", username="exchange")
    exchange.user_permissions.add(Permission.objects.get(codename="set_any_presence"))
    response = api(User.objects.get(pk=exchange.pk)).put(
        "/api/v1/staff/irina/presence", {"status": "busy"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["presence"] == "busy"


def test_bad_presence_is_400_and_unknown_person_404(api, people):
    http = api(people["admin"])
    assert (
        http.put(
            "/api/v1/staff/oleg/presence", {"status": "asleep"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        http.put(
            "/api/v1/staff/ghost/presence", {"status": "busy"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_client_search_is_paginated_with_the_full_count(api, operator, django_assert_num_queries):
    for n in range(7):
        ClientPhoneFactory(client=ClientFactory(name=f"Kalinka {n}"))
    http = api(operator)
    body = http.get("/api/v1/clients", {"search": "kalinka", "limit": 3, "offset": 3}).json()
    assert body["count"] == 7
    assert [c["name"] for c in body["items"]] == ["Kalinka 3", "Kalinka 4", "Kalinka 5"]
    assert http.get("/api/v1/clients", {"search": "kalinka", "limit": 501}).status_code == 400


def test_staff_list_runs_in_constant_queries(api, people, django_assert_num_queries):
    http = api(people["admin"])
    http.get("/api/v1/staff")  # warm the token's last-use stamp
    # token + user, count, page, role groups prefetch
    with django_assert_num_queries(4):
        body = http.get("/api/v1/staff").json()
    assert body["count"] == 7
    assert {s["username"]: s["role"] for s in body["items"]}["norlova"] == "finance"
