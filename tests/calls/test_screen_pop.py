"""The screen pop pushed to the operator (III.1): when the exchange registers an inbound call, the
operator named, or with nobody named every operator on duty who is free, is sent the caller's
name, type and route on their own channel of the push channel (calldesk.live), after the commit;
their open calls refresh; a person may choose to have the call screen open at once."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from django_eventstream.models import Event

from calldesk.errors import Forbidden
from calls.models import Call
from calls.services import EndCall, end_call, register_call
from staff.models import Role, User
from tests.factories import ClientFactory, ClientPhoneFactory, client_type, make_staff

pytestmark = pytest.mark.django_db
JSON = "application/json"


def pushed(user: User) -> list[tuple[str, dict]]:
    """What was pushed on a person's own channel, as (event, data), in order."""
    return [
        (event.type, json.loads(json.loads(event.data)))
        for event in Event.objects.filter(channel=f"user-{user.pk}", eid__gt=0).order_by("eid")
    ]


@pytest.fixture
def exchange(db):
    """The telephone exchange's account: registers calls and sets presence, takes no orders."""
    account = make_staff(Role.COMMERCIAL, username="exchange", full_name="АТС")
    account.user_permissions.add(Permission.objects.get(codename="set_any_presence"))
    return User.objects.get(pk=account.pk)


@pytest.fixture
def olga(db):
    return make_staff(
        Role.OPERATOR,
        department_code="call_center",
        username="olga",
        full_name="Ольга Смирнова",
        language="ru",
    )


@pytest.fixture
def zarya(db):
    manager = make_staff(
        Role.MANAGER, department_code="retail", username="pavlova", full_name="Татьяна Павлова"
    )
    shop = ClientFactory(name="Минимаркет «Заря»", type=client_type("retail"), manager=manager)
    ClientPhoneFactory(client=shop, number="+74957654321")
    return shop


