"""Today's figures follow confirmed orders and ended calls within seconds (III.14, III.25,
section VI): in-process on the embedded default, one rebuild per window through a broker, and
nothing lost when the broker cannot take it (`reports.refresh`)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError

from calls.models import Call
from calls.services import EndCall, end_call, register_call
from reports.models import OperatorDay, ReportRun, SalesDay
from reports.refresh import REFRESH_MARGIN_SECONDS, request_refresh
from reports.tasks import build_operator_reports_task
from staff.models import Role
from tests.factories import ClientFactory, ClientPhoneFactory, client_type
from tests.orders.conftest import catalog, ready_terms  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def no_rebuild_queued(monkeypatch):
    monkeypatch.setattr("messaging.services._broker_failed_at", None)  # the broker is up
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(staff_of):
    return {
        "operator": staff_of(
            Role.OPERATOR, department_code="call_center", username="olga", full_name="Ольга Смирнова"
        ),
        "manager": staff_of(
            Role.MANAGER, department_code="retail", username="pavlova", full_name="Tatiana Pavlova"
        ),
        "head": staff_of(Role.HEAD, department_code="retail", username="orlov", full_name="Игорь Орлов"),
    }


@pytest.fixture
def zarya(people):
    client = ClientFactory(name="Магазин «Заря»", type=client_type("retail"), manager=people["manager"])
    ClientPhoneFactory(client=client, number="+74957654321")
    return client


def confirm_an_order(http, client_id: int) -> str:
    """A draft of two COLA at the base column (2 x 50.00), three offers declined, confirmed."""
    order = http.post("/api/v1/orders", {"client": client_id}, content_type=JSON).json()
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "2"}, content_type=JSON)
    for sku in ("TEA", "RICE", "MILK"):
        http.post(
            f"/api/v1/orders/{order['id']}/offers",
            {"sku": sku, "outcome": "declined", "reason": "есть на складе"},
            content_type=JSON,
        )
    http.patch(f"/api/v1/orders/{order['id']}", ready_terms(), content_type=JSON)
    response = http.post(f"/api/v1/orders/{order['id']}/confirm")
    assert response.status_code == 200, response.json()
    return response.json()["number"]


def cell(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, element_id
    return match.group(1).strip()


def test_a_confirmed_order_and_an_ended_call_show_at_once_on_every_screen(
    api,
    client,
    people,
    zarya,
    catalog,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given: nothing built for today, as under `make run` with no beat
    olga = api(people["operator"])
    # when: the operator takes a call from the shop, confirms its order and ends the call
    with django_capture_on_commit_callbacks(execute=True):
        call_id = olga.post(
            "/api/v1/calls", {"direction": "inbound", "phone": "+74957654321"}, content_type=JSON
        ).json()["id"]
        confirm_an_order(olga, zarya.pk)
        ended = olga.post(
            f"/api/v1/calls/{call_id}/end", {"purpose": "order", "outcome": "order_taken"}, content_type=JSON
        )
    assert ended.status_code == 200, ended.json()
    today = timezone.localdate()
    # then: the API's report of today has her exact figures
    report = api(people["head"]).get("/api/v1/reports/operators", {"on": today.isoformat()}).json()
    assert report["count"] == 1
    row = report["items"][0]
    assert (row["operator"], row["full_name"]) == ("olga", "Ольга Смирнова")
    assert (row["calls_in"], row["calls_out"], row["orders"], row["lines"]) == (1, 0, 1, 1)
    assert (row["order_value"], row["offers_made"], row["offers_accepted"]) == ("100.00", 3, 0)
    assert row["score"] == "60.0"  # section VI: 60 for orders without errors, no offer taken
    stored = OperatorDay.objects.get(operator=people["operator"], day=today)
    assert stored.order_value == Decimal("100.00") and stored.calls_ended == 1
    # ... "My results" shows them as today's
    client.force_login(people["operator"])
    mine = client.get("/reports/me/").content.decode()
    assert cell(mine, "day-orders") == "1"
    assert cell(mine, "day-value") == "RUB\xa0100.00"
    assert cell(mine, "day-calls-in") == "1"
    assert cell(mine, "day-score") == "60.0"
    # ... and the head of the client's department reads them on the dashboard
    client.force_login(people["head"])
    board = client.get("/reports/dashboard/", {"department": "retail"}).content.decode()
    assert cell(board, "total-orders") == "1"
    assert cell(board, "total-value") == "RUB\xa0100.00"
    assert cell(board, "calls-in") == "1"
    assert cell(board, "offers") == "0 / 3"
    assert SalesDay.objects.get(day=today).manager == people["manager"]


def test_a_call_counts_on_the_day_it_started_and_that_day_follows_its_end(
    people, zarya, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - timedelta(days=1)
    call = register_call(actor=people["operator"], direction="inbound", phone="+74957654321")
    Call.objects.filter(pk=call.pk).update(started_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        end_call(
            actor=people["operator"], call_id=call.pk, wrap_up=EndCall(purpose="other", outcome="no_answer")
        )
    row = OperatorDay.objects.get(operator=people["operator"])
    assert (row.day, row.calls_in, row.calls_ended) == (yesterday, 1, 1)
    assert list(ReportRun.objects.values_list("day", flat=True)) == [yesterday]


def test_a_rebuild_that_fails_in_process_leaves_the_order_confirmed(
    api,
    people,
    zarya,
    catalog,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    failing = mock.patch("reports.build.build_day", side_effect=RuntimeError("a bug"))
    with failing, django_capture_on_commit_callbacks(execute=True):
        number = confirm_an_order(api(people["operator"]), zarya.pk)
    assert number.endswith("-000001")
    assert not OperatorDay.objects.exists()


def test_through_a_broker_one_rebuild_a_window_carries_every_commit(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REPORT_REFRESH_SECONDS = 2
    with mock.patch.object(build_operator_reports_task, "apply_async", return_value=None) as queued:
        assert request_refresh("2026-12-03") is True
        assert request_refresh("2026-12-03") is True  # rides on the rebuild queued a moment ago
        assert request_refresh("2026-12-02") is True  # another day: its own rebuild
    assert [(c.kwargs["args"], c.kwargs["countdown"]) for c in queued.call_args_list] == [
        (["2026-12-03"], 2 + REFRESH_MARGIN_SECONDS),
        (["2026-12-02"], 2 + REFRESH_MARGIN_SECONDS),
    ]


def test_with_the_broker_down_the_next_commit_asks_again(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr("messaging.services.BROKER_DOWN_SECONDS", 0.0)  # asks the broker every time
    down = OperationalError("redis down")
    with mock.patch.object(build_operator_reports_task, "apply_async", side_effect=down) as tried:
        assert request_refresh("2026-12-03") is False
        assert request_refresh("2026-12-03") is False
    assert tried.call_count == 2  # nothing was queued, so nothing is waited for
    with mock.patch.object(build_operator_reports_task, "apply_async", return_value=None) as queued:
        assert request_refresh("2026-12-03") is True
    assert queued.call_count == 1


def test_a_second_build_of_the_day_reads_what_came_since_the_first(people, zarya):
    from reports.build import build_day

    today = timezone.localdate()
    build_day(today)
    register_call(actor=people["operator"], direction="inbound", phone="+74957654321")
    build_day(today)
    assert OperatorDay.objects.get(operator=people["operator"], day=today).calls_in == 1


def test_while_the_broker_is_down_no_rebuild_waits_on_it(settings, monkeypatch):
    """A confirmation whose manager's notice just failed to reach the broker does not wait on the
    broker a second time for its report rows: beat's refresh of today rebuilds them."""
    from messaging.services import publish
    from messaging.tasks import deliver_outbox_message_task

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr("messaging.services._broker_failed_at", None)
    with mock.patch.object(deliver_outbox_message_task, "apply_async", side_effect=OperationalError("down")):
        assert publish(deliver_outbox_message_task, 1) is False
    with mock.patch.object(build_operator_reports_task, "apply_async", return_value=None) as queued:
        assert request_refresh("2026-12-03") is False
        monkeypatch.setattr("messaging.services._broker_failed_at", None)  # 30 s later: up again
        assert request_refresh("2026-12-03") is True
    assert queued.call_count == 1
