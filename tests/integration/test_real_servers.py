"""The same parts production uses: PostgreSQL with Django's pool, Redis, a Celery worker."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client as HttpClient

from clients.models import Client
from clients.selectors import overdue_clients, search_clients
from demo.services import seed_demo
from messaging.models import InboxMessage, OutboxMessage, WorkerHeartbeat
from messaging.tasks import record_worker_heartbeat_task
from reports.build import build_day
from reports.selectors import department_period, period_of
from staff.models import Role
from staff.services import issue_api_token
from tests.factories import ClientFactory, ReceivableFactory, department, make_staff

TODAY = date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_runs_on_the_real_worker_and_health_sees_it(celery_worker, client):
    result = record_worker_heartbeat_task.delay()
    seen_at = result.get(timeout=30)
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.worker.startswith("celery@")
    assert heartbeat.seen_at.isoformat() == seen_at
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_delivery_queued_under_its_name_from_before_the_move_runs_on_the_worker(celery_worker, mailoutbox):
    """A message the broker took before a deploy names `calldesk.tasks...`: the worker runs it."""
    from calldesk.celery import app

    manager = make_staff(Role.MANAGER, department_code="wholesale", username="sokolov", email="")
    message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.ORDER_CONFIRMED, recipient=manager, subject="Заказ 2026-000042", body="…"
    )
    result = app.send_task("calldesk.tasks.deliver_outbox_message_task", args=[message.pk])
    assert result.get(timeout=30) is True
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert InboxMessage.objects.get(outbox=message).subject == "Заказ 2026-000042"


@pytest.mark.django_db
def test_health_is_degraded_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["status"] == "degraded"


@pytest.mark.django_db
def test_postgres_uses_djangos_connection_pool():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
    assert connection.pool is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 150000


@pytest.mark.django_db
def test_the_psycopg_preparation_path_prepares_and_plans_once_on_postgres():
    """DB_PREPARE=psycopg (the path `make bench` compares with calldesk.prepared): parameters are
    bound on the server, psycopg prepares a statement once the connection has run it
    PREPARE_THRESHOLD times, and PostgreSQL plans it once, for any values (a generic plan)."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    from calldesk.settings.environment import PREPARE_THRESHOLD, database_from_url

    options = database_from_url("postgres://x@y/z", base_dir=ROOT, prepare="psycopg")["OPTIONS"]
    options.pop("pool")  # a connection of its own, next to the pooled one of the test
    other = DatabaseWrapper({**connection.settings_dict, "OPTIONS": options}, alias="psycopg_path")
    try:
        with other.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == "force_generic_plan"
            for n in range(PREPARE_THRESHOLD + 2):
                cursor.execute("SELECT count(*) FROM clients_client WHERE id > %s", [n])
                assert cursor.fetchone()[0] == 0
            cursor.execute(
                "SELECT from_sql, generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE %s",
                ["%FROM clients_client WHERE id > $1%"],
            )
            # prepared by psycopg (protocol level, not an SQL PREPARE) and run twice, both times
            # on the one plan made for any value
            assert cursor.fetchall() == [(False, 2, 0)]
    finally:
        other.close()


@pytest.mark.django_db
def test_debt_index_is_partial_on_unpaid_invoices():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'receivable_unpaid_by_due'")
        (definition,) = cursor.fetchone()
    assert "(client_id, due_on)" in definition
    assert "WHERE (paid < amount)" in definition


@pytest.mark.django_db
def test_database_refuses_an_invoice_due_before_it_was_issued():
    client = ClientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceivableFactory(client=client, issued_on=date(2026, 11, 10), due_on=date(2026, 11, 1))


