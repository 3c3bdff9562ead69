"""Nobody waits for an absent person (III.4, III.11, III.19, III.20): a call transferred to an
absent manager, a question for an absent head, a comment for a department whose head is away,
each reaches who stands in (staff.rules.notice_recipients), saying for whom and why, in the
reader's language; commercial management answers a question when no head nor deputy is at work."""

import pytest
from django.urls import reverse
from django.utils import translation

from calls.models import Consultation
from calls.services import answer_consultation, ask_head, record_feedback, register_call
from messaging.models import InboxMessage
from staff.models import Department, Role, User
from tests.factories import ClientFactory, ClientPhoneFactory, client_type

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def retail(staff_of):
    """Розница: head Ольга Смирнова, deputy Павел Кузнецов (who reads Russian), manager Татьяна
    Павлова; commercial management: Игорь Соколов; the client «Ромашка», Татьяна's."""
    people = {
        "head": staff_of(
            Role.HEAD, department_code="retail", username="osmirnova", full_name="Ольга Смирнова"
        ),
        "deputy": staff_of(
            Role.HEAD,
            department_code="retail",
            username="pkuznetsov",
            full_name="Павел Кузнецов",
            language="ru",
        ),
        "manager": staff_of(
            Role.MANAGER, department_code="retail", username="tpavlova", full_name="Татьяна Павлова"
        ),
        "commercial": staff_of(
            Role.COMMERCIAL, department_code=None, username="isokolov", full_name="Игорь Соколов"
        ),
    }
    Department.objects.filter(code="retail").update(
        name="Розница", head=people["head"], deputy=people["deputy"]
    )
    client = ClientFactory(name="Ромашка", type=client_type("retail"), manager=people["manager"])
    ClientPhoneFactory(client=client, number="+74951112233")
    people["client"] = client
    return people


def away(*people: User) -> None:
    User.objects.filter(pk__in=[p.pk for p in people]).update(presence=User.Presence.ABSENT)


def inbox() -> dict[str, tuple[str, str]]:
    return {
        m.recipient.username: (m.subject, m.body) for m in InboxMessage.objects.select_related("recipient")
    }


def test_a_call_transferred_to_an_absent_manager_reaches_the_head_too(
    api, operator, retail, django_capture_on_commit_callbacks
):
    away(retail["manager"])
    http = api(operator)
    call_id = http.post(
        "/api/v1/calls", {"direction": "inbound", "phone": "+74951112233"}, content_type=JSON
    ).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        ended = http.post(
            f"/api/v1/calls/{call_id}/end",
            {"purpose": "other", "outcome": "transferred", "transferred_to": "tpavlova", "notes": ""},
            content_type=JSON,
        )
    assert ended.status_code == 200, ended.json()
    messages = inbox()
    assert set(messages) == {"tpavlova", "osmirnova"}
    subject, body = messages["osmirnova"]
    assert subject == "Call transferred to you: Ромашка (+74951112233)"
    assert body.startswith("Татьяна Павлова is absent; sent to you as head of Розница.\n\n")
    assert messages["tpavlova"][1] == body.split("\n\n", 1)[1]
    assert set(InboxMessage.objects.values_list("link", flat=True)) == {f"/desk/calls/{call_id}/"}


def test_a_question_for_an_absent_head_goes_to_the_deputy_in_his_language(
    operator, retail, django_capture_on_commit_callbacks
):
    away(retail["head"])
    call = register_call(actor=operator, direction="inbound", phone="+74951112233")
    with django_capture_on_commit_callbacks(execute=True):
        question = ask_head(actor=operator, call_id=call.pk, question="Можно доставить в субботу?")
    assert (question.department.code, question.head) == ("retail", retail["head"])
    messages = inbox()
    assert set(messages) == {"osmirnova", "pkuznetsov"}
    subject, body = messages["pkuznetsov"]
    assert subject == "Olga Smirnova спрашивает: Можно доставить в субботу?"  # the operator, in his language
    assert body == (
        "Ольга Смирнова отсутствует; отправлено вам как заместителю руководителя отдела «Розница»."
        "\n\nМожно доставить в субботу?"
    )
    # the deputy, a head of the department, answers it (III.11)
    answer_consultation(actor=retail["deputy"], consultation_id=question.pk, answer="Да, до 12:00")
    question.refresh_from_db()
    assert question.answered_by == retail["deputy"]


