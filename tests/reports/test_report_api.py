"""`GET /api/v1/reports/operators?on=` (API.md, "Reports"), the command that builds it, and who
may read it (III.25, III.26)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reports.models import OperatorDay, ReportRun
from staff.models import Role
from tests.reports.test_build_day import DAY, known_day  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_command_builds_a_day_and_the_api_serves_it(known_day, staff_of, api):  # noqa: F811
    out = StringIO()
    call_command("build_operator_reports", "--on", DAY.isoformat(), stdout=out)
    assert out.getvalue().startswith("Operator reports of 2026-11-20: 3 operator(s), 5 department slice(s),")
    head = staff_of(Role.HEAD, username="volkov")
    response = api(head).get(f"/api/v1/reports/operators?on={DAY.isoformat()}")
    assert response.status_code == 200
    body = response.json()
    assert body["date"] == "2026-11-20"
    assert body["built_at"] == ReportRun.objects.get(day=DAY).built_at.isoformat()
    assert body["count"] == 3
    assert [item["operator"] for item in body["items"]] == ["marina", "oleg", "olga"]
    assert body["items"][2] == {
        "operator": "olga",
        "full_name": "Olga Smirnova",
        "date": "2026-11-20",
        "calls_in": 4,
        "calls_out": 1,
        "handle_seconds_avg": 188,
        "talk_seconds": 750,
        "orders": 3,
        "order_value": "2400.50",
        "lines": 6,
        "offers_made": 6,
        "offers_accepted": 3,
        "transfers": 2,
        "dormant_called": 1,
        "dormant_reordered": 1,
        "errors": 1,
        "exceptions": 0,
        "score": "60.0",
    }


def test_the_api_reads_in_a_fixed_number_of_queries(known_day, staff_of, api, django_assert_num_queries):  # noqa: F811
    call_command("build_operator_reports", "--on", DAY.isoformat(), stdout=StringIO())
    reader = api(staff_of(Role.FINANCE, department_code="finance"))
    # token with the user's role + rows with operators + the run, however many operators
    with django_assert_num_queries(4):
        assert reader.get(f"/api/v1/reports/operators?on={DAY}").json()["count"] == 3


def test_an_operator_reads_only_their_own_row_and_commercial_nothing(known_day, staff_of, api):  # noqa: F811
    olga = known_day[0]
    call_command("build_operator_reports", "--on", DAY.isoformat(), stdout=StringIO())
    mine = api(olga).get(f"/api/v1/reports/operators?on={DAY}").json()
    assert [item["operator"] for item in mine["items"]] == ["olga"]
    refused = api(staff_of(Role.COMMERCIAL)).get(f"/api/v1/reports/operators?on={DAY}")
    assert refused.status_code == 403


def test_a_day_not_built_and_bad_days(staff_of, api):
    head = api(staff_of(Role.HEAD))
    body = head.get("/api/v1/reports/operators?on=2026-01-05").json()
    assert body == {"date": "2026-01-05", "built_at": None, "count": 0, "items": []}
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = head.get(f"/api/v1/reports/operators?on={tomorrow}")
    assert future.status_code == 400
    assert future.json()["errors"] == [{"field": "on", "detail": "Today or earlier."}]
    garbage = head.get("/api/v1/reports/operators?on=20-11-2026")
    assert garbage.status_code == 400
    assert garbage.json()["code"] == "validation_error"
    assert (
        api(staff_of(Role.HEAD)).get("/api/v1/reports/operators").json()["date"]
        == (timezone.localdate() - timedelta(days=1)).isoformat()
    )


def test_the_command_backfills_a_range_and_refuses_nonsense(known_day):  # noqa: F811
    out = StringIO()
    call_command("build_operator_reports", "--on", "2026-11-18", "--to", "2026-11-20", stdout=out)
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == [
        "Operator reports of 2026-11-18",
        "Operator reports of 2026-11-19",
        "Operator reports of 2026-11-20",
    ]
    assert sorted(ReportRun.objects.values_list("day", flat=True)) == [
        DAY - timedelta(days=2),
        DAY - timedelta(days=1),
        DAY,
    ]
    assert OperatorDay.objects.filter(day=DAY).count() == 3
    with pytest.raises(CommandError, match="--to is before --on"):
        call_command("build_operator_reports", "--on", "2026-11-20", "--to", "2026-11-19")
    with pytest.raises(CommandError, match="not come yet"):
        call_command("build_operator_reports", "--on", (timezone.localdate() + timedelta(days=2)).isoformat())