@pytest.mark.django_db
def test_demo_data_and_screens_queries_run_on_postgres():
    report = seed_demo(clients=300, seed=3, today=TODAY)
    assert report.counts["clients"] == 300
    assert Client.objects.count() == 300
    debtors = overdue_clients(on=TODAY)
    assert debtors and all(d.overdue > Decimal("0.00") for d in debtors)
    someone = Client.objects.order_by("id").first()
    assert someone in search_clients(someone.name)
    assert someone in search_clients(someone.phones.first().number)
    build_day(TODAY - timedelta(days=1))
    figures = department_period(department=department("wholesale"), period=period_of("month", TODAY))
    assert figures.totals.orders >= 1
    assert sum(m.totals.orders for m in figures.by_manager) == figures.totals.orders
    assert sum(o.totals.order_value for o in figures.by_operator) == figures.totals.order_value


@pytest.mark.django_db
def test_api_token_round_trip_on_postgres():
    user = make_staff(Role.FINANCE, department_code="finance", username="norlova")
    issued = issue_api_token(user=user)
    response = HttpClient(headers={"Authorization": f"Bearer {issued.raw}"}).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["role"] == "finance"


@pytest.mark.django_db
def test_debt_check_on_postgres_is_one_query_and_exact(django_assert_num_queries):
    from clients.selectors import debt_of

    client = ClientFactory(credit_limit=Decimal("1000.00"))
    for n in range(40):
        ReceivableFactory(
            client=client,
            issued_on=date(2026, 10, 1),
            due_on=date(2026, 11, 1) + timedelta(days=n),
            amount=Decimal("25.10"),
            paid=Decimal("0.05") if n % 2 else Decimal("0.00"),
        )
    with django_assert_num_queries(1):
        debt = debt_of(client_id=client.pk, on=TODAY)
    # due 1-19 Nov: 19 invoices overdue on the 20th; 10 of all 40 (odd n) paid 0.05
    assert debt.overdue == Decimal("25.10") * 19 - Decimal("0.05") * 9
    assert debt.outstanding == Decimal("25.10") * 40 - Decimal("0.05") * 20
    assert debt.reasons == ("overdue", "over_limit")


@pytest.mark.django_db
def test_two_clients_cannot_share_a_phone_on_postgres():
    from clients.exceptions import DuplicateClient
    from clients.services import register_client

    admin_user = make_staff(Role.ADMIN, department_code=None, username="boss")
    register_client(
        actor=admin_user, name="A", tax_id="7700000001", type_code="market", phones=["+74951112233"]
    )
    with pytest.raises(DuplicateClient):
        register_client(
            actor=admin_user, name="B", tax_id="7700000002", type_code="market", phones=["8 495 111-22-33"]
        )
    assert Client.objects.filter(tax_id="7700000002").count() == 0


@pytest.mark.django_db
def test_the_screen_pops_prepared_queries_answer_as_the_orm_on_postgres(django_assert_num_queries):
    """The lookup's SQL is compiled once and run with each caller's values (calldesk.prepared):
    on PostgreSQL its dates and sums answer exactly as the ORM's debt check."""
    from clients.models import ClientPhone
    from clients.selectors import debt_of, lookup_call

    client = ClientFactory(credit_limit=Decimal("1000.00"), manager=None)  # the head's: no roster read
    ClientPhone.objects.create(client=client, number="+74957000001")
    for n in range(6):
        ReceivableFactory(
            client=client,
            issued_on=date(2026, 10, 1),
            due_on=date(2026, 11, 17) + timedelta(days=n),
            amount=Decimal("300.10"),
        )
    for day in (date(2026, 11, 17), TODAY, date(2026, 11, 30)):
        with django_assert_num_queries(2):
            found = lookup_call(phone="8 (495) 700-00-01", on=day)
        assert found.client.pk == client.pk
        assert found.debt == debt_of(client_id=client.pk, on=day)
    assert lookup_call(phone="8 (495) 700-00-01", on=TODAY).debt.overdue == Decimal("900.30")


