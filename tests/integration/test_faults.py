"""Nothing is lost when a server fails (III.14: every order is registered and passed to the
department managers; section VI: speed, precision and accuracy in taking orders, without errors).

On the real servers of the integration layer: the Redis that `make test` started is stopped and
started again on its port (`REDIS_CONF`, written by scripts/servers.sh), a pool process of a
real Celery worker is killed with SIGKILL in the middle of the nightly job, and the PostgreSQL
backend serving a confirmation is terminated inside its transaction.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test import Client as HttpClient
from django.utils import timezone
from psycopg import sql

from calldesk.celery import app
from clients.models import Client
from messaging.models import InboxMessage, OutboxMessage
from messaging.tasks import deliver_pending_outbox_task
from orders import services as order_services
from orders.models import Order, OrderLine, OrderNumberSequence
from outbound.models import CallList, CallTask
from outbound.tasks import build_dormant_list_task
from staff.models import Role
from staff.services import issue_api_token
from tests.factories import ClientFactory, ProductFactory, client_type, make_staff, price
from tests.integration.conftest import ready_draft, start_worker, worker_env

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, interval: float = 0.05):
    """Poll `condition` until it returns something true (and return that), or fail after
    `timeout` seconds naming what never happened. No fixed sleeps in these tests."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(interval)


def api_client(user) -> HttpClient:
    issued = issue_api_token(user=user, name="fault tests")
    return HttpClient(headers={"Authorization": f"Bearer {issued.raw}"})


def catalogue() -> None:
    """WATER at 10.00 (a line of 10 is 100.00) and three products to offer (III.7)."""
    price(ProductFactory(sku="WATER"), "base", "10.00")
    for sku in ("A", "B", "C"):
        price(ProductFactory(sku=sku), "base", "1.00")


def session_ended(conn: psycopg.Connection, pid: int) -> bool:
    return conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone() is None


def pg_connect(*, autocommit: bool = True) -> psycopg.Connection:
    """A connection of its own to the test database, outside Django (a second session)."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=autocommit,
    )


# --- 1. Redis stopped while orders are confirmed -------------------------------------------------


def redis_answers() -> bool:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError):
        return False
    finally:
        client.close()


def session_worker_answers() -> bool:
    try:
        replies = app.control.ping(timeout=0.5)
    except Exception:  # the test process's own broker connection may still be reconnecting
        return False
    return any(name.startswith("calldesk-test@") for reply in replies for name in reply)


@contextmanager
def redis_stopped() -> Iterator[None]:
    """Stop the layer's Redis (SHUTDOWN NOSAVE: the queue is lost with it, as in a crash) and,
    whatever happens inside, start it again from its own config on the same port, then wait for
    the session's worker to reconnect, so the tests after this one find the servers as they were."""
    conf = os.environ.get("REDIS_CONF", "")
    if not conf or not Path(conf).is_file():
        pytest.fail("REDIS_CONF is not set: run the integration layer through `make test` (scripts/test.sh)")
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    try:
        client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # the server closed the connection as it stopped
    finally:
        client.close()
    wait_for(lambda: not redis_answers(), timeout=10, what="Redis to stop")
    try:
        yield
    finally:
        subprocess.run(["redis-server", conf], check=True, stdout=subprocess.DEVNULL, timeout=30)
        wait_for(redis_answers, timeout=10, what="Redis to start again on its port")
        wait_for(session_worker_answers, timeout=60, what="the session's Celery worker to reconnect")


def wait_for_success(result, *, timeout: float, what: str):
    """The task's result, polled from the result store (never a blocking `get()` on a pub/sub
    connection that a Redis restart may have cut)."""

    def finished():
        state = result.state
        if state == "FAILURE":
            pytest.fail(f"{what} failed on the worker: {result.result!r}")
        return state == "SUCCESS"

    wait_for(finished, timeout=timeout, what=what)
    return result.result


