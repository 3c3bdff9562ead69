"""The integration layer: real PostgreSQL and Redis (started by `make test`), and a real Celery
worker started here against the test database. A missing server fails the layer, never skips it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WORKER = {"up": False}  # set once the session's real Celery worker answers


@pytest.fixture(scope="session", autouse=True)
def real_servers_are_configured():
    engine = settings.DATABASES["default"]["ENGINE"]
    assert engine == "django.db.backends.postgresql", (
        "the integration layer needs DATABASE_URL=postgres://... (run it through `make test`)"
    )
    assert settings.REDIS_URL.startswith("redis://"), (
        "the integration layer needs REDIS_URL (run `make test`)"
    )
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


def worker_env(**extra: str) -> dict[str, str]:
    """The environment of a real worker on the test database and the layer's Redis."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "calldesk.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        **extra,
    }


def start_worker(log, *options: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`celery worker` for this project with `options` (concurrency, hostname, queues...)."""
    command = [sys.executable, "-m", "celery", "-A", "calldesk", "worker", "--loglevel=INFO"]
    return subprocess.Popen(
        [*command, *options, "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env or worker_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, tmp_path_factory):
    """A real `celery worker` process on the test database, stopped at the end of the session."""
    from calldesk.celery import app

    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    with open(log_path, "w") as log:
        process = start_worker(log, "--concurrency=2", "--hostname=calldesk-test@%h")
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    pytest.fail("the Celery worker exited at start-up:\n" + log_path.read_text())
                if app.control.ping(timeout=0.5):
                    break
            else:
                pytest.fail("the Celery worker did not answer a ping within 60 s:\n" + log_path.read_text())
            WORKER["up"] = True
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(autouse=True)
def the_worker_is_idle_before_the_tables_are_emptied():
    """A transactional test ends by emptying every table (TRUNCATE). A task the test queued (a
    confirmed order's notice) that the session's worker is still running would deadlock with it:
    wait, at most 30 s, until the queue is empty and the worker runs nothing."""
    yield
    if not WORKER["up"]:
        return
    from calldesk.celery import app

    deadline = time.monotonic() + 30
    idle_checks = 0
    while time.monotonic() < deadline and idle_checks < 2:
        with app.connection_for_write() as conn:
            queued = conn.default_channel.client.llen(app.conf.task_default_queue)
        inspect = app.control.inspect(timeout=0.5)
        busy = [task for tasks in (inspect.active() or {}).values() for task in tasks]
        busy += [task for tasks in (inspect.reserved() or {}).values() for task in tasks]
        idle_checks = idle_checks + 1 if not queued and not busy else 0
        if idle_checks < 2:
            time.sleep(0.1)


def ready_draft(operator, client, offered=("A", "B", "C")) -> int:
    """A draft that passes every confirm rule: 10 x WATER, the `offered` products declined, the
    delivery agreed (the products must exist)."""
    from django.utils import timezone

    from orders.services import add_line, record_offer, set_terms, start_order
    from warehouse.calendar import next_working_day

    order = start_order(actor=operator, client_id=client.pk)
    add_line(actor=operator, order_id=order.pk, sku="WATER", quantity="10")
    for sku in offered:
        record_offer(actor=operator, order_id=order.pk, sku=sku, outcome="declined", reason="no")
    set_terms(
        actor=operator,
        order_id=order.pk,
        delivery={
            "date": next_working_day(timezone.localdate()),
            "receiver_name": "Ivan",
            "receiver_phone": "84951112233",
        },
    )
    return order.pk
