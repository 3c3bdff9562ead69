"""The call register through the API (POST /calls, POST /calls/{id}/end, GET /calls) and the
services behind it: every call registered with what the desk advised, closed only with an
outcome, transfers told to the receiver (III.1, III.4, III.14, III.15, III.19, III.20, III.11, III.22)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call, Callback, Consultation, FeedbackRoute
from calls.services import (
    answer_consultation,
    ask_head,
    record_feedback,
    schedule_callback,
    take_callback,
)
from messaging.models import InboxMessage
from staff.models import Department, Role, User
from tests.factories import ClientFactory, ClientPhoneFactory, client_type

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def people(staff_of):
    head = staff_of(Role.HEAD, username="volkov", full_name="Sergey Volkov")
    Department.objects.filter(code="wholesale").update(head=head)
    return {
        "head": head,
        "irina": staff_of(Role.MANAGER, username="irina", full_name="Irina Petrova", key_account=True),
        "elena": staff_of(Role.MANAGER, username="elena", full_name="Elena Vasilyeva", key_account=True),
        "oleg": staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov"),
    }


def test_the_exchange_registers_a_call_and_gets_the_screen_pop(api, operator, people):
    client = ClientFactory(name="Kolos", manager=people["oleg"])
    ClientPhoneFactory(client=client, number="+74951234567")
    response = api(operator).post(
        "/api/v1/calls",
        {"direction": "inbound", "phone": "8 (495) 123-45-67", "operator": "op"},
        content_type=JSON,
    )
    assert response.status_code == 201
    body = response.json()
    call = Call.objects.get()
    assert body["id"] == call.pk
    assert body["screen_pop_url"] == f"http://testserver/desk/calls/{call.pk}/"
    assert body["lookup"]["client"]["name"] == "Kolos"
    assert body["lookup"]["route"] == {
        "handler": "operator",
        "user": None,
        "clause": "III.3",
        "reason": "Take the order.",
    }
    assert (call.phone, call.client, call.operator, call.route_handler, call.route_clause) == (
        "+74951234567",
        client,
        operator,
        "operator",
        "III.3",
    )


def test_an_unknown_number_is_registered_too(api, operator, people):
    body = (
        api(operator)
        .post("/api/v1/calls", {"direction": "inbound", "phone": "+7 499 000 00 00"}, content_type=JSON)
        .json()
    )
    assert body["lookup"]["client"] is None
    call = Call.objects.get()
    assert (call.client, call.route_handler, call.route_clause) == (None, "department_head", "III.15")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"direction": "sideways", "phone": "+74951234567"}, "direction"),
        ({"direction": "inbound", "phone": "not a phone"}, "phone"),
        ({"direction": "inbound", "phone": "+74951234567", "operator": "ghost"}, "operator"),
    ],
)
def test_bad_calls_are_400(api, operator, payload, field):
    response = api(operator).post("/api/v1/calls", payload, content_type=JSON)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not Call.objects.exists()


def test_a_call_is_closed_only_with_an_outcome_and_gets_its_handle_time(api, operator, people):
    http = api(operator)
    call_id = http.post(
        "/api/v1/calls", {"direction": "inbound", "phone": "+74951234567"}, content_type=JSON
    ).json()["id"]
    Call.objects.filter(pk=call_id).update(started_at=timezone.now() - timedelta(seconds=95))
    refused = http.post(f"/api/v1/calls/{call_id}/end", {"purpose": "order"}, content_type=JSON)
    assert refused.status_code == 400
    assert Call.objects.get(pk=call_id).ended_at is None
    body = http.post(
        f"/api/v1/calls/{call_id}/end",
        {"purpose": "reference", "outcome": "info_sent", "notes": "price list"},
        content_type=JSON,
    ).json()
    assert (body["outcome"], body["purpose"], body["notes"]) == ("info_sent", "reference", "price list")
    assert 95 <= body["handle_seconds"] <= 97
    again = http.post(
        f"/api/v1/calls/{call_id}/end", {"purpose": "order", "outcome": "no_answer"}, content_type=JSON
    )
    assert again.status_code == 409
    assert again.json()["code"] == "call_already_ended"


def test_a_transfer_names_the_receiver_who_is_told_at_once(
    api, operator, people, django_capture_on_commit_callbacks
):
    key = ClientFactory(type=client_type("key"), manager=people["irina"], name="Big chain")
    ClientPhoneFactory(client=key, number="+74950000001")
    User.objects.filter(pk=people["irina"].pk).update(presence="absent")
    http = api(operator)
    call_id = http.post(
        "/api/v1/calls", {"direction": "inbound", "phone": "+74950000001"}, content_type=JSON
    ).json()["id"]
    call = Call.objects.get(pk=call_id)
    assert (call.route_handler, call.route_user) == ("key_account_manager", "elena")
    with django_capture_on_commit_callbacks(execute=True):
        body = http.post(
            f"/api/v1/calls/{call_id}/end",
            {"purpose": "order", "outcome": "transferred", "transferred_to": "elena"},
            content_type=JSON,
        ).json()
    assert body["transferred_to"] == "elena"
    message = InboxMessage.objects.get(recipient=people["elena"])
    assert message.subject == "Call transferred to you: Big chain (+74950000001)"
    assert (
        message.body == "Key client: pass to Elena Vasilyeva (key-account manager); Irina Petrova is absent."
    )
    assert message.link == f"/desk/calls/{call_id}/"


def test_a_transfer_without_a_receiver_or_a_decline_without_a_reason_is_refused(api, operator):
    http = api(operator)
    call_id = http.post(
        "/api/v1/calls", {"direction": "inbound", "phone": "+74951234567"}, content_type=JSON
    ).json()["id"]
    for payload, field in (
        ({"purpose": "order", "outcome": "transferred"}, "transferred_to"),
        ({"purpose": "order", "outcome": "declined"}, "declined_reason"),
        ({"purpose": "order", "outcome": "transferred", "transferred_to": "ghost"}, "transferred_to"),
    ):
        response = http.post(f"/api/v1/calls/{call_id}/end", payload, content_type=JSON)
        assert response.status_code == 400
        assert [e["field"] for e in response.json()["errors"]] == [field]
    assert Call.objects.get(pk=call_id).ended_at is None


def test_another_operators_call_cannot_be_closed(api, operator, staff_of):
    call_id = (
        api(operator)
        .post("/api/v1/calls", {"direction": "inbound", "phone": "+74951234567"}, content_type=JSON)
        .json()["id"]
    )
    other = staff_of(Role.OPERATOR, department_code="call_center")
    response = api(other).post(
        f"/api/v1/calls/{call_id}/end", {"purpose": "order", "outcome": "no_answer"}, content_type=JSON
    )
    assert response.status_code == 404  # a colleague's call is not there for them (III.26)
    assert Call.objects.get(pk=call_id).ended_at is None


def test_the_register_by_operator_and_day(api, operator, staff_of):
    http = api(operator)
    for phone in ("+74951234567", "+74951234568"):
        http.post("/api/v1/calls", {"direction": "inbound", "phone": phone}, content_type=JSON)
    other = staff_of(Role.OPERATOR, department_code="call_center", username="marina")
    api(other).post("/api/v1/calls", {"direction": "outbound", "phone": "+74951234569"}, content_type=JSON)
    Call.objects.filter(phone="+74951234568").update(started_at=timezone.now() - timedelta(days=3))
    today = timezone.localdate().isoformat()
    body = http.get("/api/v1/calls", {"operator": "op", "on": today}).json()
    assert body["count"] == 1
    assert body["items"][0]["phone"] == "+74951234567"
    # an operator's register is their own calls (III.26); an admin reads everyone's
    assert [c["phone"] for c in http.get("/api/v1/calls", {"on": today}).json()["items"]] == ["+74951234567"]
    assert http.get("/api/v1/calls", {"operator": "marina", "on": today}).json()["count"] == 0
    everyone = api(staff_of(Role.ADMIN, department_code=None)).get("/api/v1/calls", {"on": today}).json()
    assert sorted(c["phone"] for c in everyone["items"]) == ["+74951234567", "+74951234569"]
    assert http.get("/api/v1/calls", {"on": "someday"}).status_code == 400


def test_feedback_reaches_each_department_concerned(
    operator, people, staff_of, django_capture_on_commit_callbacks
):
    retail_head = staff_of(Role.HEAD, department_code="retail", username="bogdanov")
    Department.objects.filter(code="retail").update(head=retail_head)
    client = ClientFactory()
    with django_capture_on_commit_callbacks(execute=True):
        feedback = record_feedback(
            actor=operator,
            call_id=None,
            client_id=client.pk,
            text="Deliver before 9 please",
            departments=["wholesale", "retail"],
        )
    routes = set(FeedbackRoute.objects.filter(feedback=feedback).values_list("department__code", "status"))
    assert routes == {("wholesale", "new"), ("retail", "new")}
    assert set(InboxMessage.objects.values_list("recipient__username", flat=True)) == {"volkov", "bogdanov"}
    from calldesk.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        record_feedback(actor=operator, call_id=None, client_id=None, text=" ", departments=["mars"])
    assert [e.field for e in refused.value.errors] == ["text", "departments"]


def test_the_head_answers_a_consultation(operator, people, staff_of):
    client = ClientFactory(manager=people["oleg"])
    ClientPhoneFactory(client=client, number="+74951234567")
    from calls.services import register_call

    call = register_call(actor=operator, direction="inbound", phone="+74951234567")
    question = ask_head(actor=operator, call_id=call.pk, question="May we deliver on Saturday?")
    assert (question.department.code, question.head) == ("wholesale", people["head"])
    from calldesk.errors import NotFound

    with pytest.raises(NotFound):  # another department's question is not there for them (III.26)
        answer_consultation(
            actor=staff_of(Role.HEAD, department_code="retail"), consultation_id=question.pk, answer="No"
        )
    answer_consultation(actor=people["head"], consultation_id=question.pk, answer="Yes, once, before 12:00")
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Yes, once, before 12:00", people["head"])
    assert Consultation.objects.filter(answered_at__isnull=True).count() == 0


def test_a_callback_is_taken_by_one_operator_only(operator, staff_of):
    callback = schedule_callback(
        actor=operator, call_id=None, phone="8 495 123 45 67", due_at=timezone.now(), note="after lunch"
    )
    assert (callback.phone, callback.note) == ("+74951234567", "after lunch")
    marina = staff_of(Role.OPERATOR, department_code="call_center", username="marina")
    call = take_callback(actor=marina, callback_id=callback.pk)
    assert (call.direction, call.phone, call.operator) == ("outbound", "+74951234567", marina)
    from calldesk.errors import Conflict

    with pytest.raises(Conflict):
        take_callback(actor=operator, callback_id=callback.pk)
    assert Callback.objects.get().taken_by == marina


def test_attaching_a_known_client_routes_by_the_client_not_the_number(operator, people):
    from calls.services import attach_client, register_call

    client = ClientFactory(name="Kolos", manager=people["oleg"])  # calls from a number not on its card
    call = register_call(actor=operator, direction="inbound", phone="+74997776655")
    assert (call.route_handler, call.route_clause) == ("department_head", "III.15")
    call = attach_client(actor=operator, call_id=call.pk, client_id=client.pk)
    assert (call.client, call.route_handler, call.route_clause, call.route_reason) == (
        client,
        "operator",
        "III.3",
        "Take the order.",
    )


def test_a_callback_wrap_up_queues_the_callback_in_the_same_transaction(api, operator):
    http = api(operator)
    call_id = http.post(
        "/api/v1/calls", {"direction": "inbound", "phone": "+74951234567"}, content_type=JSON
    ).json()["id"]
    due = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    body = http.post(
        f"/api/v1/calls/{call_id}/end",
        {
            "purpose": "order",
            "outcome": "callback",
            "notes": "after the delivery",
            "callback_at": due.isoformat(),
        },
        content_type=JSON,
    ).json()
    assert body["outcome"] == "callback"
    callback = Callback.objects.get()
    assert (callback.phone, callback.due_at, callback.note, callback.origin_id) == (
        "+74951234567",
        due,
        "after the delivery",
        call_id,
    )


def test_registering_the_caller_is_all_or_nothing(operator, people):
    from calldesk.errors import Conflict
    from calls.services import register_call, register_caller
    from clients.exceptions import DuplicateClient
    from clients.models import Client

    ClientFactory(tax_id="7701112233")
    call = register_call(actor=operator, direction="inbound", phone="+74993334455")
    with pytest.raises(DuplicateClient):
        register_caller(
            actor=operator, call_id=call.pk, name="Newcomer", tax_id="7701112233", type_code="market"
        )
    assert not Client.objects.filter(name="Newcomer").exists()
    client = register_caller(
        actor=operator, call_id=call.pk, name="Newcomer", tax_id="7709998877", type_code="market"
    )
    call.refresh_from_db()
    assert (call.client, call.route_handler, call.route_user) == (client, "department_head", "volkov")
    assert list(client.phones.values_list("number", flat=True)) == ["+74993334455"]
    with pytest.raises(Conflict):
        register_caller(
            actor=operator, call_id=call.pk, name="Again", tax_id="7700000009", type_code="market"
        )
