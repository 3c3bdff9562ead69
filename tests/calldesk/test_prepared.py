"""Hot queries compiled once (calldesk.prepared): the cached SQL answers exactly as the ORM
queryset it came from, whatever the values, and refuses to be built wrong."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from calldesk.prepared import Prepared, columns, model_from_row
from clients.models import Client, ClientPhone, Receivable
from clients.selectors import _caller, debt_of, debt_sums, lookup_call
from staff.models import ApiToken, Role
from staff.services import authenticate_api_token, issue_api_token
from tests.factories import ClientFactory, ClientPhoneFactory, ReceivableFactory, make_staff

pytestmark = pytest.mark.django_db

SENTINEL_DAY = date(1901, 2, 3)


def unpaid_on(client_id, on):
    return (
        Receivable.objects.filter(client=client_id, issued_on__lte=on)
        .order_by("document")
        .values("document", "amount", "due_on")
    )


def test_it_answers_as_the_orm_for_every_value():
    client = ClientFactory()
    for n in range(5):
        ReceivableFactory(
            client=client, document=f"INV-{n}", issued_on=date(2026, 1, 1) + timedelta(days=10 * n)
        )
    prepared = Prepared(unpaid_on, client_id=-4242, on=SENTINEL_DAY)
    for day in (date(2025, 12, 31), date(2026, 1, 11), date(2026, 2, 28)):
        assert prepared.run(client_id=client.pk, on=day) == list(unpaid_on(client.pk, day))
    rows = prepared.run(client_id=client.pk, on=date(2026, 1, 11))
    assert [row["document"] for row in rows] == ["INV-0", "INV-1"]
    assert isinstance(rows[0]["amount"], Decimal) and isinstance(rows[0]["due_on"], date)


def test_it_compiles_once_per_database(django_assert_num_queries):
    prepared = Prepared(unpaid_on, client_id=-4242, on=SENTINEL_DAY)
    first = prepared.compiled()
    prepared.run(client_id=1, on=date(2026, 1, 1))
    assert prepared.compiled() is first
    with django_assert_num_queries(1):
        prepared.run(client_id=2, on=date(2026, 1, 2))


def test_debt_sums_and_aware_times_come_back_converted():
    client = ClientFactory(credit_limit=Decimal("100.00"))
    ReceivableFactory(
        client=client, issued_on=date(2026, 1, 1), due_on=date(2026, 1, 10), amount=Decimal("70.25")
    )
    prepared = Prepared(
        lambda client_id, on: (
            Client.objects.filter(pk=client_id)
            .annotate(**debt_sums(on))
            .values("created_at", "outstanding_sum", "overdue_sum")
        ),
        client_id=-4242,
        on=SENTINEL_DAY,
    )
    (row,) = prepared.run(client_id=client.pk, on=date(2026, 1, 20))
    assert (row["outstanding_sum"], row["overdue_sum"]) == (Decimal("70.25"), Decimal("70.25"))
    assert timezone.is_aware(row["created_at"])


def test_a_sentinel_that_does_not_reach_the_sql_is_refused():
    prepared = Prepared(lambda client_id: Client.objects.filter(pk=1).values("pk"), client_id=-4242)
    with pytest.raises(ImproperlyConfigured, match="did not reach the SQL"):
        prepared.run(client_id=1)


def test_only_values_querysets_and_the_declared_parameters_are_accepted():
    with pytest.raises(ImproperlyConfigured, match="values"):
        Prepared(lambda client_id: Client.objects.filter(pk=client_id), client_id=-4242).run(client_id=1)
    prepared = Prepared(unpaid_on, client_id=-4242, on=SENTINEL_DAY)
    with pytest.raises(TypeError, match="expected"):
        prepared.run(client_id=1)


def test_rows_become_loaded_instances_and_an_empty_relation_none():
    client = ClientFactory(manager=None)
    ClientPhoneFactory(client=client, number="+74951112233")
    rows = Prepared(
        lambda pk: Client.objects.filter(pk=pk).values(*columns(Client), *columns(ClientPhone, "phones__")),
        pk=-4242,
    ).run(pk=client.pk)
    loaded = model_from_row(Client, rows[0])
    assert (loaded.pk, loaded.name, loaded.credit_limit) == (client.pk, client.name, client.credit_limit)
    assert loaded._state.adding is False
    assert model_from_row(ClientPhone, rows[0], "phones__").number == "+74951112233"
    loaded.name = "Renamed"
    loaded.save(update_fields=["name"])  # an UPDATE of the row, not an INSERT
    assert Client.objects.get(pk=client.pk).name == "Renamed"


def test_the_screen_pops_caller_is_the_client_the_orm_loads(django_assert_num_queries):
    manager = make_staff(Role.MANAGER, department_code="wholesale", username="mgr")
    client = ClientFactory(manager=manager, credit_limit=Decimal("500.00"))
    ClientPhoneFactory(client=client, number="+74950000001")
    ClientPhoneFactory(client=client, number="+74950000002")
    ReceivableFactory(
        client=client, issued_on=date(2026, 1, 1), due_on=date(2026, 1, 5), amount=Decimal("600.00")
    )
    on = date(2026, 1, 20)
    with django_assert_num_queries(2):  # the client with its card and debt sums; its phones
        caller = _caller(number="+74950000002", on=on)
    with django_assert_num_queries(0):
        facts = (
            caller.type.code,
            caller.department.code,
            caller.manager.username,
            [p.number for p in caller.phones.all()],
        )
    assert facts == ("market", "wholesale", "mgr", ["+74950000001", "+74950000002"])
    assert _caller(number="+74959999999", on=on) is None
    assert lookup_call(phone="8 495 000-00-02", on=on).debt == debt_of(client_id=client.pk, on=on)


def test_a_revoked_token_or_an_inactive_user_is_not_let_in():
    user = make_staff(Role.OPERATOR, department_code="call_center")
    issued = issue_api_token(user=user, name="t")
    found = authenticate_api_token(raw_token=issued.raw)
    assert (found.pk, found.role, found.department.code) == (user.pk, "operator", "call_center")
    ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=timezone.now())
    assert authenticate_api_token(raw_token=issued.raw) is None
    other = issue_api_token(user=user, name="u")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert authenticate_api_token(raw_token=other.raw) is None


def test_the_tokens_role_is_the_role_the_user_has_even_with_two_role_groups():
    """The token's query ranks the role groups in SQL; `User.role` ranks them in Python: the same
    answer, for a user left in two role groups and for a superuser with none."""
    from django.contrib.auth.models import Group

    from staff.models import User

    user = make_staff(Role.HEAD, department_code="wholesale")
    user.groups.add(Group.objects.get(name=Role.MANAGER.value))
    raw = issue_api_token(user=user, name="t").raw
    assert authenticate_api_token(raw_token=raw).role == User.objects.get(pk=user.pk).role == "manager"
    user.groups.clear()
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    assert authenticate_api_token(raw_token=raw).role == User.objects.get(pk=user.pk).role == "admin"