@pytest.mark.django_db
def test_the_call_screens_prepared_query_answers_as_the_orm_for_every_reach_on_postgres():
    """The call screen's first statement (the call, its people, the client's card and debt) is
    compiled once per shape of the reader's reach (calls.selectors): on PostgreSQL each reader
    who may see the call gets the same call, card and debt as the ORM's debt check, and a reader
    who may not gets CallNotFound (III.26)."""
    from calls.selectors import screen_pop
    from calls.services import CallNotFound, register_call
    from clients.models import ClientPhone
    from clients.selectors import debt_of

    manager = make_staff(
        Role.MANAGER, department_code="wholesale", username="morozova", full_name="Вера Морозова"
    )
    client = ClientFactory(name="ООО «Ромашка»", credit_limit=Decimal("5000.00"), manager=manager)
    ClientPhone.objects.create(client=client, number="+74957000003")
    ReceivableFactory(
        client=client, issued_on=date(2026, 10, 1), due_on=date(2026, 11, 2), amount=Decimal("1234.56")
    )
    operator = make_staff(
        Role.OPERATOR, department_code="call_center", username="opy", full_name="Олег Титов"
    )
    call = register_call(actor=operator, direction="inbound", phone="+74957000003")
    head = make_staff(Role.HEAD, department_code=client.department.code, username="headz")
    admin = make_staff(Role.ADMIN, department_code=None, username="adminz")
    stranger = make_staff(Role.OPERATOR, department_code="call_center", username="opz")
    for reader in (operator, manager, head, admin, operator):
        pop = screen_pop(call_id=call.pk, actor=reader, on=TODAY)
        assert (pop.call.pk, pop.call.operator.username, pop.client.name) == (call.pk, "opy", "ООО «Ромашка»")
        assert (pop.client.manager.full_name, [p.number for p in pop.client.phones.all()]) == (
            "Вера Морозова",
            ["+74957000003"],
        )
        assert pop.debt == debt_of(client_id=client.pk, on=TODAY)
        assert pop.debt.overdue == Decimal("1234.56")
    with pytest.raises(CallNotFound):
        screen_pop(call_id=call.pk, actor=stranger, on=TODAY)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_screen_pop_is_planned_once_per_connection_on_postgres():
    """Outside a transaction the screen pop's queries are prepared on the connection (PREPARE
    once, then EXECUTE): the answers are the ORM's, on the first call and on the next ones."""
    from clients.models import ClientPhone
    from clients.selectors import debt_of, lookup_call

    client = ClientFactory(credit_limit=Decimal("1000.00"), manager=None)
    ClientPhone.objects.create(client=client, number="+74957000002")
    ReceivableFactory(
        client=client, issued_on=date(2026, 10, 1), due_on=date(2026, 11, 19), amount=Decimal("10.50")
    )
    operator = make_staff(Role.OPERATOR, department_code="call_center", username="opx")
    http = HttpClient(headers={"Authorization": f"Bearer {issue_api_token(user=operator).raw}"})
    answers = [http.get("/api/v1/lookup", {"phone": "+74957000002"}).json() for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["client"]["id"] == client.pk
    from django.utils import timezone

    from clients.selectors import CALLER, CALLER_PHONES
    from staff.services import LIVE_TOKEN

    # the screen pop's own statements, by name: other tests' on this pooled connection aside
    names = [prepared.compiled().statement for prepared in (LIVE_TOKEN, CALLER, CALLER_PHONES)]

    def prepared_here() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = ANY(%s)", [names])
            return cursor.fetchone()[0]

    assert prepared_here() == 3  # the token, the caller, its phones
    assert answers[0]["debt"]["overdue"] == str(debt_of(client_id=client.pk, on=timezone.localdate()).overdue)
    # The server forgets them (DISCARD ALL, a pooler's reset): the next lookup answers the same
    # and prepares them again.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert http.get("/api/v1/lookup", {"phone": "+74957000002"}).json() == answers[0]
    assert http.get("/api/v1/lookup", {"phone": "+74957000002"}).json() == answers[0]
    assert prepared_here() == 3
    assert lookup_call(phone="+74957000002", on=TODAY).debt == debt_of(client_id=client.pk, on=TODAY)