def test_orders_confirmed_while_redis_is_down_are_saved_and_each_notice_is_delivered_once(
    celery_worker, caplog, mailoutbox
):
    """III.14 and section VI: with the broker down, every confirmation is still saved, numbered
    and answered at once (no 500, no wait on the broker), and its manager's notice waits in the
    outbox; once Redis is back, the beat's sweep (run twice at once, then again) delivers each
    notice through the real worker exactly once: none missing, none twice."""
    operator = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    managers = [
        make_staff(Role.MANAGER, department_code="wholesale", username=name, email=f"{name}@example.test")
        for name in ("oleg", "irina")
    ]
    clients = [
        ClientFactory(type=client_type("market"), manager=manager, credit_limit=None, name=f"Kiosk {n}")
        for n, manager in enumerate(managers)
    ]
    catalogue()
    drafts = [ready_draft(operator, clients[n % 2]) for n in range(6)]
    api = api_client(operator)
    caplog.set_level(logging.WARNING, logger="messaging.services")

    with redis_stopped():
        assert not redis_answers()
        answers = []
        for order_id in drafts:
            started = time.monotonic()
            response = api.post(f"/api/v1/orders/{order_id}/confirm")
            answers.append((response.status_code, response.json(), time.monotonic() - started))
        # every request answered clearly, and at once: the broker is not waited for
        assert [status for status, _body, _took in answers] == [200] * 6
        assert max(took for _status, _body, took in answers) < 5
        year = timezone.localdate().year
        assert [body["status"] for _s, body, _t in answers] == ["confirmed"] * 6
        # every order saved; every notice written with it, none delivered yet
        numbers = [f"{year}-{n:06d}" for n in range(1, 7)]
        assert [body["number"] for _s, body, _t in answers] == numbers
        orders = list(Order.objects.filter(pk__in=drafts).select_related("client__manager").order_by("id"))
        assert [(o.status, o.number) for o in orders] == [("confirmed", number) for number in numbers]
        pending = list(OutboxMessage.objects.order_by("id"))
        assert len(pending) == 6
        assert all(m.delivered_at is None and m.attempts == 0 for m in pending)
        assert not InboxMessage.objects.exists()
        waiting = [r for r in caplog.records if "waits for its sweep" in r.getMessage()]  # publish's
        assert sorted(r.args[1][0] for r in waiting) == [m.pk for m in pending]  # (task, its args)

    # Redis is back (empty: the queue died with it). A minute later the beat sends its sweep: the
    # notices are a minute old. Two sweeps sent together (the worker runs two tasks at a time, and
    # a slow beat may well queue two), then one more.
    OutboxMessage.objects.update(created_at=F("created_at") - timedelta(minutes=1))
    first, second = deliver_pending_outbox_task.delay(), deliver_pending_outbox_task.delay()
    delivered = [
        wait_for_success(first, timeout=30, what="the first sweep"),
        wait_for_success(second, timeout=30, what="the second sweep"),
    ]
    assert sum(delivered) == 6  # each notice delivered by exactly one of the two sweeps
    assert wait_for_success(deliver_pending_outbox_task.delay(), timeout=30, what="a third sweep") == 0
    assert deliver_pending_outbox_task.apply().get() == 0  # the same sweep in-process: nothing left
    assert mailoutbox == []  # ... and no second e-mail

    for message in OutboxMessage.objects.all():
        assert message.delivered_at is not None
        assert message.attempts == 1  # one delivery: one inbox message and one e-mail
    for order in orders:
        manager = order.client.manager
        subject = f"Order {order.number} confirmed: {order.client.name}, RUB\xa0100.00"
        notices = InboxMessage.objects.filter(recipient=manager, subject__startswith=f"Order {order.number} ")
        assert [n.subject for n in notices] == [subject]
    assert InboxMessage.objects.count() == 6
    assert InboxMessage.objects.filter(recipient=managers[0]).count() == 3
    assert InboxMessage.objects.filter(recipient=managers[1]).count() == 3


# --- 2. A worker process killed in the middle of the nightly job --------------------------------

FAULT_QUEUE = "calldesk-faults"
FAULT_APP_NAME = "calldesk-fault-worker"
NIGHT = date(2026, 11, 28)
GATE_KEY = 914_016  # the advisory lock the gate trigger waits on


