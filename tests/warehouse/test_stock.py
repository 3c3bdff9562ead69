"""Stock from the warehouse system and what confirmed orders reserve of it (III.12, API.md "Stock,
VAT, packs, calendar"): PUT /stock all or nothing, `available` in GET /products and on the order
screen, 409 `insufficient_stock` for a line beyond it, release on cancel, no suggestion of what is
sold out, and the region's warehouse."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from orders.exceptions import InsufficientStock
from orders.models import Order
from orders.selectors import suggestions_for
from orders.services import add_line, change_line, change_status, confirm_order, start_order
from staff.models import Role
from tests.factories import ClientFactory, ProductFactory, client_type, price
from tests.warehouse.conftest import ready_draft, stock
from warehouse.models import Stock
from warehouse.stock import warehouse_for_region

pytestmark = pytest.mark.django_db
JSON = "application/json"


def put_stock(http, rows):
    return http.put("/api/v1/stock", rows, content_type=JSON)


# --- PUT /stock --------------------------------------------------------------------------------


def test_the_warehouse_token_reports_stock_by_code_or_name(
    api, warehouse_token, kvass, main_warehouse, podolsk
):
    http = api(warehouse_token)
    rows = [
        {"sku": "КВАС-1", "warehouse": "main", "quantity": 120},
        {"sku": "КВАС-1", "warehouse": "Склад Подольск", "quantity": "36.500"},
    ]
    assert (put_stock(http, rows).status_code, put_stock(http, rows).json()) == (
        200,
        {"created": 0, "updated": 0},  # the same report again changes nothing
    )
    assert sorted(Stock.objects.values_list("warehouse__code", "quantity")) == [
        ("main", Decimal("120.000")),
        ("podolsk", Decimal("36.500")),
    ]
    answer = put_stock(http, [{"sku": "КВАС-1", "warehouse": "podolsk", "quantity": "0"}])
    assert answer.json() == {"created": 0, "updated": 1}
    assert Stock.objects.get(warehouse=podolsk).quantity == Decimal("0.000")


def test_the_first_report_counts_what_it_created(api, staff_of, kvass, main_warehouse):
    admin = staff_of(Role.ADMIN, department_code=None, username="admin")
    answer = put_stock(api(admin), [{"sku": "КВАС-1", "warehouse": "main", "quantity": "12"}])
    assert (answer.status_code, answer.json()) == (200, {"created": 1, "updated": 0})


def test_bad_rows_are_all_reported_and_nothing_is_written(api, warehouse_token, kvass, main_warehouse):
    stock(main_warehouse, kvass, "5")
    answer = put_stock(
        api(warehouse_token),
        [
            {"sku": "КВАС-1", "warehouse": "main", "quantity": "7"},  # good, but not written
            {"sku": "НЕТ-ТАКОГО", "warehouse": "Склад Химки", "quantity": "-1"},
            {"sku": "ЧАЙ", "warehouse": "main", "quantity": 2.5},
            {"sku": "RICE", "warehouse": "main", "quantity": "1.0005"},
            "КВАС-1;main;3",
            {"warehouse": "main"},
            {"sku": "КВАС-1", "warehouse": "MAIN", "quantity": "3"},  # the same product and warehouse
        ],
    )
    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["detail"]) == (
        "validation_error",
        "Nothing was written: some rows are not valid.",
    )
    assert [(e["row"], e["field"], e["detail"]) for e in body["errors"]] == [
        (1, "quantity", 'Expected a quantity of zero or more, such as 120 or "12.500".'),
        (1, "sku", "No product has the SKU НЕТ-ТАКОГО."),
        (1, "warehouse", "No warehouse Склад Химки."),
        (2, "quantity", 'Send the quantity as an integer or a decimal string such as "12.500".'),
        (3, "quantity", "At most 3 decimal places."),
        (4, "", "Each row must be an object with sku, warehouse and quantity."),
        (5, "sku", "This field is required."),
        (5, "quantity", "This field is required."),
        (6, "sku", "КВАС-1 in MAIN is already in row 0."),
    ]
    assert Stock.objects.get().quantity == Decimal("5.000")


def test_a_body_that_is_not_a_list_is_400(api, warehouse_token):
    answer = api(warehouse_token).put("/api/v1/stock", {"sku": "КВАС-1"}, content_type=JSON)
    assert answer.status_code == 400
    assert answer.json()["code"] == "validation_error"


def test_only_the_warehouse_and_admins_report_stock(api, staff_of, operator, kvass, main_warehouse):
    row = [{"sku": "КВАС-1", "warehouse": "main", "quantity": "1"}]
    for user in (
        operator,
        staff_of(Role.COMMERCIAL, username="comm"),
        staff_of(Role.FINANCE, username="fin"),
    ):
        assert put_stock(api(user), row).status_code == 403
    assert not Stock.objects.exists()


def test_the_import_runs_in_a_constant_number_of_queries(
    warehouse_token, main_warehouse, django_assert_num_queries
):
    from warehouse.imports import import_stock

    import_stock(rows=[], actor=warehouse_token)  # the token's permissions are read once
    for count in (2, 20):
        products = [ProductFactory(sku=f"ТОВ-{count}-{n}") for n in range(count)]
        rows = [{"sku": p.sku, "warehouse": "main", "quantity": str(n)} for n, p in enumerate(products)]
        # savepoint, products, warehouses, the existing rows locked, the insert, release
        with django_assert_num_queries(6):
            assert import_stock(rows=rows, actor=warehouse_token).created == count


# --- The region's warehouse --------------------------------------------------------------------


def test_each_region_is_served_by_its_warehouse_else_the_default(main_warehouse, podolsk):
    assert warehouse_for_region("московская  ОБЛАСТЬ") == podolsk  # any case, any spaces
    assert warehouse_for_region("Тверь") == main_warehouse
    assert warehouse_for_region("") == main_warehouse


def test_without_a_default_the_only_warehouse_serves(main_warehouse):
    with override_settings(CALLDESK_DEFAULT_WAREHOUSE="no-such"):
        assert warehouse_for_region("Тверь") == main_warehouse
        main_warehouse.delete()
        assert warehouse_for_region("Тверь") is None


def test_a_draft_is_shipped_by_the_warehouse_of_its_clients_region(operator, main_warehouse, podolsk, market):
    podolsk_shop = ClientFactory(
        type=client_type("market"), manager=market.manager, region="Московская область"
    )
    assert start_order(actor=operator, client_id=market.pk).warehouse == main_warehouse
    assert start_order(actor=operator, client_id=podolsk_shop.pk).warehouse == podolsk


# --- Available, reserved, released -------------------------------------------------------------


def test_confirmed_orders_reserve_and_a_cancelled_one_releases(
    api, operator, staff_of, kvass, main_warehouse, market
):
    stock(main_warehouse, kvass, "10")
    http = api(operator)

    def available() -> str | None:
        items = http.get("/api/v1/products", {"search": "квас", "client": market.pk}).json()["items"]
        return items[0]["available"]

    assert available() == "10.000"
    first = confirm_order(actor=operator, order_id=ready_draft(operator, market, "КВАС-1", "7"))
    assert available() == "3.000"  # 10 in stock less 7 reserved

    second = start_order(actor=operator, client_id=market.pk)
    refused = http.post(
        f"/api/v1/orders/{second.pk}/lines", {"sku": "КВАС-1", "quantity": "4"}, content_type=JSON
    )
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "insufficient_stock",
        "detail": "Only 3 шт of Квас «Очаковский», 1,5 л are available.",
        "errors": [{"field": "quantity", "detail": "Available: 3"}],
    }
    assert not second.lines.exists()

    change_status(
        actor=first.client.manager,
        order_id=first.pk,
        status="cancelled",
        code="client_refused",
        reason="Клиент отказался",
    )
    assert available() == "10.000"  # released at once
    added = http.post(
        f"/api/v1/orders/{second.pk}/lines", {"sku": "КВАС-1", "quantity": "4"}, content_type=JSON
    )
    assert added.status_code == 201


def test_in_fulfilment_reserves_and_delivered_does_not(operator, kvass, main_warehouse, market):
    from warehouse.stock import available_of

    stock(main_warehouse, kvass, "10")
    order = confirm_order(actor=operator, order_id=ready_draft(operator, market, "КВАС-1", "4"))
    manager = market.manager
    change_status(actor=manager, order_id=order.pk, status="in_fulfilment")
    assert available_of(warehouse_id=main_warehouse.pk, product_ids=[kvass.pk]) == {
        kvass.pk: Decimal("6.000")
    }
    change_status(actor=manager, order_id=order.pk, status="delivered")
    assert available_of(warehouse_id=main_warehouse.pk, product_ids=[kvass.pk]) == {
        kvass.pk: Decimal("10.000")
    }


def test_another_warehouses_orders_reserve_nothing_here(operator, kvass, main_warehouse, podolsk, market):
    stock(main_warehouse, kvass, "10")
    stock(podolsk, kvass, "2")
    podolsk_shop = ClientFactory(
        type=client_type("market"), manager=market.manager, region="Московская область"
    )
    confirm_order(actor=operator, order_id=ready_draft(operator, podolsk_shop, "КВАС-1", "2"))
    draft = start_order(actor=operator, client_id=market.pk)
    add_line(actor=operator, order_id=draft.pk, sku="КВАС-1", quantity="10")  # all of main's
    with pytest.raises(InsufficientStock, match="Only 0 шт of"):
        add_line(
            actor=operator,
            order_id=start_order(actor=operator, client_id=podolsk_shop.pk).pk,
            sku="КВАС-1",
            quantity="1",
        )


def test_adding_to_a_line_counts_what_it_already_has(operator, kvass, main_warehouse, market):
    stock(main_warehouse, kvass, "10")
    draft = start_order(actor=operator, client_id=market.pk)
    add_line(actor=operator, order_id=draft.pk, sku="КВАС-1", quantity="6")
    with pytest.raises(InsufficientStock, match="Only 10 шт of"):
        add_line(actor=operator, order_id=draft.pk, sku="КВАС-1", quantity="5")
    assert draft.lines.get().quantity == Decimal("6.000")


def test_raising_a_line_beyond_is_refused_and_lowering_always_allowed(
    operator, kvass, main_warehouse, market
):
    stock(main_warehouse, kvass, "10")
    draft = start_order(actor=operator, client_id=market.pk)
    line = add_line(actor=operator, order_id=draft.pk, sku="КВАС-1", quantity="9").line
    with pytest.raises(InsufficientStock) as refused:
        change_line(actor=operator, order_id=draft.pk, line_id=line.pk, quantity="12")
    assert refused.value.detail == "Only 10 шт of Квас «Очаковский», 1,5 л are available."
    stock(main_warehouse, kvass, "4")  # the warehouse reports less meanwhile
    assert change_line(
        actor=operator, order_id=draft.pk, line_id=line.pk, quantity="8"
    ).line.quantity == Decimal("8")


def test_a_product_the_warehouse_never_reported_is_not_limited(operator, kvass, main_warehouse, market):
    draft = start_order(actor=operator, client_id=market.pk)
    assert add_line(actor=operator, order_id=draft.pk, sku="КВАС-1", quantity="500").line.quantity == Decimal(
        "500"
    )


@override_settings(CALLDESK_ALLOW_BACKORDERS=True)
def test_a_setting_allows_backorders(operator, kvass, main_warehouse, market):
    stock(main_warehouse, kvass, "1")
    order_id = ready_draft(operator, market, "КВАС-1", "30")
    assert confirm_order(actor=operator, order_id=order_id).status == Order.Status.CONFIRMED


def test_confirming_checks_again_what_other_orders_took_meanwhile(operator, kvass, main_warehouse, market):
    """Drafts reserve nothing: the second of two drafts for the last 10 is refused at confirm."""
    stock(main_warehouse, kvass, "10")
    first, second = (ready_draft(operator, market, "КВАС-1", "8") for _ in range(2))
    confirm_order(actor=operator, order_id=first)
    with pytest.raises(InsufficientStock) as refused:
        confirm_order(actor=operator, order_id=second)
    assert refused.value.detail == "Only 2 of Квас «Очаковский», 1,5 л are available; the order has 8."
    assert refused.value.errors[0].as_dict() == {
        "field": "lines",
        "detail": "Квас «Очаковский», 1,5 л: available 2",
    }
    assert Order.objects.get(pk=second).status == Order.Status.DRAFT


def test_confirm_answers_409_insufficient_stock(api, operator, kvass, main_warehouse, market):
    stock(main_warehouse, kvass, "10")
    first, second = (ready_draft(operator, market, "КВАС-1", "8") for _ in range(2))
    http = api(operator)
    assert http.post(f"/api/v1/orders/{first}/confirm").status_code == 200
    answer = http.post(f"/api/v1/orders/{second}/confirm")
    assert (answer.status_code, answer.json()["code"]) == (409, "insufficient_stock")


# --- GET /products -----------------------------------------------------------------------------


def test_products_show_available_of_the_warehouse_asked_for(api, operator, kvass, main_warehouse, podolsk):
    stock(main_warehouse, kvass, "10")
    stock(podolsk, kvass, "3.5")
    http = api(operator)
    by_default = http.get("/api/v1/products", {"search": "квас"}).json()
    assert (by_default["warehouse"], by_default["items"][0]["available"]) == ("main", "10.000")
    asked = http.get("/api/v1/products", {"search": "квас", "warehouse": "podolsk"}).json()
    assert (asked["warehouse"], asked["items"][0]["available"]) == ("podolsk", "3.500")
    unknown = http.get("/api/v1/products", {"warehouse": "химки"})
    assert (unknown.status_code, unknown.json()["detail"]) == (404, "No warehouse химки.")


def test_products_of_a_client_show_its_regions_warehouse(api, operator, kvass, main_warehouse, podolsk):
    stock(main_warehouse, kvass, "10")
    stock(podolsk, kvass, "0")
    shop = ClientFactory(type=client_type("market"), region="Московская область")
    answer = api(operator).get("/api/v1/products", {"search": "квас", "client": shop.pk}).json()
    assert (answer["warehouse"], answer["items"][0]["available"]) == ("podolsk", "0.000")


# --- Suggestions (III.7) never offer what is sold out ------------------------------------------


def test_suggestions_never_offer_what_the_warehouse_has_none_of(operator, main_warehouse, market):
    from datetime import timedelta

    from django.utils import timezone

    soon = timezone.localdate() + timedelta(days=30)
    for sku, quantity in (("НОВ-1", "0"), ("НОВ-2", "5"), ("НОВ-3", None)):
        product = ProductFactory(sku=sku, name=f"Новинка {sku}", new_until=soon)
        price(product, "base", "10.00")
        if quantity is not None:
            stock(main_warehouse, product, quantity)
    order = start_order(actor=operator, client_id=market.pk)
    assert {s.sku for s in suggestions_for(order=order, on=timezone.localdate())} == {"НОВ-2", "НОВ-3"}


# --- The order screen --------------------------------------------------------------------------


def test_the_screen_shows_available_and_refuses_a_line_beyond_it(
    client, operator, kvass, main_warehouse, market
):
    stock(main_warehouse, kvass, "10")
    client.force_login(operator)
    order = start_order(actor=operator, client_id=market.pk)
    search = reverse("orders:product-search", args=[order.pk])
    matches = client.get(search, {"product": "квас"}).content.decode()
    assert "available 10" in matches
    html = client.post(
        reverse("orders:line-add", args=[order.pk]),
        {"product": "КВАС-1", "quantity": "12"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Only 10 шт of Квас «Очаковский», 1,5 л are available." in html
    assert not order.lines.exists()
    client.post(reverse("orders:line-add", args=[order.pk]), {"product": "КВАС-1", "quantity": "4"})
    assert "available 10" in client.get(reverse("orders:order", args=[order.pk])).content.decode()
