"""GET /orders for the warehouse/ERP, and the warehouse's token moving orders along."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from staff.models import Role, User
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_export_lists_confirmed_orders_with_lines_in_constant_queries(
    api, staff_of, shop, django_assert_num_queries
):
    warehouse = staff_of(Role.OPERATOR, department_code="call_center", username="warehouse")
    warehouse.user_permissions.add(Permission.objects.get(codename="change_order_status"))
    warehouse = User.objects.get(pk=warehouse.pk)  # no cached permissions
    for n in range(3):
        order = OrderFactory(client=shop, number=f"2026-{n + 1:06d}")
        product = ProductFactory(sku=f"S{n}", name=f"Квас хлебный {n}", unit="бут")
        OrderLineFactory(order=order, product=product, quantity=Decimal("2.5"))
    OrderFactory(client=shop, status="draft", number=None, confirmed_at=None)
    http = api(warehouse)
    http.get("/api/v1/orders")  # stamps the token's last use
    # token; the warehouse's permission (its own and its groups'); count, page, lines
    with django_assert_num_queries(6):
        body = http.get("/api/v1/orders", {"status": "confirmed", "client": shop.pk}).json()
    assert body["count"] == 3
    assert [o["number"] for o in body["items"]] == ["2026-000003", "2026-000002", "2026-000001"]
    # 2.5 x 10.00 = 25.00 with VAT 20 %: 25.00 x 20 / 120 = 4.1666... → 4.17
    assert body["items"][0]["lines"] == [
        {
            "sku": "S2",
            "name": "Квас хлебный 2",
            "unit": "бут",
            "quantity": "2.500",
            "unit_price": "10.00",
            "vat_rate": 20,
            "vat": "4.17",
            "total": "25.00",
        }
    ]
    assert body["items"][0]["client_tax_id"] == shop.tax_id


def test_export_refuses_bad_filters(api, staff_of):
    http = api(staff_of(Role.HEAD))
    assert http.get("/api/v1/orders", {"status": "lost"}).status_code == 400
    assert http.get("/api/v1/orders", {"limit": 0}).status_code == 400
    assert http.get("/api/v1/orders", {"since": "yesterday"}).status_code == 400


def test_the_warehouse_token_moves_orders_along(api, staff_of, shop):
    warehouse = staff_of(Role.OPERATOR, department_code="call_center", username="warehouse")
    warehouse.user_permissions.add(Permission.objects.get(codename="change_order_status"))
    order = OrderFactory(client=shop, number="2026-000010")
    http = api(User.objects.get(pk=warehouse.pk))
    assert (
        http.post(
            f"/api/v1/orders/{order.pk}/status", {"status": "in_fulfilment"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        http.post(
            f"/api/v1/orders/{order.pk}/status", {"status": "delivered"}, content_type="application/json"
        ).json()["status"]
        == "delivered"
    )