@dataclass(frozen=True)
class SpareWorker:
    node: str
    log: Path

    def saw_the_task_twice(self, task_id: str) -> bool:
        """Its log: the task handed out twice, its first pool process lost to SIGKILL."""
        text = self.log.read_text()
        return text.count(f"[{task_id}] received") == 2 and "signal 9 (SIGKILL)" in text


@pytest.fixture(scope="module")
def spare_worker(django_db_setup, tmp_path_factory) -> Iterator[SpareWorker]:
    """A second real worker, like the session's, alone on its own queue with one pool process;
    its database sessions are named FAULT_APP_NAME, so a test finds them in pg_stat_activity."""
    log_path = tmp_path_factory.mktemp("celery") / "spare-worker.log"
    with open(log_path, "w") as log:
        process = start_worker(
            log,
            "--concurrency=1",
            f"--queues={FAULT_QUEUE}",
            "--hostname=calldesk-faults@%h",
            env=worker_env(PGAPPNAME=FAULT_APP_NAME),
        )
        try:

            def node():
                if process.poll() is not None:
                    pytest.fail("the spare worker exited at start-up:\n" + log_path.read_text())
                replies = app.control.ping(timeout=0.5)
                names = [name for reply in replies for name in reply if name.startswith("calldesk-faults@")]
                return names[0] if names else None

            name = wait_for(node, timeout=60, what="the spare Celery worker to answer a ping")
            yield SpareWorker(node=name, log=log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def dormant_data() -> int:
    """Three operators on duty; 3,000 dormant market clients (ordered last in 2025), 200 who never
    ordered (joined in 2024) and 300 active ones. Returns how many belong on the list."""
    for name in ("olga", "pavel", "rita"):
        make_staff(Role.OPERATOR, department_code="call_center", username=name)
    market = client_type("market")

    def client(n: int, last_order_on: date | None) -> Client:
        return Client(
            name=f"Shop {n}",
            tax_id=f"77{n:08d}",
            type=market,
            department=market.department,
            region="Moscow",
            address="Moscow",
            payment_terms_days=14,
            joined_on=date(2024, 1, 15),
            last_order_on=last_order_on,
        )

    rows = [client(n, date(2025, 1, 1) + timedelta(days=n % 300)) for n in range(3000)]
    rows += [client(n, None) for n in range(3000, 3200)]
    rows += [client(n, date(2026, 11, 1)) for n in range(3200, 3500)]
    Client.objects.bulk_create(rows, batch_size=1000)
    return 3200


def list_rows() -> list[tuple]:
    return sorted(CallTask.objects.values_list("client_id", "operator_id", "reason", "last_order_on"))


def build_on_spare_worker():
    return build_dormant_list_task.apply_async(args=[NIGHT.isoformat()], queue=FAULT_QUEUE)


def clean_run() -> tuple[int, list[tuple], int]:
    """One clean run of the nightly job on the data, on the spare worker: the reference. Returns
    the count, the rows, and the client the build writes last; then empties the list again."""
    expected = dormant_data()
    assert wait_for_success(build_on_spare_worker(), timeout=30, what="the clean run") == expected
    reference = list_rows()
    assert len(reference) == expected
    last_client = CallTask.objects.order_by("-id").values_list("client_id", flat=True)[0]
    CallTask.objects.all().delete()
    CallList.objects.all().delete()
    return expected, reference, last_client


def the_build_waits(watcher: psycopg.Connection, statement: str) -> int:
    """The spare worker's session, inside its transaction, waiting on a lock in `statement`."""

    def waiting():
        row = watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND xact_start IS NOT NULL"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            [FAULT_APP_NAME, statement + "%"],
        ).fetchone()
        return row[0] if row else None

    return wait_for(waiting, timeout=30, what=f"the build to wait in {statement!r}")


def kill_the_pool_process(worker: SpareWorker, task_id: str) -> None:
    """SIGKILL the worker's pool process running the task: no clean-up, no acknowledgement."""

    def pool_process():
        active = app.control.inspect(destination=[worker.node], timeout=1, limit=1).active() or {}
        pids = [task["worker_pid"] for task in active.get(worker.node, []) if task["id"] == task_id]
        return pids[0] if pids else None

    os.kill(wait_for(pool_process, timeout=15, what="the task to show as active"), signal.SIGKILL)


