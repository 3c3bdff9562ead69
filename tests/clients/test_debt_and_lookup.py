"""The debt check in the database (III.5) and `GET /lookup` end to end, in constant queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clients.selectors import debt_of, lookup_call
from orders.models import Order
from staff.models import Department, Role, User
from tests.factories import ClientFactory, ClientPhoneFactory, OrderFactory, ReceivableFactory, client_type

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 20)


def test_debt_figures_on_a_day():
    client = ClientFactory(credit_limit=Decimal("5000.00"))
    ReceivableFactory(
        client=client,
        issued_on=date(2026, 10, 1),
        due_on=date(2026, 11, 19),
        amount=Decimal("1000.00"),
        paid=Decimal("400.00"),
    )
    ReceivableFactory(
        client=client, issued_on=date(2026, 11, 1), due_on=ON, amount=Decimal("700.00")
    )  # due today
    ReceivableFactory(
        client=client,
        issued_on=date(2026, 9, 1),
        due_on=date(2026, 9, 30),
        amount=Decimal("300.00"),
        paid=Decimal("300.00"),
    )
    ReceivableFactory(
        client=client, issued_on=date(2026, 11, 21), due_on=date(2026, 12, 5), amount=Decimal("50.00")
    )  # after the day
    ReceivableFactory(
        issued_on=date(2026, 10, 1), due_on=date(2026, 10, 2), amount=Decimal("99.00")
    )  # someone else's
    OrderFactory(client=client, status=Order.Status.CONFIRMED, total=Decimal("120.00"))
    OrderFactory(client=client, status=Order.Status.IN_FULFILMENT, total=Decimal("80.00"))
    OrderFactory(client=client, status=Order.Status.DELIVERED, total=Decimal("5000.00"))
    OrderFactory(
        client=client, status=Order.Status.DRAFT, number=None, confirmed_at=None, total=Decimal("7.00")
    )
    debt = debt_of(client_id=client.pk, on=ON)
    assert debt.overdue == Decimal("600.00")
    assert debt.outstanding == Decimal("1300.00")
    assert debt.open_orders == Decimal("200.00")
    assert debt.credit_limit == Decimal("5000.00")
    assert debt.headroom == Decimal("3500.00")
    assert debt.reasons == ("overdue",)
    # the next day the invoice due today is overdue too
    assert debt_of(client_id=client.pk, on=ON + timedelta(days=1)).overdue == Decimal("1300.00")


def test_outstanding_exactly_at_the_limit_does_not_block():
    client = ClientFactory(credit_limit=Decimal("1000.00"))
    ReceivableFactory(
        client=client, issued_on=date(2026, 11, 1), due_on=date(2026, 12, 1), amount=Decimal("1000.00")
    )
    assert debt_of(client_id=client.pk, on=ON).reasons == ()


def test_limit_zero_blocks_any_debt_and_no_limit_blocks_none():
    zero = ClientFactory(credit_limit=Decimal("0.00"))
    unlimited = ClientFactory(credit_limit=None)
    for client in (zero, unlimited):
        ReceivableFactory(
            client=client, issued_on=date(2026, 11, 1), due_on=date(2026, 12, 1), amount=Decimal("0.01")
        )
    assert debt_of(client_id=zero.pk, on=ON).reasons == ("over_limit",)
    assert debt_of(client_id=unlimited.pk, on=ON).reasons == ()
    assert debt_of(client_id=unlimited.pk, on=ON).headroom is None


def test_debt_is_one_query_whatever_the_number_of_invoices(django_assert_num_queries):
    client = ClientFactory()
    for n in range(60):
        ReceivableFactory(
            client=client,
            issued_on=date(2026, 9, 1),
            due_on=date(2026, 9, 1) + timedelta(days=n),
            amount=Decimal("10.00"),
        )
    with django_assert_num_queries(1):
        debt = debt_of(client_id=client.pk, on=ON)
    assert debt.outstanding == Decimal("600.00")
    assert debt.overdue == Decimal("600.00")


# --- lookup through the API ------------------------------------------------------------------------


@pytest.fixture
def wholesale(staff_of):
    head = staff_of(Role.HEAD, username="volkov", full_name="Sergey Volkov")
    Department.objects.filter(code="wholesale").update(head=head)
    return {
        "head": head,
        "oleg": staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov"),
        "irina": staff_of(Role.MANAGER, username="irina", full_name="Irina Petrova", key_account=True),
        "elena": staff_of(Role.MANAGER, username="elena", full_name="Elena Vasilyeva", key_account=True),
        "finance": staff_of(
            Role.FINANCE, department_code="finance", username="norlova", full_name="Natalia Orlova"
        ),
    }


def absent(*users: User) -> None:
    User.objects.filter(pk__in=[u.pk for u in users]).update(presence=User.Presence.ABSENT)


@pytest.mark.parametrize("notation", ["+7 495 123-45-67", "8 (495) 123 45 67", "4951234567"])
def test_three_notations_find_the_same_client(api, operator, wholesale, notation):
    client = ClientFactory(name="Kolos", manager=wholesale["oleg"])
    ClientPhoneFactory(client=client, number="+74951234567")
    body = api(operator).get("/api/v1/lookup", {"phone": notation}).json()
    assert body["client"]["id"] == client.pk
    assert body["client"]["phones"] == ["+74951234567"]
    assert body["route"] == {
        "handler": "operator",
        "user": None,
        "clause": "III.3",
        "reason": "Take the order.",
    }
    assert body["debt"] == {
        "overdue": "0.00",
        "outstanding": "0.00",
        "open_orders": "0.00",
        "credit_limit": "100000.00",
        "headroom": "100000.00",
        "blocks_order": False,
        "reasons": [],
    }


def test_unknown_phone(api, operator, wholesale):
    body = api(operator).get("/api/v1/lookup", {"phone": "+7 499 000-00-00"}).json()
    assert body["client"] is None
    assert body["debt"] is None
    assert body["route"]["handler"] == "department_head"
    assert body["route"]["user"] is None
    assert body["route"]["clause"] == "III.15"


def test_key_client_with_debt_goes_down_the_key_account_chain(api, operator, wholesale):
    key = ClientFactory(type=client_type("key"), manager=wholesale["irina"], credit_limit=Decimal("10.00"))
    ClientPhoneFactory(client=key, number="+74950000001")
    ReceivableFactory(
        client=key, issued_on=date(2026, 1, 1), due_on=date(2026, 2, 1), amount=Decimal("500.00")
    )
    client = api(operator)

    def route():
        return client.get("/api/v1/lookup", {"phone": "+74950000001"}).json()["route"]

    assert route()["user"] == "irina"
    absent(wholesale["irina"])
    assert route() == {
        "handler": "key_account_manager",
        "user": "elena",
        "clause": "III.4",
        "reason": "Key client: pass to Elena Vasilyeva (key-account manager); Irina Petrova is absent.",
    }
    absent(wholesale["elena"])
    assert route()["handler"] == "wholesale_head"
    assert route()["user"] == "volkov"


def test_debtor_goes_to_manager_then_finance(api, operator, wholesale):
    debtor = ClientFactory(manager=wholesale["oleg"])
    ClientPhoneFactory(client=debtor, number="+74950000002")
    yesterday = timezone.localdate() - timedelta(days=1)
    ReceivableFactory(
        client=debtor, issued_on=yesterday - timedelta(days=30), due_on=yesterday, amount=Decimal("1000.00")
    )
    client = api(operator)
    body = client.get("/api/v1/lookup", {"phone": "+74950000002"}).json()
    assert body["debt"]["blocks_order"] is True
    assert body["debt"]["reasons"] == ["overdue"]
    assert body["route"]["reason"] == (
        "The order cannot be taken: RUB\xa01,000.00 is overdue. Pass to Oleg Ivanov (manager)."
    )
    absent(wholesale["oleg"])
    assert client.get("/api/v1/lookup", {"phone": "+74950000002"}).json()["route"]["user"] == "norlova"


def test_lookup_runs_in_a_constant_number_of_queries(wholesale, django_assert_num_queries):
    for n in range(3):
        client = ClientFactory(type=client_type("key"), manager=wholesale["irina"])
        ClientPhoneFactory(client=client, number=f"+7495000010{n}")
        for m in range(5 * n):
            ReceivableFactory(client=client, amount=Decimal("1.00"), document=f"D{n}-{m}")
    for n in range(3):
        # the client with its card and debt sums, its phones; the key client's manager is
        # reachable, so the roster is not read
        with django_assert_num_queries(2):
            found = lookup_call(phone=f"+7495000010{n}", purpose="order", on=ON)
        assert found.route.user == "irina"
    absent(wholesale["irina"])
    for n in range(3):
        # the manager is away: the key-account managers and finance, the head of wholesale (III.4)
        with django_assert_num_queries(4):
            found = lookup_call(phone=f"+7495000010{n}", purpose="order", on=ON)
        assert found.route.handler == "key_account_manager"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"phone": "hello"}, "phone"),
        ({"phone": "+74951234567", "purpose": "gossip"}, "purpose"),
        ({}, "phone"),
    ],
)
def test_bad_lookup_input_is_400_with_the_error_body(api, operator, params, field):
    response = api(operator).get("/api/v1/lookup", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert [e["field"] for e in body["errors"]] == [field]


def test_debt_endpoint_and_its_errors(api, operator):
    client = ClientFactory(credit_limit=None)
    ReceivableFactory(
        client=client, issued_on=date(2026, 10, 1), due_on=date(2026, 10, 10), amount=Decimal("10.50")
    )
    http = api(operator)
    body = http.get(f"/api/v1/clients/{client.pk}/debt", {"on": "2026-10-10"}).json()
    assert body == {
        "overdue": "0.00",
        "outstanding": "10.50",
        "open_orders": "0.00",
        "credit_limit": None,
        "headroom": None,
        "blocks_order": False,
        "reasons": [],
    }
    assert http.get(f"/api/v1/clients/{client.pk}/debt", {"on": "2026-10-11"}).json()["reasons"] == [
        "overdue"
    ]
    assert http.get(f"/api/v1/clients/{client.pk}/debt", {"on": "yesterday"}).status_code == 400
    missing = http.get("/api/v1/clients/999999/debt")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "detail": "No such client.", "errors": []}
    assert http.get("/api/v1/clients/abc/debt").status_code == 400
