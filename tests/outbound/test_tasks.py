"""The nightly list's Celery tasks moved from calls/ to outbound/ under the names they were
registered with, so messages queued before a deploy still run after it, and beat names them."""

from datetime import date

from django.conf import settings

from calldesk.celery import app
from outbound import tasks
from outbound.models import CallList, CallTask
from staff.models import Role
from tests.factories import ClientFactory, client_type

OLD_NAMES = {
    "calls.tasks.build_dormant_list_task": tasks.build_dormant_list_task,
    "calls.tasks.dispatch_dormant_list_task": tasks.dispatch_dormant_list_task,
}


def test_the_moved_tasks_answer_to_their_old_names():
    app.loader.import_default_modules()
    for name, task in OLD_NAMES.items():
        assert task.name == name
        assert app.tasks[name].run is task.run
    assert "outbound.tasks.build_dormant_list_task" not in app.tasks


def test_beat_schedules_the_dispatcher_by_its_registered_name():
    entry = settings.CELERY_BEAT_SCHEDULE["dormant-list"]
    assert entry["task"] == tasks.dispatch_dormant_list_task.name
    assert entry["task"] in app.tasks


def test_a_message_queued_under_the_old_name_builds_the_list(staff_of):
    staff_of(Role.OPERATOR, username="ольга")
    market = client_type("market")
    dormant = ClientFactory(name="Ларёк «Берёзка»", type=market, last_order_on=date(2026, 1, 10))
    result = app.tasks["calls.tasks.build_dormant_list_task"].apply(args=["2026-11-28"])
    assert result.get() == 1
    call_list = CallList.objects.get(source=CallList.Source.DORMANT, day=date(2026, 11, 28))
    task = CallTask.objects.get(call_list=call_list)
    assert (task.client, task.reason, task.operator.username) == (dormant, "dormant", "ольга")
