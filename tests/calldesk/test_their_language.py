"""What the desk writes for one person to read later is in that person's language ("Around the
job": translatable interface), whoever's request writes it: the route the operator's screen pop
shows (III.3-III.6), a transferred call's notice (III.4), a comment for a head (III.20) and a
question to a head (III.11); the confirmed order its manager reads (III.14) is tested in
tests/orders/test_order_intake.py. A person who chose no language reads the language of the
request that wrote it."""

import pytest

from calls.models import Call
from calls.services import ask_head, record_feedback, register_call, transfer_call
from messaging.models import InboxMessage
from staff.models import Department, Role
from staff.services import in_language_of
from tests.factories import ClientFactory, ClientPhoneFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def volkov(staff_of):
    head = staff_of(Role.HEAD, username="volkov", full_name="Сергей Волков", language="ru")
    Department.objects.filter(code="wholesale").update(head=head)
    return head


@pytest.fixture
def kolos(staff_of):
    oleg = staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov")
    shop = ClientFactory(name="Колос", manager=oleg)
    ClientPhoneFactory(client=shop, number="+74951234567")
    return shop


def test_the_exchange_registers_a_call_in_the_operators_language(api, staff_of, kolos):
    ruslan = staff_of(Role.OPERATOR, department_code="call_center", username="ruslan", language="ru")
    exchange = staff_of(Role.ADMIN, username="exchange")
    response = api(exchange).post(
        "/api/v1/calls",
        {"direction": "inbound", "phone": "+74951234567", "operator": "ruslan"},
        content_type=JSON,
        headers={"accept-language": "en"},
    )
    assert response.status_code == 201
    call = Call.objects.get()
    assert (call.operator, call.route_reason) == (ruslan, "Примите заказ.")
    assert response.json()["lookup"]["route"]["reason"] == "Примите заказ."


def test_an_operator_without_a_language_reads_the_requests_language(api, operator, kolos):
    assert operator.language == ""
    api(operator).post(
        "/api/v1/calls",
        {"direction": "inbound", "phone": "+74951234567", "operator": "op"},
        content_type=JSON,
        headers={"accept-language": "en"},
    )
    assert Call.objects.get().route_reason == "Take the order."


def test_a_transfer_is_told_to_the_receiver_in_their_language(
    operator, staff_of, kolos, django_capture_on_commit_callbacks
):
    irina = staff_of(Role.MANAGER, username="irina", full_name="Ирина Петрова", language="ru")
    call = register_call(actor=operator, direction="inbound", phone="+74951234567")
    with django_capture_on_commit_callbacks(execute=True):
        transfer_call(actor=operator, call_id=call.pk, to="irina", reason="Спрашивает про отсрочку")
    message = InboxMessage.objects.get(recipient=irina)
    assert message.subject == "Вам переведён звонок: Колос (+74951234567)"
    assert message.body == "Спрашивает про отсрочку"


def test_a_comment_and_a_question_reach_the_head_in_their_language(
    operator, volkov, kolos, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record_feedback(
            actor=operator, call_id=None, client_id=kolos.pk, text="Привозите до 9", departments=["wholesale"]
        )
    call = register_call(actor=operator, direction="inbound", phone="+74951234567")
    with django_capture_on_commit_callbacks(execute=True):
        ask_head(actor=operator, call_id=call.pk, question="Можно доставить в субботу?")
    subjects = list(
        InboxMessage.objects.filter(recipient=volkov).order_by("pk").values_list("subject", flat=True)
    )
    assert subjects == [
        "Замечание клиента для отдела «Отдел оптовых продаж»",  # the seeded name, in Russian
        "Olga Smirnova спрашивает: Можно доставить в субботу?",
    ]


def test_in_language_of_follows_the_person_or_leaves_the_language_alone(staff_of):
    from django.utils import translation

    ru = staff_of(Role.MANAGER, username="ru", language="ru")
    ro = staff_of(Role.MANAGER, username="ro", language="ro")
    blank = staff_of(Role.MANAGER, username="blank")
    with translation.override("en"):
        seen = []
        for person in (ru, ro, blank, None):
            with in_language_of(person):
                seen.append(translation.get_language())
        assert seen == ["ru", "ro", "en", "en"]
        assert translation.get_language() == "en"