@contextmanager
def gate_before_inserting(client_id: int) -> Iterator[Callable[[], None]]:
    """A PostgreSQL-side trick: a trigger makes the INSERT of the client's call task wait on an
    advisory lock this session holds, so a build stops half-way through writing its tasks. Yields
    `open()`; the trigger and the lock are gone afterwards, whatever happens."""
    with pg_connect() as gate:
        gate.execute(
            sql.SQL(
                "CREATE FUNCTION fault_gate() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN PERFORM pg_advisory_xact_lock_shared({}); RETURN NEW; END $$"
            ).format(sql.Literal(GATE_KEY))
        )
        gate.execute(
            sql.SQL(
                "CREATE TRIGGER fault_gate BEFORE INSERT ON outbound_calltask FOR EACH ROW"
                " WHEN (NEW.client_id = {}) EXECUTE FUNCTION fault_gate()"
            ).format(sql.Literal(client_id))
        )
        gate.execute("SELECT pg_advisory_lock(%s)", [GATE_KEY])
        try:
            yield lambda: gate.execute("SELECT pg_advisory_unlock_all()")
        finally:
            gate.execute("SELECT pg_advisory_unlock_all()")
            gate.execute("SET lock_timeout = '20s'")
            gate.execute("DROP TRIGGER IF EXISTS fault_gate ON outbound_calltask")
            gate.execute("DROP FUNCTION IF EXISTS fault_gate()")


def test_a_worker_killed_while_writing_the_nightly_list_leaves_one_clean_list(celery_worker, spare_worker):
    """III.14 and section VI: SIGKILL of the worker process that is writing the nightly dormant
    list (III.16), half-way through its tasks, loses nothing and doubles nothing: the half-written
    list is rolled back with its session, the broker hands the task out again (acks_late, reject
    on worker lost), and the list equals one clean run on the same data: the same tasks,
    operators and reasons, no duplicate."""
    expected, reference, last_client = clean_run()
    with pg_connect() as watcher, gate_before_inserting(last_client) as open_gate:
        killed = build_on_spare_worker()
        backend = the_build_waits(watcher, 'INSERT INTO "outbound_calltask"')
        assert CallTask.objects.count() == 0  # written in its transaction, not committed
        kill_the_pool_process(spare_worker, killed.id)
        open_gate()  # the orphaned session finishes its INSERT, finds its client gone, rolls back
        wait_for(lambda: session_ended(watcher, backend), timeout=30, what="the killed session to end")
        # the worker's parent saw its process die and requeued the message: the task ran again
        assert wait_for_success(killed, timeout=30, what="the redelivered build") == expected
    wait_for(lambda: spare_worker.saw_the_task_twice(killed.id), timeout=10, what="the redelivery logged")
    assert list_rows() == reference
    assert CallList.objects.filter(source="dormant", day=NIGHT).count() == 1
    assert CallTask.objects.values("client").distinct().count() == expected


def test_a_worker_killed_while_committing_the_nightly_list_adds_nothing_when_run_again(
    celery_worker, spare_worker
):
    """III.14 and section VI: the worker process dies after the whole list is written, during its
    commit, before the message is acknowledged: the list commits, the broker hands the task out
    again, and the second run adds nothing; nor does running the job again (as beat or a late
    redelivery would) after operators have closed some of the list's tasks."""
    expected, reference, last_client = clean_run()
    with pg_connect() as watcher, pg_connect(autocommit=False) as holder:
        # Django's foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED): holding the
        # row of the client written last stops the build in its COMMIT, every task written.
        holder.execute("SELECT id FROM clients_client WHERE id = %s FOR UPDATE", [last_client])
        killed = build_on_spare_worker()
        backend = the_build_waits(watcher, "COMMIT")
        assert CallTask.objects.count() == 0
        kill_the_pool_process(spare_worker, killed.id)
        holder.rollback()  # the orphaned session's COMMIT goes through: the list is saved
        wait_for(lambda: session_ended(watcher, backend), timeout=30, what="the killed session to end")
    assert CallTask.objects.count() == expected
    assert wait_for_success(killed, timeout=30, what="the redelivered build") == 0  # adds nothing
    wait_for(lambda: spare_worker.saw_the_task_twice(killed.id), timeout=10, what="the redelivery logged")
    assert list_rows() == reference

    CallTask.objects.filter(pk__in=CallTask.objects.order_by("id").values("pk")[:5]).update(
        status=CallTask.Status.DONE, outcome=CallTask.Outcome.REFUSED, attempts=1
    )
    assert wait_for_success(build_on_spare_worker(), timeout=30, what="the job run again") == 0
    assert list_rows() == reference
    assert CallList.objects.filter(source="dormant", day=NIGHT).count() == 1


