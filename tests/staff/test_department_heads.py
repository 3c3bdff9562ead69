"""Heads as the API sets them (III.4, III.15, III.19): an admin names a department's head and
deputy (`PUT /api/v1/departments/{code}`, admin), all or nothing; a head created for a department
that has no head becomes its head, whatever the door; a route to the head names the deputy when
only the deputy is reachable."""

import pytest
from django.urls import reverse

from staff.models import Department, Role, User
from staff.services import create_staff
from tests.factories import ClientFactory, ClientPhoneFactory, client_type

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def retail(db):
    """The retail department, named as a Russian admin wrote it."""
    Department.objects.filter(code="retail").update(name="Розница", head=None, deputy=None)
    return Department.objects.get(code="retail")


@pytest.fixture
def people(staff_of, retail):
    return {
        "admin": staff_of(Role.ADMIN, department_code=None, username="boss", full_name="Konstantin Adminov"),
        "olga": staff_of(
            Role.HEAD, department_code="retail", username="osmirnova", full_name="Ольга Смирнова"
        ),
        "pavel": staff_of(
            Role.HEAD, department_code="retail", username="pkuznetsov", full_name="Павел Кузнецов"
        ),
        "volkov": staff_of(
            Role.HEAD, department_code="wholesale", username="volkov", full_name="Sergey Volkov"
        ),
        "tatiana": staff_of(
            Role.MANAGER, department_code="retail", username="tpavlova", full_name="Татьяна Павлова"
        ),
        "operator": staff_of(
            Role.OPERATOR, department_code="call_center", username="anna", full_name="Anna Lee"
        ),
    }


def heads_of(code: str) -> tuple[str | None, str | None]:
    department = Department.objects.select_related("head", "deputy").get(code=code)
    return (
        department.head.username if department.head else None,
        department.deputy.username if department.deputy else None,
    )


def test_an_admin_names_the_head_and_the_deputy(api, people):
    response = api(people["admin"]).put(
        "/api/v1/departments/retail", {"head": "osmirnova", "deputy": "pkuznetsov"}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "code": "retail",
        "name": "Розница",
        "head": "osmirnova",
        "deputy": "pkuznetsov",
    }
    assert heads_of("retail") == ("osmirnova", "pkuznetsov")


