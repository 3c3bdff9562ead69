"""The live panels follow pushed events (calldesk.live; III.11, III.14, III.17, III.22, III.25,
section VI): each service that changes what a panel shows publishes its event after the commit,
to the channel of the people whose panel it is. The panels poll only while the stream is down."""

import json
from datetime import date

import pytest
from django.utils import timezone
from django_eventstream.models import Event

from calls.services import answer_consultation, ask_head, register_call, schedule_callback, take_callback
from outbound.models import CallTask
from outbound.services import TaskResult, create_campaign, record_task_result
from reports.exports import run_export
from reports.models import ExportJob
from staff.models import Department, Role
from staff.services import set_presence
from tests.factories import ClientFactory, ClientPhoneFactory

pytestmark = pytest.mark.django_db


def pushed(channel: str) -> list[tuple[str, dict]]:
    return [
        (event.type, json.loads(json.loads(event.data)))
        for event in Event.objects.filter(channel=channel, eid__gt=0).order_by("eid")
    ]


@pytest.fixture
def people(staff_of):
    head = staff_of(Role.HEAD, department_code="wholesale", username="volkov", full_name="Сергей Волков")
    Department.objects.filter(code="wholesale").update(head=head)
    olga = staff_of(Role.OPERATOR, department_code="call_center", username="olga", full_name="Ольга Смирнова")
    return head, olga


def test_a_presence_a_call_and_a_callback_move_the_live_board(people, django_capture_on_commit_callbacks):
    _head, olga = people
    ClientPhoneFactory(client=ClientFactory(name="ООО «Заря»"), number="+74957654321")
    with django_capture_on_commit_callbacks(execute=True):
        set_presence(actor=olga, username="olga", presence="busy")
        set_presence(actor=olga, username="olga", presence="busy")  # no change: nothing to show
        call = register_call(actor=olga, direction="inbound", phone="+74957654321")
        callback = schedule_callback(actor=olga, call_id=call.pk, phone="+74957654321", due_at=timezone.now())
        take_callback(actor=olga, callback_id=callback.pk)
    assert pushed("board") == [("board-changed", {})] * 5  # presence, call, callback, taken (+ its call)
    assert pushed("desk") == [("callbacks-changed", {"callback": callback.pk})] * 2


def test_a_question_reaches_the_heads_list_and_the_answer_the_operators_call_at_once(
    people, django_capture_on_commit_callbacks
):
    head, olga = people
    with django_capture_on_commit_callbacks(execute=True):
        question = ask_head(actor=olga, call_id=None, question="Можно доставить в воскресенье?")
    # every head's list (whoever covers the department reads it there)
    assert pushed("board") == [("consultations-changed", {"consultation": question.pk})]
    assert pushed(f"user-{olga.pk}") == []
    with django_capture_on_commit_callbacks(execute=True):
        answer_consultation(actor=head, consultation_id=question.pk, answer="Да, до 14:00.")
    assert pushed(f"user-{olga.pk}") == [("answers-changed", {"consultation": question.pk})]
    assert pushed("board") == [("consultations-changed", {"consultation": question.pk})] * 2


def test_a_campaigns_result_moves_its_page(people, django_capture_on_commit_callbacks):
    head, olga = people
    ClientFactory(name="Kolos")
    campaign, _ = create_campaign(
        actor=head,
        name="Летние напитки",
        goal="Sell the summer range",
        script="Добрый день!",
        questions=[],
        due_on=date(2026, 12, 12),
        target={},
        today=date(2026, 11, 28),
    )
    task = CallTask.objects.get(call_list__campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        record_task_result(actor=olga, task_id=task.pk, result=TaskResult(outcome="agreed"))
    assert pushed("board") == [("campaign-changed", {"campaign": campaign.pk})]


def test_an_exports_progress_is_pushed_to_who_asked_for_it(people, django_capture_on_commit_callbacks):
    head, _ = people
    job = ExportJob.objects.create(
        requested_by=head,
        kind="operators",
        format="csv",
        params={"department": "wholesale", "period": "custom", "start": "2026-11-16", "end": "2026-11-17"},
        file_name="operators.csv",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert run_export(job.pk) == "done"
    # the page's bar follows: here the file is ready at once (no rows), one event says so
    assert pushed(f"user-{head.pk}") == [("export-progress", {"job": job.pk})]