# --- 3. The database connection dropped inside a confirmation ------------------------------------


def lines_of(order_id: int) -> list[tuple]:
    return list(
        OrderLine.objects.filter(order_id=order_id).values_list("id", "product_id", "quantity", "total")
    )


def test_a_confirmation_whose_database_session_is_killed_leaves_no_trace_and_can_be_repeated(monkeypatch):
    """III.14 and section VI: when PostgreSQL ends the session serving a confirmation after the
    order row was written (pg_terminate_backend from a second session, at the moment the manager's
    notice is queued), the API answers 503 `unavailable` in the one error body, and nothing of
    the confirmation remains: the draft is a draft, no number is used (numbers stay gapless), no
    notice is queued, the lines are as they were. Confirming again then succeeds, once."""
    operator = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    manager = make_staff(Role.MANAGER, department_code="wholesale", username="oleg", email="o@example.test")
    earlier, client = (
        ClientFactory(type=client_type("market"), manager=manager, credit_limit=Decimal("5000.00"))
        for _ in range(2)
    )
    catalogue()
    api = api_client(operator)
    year = timezone.localdate().year
    first = api.post(f"/api/v1/orders/{ready_draft(operator, earlier)}/confirm")
    assert (first.status_code, first.json()["number"]) == (200, f"{year}-000001")

    order_id = ready_draft(operator, client)
    lines_before = lines_of(order_id)
    last_order_on = Client.objects.get(pk=client.pk).last_order_on
    outbox_before = list(OutboxMessage.objects.values_list("pk", flat=True))

    tell_manager = order_services._tell_manager
    killed = []

    def tell_manager_after_the_session_is_killed(order):
        # The order row already holds its number and status in the open transaction.
        written = Order.objects.filter(pk=order.pk).values_list("status", "number").get()
        assert written == ("confirmed", f"{year}-000002")
        pid = connection.connection.info.backend_pid
        with pg_connect() as admin:
            assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
            wait_for(lambda: session_ended(admin, pid), timeout=10, what="the confirming session to end")
        killed.append(pid)
        tell_manager(order)  # its INSERT into the outbox meets the dead session

    monkeypatch.setattr(order_services, "_tell_manager", tell_manager_after_the_session_is_killed)
    response = api.post(f"/api/v1/orders/{order_id}/confirm")
    monkeypatch.setattr(order_services, "_tell_manager", tell_manager)

    assert len(killed) == 1
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "code": "unavailable",
        "detail": "The desk could not reach its database, so the request may not be done. Try again.",
        "errors": [],
    }
    order = Order.objects.get(pk=order_id)
    assert (order.status, order.number, order.confirmed_at) == ("draft", None, None)
    assert OrderNumberSequence.objects.get(year=year).last_value == 1  # no number consumed
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == outbox_before
    assert lines_of(order_id) == lines_before
    assert Client.objects.get(pk=client.pk).last_order_on == last_order_on

    again = api.post(f"/api/v1/orders/{order_id}/confirm")
    assert again.status_code == 200
    assert (again.json()["status"], again.json()["number"]) == ("confirmed", f"{year}-000002")
    assert Order.objects.filter(status="confirmed").count() == 2
    assert OutboxMessage.objects.count() == len(outbox_before) + 1
    assert OrderNumberSequence.objects.get(year=year).last_value == 2
