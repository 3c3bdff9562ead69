"""III.10: a price column fixed for one client (key and contract clients have their own) wins
over the discount rules of its type, in the one place the column is chosen, with its reason on
the order; the head of the client's department fixes it (API) and admins too (admin)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from clients.models import Client, ClientChange
from orders.models import PriceColumn
from orders.rules import ColumnRule, FixedColumn, choose_column
from orders.services import add_line, start_order
from staff.models import Department, Role
from tests.factories import ClientFactory, client_type

JSON = "application/json"
CONTRACT = "договор № 15 от 01.03.2026"


def test_a_fixed_column_wins_over_every_rule_of_the_type_whatever_the_subtotal():
    rules = [
        ColumnRule(
            "column_3",
            "Column 3",
            3,
            frozenset({"retail"}),
            ("Retail",),
            D("0.00"),
            99,
            date(2026, 1, 1),
            None,
        )
    ]
    fixed = FixedColumn(code="column_2", name="Колонка 2", reason=CONTRACT)
    for subtotal in (D("0.00"), D("1000000.00")):
        choice = choose_column(
            rules=rules,
            client_type_code="retail",
            client_type_name="Retail",
            base_subtotal=subtotal,
            on=date(2026, 11, 20),
            fixed=fixed,
        )
        assert (choice.code, choice.reason) == (
            "column_2",
            "Колонка 2: fixed for this client (договор № 15 от 01.03.2026)",
        )


@pytest.fixture
def contract_shop(shop) -> Client:
    """«ООО «Ромашка»», a retail client on a contract at column 2."""
    Client.objects.filter(pk=shop.pk).update(
        name="ООО «Ромашка»",
        price_column=PriceColumn.objects.get(code="column_2"),
        price_column_reason=CONTRACT,
    )
    return Client.objects.get(pk=shop.pk)


@pytest.mark.django_db
def test_the_order_of_a_client_with_a_fixed_column_keeps_it_past_the_rule_threshold(
    operator, catalog, contract_shop
):
    order = start_order(actor=operator, client_id=contract_shop.pk)
    assert (order.column.code, order.column_reason) == (
        "column_2",
        "Column 2: fixed for this client (договор № 15 от 01.03.2026)",
    )
    # 30 x 50.00 = 1 500.00 at base: the retail rule (column 3 from 1 000) would apply
    change = add_line(actor=operator, order_id=order.pk, sku="COLA", quantity="30")
    order.refresh_from_db()
    assert order.column.code == "column_2"
    assert order.column_reason == "Column 2: fixed for this client (договор № 15 от 01.03.2026)"
    # COLA has no column-2 price: its base price (III.10)
    assert (change.line.unit_price, order.total) == (D("50.00"), D("1500.00"))


@pytest.mark.django_db
def test_the_order_screen_shows_the_fixed_column_and_why(client, operator, catalog, contract_shop):
    order = start_order(actor=operator, client_id=contract_shop.pk)
    client.force_login(operator)
    html = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    assert (
        '<p id="order-column">Price column: <strong>Column 2</strong> '
        "(Column 2: fixed for this client (договор № 15 от 01.03.2026))</p>"
    ) in html


@pytest.mark.django_db
def test_the_products_of_a_client_with_a_fixed_column_are_priced_at_it(api, operator, catalog, contract_shop):
    from tests.factories import price

    price(catalog["TEA"], "column_2", "111.00")
    body = api(operator).get("/api/v1/products", {"search": "TEA", "client": contract_shop.pk}).json()
    assert [(item["sku"], item["price"]) for item in body["items"]] == [("TEA", "111.00")]


@pytest.fixture
def retail_head(staff_of):
    head = staff_of(Role.HEAD, department_code="retail", username="bogdanov")
    Department.objects.filter(code="retail").update(head=head)
    return head


@pytest.mark.django_db
def test_the_head_of_the_department_fixes_and_frees_a_column_through_the_api(api, retail_head, shop):
    http = api(retail_head)
    response = http.patch(
        f"/api/v1/clients/{shop.pk}",
        {"price_column": "column_4", "price_column_reason": CONTRACT},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["price_column"], response.json()["price_column_reason"]) == ("column_4", CONTRACT)
    response = http.patch(f"/api/v1/clients/{shop.pk}", {"price_column": None}, content_type=JSON)
    assert (response.json()["price_column"], response.json()["price_column_reason"]) == (None, "")
    history = list(
        ClientChange.objects.filter(client=shop).order_by("id").values_list("field", "old_value", "new_value")
    )
    assert history == [
        ("price_column", "", "column_4: договор № 15 от 01.03.2026"),
        ("price_column", "column_4: договор № 15 от 01.03.2026", ""),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price_column": "column_4"}, "price_column_reason"),
        ({"price_column": "column_4", "price_column_reason": "   "}, "price_column_reason"),
        ({"price_column": "колонка_9", "price_column_reason": CONTRACT}, "price_column"),
    ],
)
def test_a_fixed_column_without_a_reason_or_unknown_is_a_400_and_nothing_changes(
    api, retail_head, shop, body, field
):
    response = api(retail_head).patch(f"/api/v1/clients/{shop.pk}", body, content_type=JSON)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]
    shop.refresh_from_db()
    assert (shop.price_column_id, shop.price_column_reason) == (None, "")
    assert not ClientChange.objects.exists()


@pytest.mark.django_db
def test_the_clients_manager_and_an_operator_may_not_fix_a_column(api, operator, manager, shop):
    for person in (operator, manager):
        response = api(person).patch(
            f"/api/v1/clients/{shop.pk}",
            {"price_column": "column_4", "price_column_reason": CONTRACT},
            content_type=JSON,
        )
        assert response.status_code == 403
    shop.refresh_from_db()
    assert shop.price_column_id is None


@pytest.mark.django_db
def test_admin_fixes_a_column_through_the_service_and_needs_the_reason(client, staff_of):
    from tests.clients.test_client_admin import form_data

    admin_user = staff_of(Role.ADMIN, department_code=None, username="boss")
    shop = ClientFactory(name="ИП Сидоров", type=client_type("retail"))
    client.force_login(admin_user)
    url = reverse("admin:clients_client_change", args=[shop.pk])
    extra = {"delivery_addresses-TOTAL_FORMS": 0, "delivery_addresses-INITIAL_FORMS": 0}
    column = PriceColumn.objects.get(code="column_3")
    refused = client.post(url, form_data(shop, price_column=column.pk, price_column_reason="", **extra))
    assert refused.status_code == 200
    assert "Say why the client&#x27;s price column is fixed." in refused.content.decode()
    response = client.post(
        url, form_data(shop, price_column=column.pk, price_column_reason=CONTRACT, **extra)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    shop.refresh_from_db()
    assert (shop.price_column.code, shop.price_column_reason) == ("column_3", CONTRACT)
    assert ClientChange.objects.get(client=shop).new_value == "column_3: договор № 15 от 01.03.2026"
