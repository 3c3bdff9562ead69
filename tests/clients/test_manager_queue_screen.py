"""The head's queue (III.15): clients without a manager, assigned from the screen (III.2)."""

import pytest
from django.urls import reverse

from clients.models import ClientChange
from staff.models import Role
from tests.factories import ClientFactory, ClientPhoneFactory, client_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(staff_of):
    return staff_of(Role.HEAD, username="volkov")


def test_queue_lists_only_the_heads_department_clients_without_a_manager(client, head, staff_of):
    waiting = ClientFactory(name="New kiosk", manager=None)
    ClientPhoneFactory(client=waiting, number="+74951234567")
    ClientFactory(name="Served stall", manager=staff_of(Role.MANAGER))
    ClientFactory(name="Retail newcomer", manager=None, type=client_type("retail"))
    client.force_login(head)
    html = client.get(reverse("clients:queue")).content.decode()
    assert "New kiosk" in html
    assert "8 (495) 123-45-67" in html
    assert "Served stall" not in html
    assert "Retail newcomer" not in html
    assert "Waiting for a manager (1)" in html


def test_assigning_from_the_queue_with_htmx_returns_the_updated_queue(client, head, staff_of):
    oleg = staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov")
    waiting = ClientFactory(name="New kiosk", manager=None)
    client.force_login(head)
    response = client.post(
        reverse("clients:assignment", args=[waiting.pk]),
        {"manager": "oleg", "type": "market", "note": "first call"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.strip().startswith('<section id="client-queue"')
    assert "New kiosk: saved." in html
    assert "No client is waiting for a manager." in html
    waiting.refresh_from_db()
    assert waiting.manager == oleg
    change = ClientChange.objects.get()
    assert (change.field, change.old_value, change.new_value, change.changed_by, change.note) == (
        "manager",
        "",
        "oleg",
        head,
        "first call",
    )


def test_a_refused_assignment_says_why_and_changes_nothing(client, head, staff_of):
    staff_of(Role.MANAGER, username="oleg")
    key = ClientFactory(name="Big chain", manager=None, type=client_type("key"))
    client.force_login(head)
    response = client.post(
        reverse("clients:assignment", args=[key.pk]),
        {"manager": "oleg", "type": "key"},
        headers={"HX-Request": "true"},
    )
    assert "Big chain: A key client needs a key-account manager (III.4)." in response.content.decode()
    key.refresh_from_db()
    assert key.manager is None
    assert not ClientChange.objects.exists()


def test_without_htmx_the_assignment_redirects_back(client, head, staff_of):
    staff_of(Role.MANAGER, username="oleg")
    waiting = ClientFactory(manager=None)
    client.force_login(head)
    response = client.post(
        reverse("clients:assignment", args=[waiting.pk]), {"manager": "oleg", "type": "market"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:queue")


def test_head_of_another_department_cannot_assign(client, staff_of):
    staff_of(Role.MANAGER, username="oleg")
    retail_head = staff_of(Role.HEAD, department_code="retail")
    waiting = ClientFactory(manager=None)
    client.force_login(retail_head)
    client.post(reverse("clients:assignment", args=[waiting.pk]), {"manager": "oleg", "type": "market"})
    waiting.refresh_from_db()
    assert waiting.manager is None


def test_operator_may_not_open_the_queue(client, operator):
    client.force_login(operator)
    assert client.get(reverse("clients:queue")).status_code == 403


@pytest.mark.parametrize("n", [1, 12])
def test_queue_query_count_is_constant(client, head, django_assert_num_queries, n):
    for i in range(n):
        ClientPhoneFactory(client=ClientFactory(name=f"Waiting {i}", manager=None))
    client.force_login(head)
    # session, the user with their role and department, page count, page, phones, managers,
    # types, waiting count, the header's unread count (III.14): the same for any number of clients.
    with django_assert_num_queries(9):
        response = client.get(reverse("clients:queue"))
    assert response.content.decode().count('class="primary">Assign</button>') == n
