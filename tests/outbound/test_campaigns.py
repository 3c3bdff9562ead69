"""III.17, III.23: campaigns a head instructs, their call lists, results and export; the
operator's queue and task screen."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from calldesk.errors import Forbidden, InvalidInput
from calls.models import Call
from outbound.exports import export_campaign_results
from outbound.models import CallList, CallTask, Campaign
from outbound.rules import dormancy_cutoff
from outbound.selectors import campaign_results, queue_of
from outbound.services import TaskResult, create_campaign, record_task_result
from staff.models import Role, User
from tests.factories import ClientFactory, ClientPhoneFactory, client_type

TODAY = date(2026, 11, 28)
CUTOFF = dormancy_cutoff(TODAY)
QUESTIONS = ["Which drinks sell best?", "How often to deliver?"]


def start(actor, *, target=None, questions=None, today=TODAY, **overrides):
    arguments = {
        "name": "Summer drinks",
        "goal": "Sell the summer range",
        "script": "Good afternoon! We offer ...",
        "questions": QUESTIONS if questions is None else questions,
        "due_on": today + timedelta(days=14),
        "target": target or {},
        "today": today,
    }
    arguments.update(overrides)
    return create_campaign(actor=actor, **arguments)


def targeted(campaign):
    return set(CallTask.objects.filter(call_list__campaign=campaign).values_list("client_id", flat=True))


@pytest.fixture
def head(staff_of):
    return staff_of(Role.HEAD, department_code="wholesale", username="volkov")


@pytest.fixture
def operators(staff_of):
    return [staff_of(Role.OPERATOR, department_code="call_center", username=f"op{n}") for n in range(2)]


# --- Targeting ------------------------------------------------------------------------------------


def test_an_empty_target_takes_every_client_of_the_heads_department(head, operators):
    market, key = ClientFactory(), ClientFactory(type=client_type("key"))
    ClientFactory(type=client_type("retail"))  # the retail department's
    campaign, count = start(head)
    assert count == 2
    assert targeted(campaign) == {market.pk, key.pk}
    assert campaign.department.code == "wholesale"
    call_list = CallList.objects.get(campaign=campaign)
    assert (call_list.source, call_list.day) == ("campaign", TODAY)
    assert set(CallTask.objects.filter(call_list=call_list).values_list("reason", flat=True)) == {"campaign"}


def test_client_types_region_and_manager_each_narrow_the_target(head, operators, staff_of):
    oleg = staff_of(Role.MANAGER, department_code="wholesale", username="oleg")
    ivan = staff_of(Role.MANAGER, department_code="wholesale", username="ivan")
    market_moscow_oleg = ClientFactory(region="Moscow", manager=oleg)
    market_tver_oleg = ClientFactory(region="Tver", manager=oleg)
    market_moscow_ivan = ClientFactory(region="Moscow", manager=ivan)
    key_moscow_oleg = ClientFactory(type=client_type("key"), region="Moscow", manager=oleg)
    ClientFactory(region="Moscow region", manager=oleg)  # regions match exactly
    by_type, _ = start(head, target={"client_types": ["key"]})
    assert targeted(by_type) == {key_moscow_oleg.pk}
    by_region, _ = start(head, target={"regions": ["Tver"]})
    assert targeted(by_region) == {market_tver_oleg.pk}
    by_manager, _ = start(head, target={"managers": ["ivan"]})
    assert targeted(by_manager) == {market_moscow_ivan.pk}
    combined, count = start(
        head, target={"client_types": ["market"], "regions": ["Moscow"], "managers": ["oleg"]}
    )
    assert targeted(combined) == {market_moscow_oleg.pk}
    assert count == 1


def test_dormant_takes_clients_without_an_order_since_the_cutoff(head, operators):
    one_day_more = ClientFactory(last_order_on=CUTOFF - timedelta(days=1))
    ClientFactory(last_order_on=CUTOFF)  # exactly six months: not dormant
    never_old = ClientFactory(last_order_on=None, joined_on=CUTOFF - timedelta(days=1))
    ClientFactory(last_order_on=None, joined_on=CUTOFF)  # joined exactly six months ago
    campaign, count = start(head, target={"dormant": True})
    assert targeted(campaign) == {one_day_more.pk, never_old.pk}
    assert count == 2


def test_declined_earlier_finds_clients_who_refused_on_an_earlier_list(head, operators):
    refused, informed, _untouched = ClientFactory(), ClientFactory(), ClientFactory()
    first, _ = start(head, name="Spring")
    for client, outcome in ((refused, "refused"), (informed, "informed")):
        task = CallTask.objects.get(call_list__campaign=first, client=client)
        record_task_result(
            actor=task.operator,
            task_id=task.pk,
            result=TaskResult(
                outcome=outcome, refusal_reason="Too expensive" if outcome == "refused" else ""
            ),
        )
    second, count = start(head, name="Autumn offer", target={"declined_earlier": True})
    assert targeted(second) == {refused.pk}
    assert count == 1


def test_tasks_are_shared_fairly_among_operators_on_duty(head, operators, staff_of):
    staff_of(Role.OPERATOR, department_code="call_center", username="away", presence=User.Presence.ABSENT)
    for _n in range(5):
        ClientFactory()
    campaign, _ = start(head)
    per_operator = {
        op.username: CallTask.objects.filter(call_list__campaign=campaign, operator=op).count()
        for op in operators
    }
    assert per_operator == {"op0": 3, "op1": 2}
    assert not CallTask.objects.filter(operator__username="away").exists()


def test_creating_a_campaign_takes_the_same_queries_for_5_and_40_clients(head, operators, staff_of):
    staff_of(Role.MANAGER, department_code="wholesale", username="oleg")
    target = {"client_types": ["market"], "regions": ["Moscow"], "managers": ["oleg"], "dormant": True}
    counts = []
    for clients in (5, 40):
        ClientFactory.create_batch(
            clients - sum(counts), manager=User.objects.get(username="oleg"), last_order_on=date(2025, 1, 1)
        )
        actor = User.objects.get(pk=head.pk)
        actor.role  # noqa: B018 - the request has the role cached already
        with CaptureQueriesContext(connection) as queries:
            _campaign, count = start(actor, name=f"With {clients}", target=target)
        assert count == clients
        counts.append(count)
        counts_of_queries = len(queries)
        if clients == 5:
            for_5 = counts_of_queries
    # savepoint, client types, managers, campaign, list, target, operators, tasks, release
    assert for_5 == counts_of_queries <= 9


# --- Validation and access ------------------------------------------------------------------------


def test_bad_input_is_reported_field_by_field_and_nothing_is_written(head, operators):
    ClientFactory()
    with pytest.raises(InvalidInput) as error:
        create_campaign(
            actor=head,
            name=" ",
            goal="",
            script="Hello",
            questions=["Fine?", " "],
            due_on=TODAY - timedelta(days=1),
            target={"client_types": ["retail"], "colour": "red", "dormant": "yes", "managers": ["nobody"]},
            today=TODAY,
        )
    fields = {e.field for e in error.value.errors}
    assert fields == {
        "name",
        "goal",
        "questions",
        "due_on",
        "target",
        "target.client_types",
        "target.dormant",
        "target.managers",
    }
    assert not Campaign.objects.exists()
    assert not CallTask.objects.exists()


def test_questions_at_most_ten_and_distinct(head, operators):
    with pytest.raises(InvalidInput):
        start(head, questions=[f"Q{n}?" for n in range(11)])
    with pytest.raises(InvalidInput):
        start(head, questions=["Same?", "Same?"])
    campaign, _ = start(head, questions=[f"Q{n}?" for n in range(10)])
    assert len(campaign.questions) == 10


def test_due_today_is_allowed(head, operators):
    campaign, _ = start(head, due_on=TODAY)
    assert campaign.due_on == TODAY


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.MANAGER, Role.FINANCE, Role.COMMERCIAL])
def test_only_heads_and_admins_start_campaigns(staff_of, operators, role):
    with pytest.raises(Forbidden):
        start(staff_of(role, department_code="wholesale"))
    assert not Campaign.objects.exists()


def test_an_admin_starts_one_for_their_department(staff_of, operators):
    ClientFactory()
    admin = staff_of(Role.ADMIN, department_code="wholesale")
    _campaign, count = start(admin)
    assert count == 1


# --- Results and export ---------------------------------------------------------------------------


@pytest.fixture
def worked(head, operators):
    """A campaign of six clients, worked: agreed, refused (twice), informed, no answer, callback."""
    clients = [ClientFactory(name=f"Shop {n}", tax_id=f"77000000{n}") for n in range(6)]
    campaign, _ = start(head)
    tasks = {t.client_id: t for t in CallTask.objects.filter(call_list__campaign=campaign)}
    results = [
        TaskResult(outcome="agreed", answers={QUESTIONS[0]: "Lemonade", QUESTIONS[1]: "Weekly"}),
        TaskResult(outcome="refused", refusal_reason="Too expensive", answers={QUESTIONS[0]: "Lemonade"}),
        TaskResult(outcome="refused", refusal_reason="Has a supplier", answers={QUESTIONS[0]: "Kvass"}),
        TaskResult(outcome="informed"),
        TaskResult(outcome="no_answer"),
        TaskResult(outcome="callback", callback_at=timezone.now() + timedelta(hours=2)),
    ]
    for client, result in zip(clients, results, strict=True):
        task = tasks[client.pk]
        record_task_result(actor=task.operator, task_id=task.pk, result=result)
    return campaign


def test_results_count_every_outcome_and_answer(worked, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        results = campaign_results(worked.pk)
    assert (results.tasks, results.reached, results.agreed, results.refused, results.informed) == (
        6,
        4,
        1,
        2,
        1,
    )
    assert (results.no_answer, results.callbacks_pending) == (1, 1)
    assert results.refusal_reasons == [("Has a supplier", 1), ("Too expensive", 1)]
    assert results.answers == [
        (QUESTIONS[0], [("Lemonade", 2), ("Kvass", 1)]),
        (QUESTIONS[1], [("Weekly", 1)]),
    ]


def test_export_csv_has_one_row_a_task_with_each_answer(worked, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        content = export_campaign_results(worked.pk, "csv")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["Client", "Tax id", "Operator", "Status", "Outcome", "Refusal reason", *QUESTIONS]
    assert len(rows) == 7
    shop0 = rows[1]
    assert shop0[:2] == ["Shop 0", "770000000"]
    assert shop0[3:] == ["Done", "Agreed / ordered", "", "Lemonade", "Weekly"]
    assert rows[2][4:] == ["Refused", "Too expensive", "Lemonade", ""]


def test_export_xlsx_has_the_same_rows(worked):
    workbook = load_workbook(io.BytesIO(export_campaign_results(worked.pk, "xlsx")))
    rows = [[cell or "" for cell in row] for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0] == ["Client", "Tax id", "Operator", "Status", "Outcome", "Refusal reason", *QUESTIONS]
    assert rows[3][0] == "Shop 2"
    assert rows[3][4:] == ["Refused", "Has a supplier", "Kvass", ""]
    assert len(rows) == 7


def test_export_refuses_operators_and_other_departments(worked, operators, staff_of):
    with pytest.raises(Forbidden):
        export_campaign_results(worked.pk, "csv", actor=operators[0])
    other_head = staff_of(Role.HEAD, department_code="retail")
    from calldesk.errors import NotFound

    with pytest.raises(NotFound):
        export_campaign_results(worked.pk, "csv", actor=other_head)
    with pytest.raises(InvalidInput):
        export_campaign_results(worked.pk, "pdf")


# --- Screens --------------------------------------------------------------------------------------


def test_head_starts_a_campaign_on_the_form(client, head, operators, staff_of):
    staff_of(Role.MANAGER, department_code="wholesale", username="oleg", full_name="Oleg Ivanov")
    ClientFactory(region="Tver")
    ClientFactory(region="Tver", type=client_type("key"))
    ClientFactory(region="Moscow")
    client.force_login(head)
    page = client.get(reverse("outbound:campaigns"))
    assert page.status_code == 200
    assert b"Oleg Ivanov" in page.content
    assert b'name="client_types" value="market"' in page.content
    response = client.post(
        reverse("outbound:campaigns"),
        {
            "name": "Tver drinks",
            "goal": "Sell drinks",
            "script": "Hello",
            "questions": "Which drinks?\n\nHow often?\n",
            "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "client_types": ["market"],
            "regions": "Tver, ",
        },
        follow=True,
    )
    campaign = Campaign.objects.get()
    assert campaign.questions == ["Which drinks?", "How often?"]
    assert campaign.target == {
        "client_types": ["market"],
        "regions": ["Tver"],
        "managers": [],
        "dormant": False,
        "declined_earlier": False,
    }
    assert response.redirect_chain[-1][0] == reverse("outbound:campaign", args=[campaign.pk])
    assert "1 client to call" in response.content.decode()


def test_the_form_shows_errors_without_a_500(client, head):
    client.force_login(head)
    response = client.post(
        reverse("outbound:campaigns"),
        {
            "name": "X",
            "goal": "Y",
            "script": "Z",
            "questions": "\n".join(f"Q{n}" for n in range(11)),
            "due_on": "2001-01-01",
            "client_types": ["nope"],
        },
    )
    assert response.status_code == 400
    assert not Campaign.objects.exists()
    response = client.post(
        reverse("outbound:campaigns"),
        {"name": "X", "goal": "Y", "script": "Z", "questions": "Q1", "due_on": "2001-01-01"},
    )
    assert response.status_code == 400
    assert b"The due date is in the past." in response.content


def test_results_page_and_its_refreshing_fragment(client, worked, head):
    client.force_login(head)
    page = client.get(reverse("outbound:campaign", args=[worked.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="sse:campaign-changed, live:poll" data-live-poll="5"' in html
    assert '<dd id="figure-reached">4</dd>' in html
    assert "Too expensive" in html and "Lemonade" in html
    fragment = client.get(reverse("outbound:campaign", args=[worked.pk]), headers={"HX-Request": "true"})
    assert '<dd id="figure-refused">2</dd>' in fragment.content.decode()
    assert b"<html" not in fragment.content
    export = client.get(reverse("outbound:campaign-export", args=[worked.pk, "xlsx"]))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("outbound:campaign-export", args=[worked.pk, "pdf"])).status_code == 400


def test_the_results_page_offers_a_csv_russian_excel_opens_in_columns(client, worked, head):
    worked.questions = ["Какой квас берёте?"]
    worked.save(update_fields=["questions"])
    client.force_login(head)
    html = client.get(reverse("outbound:campaign", args=[worked.pk])).content.decode()
    url = reverse("outbound:campaign-export", args=[worked.pk, "csv-excel"])
    assert f'<a href="{url}" id="export-csv-excel">CSV for Excel (semicolons, decimal commas)</a>' in html

    export = client.get(url)

    assert export.status_code == 200
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert export["Content-Disposition"] == f'attachment; filename="campaign-{worked.pk}.csv"'
    lines = export.content.decode("utf-8").split("\r\n")
    assert lines[0] == "\ufeffClient;Tax id;Operator;Status;Outcome;Refusal reason;Какой квас берёте?"
    assert lines[1].startswith("Shop 0;770000000;")
    assert len(lines) == 8 and lines[-1] == ""


def test_operators_and_other_heads_cannot_see_results_or_export(client, worked, operators, staff_of):
    client.force_login(operators[0])
    assert client.get(reverse("outbound:campaign", args=[worked.pk])).status_code == 403
    assert client.get(reverse("outbound:campaign-export", args=[worked.pk, "csv"])).status_code == 403
    assert client.get(reverse("outbound:campaigns")).status_code == 403
    client.force_login(staff_of(Role.HEAD, department_code="retail"))
    assert client.get(reverse("outbound:campaign", args=[worked.pk])).status_code == 404
    assert client.get(reverse("outbound:campaign-export", args=[worked.pk, "csv"])).status_code == 404


def test_head_closes_a_campaign_and_its_tasks_leave_the_queue(client, head, operators):
    ClientFactory()
    campaign, _ = start(head)
    task = CallTask.objects.get(call_list__campaign=campaign)
    assert queue_of(operator=task.operator) == [task]
    client.force_login(head)
    client.post(reverse("outbound:campaign-close", args=[campaign.pk]))
    assert Campaign.objects.get().status == "closed"
    assert queue_of(operator=task.operator) == []


def test_operator_queue_says_why_each_client_is_on_it(client, head, operators, staff_of):
    operator = operators[0]
    staff_of(Role.OPERATOR, department_code="call_center", username="x", presence=User.Presence.ABSENT)
    operators[1].presence = User.Presence.ABSENT
    operators[1].save()
    ClientFactory(name="Old shop", last_order_on=date(2026, 5, 1))
    ClientFactory(name="Never shop", last_order_on=None, joined_on=date(2025, 10, 1))
    ClientFactory(name="Fresh shop", last_order_on=timezone.localdate())
    from outbound.services import build_dormant_list

    build_dormant_list(on=timezone.localdate())
    start(head, name="Summer drinks", today=timezone.localdate(), target={"regions": ["Moscow"]})
    client.force_login(operator)
    page = client.get(reverse("outbound:queue")).content.decode()
    assert "last order on 05/01/2026" in page
    assert "never ordered since joining 10/01/2025" in page
    assert "campaign “Summer drinks”" in page
    assert page.count('<tr id="task-') == 5  # 2 dormant + 3 in the campaign


def test_callbacks_wait_for_their_time(head, operators):
    ClientFactory()
    campaign, _ = start(head)
    task = CallTask.objects.get(call_list__campaign=campaign)
    at = timezone.now() + timedelta(hours=1)
    record_task_result(
        actor=task.operator, task_id=task.pk, result=TaskResult(outcome="callback", callback_at=at)
    )
    assert queue_of(operator=task.operator) == []
    assert [t.pk for t in queue_of(operator=task.operator, now=at)] == [task.pk]


def test_operator_records_a_result_on_the_task_screen(client, head, operators):
    ClientFactory(name="Kolos")
    campaign, _ = start(head)
    task = CallTask.objects.get(call_list__campaign=campaign)
    client.force_login(task.operator)
    page = client.get(reverse("outbound:task", args=[task.pk])).content.decode()
    assert "Good afternoon! We offer" in page
    assert QUESTIONS[0] in page and QUESTIONS[1] in page
    for key in ("Alt+1", "Alt+2", "Alt+3", "Alt+4", "Alt+5"):
        assert f'data-shortcut="{key}"' in page
    # refused without a reason: said on the form, nothing recorded
    response = client.post(
        reverse("outbound:task", args=[task.pk]), {"outcome": "refused", "answer_0": "Kvass"}
    )
    assert response.status_code == 400
    assert "Why did the client refuse?" in response.content.decode()
    assert CallTask.objects.get().status == "open"
    # an unknown outcome: no 500
    assert client.post(reverse("outbound:task", args=[task.pk]), {"outcome": "maybe"}).status_code == 400
    response = client.post(
        reverse("outbound:task", args=[task.pk]),
        {"outcome": "agreed", "answer_0": "Kvass", "answer_1": " Weekly "},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.outcome) == ("done", "agreed")
    assert task.answers == {QUESTIONS[0]: "Kvass", QUESTIONS[1]: "Weekly"}


def test_callback_outcome_takes_its_time_from_the_form(client, head, operators):
    ClientFactory()
    campaign, _ = start(head)
    task = CallTask.objects.get(call_list__campaign=campaign)
    client.force_login(task.operator)
    response = client.post(
        reverse("outbound:task", args=[task.pk]), {"outcome": "callback", "callback_at": "2030-01-02T10:30"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "callback"
    assert timezone.localtime(task.callback_at).replace(tzinfo=None) == datetime(2030, 1, 2, 10, 30)


def test_another_operators_task_is_not_found(client, head, operators):
    ClientFactory()
    campaign, _ = start(head)
    task = CallTask.objects.get(call_list__campaign=campaign)
    other = next(op for op in operators if op.pk != task.operator_id)
    client.force_login(other)
    assert client.get(reverse("outbound:task", args=[task.pk])).status_code == 404
    assert client.post(reverse("outbound:task", args=[task.pk]), {"outcome": "agreed"}).status_code == 404
    assert CallTask.objects.get().status == "open"


def test_call_button_registers_an_outbound_call_and_opens_the_client_card(client, head, operators):
    kolos = ClientFactory(name="Kolos")
    ClientPhoneFactory(client=kolos, number="+74951112233")
    ClientPhoneFactory(client=kolos, number="+74951112244")
    campaign, _ = start(head)
    task = CallTask.objects.get(call_list__campaign=campaign)
    client.force_login(task.operator)
    response = client.post(reverse("outbound:task-call", args=[task.pk]))
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:call", args=[call.pk])
    assert (call.direction, call.phone, call.client_id, call.operator_id) == (
        "outbound",
        "+74951112233",
        kolos.pk,
        task.operator_id,
    )
    assert CallTask.objects.get().call_id == call.pk


def test_call_button_without_a_phone_says_so(client, head, operators):
    ClientFactory()
    campaign, _ = start(head)
    task = CallTask.objects.get(call_list__campaign=campaign)
    client.force_login(task.operator)
    response = client.post(reverse("outbound:task-call", args=[task.pk]), follow=True)
    assert "no phone on file" in response.content.decode()
    assert not Call.objects.exists()


def test_demo_builds_the_dormant_list_and_one_campaign_once(staff_of, operators):
    from demo.seed.outbound import seed_outbound_demo

    staff_of(Role.HEAD, department_code="wholesale", username="head")
    ClientFactory(last_order_on=date(2025, 1, 1))
    ClientFactory(type=client_type("key"))
    first = seed_outbound_demo(today=TODAY)
    assert (first.dormant_tasks, first.campaign_tasks) == (1, 1)
    assert first.campaign.questions and len(first.campaign.questions) == 2
    again = seed_outbound_demo(today=TODAY)
    assert (again.dormant_tasks, again.campaign_tasks, again.campaign) == (0, 0, first.campaign)