def test_with_head_and_deputy_away_a_question_goes_to_commercial_management(
    operator, retail, django_capture_on_commit_callbacks
):
    away(retail["head"], retail["deputy"])
    with django_capture_on_commit_callbacks(execute=True):
        ask_head(actor=operator, call_id=None, question="Скидка 5% для «Ромашки»?", department_code="retail")
    messages = inbox()
    assert set(messages) == {"osmirnova", "isokolov"}
    assert messages["isokolov"][1] == (
        "Ольга Смирнова is absent; sent to you as commercial management.\n\nСкидка 5% для «Ромашки»?"
    )
    assert InboxMessage.objects.get(recipient=retail["commercial"]).link == reverse("calls:consultations")


def test_a_question_for_a_department_with_no_head_goes_to_its_deputy(
    operator, retail, django_capture_on_commit_callbacks
):
    Department.objects.filter(code="retail").update(head=None)
    with django_capture_on_commit_callbacks(execute=True):
        question = ask_head(
            actor=operator, call_id=None, question="Кто возьмёт клиента?", department_code="retail"
        )
    assert question.head is None
    assert inbox() == {
        "pkuznetsov": (
            "Olga Smirnova спрашивает: Кто возьмёт клиента?",
            "У отдела «Розница» нет руководителя; отправлено вам как заместителю руководителя."
            "\n\nКто возьмёт клиента?",
        )
    }


def test_commercial_management_reads_and_answers_every_departments_questions(client, operator, retail):
    away(retail["head"], retail["deputy"])
    question = ask_head(actor=operator, call_id=None, question="Скидка 5%?", department_code="retail")
    client.force_login(retail["commercial"])
    page = client.get(reverse("calls:consultations"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Скидка 5%?" in html
    # questions from every department: each says whose it is
    assert '· <span class="department">Розница</span>' in html
    answered = client.post(reverse("calls:answer", args=[question.pk]), {"answer": "Да, один раз"})
    assert answered.status_code == 302
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Да, один раз", retail["commercial"])
    assert Consultation.objects.filter(answered_at__isnull=True).count() == 0


def test_a_comment_for_a_department_whose_head_is_away_reaches_the_deputy(
    operator, retail, django_capture_on_commit_callbacks
):
    away(retail["head"])
    with django_capture_on_commit_callbacks(execute=True):
        record_feedback(
            actor=operator,
            call_id=None,
            client_id=retail["client"].pk,
            text="Привозите до 9 утра",
            departments=["retail"],
        )
    messages = inbox()
    assert set(messages) == {"osmirnova", "pkuznetsov"}
    with translation.override("ru"):
        subject = translation.gettext("A client's comment for %(department)s") % {"department": "Розница"}
    assert messages["pkuznetsov"] == (
        subject,
        "Ольга Смирнова отсутствует; отправлено вам как заместителю руководителя отдела «Розница»."
        "\n\nПривозите до 9 утра",
    )
    assert messages["osmirnova"] == ("A client's comment for Розница", "Привозите до 9 утра")


def test_a_present_head_alone_has_the_question(operator, retail, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask_head(actor=operator, call_id=None, question="Вопрос", department_code="retail")
    assert set(inbox()) == {"osmirnova"}


def test_a_head_reads_only_his_department_s_questions_without_naming_it(client, operator, retail):
    ask_head(actor=operator, call_id=None, question="Отсрочка на 14 дней?", department_code="retail")
    client.force_login(retail["head"])
    html = client.get(reverse("calls:consultations")).content.decode()
    assert "Отсрочка на 14 дней?" in html
    assert 'class="department"' not in html
