"""Department targets are kept in admin (section VI); report rows there are read-only, and a
day can be rebuilt from its run."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from reports.models import DepartmentTarget, OperatorDay, ReportRun
from staff.models import Role
from tests.factories import department
from tests.reports.test_build_day import DAY, known_day  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def target_form(**overrides) -> dict:
    form = {
        "department": department("wholesale").pk,
        "period_start": "2026-12-01",
        "period_end": "2026-12-31",
        "orders": "300",
        "order_value": "1500000.00",
        "upsell_conversion": "35.0",
        "reactivated": "20",
    }
    form.update(overrides)
    return form


def test_an_admin_sets_a_department_target(client, staff_of):
    admin_user = staff_of(Role.ADMIN, department_code=None, username="anna")
    client.force_login(admin_user)
    response = client.post(reverse("admin:reports_departmenttarget_add"), target_form())
    assert response.status_code == 302
    target = DepartmentTarget.objects.get()
    assert (target.orders, str(target.order_value), str(target.upsell_conversion), target.reactivated) == (
        300,
        "1500000.00",
        "35.0",
        20,
    )
    assert target.updated_by == admin_user


def test_the_admin_form_refuses_an_overlap_and_a_backwards_period(client, staff_of):
    client.force_login(staff_of(Role.ADMIN, department_code=None))
    DepartmentTarget.objects.create(
        department=department("wholesale"),
        period_start=date(2026, 12, 1),
        period_end=date(2026, 12, 31),
        orders=1,
    )
    overlap = client.post(
        reverse("admin:reports_departmenttarget_add"), target_form(period_start="2026-12-15")
    )
    assert overlap.status_code == 200
    assert "This department already has a target from 2026-12-01 to 2026-12-31." in overlap.content.decode()
    backwards = client.post(
        reverse("admin:reports_departmenttarget_add"),
        target_form(period_start="2027-02-10", period_end="2027-02-01"),
    )
    assert "The period ends before it starts." in backwards.content.decode()
    assert DepartmentTarget.objects.count() == 1


def test_heads_and_operators_do_not_reach_the_admin(client, staff_of):
    for role in (Role.HEAD, Role.OPERATOR):
        client.force_login(staff_of(role))
        response = client.get(reverse("admin:reports_departmenttarget_changelist"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_report_rows_are_read_only_and_a_day_is_rebuilt_from_its_run(client, staff_of, known_day):  # noqa: F811
    client.force_login(staff_of(Role.ADMIN, department_code=None))
    ReportRun.objects.create(day=DAY, built_at=date(2026, 11, 21).isoformat() + "T00:10:00+03:00")
    assert client.get(reverse("admin:reports_operatorday_add")).status_code == 403
    response = client.post(
        reverse("admin:reports_reportrun_changelist"),
        {"action": "rebuild", "_selected_action": [DAY.isoformat()]},
        follow=True,
    )
    assert "Rebuilt 1 day." in response.content.decode()
    assert OperatorDay.objects.filter(day=DAY).count() == 3
