"""Clients in Django admin: changes go through the service, so roles and history hold there too."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import ClientChange
from staff.models import Role
from tests.factories import ClientFactory, ClientPhoneFactory, client_type

pytestmark = pytest.mark.django_db


def form_data(client, **changes) -> dict:
    data = {
        "name": client.name,
        "tax_id": client.tax_id,
        "type": client.type_id,
        "manager": client.manager_id or "",
        "region": client.region,
        "address": client.address,
        "credit_limit": client.credit_limit if client.credit_limit is not None else "",
        "payment_terms_days": client.payment_terms_days,
        "language": client.language,
        "joined_on": client.joined_on.isoformat(),
    }
    for prefix in ("phones", "contacts", "delivery_addresses", "changes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def test_finance_changes_a_credit_limit_in_admin_and_history_records_it(client, staff_of):
    finance = staff_of(Role.FINANCE, department_code="finance", username="norlova")
    shop = ClientFactory(credit_limit=Decimal("50000.00"))
    client.force_login(finance)
    url = reverse("admin:clients_client_change", args=[shop.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {"credit_limit": "75000.00", "payment_terms_days": 21}
    for prefix in ("changes",):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    shop.refresh_from_db()
    assert shop.credit_limit == Decimal("75000.00")
    history = set(
        ClientChange.objects.values_list("field", "old_value", "new_value", "changed_by__username", "note")
    )
    assert history == {
        ("credit_limit", "50000.00", "75000.00", "norlova", "in admin"),
        ("payment_terms_days", "14", "21", "norlova", "in admin"),
    }


def test_finance_sees_the_manager_and_type_read_only(client, staff_of):
    finance = staff_of(Role.FINANCE, department_code="finance")
    shop = ClientFactory()
    client.force_login(finance)
    html = client.get(reverse("admin:clients_client_change", args=[shop.pk])).content.decode()
    assert 'name="credit_limit"' in html
    assert 'name="manager"' not in html
    assert 'name="type"' not in html


def test_admin_change_of_manager_goes_through_the_service(client, staff_of):
    admin_user = staff_of(Role.ADMIN, department_code=None, username="boss")
    oleg = staff_of(Role.MANAGER, username="oleg")
    shop = ClientFactory(manager=None)
    ClientPhoneFactory(client=shop)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:clients_client_change", args=[shop.pk]), form_data(shop, manager=oleg.pk)
    )
    assert response.status_code == 302
    change = ClientChange.objects.get()
    assert (change.field, change.old_value, change.new_value, change.changed_by) == (
        "manager",
        "",
        "oleg",
        admin_user,
    )


def test_admin_form_refuses_a_key_client_without_a_key_account_manager(client, staff_of):
    admin_user = staff_of(Role.ADMIN, department_code=None)
    oleg = staff_of(Role.MANAGER, username="oleg")
    key = ClientFactory(type=client_type("key"), manager=None)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:clients_client_change", args=[key.pk]), form_data(key, manager=oleg.pk)
    )
    assert response.status_code == 200
    assert "A key client needs a key-account manager (III.4)." in response.content.decode()
    key.refresh_from_db()
    assert key.manager is None
    assert not ClientChange.objects.exists()


def test_receivables_are_read_only_in_admin(client, staff_of):
    client.force_login(staff_of(Role.FINANCE, department_code="finance"))
    assert client.get(reverse("admin:clients_receivable_changelist")).status_code == 200
    assert client.get(reverse("admin:clients_receivable_add")).status_code == 403
