"""`seed_demo`: realistic, deterministic, idempotent demo data."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from clients.models import Client, ClientPhone, Receivable
from clients.selectors import overdue_clients
from demo.seed.staff import DEMO_LOGINS
from demo.services import seed_demo
from orders.models import Order, OrderLine, OrderNumberSequence
from staff.models import Department, Role, User

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


@pytest.fixture
def seeded():
    return seed_demo(clients=400, seed=7, today=TODAY)


def signature() -> list:
    return [
        list(
            Client.objects.order_by("tax_id").values_list(
                "tax_id", "name", "type__code", "manager__username", "credit_limit"
            )
        ),
        list(ClientPhone.objects.order_by("number").values_list("number", "client__tax_id")),
        list(Order.objects.order_by("number").values_list("number", "client__tax_id", "status", "total")),
        list(Receivable.objects.order_by("document").values_list("document", "amount", "paid", "due_on")),
    ]


def test_every_demo_login_exists_with_its_role(seeded):
    assert [(u, r) for u, r, _ in seeded.users] == [(u, str(r.value)) for u, _, r, *_ in DEMO_LOGINS]
    for username, _full_name, role, department, key_account in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.role == role
        assert (user.department.code if user.department else None) == department
        assert user.key_account is key_account
        assert user.check_password("calldesk-demo")
    wholesale = Department.objects.get(code="wholesale")
    assert (wholesale.head.username, wholesale.deputy.username) == ("head", "deputy_wholesale")
    # the deputy may stand in for the head (III.11, III.14): a head of the same department
    assert (wholesale.deputy.role, wholesale.deputy.department_id) == (Role.HEAD, wholesale.pk)


def test_client_types_come_in_realistic_proportions(seeded):
    shares = Counter(Client.objects.values_list("type__code", flat=True))
    assert sum(shares.values()) == 400
    assert shares["market"] > shares["retail"] > shares["regional"] > shares["key"] > 0
    assert shares["own_outlet"] > 0


def test_key_clients_are_served_by_key_account_managers(seeded):
    managers = set(Client.objects.filter(type__code="key").values_list("manager__key_account", flat=True))
    assert managers == {True}


def test_some_clients_wait_for_a_manager_and_every_client_has_a_phone(seeded):
    assert Client.objects.filter(manager__isnull=True).exists()
    assert not Client.objects.annotate(n=Count("phones")).filter(n=0).exists()
    assert all(
        number.startswith("+7") and len(number) == 12
        for number in ClientPhone.objects.values_list("number", flat=True)
    )


def test_some_clients_are_overdue_and_some_over_their_limit(seeded):
    debtors = overdue_clients(on=TODAY)
    assert len(debtors) >= 5
    over_limit = [
        d for d in debtors if d.client.credit_limit is not None and d.outstanding > d.client.credit_limit
    ]
    assert over_limit, "some clients must be over their credit limit"
    assert Receivable.objects.filter(paid=0, due_on__gte=TODAY).exists()  # unpaid, not yet due


def test_some_market_clients_are_dormant(seeded):
    cut_off = TODAY - timedelta(days=183)
    last_orders = Client.objects.filter(type__code="market").annotate(last=Max("orders__confirmed_at"))
    dormant = [c for c in last_orders if c.last is not None and c.last.date() < cut_off]
    assert len(dormant) >= 5


def test_traditional_products_emerge_from_the_history(seeded):
    # The most active client orders some product in most of its orders (III.7).
    client_id, n_orders = (
        Order.objects.values_list("client_id").annotate(n=Count("id")).order_by("-n", "client_id").first()
    )
    assert n_orders >= 5
    top_product_orders = (
        OrderLine.objects.filter(order__client_id=client_id)
        .values("product_id")
        .annotate(n=Count("order_id"))
        .order_by("-n")
        .first()["n"]
    )
    assert top_product_orders >= n_orders * 0.3


def test_order_totals_are_the_sum_of_their_lines_and_numbers_have_no_gaps(seeded):
    for order in Order.objects.prefetch_related("lines")[:200]:
        assert order.total == sum((line.total for line in order.lines.all()), Decimal("0.00"))
    for sequence in OrderNumberSequence.objects.all():
        numbers = sorted(
            Order.objects.filter(number__startswith=f"{sequence.year}-").values_list("number", flat=True)
        )
        assert numbers == [f"{sequence.year}-{n:06d}" for n in range(1, sequence.last_value + 1)]


def test_the_same_seed_gives_the_same_data(django_db_blocker):
    seed_demo(clients=150, seed=11, today=TODAY)
    first = signature()
    from calls.models import Call
    from outbound.models import CallList

    CallList.objects.all().delete()
    Call.objects.all().delete()
    Receivable.objects.all().delete()
    OrderLine.objects.all().delete()
    Order.objects.all().delete()
    OrderNumberSequence.objects.all().delete()
    Client.objects.all().delete()
    from orders.models import Product

    Product.objects.all().delete()
    seed_demo(clients=150, seed=11, today=TODAY)
    assert signature() == first


def test_a_second_run_changes_nothing(seeded, capsys):
    before = signature()
    call_command("seed_demo", "--clients", "50")
    assert signature() == before
    assert "Demo data already present: left as it is." in capsys.readouterr().out


def test_every_routing_rule_has_a_live_example_on_the_demo_desk(seeded):
    from demo.selectors import routing_examples

    examples = routing_examples(on=TODAY)
    assert set(examples) == {
        "operator (III.3)",
        "manager (III.4)",
        "key_account_manager (III.4)",
        "department_head (III.15)",
        "manager (III.6)",
        "finance (III.6)",
    }


def test_clients_have_contacts_who_may_receive_goods(seeded):
    from clients.models import Contact

    assert Contact.objects.filter(may_receive_goods=True).values("client").distinct().count() == 400
    assert User.objects.get(username="kam2").presence == "absent"
    assert User.objects.get(username="kam").presence == "available"


def test_demo_has_discount_rules_specials_and_new_products(seeded):
    from orders.models import DiscountRule, Product, Special

    assert DiscountRule.objects.count() == 6
    assert Special.objects.filter(valid_from__lte=TODAY, valid_to__gte=TODAY).count() == 3
    assert Product.objects.filter(active=True, new_until__gte=TODAY).count() >= 10


def test_todays_dormant_list_is_built(seeded):
    from outbound.models import CallTask

    dormant = CallTask.objects.filter(call_list__source="dormant")
    assert seeded.counts["dormant clients to call"] == dormant.count()
    assert dormant.count() >= 5
    assert set(dormant.values_list("client__type__code", flat=True)) == {"market"}
    assert (
        seeded.counts["campaign calls"] == CallTask.objects.filter(call_list__source="campaign").count() > 0
    )
