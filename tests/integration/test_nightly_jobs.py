"""The nightly dormant list through a real Celery worker on Redis (III.16)."""

from datetime import date

import pytest

from outbound.models import CallList, CallTask
from outbound.tasks import build_dormant_list_task
from staff.models import Role
from tests.factories import ClientFactory, client_type, make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_nightly_task_builds_the_list_on_a_real_worker(celery_worker):
    make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    dormant = ClientFactory(type=client_type("market"), last_order_on=date(2026, 1, 10))
    ClientFactory(type=client_type("market"), last_order_on=date(2026, 11, 1))
    assert build_dormant_list_task.delay("2026-11-28").get(timeout=60) == 1
    call_list = CallList.objects.get(source="dormant", day=date(2026, 11, 28))
    task = CallTask.objects.get(call_list=call_list)
    assert (task.client, task.reason, task.operator.username) == (dormant, "dormant", "olga")
    # run again, as a redelivered task would be: the same list, nothing added
    assert build_dormant_list_task.delay("2026-11-28").get(timeout=60) == 0
    assert CallTask.objects.count() == 1
