"""The client's history on its card (III.2, III.26): the client panel of the call screen shows
the latest changes of type, manager, credit limit and payment terms (who, when, old → new) to the
people who decide them, not to operators (III.2, III.26), in a constant number of queries."""

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from calls.models import Call
from calls.services import register_call
from clients.models import ClientChange
from clients.services import update_client
from staff.models import Department, Role
from tests.factories import ClientFactory, ClientPhoneFactory

pytestmark = pytest.mark.django_db
PHONE = "+74951234567"


@pytest.fixture
def people(staff_of):
    head = staff_of(Role.HEAD, username="volkov", full_name="Sergey Volkov")
    Department.objects.filter(code="wholesale").update(head=head)
    return {
        "head": head,
        "oleg": staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov"),
        "finance": staff_of(Role.FINANCE, department_code=None, username="fin", full_name="Nina Orlova"),
    }


@pytest.fixture
def shop(people):
    client = ClientFactory(name="Kolos grocery", manager=people["oleg"])
    ClientPhoneFactory(client=client, number=PHONE)
    return client


def call_of(operator) -> Call:
    return register_call(actor=operator, direction="inbound", phone=PHONE)


def card(http, call: Call) -> str:
    response = http.get(reverse("calls:call", args=[call.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_manager_sees_the_latest_changes_of_the_client_on_its_card(client, operator, people, shop):
    """III.2, III.26: the manager reads who changed the credit limit, when, from what to what."""
    update_client(actor=people["finance"], client_id=shop.pk, changes={"credit_limit": "250000.00"})
    change = ClientChange.objects.get()
    when = date_filter(timezone.localtime(change.changed_at), "SHORT_DATETIME_FORMAT")
    client.force_login(people["oleg"])

    html = card(client, call_of(operator))

    assert "<h2>Changes to the client</h2>" in html
    assert (
        f"<tr><td>{when}</td><td>Nina Orlova</td>\n"
        "          <td>Credit limit</td><td>100000.00 → 250000.00</td></tr>"
    ) in html


def test_an_operator_does_not_see_the_clients_changes(client, operator, people, shop):
    """III.26: the operator's card has the type, manager and debt, not who changed a limit when."""
    update_client(actor=people["finance"], client_id=shop.pk, changes={"credit_limit": "250000.00"})
    client.force_login(operator)

    html = card(client, call_of(operator))

    assert "Changes to the client" not in html
    assert 'id="client-changes"' not in html
    assert "250000.00" not in html


def test_the_card_shows_the_ten_latest_changes_newest_first(client, operator, people, shop):
    """III.2: the card keeps to the latest ten; the rest stays in admin."""
    for days in range(12):
        update_client(actor=people["finance"], client_id=shop.pk, changes={"payment_terms_days": 20 + days})
    client.force_login(people["head"])

    html = card(client, call_of(operator))

    assert html.count("<td>Payment terms, days</td>") == 10
    assert "<td>Payment terms, days</td><td>30 → 31</td>" in html
    assert "<td>Payment terms, days</td><td>14 → 20</td>" not in html
    assert html.index("30 → 31") < html.index("29 → 30")


def test_a_client_without_changes_says_so(client, operator, people, shop):
    """III.2: finance sees the section, empty."""
    client.force_login(people["finance"])
    html = card(client, call_of(operator))
    assert "<h2>Changes to the client</h2>" in html
    assert '<p class="empty">No changes recorded.</p>' in html


@pytest.mark.parametrize("changes", [1, 15])
def test_the_card_with_its_history_is_one_query_more_whatever_the_history(
    client, operator, people, shop, changes, django_assert_num_queries
):
    """Section VI: the screen stays fast: the operator's 13 queries (tests/calls/test_desk_screens.py)
    plus one for the client's latest changes, whatever their number."""
    ClientChange.objects.bulk_create(
        ClientChange(
            client=shop,
            field="credit_limit",
            old_value=str(n),
            new_value=str(n + 1),
            changed_by=people["finance"],
        )
        for n in range(changes)
    )
    call = call_of(operator)
    client.force_login(people["oleg"])

    with django_assert_num_queries(15):  # with the header's unread count of a manager (III.14)
        html = card(client, call)

    assert html.count("<td>Credit limit</td>") == min(changes, 10)