def test_a_put_replaces_both_and_null_clears(api, people):
    http = api(people["admin"])
    http.put("/api/v1/departments/retail", {"head": "osmirnova", "deputy": "pkuznetsov"}, content_type=JSON)
    swapped = http.put("/api/v1/departments/retail", {"head": "pkuznetsov"}, content_type=JSON)
    assert swapped.json() == {"code": "retail", "name": "Розница", "head": "pkuznetsov", "deputy": None}
    cleared = http.put("/api/v1/departments/retail", {"head": None, "deputy": None}, content_type=JSON)
    assert cleared.status_code == 200
    assert cleared.json()["head"] is None and cleared.json()["deputy"] is None
    assert heads_of("retail") == (None, None)


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        (
            {"head": "nobody", "deputy": "pkuznetsov"},
            "head",
            "No active member of staff is called nobody.",
        ),
        (
            {"head": "pkuznetsov", "deputy": "никто"},
            "deputy",
            "No active member of staff is called никто.",
        ),
        (
            {"head": "osmirnova", "deputy": "osmirnova"},
            "deputy",
            "The deputy is another person than the head.",
        ),
        (
            {"head": "volkov", "deputy": None},
            "head",
            "Sergey Volkov may not lead Розница: a head who works in it leads a department"
            " (in finance, one of finance).",
        ),
        (
            {"head": "osmirnova", "deputy": "tpavlova"},
            "deputy",
            "Татьяна Павлова may not lead Розница: a head who works in it leads a department"
            " (in finance, one of finance).",
        ),
        (
            {"head": "anna", "deputy": None},
            "head",
            "Anna Lee may not lead Розница: a head who works in it leads a department"
            " (in finance, one of finance).",
        ),
    ],
)
def test_a_refused_body_names_its_field_and_changes_nothing(api, people, retail, body, field, detail):
    Department.objects.filter(pk=retail.pk).update(head=people["olga"], deputy=None)
    response = api(people["admin"]).put("/api/v1/departments/retail", body, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {
        "code": "validation_error",
        "detail": "The head and the deputy of Розница were not changed.",
        "errors": [{"field": field, "detail": detail}],
    }
    assert heads_of("retail") == ("osmirnova", None)


def test_every_field_at_fault_is_named_at_once(api, people):
    response = api(people["admin"]).put(
        "/api/v1/departments/retail", {"head": "volkov", "deputy": "ghost"}, content_type=JSON
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["head", "deputy"]
    assert heads_of("retail") == (None, None)


def test_someone_who_left_may_not_be_named(api, people):
    User.objects.filter(pk=people["pavel"].pk).update(is_active=False)
    response = api(people["admin"]).put(
        "/api/v1/departments/retail", {"head": "osmirnova", "deputy": "pkuznetsov"}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "deputy"
    assert heads_of("retail") == (None, None)


def test_an_unknown_department_is_404(api, people):
    response = api(people["admin"]).put("/api/v1/departments/mars", {"head": "osmirnova"}, content_type=JSON)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_body_without_the_head_is_400(api, people):
    response = api(people["admin"]).put(
        "/api/v1/departments/retail", {"deputy": "pkuznetsov"}, content_type=JSON
    )
    assert response.status_code == 400
    assert heads_of("retail") == (None, None)


@pytest.mark.parametrize("who", ["olga", "tatiana", "operator"])
def test_only_an_admin_names_heads(api, people, who):
    response = api(people[who]).put(
        "/api/v1/departments/retail", {"head": "osmirnova", "deputy": None}, content_type=JSON
    )
    assert response.status_code == 403
    assert heads_of("retail") == (None, None)


def test_finance_is_led_by_one_of_finance(api, people, staff_of):
    staff_of(Role.FINANCE, department_code="finance", username="norlova", full_name="Наталья Орлова")
    response = api(people["admin"]).put(
        "/api/v1/departments/finance", {"head": "norlova", "deputy": None}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["head"] == "norlova"


# --- A head created for a department with no head becomes its head ----------------------------


def test_a_head_created_through_the_api_heads_a_department_that_has_none(api, people):
    http = api(people["admin"])
    response = http.post(
        "/api/v1/staff",
        {"username": "mbelova", "full_name": "Мария Белова", "role": "head", "department": "retail"},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert heads_of("retail") == ("mbelova", None)
    # the exchange's route to the head of retail names her at once (III.15)
    client = ClientFactory(name="Ромашка", type=client_type("retail"), manager=None)
    ClientPhoneFactory(client=client, number="+74951112233")
    route = api(people["operator"]).get("/api/v1/lookup", {"phone": "+74951112233"}).json()["route"]
    assert route == {
        "handler": "department_head",
        "user": "mbelova",
        "clause": "III.15",
        "reason": "No manager assigned yet: pass to Мария Белова (head of Розница).",
    }


def test_a_second_head_does_not_displace_the_first(people, retail):
    Department.objects.filter(pk=retail.pk).update(head=people["olga"])
    create_staff(
        username="mbelova", full_name="Мария Белова", role="head", department_code="retail", password=None
    )
    assert heads_of("retail") == ("osmirnova", None)


@pytest.mark.parametrize("role", ["manager", "operator"])
def test_other_roles_never_become_heads(people, role):
    create_staff(
        username="ivanov", full_name="Иван Иванов", role=role, department_code="retail", password=None
    )
    assert heads_of("retail") == (None, None)


def test_a_head_saved_in_admin_heads_a_department_that_has_none(client, people):
    client.force_login(people["admin"])
    added = client.post(
        reverse("admin:staff_user_add"),
        {
            "username": "mbelova",
            "password1": "Kx9-long-pass",
            "password2": "Kx9-long-pass",
            "usable_password": "true",
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    user = User.objects.get(username="mbelova")
    assert heads_of("retail") == (None, None)  # no role nor department yet
    from django.contrib.auth.models import Group

    changed = client.post(
        reverse("admin:staff_user_change", args=[user.pk]),
        {
            "username": "mbelova",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "groups": [Group.objects.get(name="head").pk],
            "date_joined_0": "2026-12-03",
            "date_joined_1": "10:00:00",
            "full_name": "Мария Белова",
            "department": Department.objects.get(code="retail").pk,
            "presence": "available",
            "language": "ru",
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:3000]
    assert heads_of("retail") == ("mbelova", None)


# --- The department in admin, through the same rule -------------------------------------------------


def department_form(department: Department, **changes) -> dict:
    data = {"code": department.code, "name": department.name, "head": "", "deputy": ""}
    data.update({key: value.pk if isinstance(value, User) else value for key, value in changes.items()})
    return data


def test_admin_names_the_head_and_deputy_by_the_services_rule(client, people, retail):
    client.force_login(people["admin"])
    url = reverse("admin:staff_department_change", args=[retail.pk])
    response = client.post(url, department_form(retail, head=people["olga"], deputy=people["pavel"]))
    assert response.status_code == 302
    assert heads_of("retail") == ("osmirnova", "pkuznetsov")


def test_admin_refuses_a_deputy_who_may_not_lead_and_changes_nothing(client, people, retail):
    client.force_login(people["admin"])
    url = reverse("admin:staff_department_change", args=[retail.pk])
    response = client.post(
        url, department_form(retail, name="Розничные продажи", head=people["olga"], deputy=people["tatiana"])
    )
    assert response.status_code == 200
    assert "Татьяна Павлова may not lead Розница" in response.content.decode()
    assert heads_of("retail") == (None, None)
    assert Department.objects.get(pk=retail.pk).name == "Розница"


# --- The route names the deputy when only the deputy is reachable --------------------------------


def test_the_screen_pop_names_the_deputy_when_the_head_is_absent_in_the_same_queries(
    api, people, retail, django_assert_num_queries
):
    from django.utils import timezone

    from clients.selectors import lookup_call

    Department.objects.filter(pk=retail.pk).update(head=people["olga"], deputy=people["pavel"])
    User.objects.filter(pk=people["olga"].pk).update(presence=User.Presence.ABSENT)
    client = ClientFactory(name="Ромашка", type=client_type("retail"), manager=None)
    ClientPhoneFactory(client=client, number="+74951112233")
    with django_assert_num_queries(2):  # the caller with its card and debt, its phones: as before
        found = lookup_call(phone="+74951112233", purpose="order", on=timezone.localdate())
    assert (found.route.handler, found.route.user) == ("department_head", "pkuznetsov")
    route = api(people["operator"]).get("/api/v1/lookup", {"phone": "+7 495 111-22-33"}).json()["route"]
    assert route == {
        "handler": "department_head",
        "user": "pkuznetsov",
        "clause": "III.15",
        "reason": "No manager assigned yet: pass to Павел Кузнецов (deputy head of Розница)."
        " Ольга Смирнова is absent.",
    }
    User.objects.filter(pk=people["pavel"].pk).update(presence=User.Presence.ABSENT)
    assert api(people["operator"]).get("/api/v1/lookup", {"phone": "+74951112233"}).json()["route"][
        "user"
    ] == ("osmirnova")
