"""The order screen fits the work (III.7, III.12, III.14): one call takes one order, refused on the
server through every door; a confirmed order leads back to its call's wrap-up with one key; a
declined offer takes a reason from the admin's short list (seeded in three languages) or words."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from calls.services import register_call
from orders.models import DeclineReason, Offer, Order
from orders.services import add_line, record_offer, start_order
from tests.factories import OrderFactory, ProductFactory, price

pytestmark = pytest.mark.django_db
JSON = "application/json"
HTMX = {"HX-Request": "true"}
PHONE = "+74957654321"  # the shop's (tests/orders/conftest.py)


@pytest.fixture
def call(operator, shop):
    return register_call(actor=operator, direction="inbound", phone=PHONE)


def confirmed_in(call, shop, operator, number="2026-000321", **fields) -> Order:
    at = call.started_at + timedelta(minutes=2)
    return OrderFactory(
        client=shop,
        taken_by=operator,
        number=number,
        status=fields.pop("status", Order.Status.CONFIRMED),
        created_at=at,
        confirmed_at=fields.pop("confirmed_at", at),
        **fields,
    )


# --- One call, one order ------------------------------------------------------------------------------


def test_the_api_starts_no_second_order_in_a_call_with_a_confirmed_one(api, operator, shop, call):
    confirmed_in(call, shop, operator)
    response = api(operator).post("/api/v1/orders", {"client": shop.pk, "call": call.pk}, content_type=JSON)
    assert response.status_code == 409
    assert response.json() == {
        "code": "call_has_order",
        "detail": "This call already has a confirmed order, 2026-000321: wrap the call up.",
        "errors": [],
    }
    assert Order.objects.filter(client=shop).count() == 1


def test_the_operators_open_call_is_found_when_the_door_names_none(client, api, operator, shop, call):
    """The desk's Take an order (Alt+N) and an API client that sends no call: the operator's open
    call with the client is the call."""
    confirmed_in(call, shop, operator)
    assert api(operator).post("/api/v1/orders", {"client": shop.pk}, content_type=JSON).json()["code"] == (
        "call_has_order"
    )
    client.force_login(operator)
    response = client.post(reverse("orders:start"), {"client": shop.pk, "q": "Zarya"})
    assert response.url == reverse("calls:desk") + "?q=Zarya"
    page = client.get(response.url).content.decode()
    assert "This call already has a confirmed order, 2026-000321: wrap the call up." in page
    assert Order.objects.filter(client=shop).count() == 1


def test_the_call_screen_offers_no_second_order_and_refuses_one_posted(client, operator, shop, call):
    client.force_login(operator)
    html = client.get(reverse("calls:call", args=[call.pk])).content.decode()
    assert 'id="take-order"' in html
    assert f'<input type="hidden" name="call" value="{call.pk}">' in html
    order = confirmed_in(call, shop, operator)
    html = client.get(reverse("calls:call", args=[call.pk])).content.decode()
    assert 'id="take-order"' not in html
    assert "Order 2026-000321 is confirmed in this call: wrap the call up (Alt+W)." in html
    assert f'<a href="{reverse("orders:order", args=[order.pk])}">open</a>' in html
    # a form posted from a stale page is refused all the same, back on the call
    response = client.post(reverse("orders:start"), {"client": shop.pk, "call": call.pk})
    assert response.url == reverse("calls:call", args=[call.pk])
    assert "wrap the call up" in client.get(response.url).content.decode()
    assert Order.objects.filter(client=shop).count() == 1


def test_a_draft_or_a_cancelled_order_leaves_the_call_free_for_an_order(api, operator, shop, call):
    confirmed_in(call, shop, operator, number=None, status=Order.Status.DRAFT, confirmed_at=None)
    confirmed_in(
        call, shop, operator, number="2026-000322", status=Order.Status.CANCELLED, cancel_code="duplicate"
    )
    response = api(operator).post("/api/v1/orders", {"client": shop.pk, "call": call.pk}, content_type=JSON)
    assert response.status_code == 201


def test_an_order_confirmed_before_the_call_does_not_count(api, operator, shop, call):
    earlier = call.started_at - timedelta(hours=3)
    OrderFactory(
        client=shop, taken_by=operator, number="2026-000100", created_at=earlier, confirmed_at=earlier
    )
    assert api(operator).post("/api/v1/orders", {"client": shop.pk}, content_type=JSON).status_code == 201


# --- Back to the wrap-up ------------------------------------------------------------------------------


def test_a_confirmed_order_leads_back_to_its_calls_wrap_up_with_one_key(
    client, operator, shop, call, django_assert_num_queries
):
    order = confirmed_in(call, shop, operator)
    client.force_login(operator)
    # session, the user and role; the order with its lines and offers (3); the open call
    with django_assert_num_queries(6):
        html = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    assert (
        f'<a href="{reverse("calls:call", args=[call.pk])}#wrap-up" class="button primary big" '
        'id="wrap-up-call" data-shortcut="Alt+w" autofocus>Back to the call: wrap it up <kbd>Alt+W</kbd></a>'
    ) in html


def test_no_way_back_once_the_call_is_wrapped_up_or_for_another_reader(client, operator, manager, shop, call):
    order = confirmed_in(call, shop, operator)
    client.force_login(manager)
    assert 'id="wrap-up-call"' not in client.get(reverse("orders:order", args=[order.pk])).content.decode()
    type(call).objects.filter(pk=call.pk).update(ended_at=timezone.now(), outcome="order_taken")
    client.force_login(operator)
    assert 'id="wrap-up-call"' not in client.get(reverse("orders:order", args=[order.pk])).content.decode()


# --- Why a client declines ----------------------------------------------------------------------------


def test_the_list_is_seeded_in_three_languages():
    rows = list(DeclineReason.objects.values_list("code", "name", "name_ru", "name_ro"))
    assert rows[:3] == [
        ("has_stock", "Already has stock", "Товар ещё есть на складе", "Are încă stoc"),
        ("price_too_high", "Price too high", "Слишком дорого", "Prețul este prea mare"),
        ("not_this_time", "Not this time", "Не в этот раз", "Nu de data aceasta"),
    ]
    assert len(rows) == 6
    reason = DeclineReason.objects.get(code="price_too_high")
    with translation.override("ro"):
        assert str(reason) == "Prețul este prea mare"
    assert reason.label("ru") == "Слишком дорого"


def test_a_decline_takes_a_listed_code_a_listed_name_or_words(api, operator, catalog, shop):
    order = start_order(actor=operator, client_id=shop.pk)
    http = api(operator)

    def decline(sku, **body):
        return http.post(
            f"/api/v1/orders/{order.pk}/offers",
            {"sku": sku, "outcome": "declined", **body},
            content_type=JSON,
        )

    assert decline("TEA", decline_reason="has_stock").status_code == 201
    assert decline("RICE", reason="слишком дорого").status_code == 201  # a listed name, in Russian
    assert decline("MILK", reason="закрываются на ремонт").status_code == 201
    assert decline("COLA", decline_reason="price_too_high", reason="у соседей дешевле").status_code == 201
    unknown = decline("KVASS", decline_reason="whim")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "decline_reason"
    assert decline("KVASS").json()["errors"][0]["field"] == "reason"
    rows = (
        Offer.objects.filter(order=order)
        .order_by("id")
        .values_list("product__sku", "decline_reason__code", "reason")
    )
    assert list(rows) == [
        ("TEA", "has_stock", ""),
        ("RICE", "price_too_high", ""),
        ("MILK", None, "закрываются на ремонт"),
        ("COLA", "price_too_high", "у соседей дешевле"),
    ]


def test_an_inactive_reason_is_off_the_list(operator, catalog, shop):
    DeclineReason.objects.filter(code="not_this_time").update(active=False)
    order = start_order(actor=operator, client_id=shop.pk)
    offer = record_offer(
        actor=operator, order_id=order.pk, sku="TEA", outcome="declined", reason="Not this time"
    )
    assert (offer.decline_reason, offer.reason) == (None, "Not this time")


def test_the_screen_offers_the_list_in_the_operators_language_and_shows_the_reason(
    client, operator, catalog, shop
):
    today = timezone.localdate()
    gingerbread = ProductFactory(sku="ПРЯНИК", name="Пряник тульский", new_until=today + timedelta(days=5))
    price(gingerbread, "base", "64.90")
    order = start_order(actor=operator, client_id=shop.pk)
    client.force_login(operator)
    html = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    assert 'list="decline-reasons"' in html
    assert '<datalist id="decline-reasons"><option value="Already has stock"></option>' in html
    html = client.get(
        reverse("orders:order", args=[order.pk]), headers={"Accept-Language": "ru"}
    ).content.decode()
    assert '<option value="Слишком дорого"></option>' in html
    response = client.post(
        reverse("orders:offer", args=[order.pk]),
        {"sku": "ПРЯНИК", "outcome": "declined", "reason": "Already has stock"},
        headers=HTMX,
    )
    assert (
        "<li><strong>ПРЯНИК</strong> Пряник тульский: Declined (Already has stock)</li>"
        in response.content.decode()
    )
    assert Offer.objects.get(order=order).decline_reason.code == "has_stock"


def test_the_draft_screen_reads_the_list_in_one_query_whatever_the_order(
    client, operator, catalog, shop, django_assert_num_queries
):
    today = timezone.localdate()
    ProductFactory(sku="BAR", name="Bar", new_until=today + timedelta(days=5)).prices.create(
        column_id=1, amount="1.00"
    )
    order = start_order(actor=operator, client_id=shop.pk)
    add_line(actor=operator, order_id=order.pk, sku="COLA", quantity="1")
    client.force_login(operator)
    # session, user (2); order, lines, offers (3); debt, the production calendar's days ahead,
    # counts (3); suggestions (6) and what the warehouse has available of them (1), their prices
    # (1); the client's delivery addresses (1, III.12); the reasons to decline (1)
    with django_assert_num_queries(18):
        html = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    assert 'class="card action-bar" id="order-confirm"' in html
