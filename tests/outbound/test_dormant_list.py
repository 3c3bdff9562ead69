"""III.16: the nightly list of dormant market clients, pinned at its edges."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from calldesk.errors import NotFound
from outbound import rules
from outbound.models import CallList, CallTask
from outbound.rules import dormancy_cutoff, is_dormant, share_fairly
from outbound.selectors import targeted_clients
from outbound.services import TaskResult, build_dormant_list, record_task_result
from staff.models import Role, User
from tests.factories import ClientFactory, client_type

ON = date(2026, 11, 28)
CUTOFF = date(2026, 5, 28)


@pytest.mark.parametrize(
    ("day", "cutoff"),
    [
        (date(2026, 11, 28), date(2026, 5, 28)),
        (date(2026, 5, 31), date(2025, 11, 30)),  # November has no 31st: its last day
        (date(2026, 8, 31), date(2026, 2, 28)),
        (date(2028, 8, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 3, 15), date(2025, 9, 15)),  # across the year
    ],
)
def test_cutoff_is_six_calendar_months_earlier(day, cutoff):
    assert dormancy_cutoff(day) == cutoff


@pytest.mark.parametrize(
    ("last_order_on", "joined_on", "dormant"),
    [
        (CUTOFF, date(2020, 1, 1), False),  # ordered exactly six months before: not dormant
        (CUTOFF - timedelta(days=1), date(2020, 1, 1), True),  # one day more
        (CUTOFF + timedelta(days=1), date(2020, 1, 1), False),  # one day less
        (None, CUTOFF - timedelta(days=1), True),  # never ordered, joined more than six months ago
        (None, CUTOFF, False),  # never ordered, joined exactly six months ago
        (None, CUTOFF + timedelta(days=30), False),  # never ordered, younger than six months
    ],
)
def test_dormancy_at_its_edges(last_order_on, joined_on, dormant):
    assert is_dormant(last_order_on=last_order_on, joined_on=joined_on, cutoff=CUTOFF) is dormant


def test_share_fairly_evens_out_the_queues():
    assert share_fairly([1, 2, 3, 4, 5], {10: 2, 11: 0, 12: 1}) == {1: 11, 2: 11, 3: 12, 4: 10, 5: 11}


@pytest.fixture
def base(db, staff_of):
    operators = [staff_of(Role.OPERATOR, department_code="call_center", username=f"op{n}") for n in range(2)]
    staff_of(Role.OPERATOR, department_code="call_center", username="away", presence=User.Presence.ABSENT)
    market = client_type("market")
    clients = {
        "exactly_six_months": ClientFactory(type=market, last_order_on=CUTOFF),
        "one_day_more": ClientFactory(type=market, last_order_on=CUTOFF - timedelta(days=1)),
        "one_day_less": ClientFactory(type=market, last_order_on=CUTOFF + timedelta(days=1)),
        "never_old": ClientFactory(type=market, last_order_on=None, joined_on=CUTOFF - timedelta(days=1)),
        "never_young": ClientFactory(type=market, last_order_on=None, joined_on=CUTOFF + timedelta(days=10)),
        "retail_dormant": ClientFactory(type=client_type("retail"), last_order_on=date(2025, 1, 1)),
        "key_dormant": ClientFactory(type=client_type("key"), last_order_on=date(2025, 1, 1)),
        "long_gone": ClientFactory(type=market, last_order_on=date(2025, 1, 1)),
    }
    return operators, clients


def test_the_list_holds_exactly_the_dormant_market_clients_with_why(base):
    _operators, clients = base
    built = build_dormant_list(on=ON)
    listed = {task.client_id: (task.reason, task.last_order_on) for task in CallTask.objects.all()}
    assert listed == {
        clients["one_day_more"].pk: ("dormant", CUTOFF - timedelta(days=1)),
        clients["never_old"].pk: ("never_ordered", None),
        clients["long_gone"].pk: ("dormant", date(2025, 1, 1)),
    }
    assert built.created == 3
    assert built.call_list.source == "dormant"
    assert built.call_list.day == ON
    # shared among the two operators on duty, never the absent one
    per_operator = sorted(CallTask.objects.values_list("operator__username", flat=True))
    assert per_operator == ["op0", "op0", "op1"]


def test_a_second_run_for_the_same_day_adds_nothing(base):
    build_dormant_list(on=ON)
    again = build_dormant_list(on=ON)
    assert again.created == 0
    assert CallList.objects.count() == 1
    assert CallTask.objects.count() == 3


def test_a_client_on_an_open_list_is_not_listed_again_the_next_day(base):
    operators, clients = base
    build_dormant_list(on=ON)
    next_day = build_dormant_list(on=ON + timedelta(days=1))
    # the next day only the client who ordered exactly six months before the first day joins
    assert [t.client_id for t in next_day.call_list.tasks.all()] == [clients["exactly_six_months"].pk]
    task = CallTask.objects.get(client=clients["long_gone"])
    other = next(op for op in operators if op != task.operator)
    with pytest.raises(NotFound):  # another operator's task is not there for them (III.26)
        record_task_result(actor=other, task_id=task.pk, result=TaskResult(outcome="agreed"))
    record_task_result(
        actor=task.operator,
        task_id=task.pk,
        result=TaskResult(outcome="refused", refusal_reason="closed the stall"),
    )
    third_day = build_dormant_list(on=ON + timedelta(days=2))  # refused: listed again
    # the refused client is listed again, and the cut-off moved past "one day less"
    assert [t.client_id for t in third_day.call_list.tasks.order_by("id")] == [
        clients["long_gone"].pk,
        clients["one_day_less"].pk,
    ]


def test_no_answer_goes_back_to_the_queue_then_closes(base, settings):
    settings.CALL_TASK_MAX_ATTEMPTS = 2
    _operators, clients = base
    build_dormant_list(on=ON)
    task = CallTask.objects.get(client=clients["long_gone"])
    assert (
        record_task_result(
            actor=task.operator, task_id=task.pk, result=TaskResult(outcome="no_answer")
        ).status
        == "no_answer"
    )
    assert (
        record_task_result(
            actor=task.operator, task_id=task.pk, result=TaskResult(outcome="no_answer")
        ).status
        == "done"
    )


def test_the_backfill_command_is_the_same_call(base, capsys):
    call_command("build_dormant_list", "--on", "2026-11-28")
    assert capsys.readouterr().out.startswith("Dormant list of 2026-11-28: 3 new task(s), list ")
    call_command("build_dormant_list", "--on", "2026-11-28")
    assert "0 new task(s)" in capsys.readouterr().out


def test_the_api_job_and_tasks(api, base, staff_of):
    operators, _clients = base
    admin_user = staff_of(Role.ADMIN, department_code=None)
    assert api(operators[0]).post("/api/v1/jobs/dormant-list?on=2026-11-28").status_code == 403
    body = api(admin_user).post("/api/v1/jobs/dormant-list?on=2026-11-28").json()
    assert body["created"] == 3
    assert api(admin_user).post("/api/v1/jobs/dormant-list?on=2026-11-28").json() == {
        "created": 0,
        "list": body["list"],
    }
    http = api(operators[0])
    tasks = http.get("/api/v1/call-tasks", {"operator": "op0", "status": "open"}).json()
    assert tasks["count"] == 2
    task_id = tasks["items"][0]["id"]
    refused = http.post(
        f"/api/v1/call-tasks/{task_id}/result", {"outcome": "refused"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "refusal_reason"
    done = http.post(
        f"/api/v1/call-tasks/{task_id}/result",
        {"outcome": "refused", "refusal_reason": "buys elsewhere"},
        content_type="application/json",
    ).json()
    assert (done["status"], done["outcome"], done["refusal_reason"], done["attempts"]) == (
        "done",
        "refused",
        "buys elsewhere",
        1,
    )


# --- One rule: the builder's query is made from it ------------------------------------------------

EDGE_DAYS = [
    date(2026, 11, 28),
    date(2026, 5, 31),  # the cut-off month lacks the 31st
    date(2026, 8, 31),  # February, 28 days
    date(2028, 8, 31),  # February of a leap year
    date(2026, 3, 15),  # across the year
    date(2027, 1, 1),
]


def edge_clients(cutoff: date) -> list:
    """A market client for each last order (a day before, on, after the cut-off; never) and each
    joining day (the same three), so every edge of the rule is in the database."""
    market = client_type("market")
    days = [cutoff - timedelta(days=1), cutoff, cutoff + timedelta(days=1)]
    return [
        ClientFactory(
            name=f"Киоск {n} «{last or 'никогда'}»" if n % 2 else f"Stall {n} ({last or 'never'})",
            type=market,
            last_order_on=last,
            joined_on=joined,
        )
        for n, (last, joined) in enumerate((last, joined) for last in [*days, None] for joined in days)
    ]


def dormant_by_rule(clients: list, cutoff: date) -> set[int]:
    return {
        c.pk
        for c in clients
        if is_dormant(last_order_on=c.last_order_on, joined_on=c.joined_on, cutoff=cutoff)
    }


@pytest.mark.parametrize("on", EDGE_DAYS)
def test_the_builder_and_the_rule_agree_on_edge_days(db, staff_of, on):
    staff_of(Role.OPERATOR, department_code="call_center", username="марина")
    cutoff = dormancy_cutoff(on)
    clients = edge_clients(cutoff)
    by_rule = dormant_by_rule(clients, cutoff)
    built = build_dormant_list(on=on)
    assert set(built.call_list.tasks.values_list("client_id", flat=True)) == by_rule
    # the three who last ordered the day before the cut-off, and the one who never ordered and
    # joined then: exactly four of the twelve
    assert built.created == len(by_rule) == 4
    department_id = clients[0].department_id
    targeted = targeted_clients(department_id=department_id, target={"dormant": True}, today=on)
    assert set(targeted.values_list("pk", flat=True)) == by_rule


def test_changing_the_rule_changes_the_list(db, staff_of, monkeypatch):
    staff_of(Role.OPERATOR, department_code="call_center", username="op")
    cutoff = dormancy_cutoff(ON)
    clients = edge_clients(cutoff)
    # Say the rule became "an order on or before the cut-off; never ordered does not count".
    monkeypatch.setattr(rules, "dormancy_conditions", lambda cutoff: ({"last_order_on__lte": cutoff},))
    by_rule = dormant_by_rule(clients, cutoff)
    built = build_dormant_list(on=ON)
    assert set(built.call_list.tasks.values_list("client_id", flat=True)) == by_rule
    assert built.created == 6  # a day before and on the cut-off, each of three joining days


def test_the_rule_reads_its_lookups_as_the_database_does():
    values = {"last_order_on": None, "joined_on": CUTOFF}
    assert rules.meets_any(({"last_order_on__lt": CUTOFF},), values) is False  # NULL < x is not true
    assert rules.meets_any(({"last_order_on__isnull": True, "joined_on__lte": CUTOFF},), values) is True
    assert rules.meets_any(({"joined_on": CUTOFF},), values) is True
    with pytest.raises(ValueError, match="joined_on__year"):
        rules.meets_any(({"joined_on__year": 2026},), values)
