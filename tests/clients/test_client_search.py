"""Client search as a Russian types (calldesk.search, III.1): case in every alphabet, ё = е,
quotes and punctuation ignored, every word in any order, a phone or tax id as before; the same
answers through the selectors, the desk, the head's screen and `GET /api/v1/clients`. The
services and admin keep the stored search text with the name."""

import pytest
from django.urls import reverse

from calldesk.search import normalise
from clients.models import Client
from clients.selectors import department_clients, matching_clients, search_clients
from clients.services import register_client, update_client
from staff.models import Department, Role
from tests.factories import ClientFactory, client_type
from tests.search_cases import CLIENT_CASES, CLIENTS, make_clients

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients():
    return make_clients()


@pytest.mark.parametrize(("term", "names"), CLIENT_CASES)
def test_the_desk_s_search_finds_exactly_these_clients(clients, term, names):
    assert [c.name for c in search_clients(term)] == names
    assert [c.name for c in matching_clients(term)] == names


@pytest.mark.parametrize(("term", "names"), CLIENT_CASES)
def test_get_clients_finds_exactly_these_clients(api, operator, clients, term, names):
    body = api(operator).get("/api/v1/clients", {"search": term}).json()
    assert (body["count"], [c["name"] for c in body["items"]]) == (len(names), names)


def test_the_desk_page_lists_the_cyrillic_client_found_by_a_lower_case_part(client, operator, clients):
    client.force_login(operator)
    html = client.get(reverse("calls:desk"), {"q": "ромаш"}, headers={"HX-Request": "true"}).content.decode()
    for name in ("ООО «Ромашка»", "Магазин «Ромашка»", "ИП Ромашкин А. В."):
        assert f'value="{clients[name].pk}" class="take-order"' in html
    for name, _tax_id, _phone in CLIENTS[3:]:
        assert f'value="{clients[name].pk}" class="take-order"' not in html


def test_the_head_s_screen_searches_by_the_same_rule(clients):
    department = clients["ООО «Ромашка»"].department
    assert {c.department_id for c in Client.objects.all()} == {department.pk}
    elsewhere = ClientFactory(name="Ромашка опт", type=client_type("retail"))
    assert elsewhere.department_id != department.pk
    found = department_clients(department_id=department.pk, search="РОМАШКА ооо")
    assert [c.name for c in found] == ["ООО «Ромашка»"]
    assert [c.name for c in department_clients(department_id=department.pk, search="елки палки")] == [
        "Павильон Елки-палки"
    ]
    assert [c.name for c in department_clients(department_id=department.pk, search="7703")] == ["Кафе «Ёлка»"]
    assert len(department_clients(department_id=department.pk)) == len(CLIENTS)


def test_a_search_of_cyrillic_clients_runs_in_three_queries(clients, django_assert_num_queries):
    # the matching ids, their cards, their phones
    with django_assert_num_queries(3):
        found = search_clients("ромашка")
        assert [(c.name, c.type.name, [p.number for p in c.phones.all()]) for c in found] == [
            ("Магазин «Ромашка»", "Market", ["+74957654321"]),
            ("ООО «Ромашка»", "Market", ["+74951234567"]),
        ]


# --- The stored search text follows the name ------------------------------------------------------


def test_a_registered_client_is_found_by_its_name_and_tax_id(staff_of):
    operator = staff_of(Role.OPERATOR, department_code="call_center")
    Department.objects.filter(code="retail").update(head=staff_of(Role.HEAD, department_code="retail"))
    client = register_client(
        actor=operator, name="  ООО «Берёзка»  ", tax_id="7712345678", type_code="retail", phones=[]
    )
    assert Client.objects.get(pk=client.pk).search_text == "ооо березка 7712345678"
    assert [c.pk for c in search_clients("березка")] == [client.pk]


def test_a_renamed_client_is_found_by_its_new_name_only(staff_of):
    head = staff_of(Role.HEAD, username="volkov")
    Department.objects.filter(code="wholesale").update(head=head)
    shop = ClientFactory(name="Магазин «Ромашка»", tax_id="7702000002")
    update_client(actor=head, client_id=shop.pk, changes={"name": "Гастроном «Ёлочка»"})
    assert Client.objects.get(pk=shop.pk).search_text == "гастроном елочка 7702000002"
    assert search_clients("ромашка") == []
    assert [c.pk for c in search_clients("елочка гастроном")] == [shop.pk]


def test_a_client_added_in_admin_is_found(client, staff_of):
    admin_user = staff_of(Role.ADMIN, department_code=None, username="boss")
    client.force_login(admin_user)
    data = {
        "name": "Кафе „Уют“",
        "tax_id": "7799000001",
        "type": client_type("market").pk,
        "manager": "",
        "region": "Москва",
        "address": "",
        "credit_limit": "",
        "payment_terms_days": 0,
        "joined_on": "2026-11-20",
        "language": "ru",
    }
    for prefix in ("phones", "contacts", "delivery_addresses", "changes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(reverse("admin:clients_client_add"), data)
    assert response.status_code == 302
    added = Client.objects.get(tax_id="7799000001")
    assert added.search_text == normalise("Кафе „Уют“", "7799000001") == "кафе уют 7799000001"
    assert [c.pk for c in search_clients("уют кафе")] == [added.pk]


def test_the_migration_fills_the_search_text_of_existing_clients(clients):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("clients.migrations.0009_client_search_text")
    Client.objects.update(search_text="")
    migration.fill(apps, type("SchemaEditor", (), {"connection": connection})())
    assert dict(Client.objects.values_list("name", "search_text")) == {
        name: normalise(name, tax_id) for name, tax_id, _phone in CLIENTS
    }
    assert Client.objects.get(tax_id="7701000001").search_text == "ооо ромашка 7701000001"