def test_the_operator_named_is_sent_the_caller_name_type_and_route_after_the_commit(
    api, exchange, olga, zarya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(exchange).post(
            "/api/v1/calls",
            {"direction": "inbound", "phone": "+7 495 765-43-21", "operator": "olga"},
            content_type=JSON,
        )
        assert pushed(olga) == []  # nothing before the commit
    assert response.status_code == 201
    call = Call.objects.get()
    # in her language: the seeded type's Russian name and the route as the desk advised it to her
    assert pushed(olga) == [
        (
            "call-pop",
            {
                "call": call.pk,
                "url": f"/desk/calls/{call.pk}/",
                "caller": "Минимаркет «Заря»",
                "type": "Розница",
                "route": "Примите заказ.",
            },
        ),
        ("calls-changed", {"call": call.pk}),
    ]


def test_an_unknown_caller_pops_with_the_number(api, exchange, staff_of, django_capture_on_commit_callbacks):
    ivan = make_staff(Role.OPERATOR, department_code="call_center", username="ivan", full_name="Ivan Petrov")
    with django_capture_on_commit_callbacks(execute=True):
        api(exchange).post(
            "/api/v1/calls",
            {"direction": "inbound", "phone": "+74990000000", "operator": "ivan"},
            content_type=JSON,
        )
    call = Call.objects.get()
    assert pushed(ivan)[0] == (
        "call-pop",
        {
            "call": call.pk,
            "url": f"/desk/calls/{call.pk}/",
            "caller": "+74990000000",
            "type": "Unknown caller",
            "route": call.route_reason,
        },
    )


def test_a_call_with_nobody_named_pops_to_every_operator_on_duty_who_is_free(
    api, exchange, olga, zarya, staff_of, django_capture_on_commit_callbacks
):
    free = make_staff(Role.OPERATOR, department_code="call_center", username="ivan", full_name="Иван Петров")
    on_a_call = make_staff(
        Role.OPERATOR, department_code="call_center", username="anna", full_name="Anna Kuznetsova"
    )
    Call.objects.create(
        direction="inbound", phone="+74951110000", operator=on_a_call, started_at=timezone.now()
    )
    wrapping_up = make_staff(
        Role.OPERATOR, department_code="call_center", username="petr", presence=User.Presence.BUSY
    )
    absent = make_staff(
        Role.OPERATOR, department_code="call_center", username="maria", presence=User.Presence.ABSENT
    )
    gone = make_staff(Role.OPERATOR, department_code="call_center", username="old", is_active=False)
    manager = zarya.manager  # not an operator: takes the calls named to them
    forgotten = make_staff(
        Role.OPERATOR, department_code="call_center", username="nina", full_name="Нина Орлова"
    )
    Call.objects.create(  # a call left open for a day is a forgotten wrap-up, not a call in progress
        direction="inbound",
        phone="+74951110001",
        operator=forgotten,
        started_at=timezone.now() - timedelta(days=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        api(exchange).post(
            "/api/v1/calls", {"direction": "inbound", "phone": "+74957654321"}, content_type=JSON
        )

    call = Call.objects.get(phone="+74957654321")
    assert call.operator is None
    for person in (olga, free, forgotten):
        assert [event for event, _ in pushed(person)] == ["call-pop"], person.username
        assert pushed(person)[0][1]["call"] == call.pk
    for person in (on_a_call, wrapping_up, absent, gone, manager):
        assert pushed(person) == [], person.username


def test_an_operator_who_registers_a_call_themselves_is_not_popped(
    olga, zarya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call = register_call(actor=olga, direction="inbound", phone="+74957654321")
    assert call.operator == olga
    assert pushed(olga) == [("calls-changed", {"call": call.pk})]


def test_an_outbound_call_pops_nothing(api, exchange, olga, zarya, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api(exchange).post(
            "/api/v1/calls",
            {"direction": "outbound", "phone": "+74957654321", "operator": "olga"},
            content_type=JSON,
        )
    assert pushed(olga) == []


def test_a_call_wrapped_up_refreshes_the_operators_open_calls(
    olga, zarya, django_capture_on_commit_callbacks
):
    call = register_call(actor=olga, direction="inbound", phone="+74957654321")
    with django_capture_on_commit_callbacks(execute=True):
        end_call(actor=olga, call_id=call.pk, wrap_up=EndCall(purpose="order", outcome="no_answer"))
    assert pushed(olga) == [("calls-changed", {"call": call.pk})]


def test_a_person_chooses_to_open_calls_at_once_through_me(api, olga):
    http = api(olga)
    assert http.get("/api/v1/me").json()["opens_calls_at_once"] is False
    response = http.patch("/api/v1/me", {"opens_calls_at_once": True}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["opens_calls_at_once"] is True
    assert response.json()["language"] == "ru"  # what was not sent is left as it was
    assert User.objects.get(pk=olga.pk).opens_calls_at_once is True
    assert (
        http.patch("/api/v1/me", {"language": "en"}, content_type=JSON).json()["opens_calls_at_once"] is True
    )


def test_every_page_of_a_call_taker_carries_the_pop_and_their_choice(client, olga, staff_of):
    User.objects.filter(pk=olga.pk).update(opens_calls_at_once=True)
    client.force_login(olga)
    page = client.get("/reports/me/").content.decode()
    assert '<aside id="screen-pop" class="screen-pop card" role="alert"' in page
    assert 'data-open-at-once="true"' in page
    assert "Входящий звонок" in page  # her language
    assert "<kbd>Alt+R</kbd>" in page
    client.force_login(staff_of(Role.FINANCE, username="finance"))  # takes no calls
    assert 'id="screen-pop"' not in client.get("/reports/me/").content.decode()


def test_who_registers_a_call_is_one_rule_whatever_the_permission_table_holds(api, exchange, olga, zarya):
    """III.1: the exchange (EXCHANGE, set_any_presence) registers anyone's call; a commercial
    director's token given Django's `calls.add_call` is still no exchange and no desk, and
    registers nothing, through the API or the service."""
    response = api(exchange).post(
        "/api/v1/calls",
        {"direction": "inbound", "phone": "+74957654321", "operator": "olga"},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert Call.objects.get().operator == olga

    accountant = make_staff(Role.COMMERCIAL, username="kd", full_name="Коммерческий директор")
    accountant.user_permissions.add(Permission.objects.get(codename="add_call"))
    accountant = User.objects.get(pk=accountant.pk)
    refused = api(accountant).post(
        "/api/v1/calls",
        {"direction": "inbound", "phone": "+74957654321", "operator": "olga"},
        content_type=JSON,
    )
    assert refused.status_code == 403
    with pytest.raises(Forbidden):
        register_call(actor=accountant, direction="inbound", phone="+74957654321", operator="olga")
    assert Call.objects.count() == 1


def test_the_header_switch_sets_whether_her_calls_open_at_once_and_goes_back(client, olga):
    """III.1: the operator chooses on any page whether a call opens at once or waits for Alt+R."""
    client.force_login(olga)
    desk = client.get("/desk/").content.decode()
    assert 'id="calls-at-once"' in desk and 'id="calls-at-once" checked' not in desk
    assert 'data-open-at-once="false"' in desk

    response = client.post("/me/calls-at-once/", {"at_once": "on", "next": "/desk/"})
    assert (response.status_code, response["Location"]) == (302, "/desk/")
    olga.refresh_from_db()
    assert olga.opens_calls_at_once is True
    desk = client.get("/desk/").content.decode()
    assert 'id="calls-at-once" checked' in desk and 'data-open-at-once="true"' in desk

    response = client.post("/me/calls-at-once/", {"next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    for elsewhere in ("//evil.example/desk/", "calls:desk", "Рабочий стол"):
        assert client.post("/me/calls-at-once/", {"next": elsewhere})["Location"] == "/"
    olga.refresh_from_db()
    assert olga.opens_calls_at_once is False
    assert client.get("/me/calls-at-once/").status_code == 405


def test_who_takes_no_calls_has_no_switch(client):
    accountant = make_staff(Role.FINANCE, username="buh", full_name="Главный бухгалтер")
    client.force_login(accountant)
    page = client.get("/", follow=True).content.decode()
    assert 'id="calls-at-once"' not in page
    assert client.post("/me/calls-at-once/", {"at_once": "on"}).status_code == 403
    accountant.refresh_from_db()
    assert accountant.opens_calls_at_once is False
