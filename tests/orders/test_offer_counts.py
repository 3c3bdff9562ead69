"""III.7 done right: an offer counts only for a product not on the order when it is offered (409
`already_in_order` on the API, the same words on the screen), and a suggested product the operator
adds by hand, not through the offer's buttons, counts as an accepted offer. One rule for every door
(`orders.rules.offer_refusal`, `orders.rules.hand_added_is_accepted_offer`)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.favourites import rebuild_type_favourites
from orders.models import Offer, OrderLine, Special
from orders.rules import hand_added_is_accepted_offer, offer_refusal
from orders.services import add_line, record_offer, start_order
from tests.factories import ClientFactory, OrderFactory, OrderLineFactory, ProductFactory, client_type, price

pytestmark = pytest.mark.django_db
JSON = "application/json"
HTMX = {"HX-Request": "true"}
ALREADY = (
    "{name} is already on the order: an offer is of something beyond what the client has ordered (III.7)."
)


@pytest.fixture
def suggested(catalog, shop):
    """TEA is this week's special (III.23), ПРЯНИК a new product, RICE the client's traditional
    product; COLA, KVASS, CHIPS and MILK are none of these."""
    today = timezone.localdate()
    Special.objects.create(
        product=catalog["TEA"],
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=5),
        note="Чай: скидка 10 % на этой неделе",
    )
    gingerbread = ProductFactory(sku="ПРЯНИК", name="Пряник тульский", new_until=today + timedelta(days=10))
    price(gingerbread, "base", "64.90")
    for n in range(2):
        past = OrderFactory(client=shop, created_at=timezone.now() - timedelta(days=20 + n))
        past.confirmed_at = past.created_at
        past.save()
        OrderLineFactory(order=past, product=catalog["RICE"], quantity=Decimal("10"))
    rebuild_type_favourites(on=today)
    return gingerbread


def offers_of(order) -> list[tuple[str, str, str, Decimal | None]]:
    return [
        (offer.product.sku, offer.kind, offer.outcome, offer.quantity)
        for offer in Offer.objects.filter(order=order).select_related("product").order_by("id")
    ]


# --- The rules, without a database ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_order", "offered_before", "refusal"),
    [(False, False, None), (True, False, "already_in_order"), (True, True, None), (False, True, None)],
)
def test_an_offer_of_a_product_already_on_the_order_is_refused(on_order, offered_before, refusal):
    assert offer_refusal(on_order=on_order, offered_before=offered_before) == refusal


@pytest.mark.parametrize(
    ("suggested", "outcome", "counts"),
    [
        (True, None, True),
        (False, None, False),
        (True, "declined", True),
        (False, "declined", True),
        (True, "accepted", False),
    ],
)
def test_a_product_added_by_hand_counts_when_suggested_or_declined_before(suggested, outcome, counts):
    assert hand_added_is_accepted_offer(suggested=suggested, offer_outcome=outcome) is counts


# --- already_in_order: the API and the screen ---------------------------------------------------------


def test_the_api_refuses_an_offer_of_a_product_on_the_order_and_it_does_not_count(
    api, operator, catalog, shop
):
    order = start_order(actor=operator, client_id=shop.pk)
    add_line(actor=operator, order_id=order.pk, sku="COLA", quantity="2")
    http = api(operator)
    for outcome, reason in (("declined", "has stock"), ("accepted", "")):
        response = http.post(
            f"/api/v1/orders/{order.pk}/offers",
            {"sku": "COLA", "outcome": outcome, "reason": reason},
            content_type=JSON,
        )
        assert response.status_code == 409
        assert response.json() == {
            "code": "already_in_order",
            "detail": ALREADY.format(name="Cola product"),
            "errors": [],
        }
    body = http.get(f"/api/v1/orders/{order.pk}").json()
    assert (body["offers_made"], body["lines"][0]["quantity"]) == (0, "2.000")
    assert "too_few_offers" in body["missing"]
    assert Offer.objects.filter(order=order).count() == 0


def test_an_accepted_offer_may_be_recorded_again_though_its_line_is_on_the_order(operator, catalog, shop):
    order = start_order(actor=operator, client_id=shop.pk)
    record_offer(actor=operator, order_id=order.pk, sku="KVASS", outcome="accepted", quantity="12")
    record_offer(actor=operator, order_id=order.pk, sku="KVASS", outcome="declined", reason="передумал")
    assert offers_of(order) == [("KVASS", "other", "declined", None)]
    assert OrderLine.objects.get(order=order).quantity == Decimal("12.000")


def test_the_screen_says_why_an_offer_of_a_product_on_the_order_does_not_count(
    client, operator, catalog, shop
):
    client.force_login(operator)
    order = start_order(actor=operator, client_id=shop.pk)
    add_line(actor=operator, order_id=order.pk, sku="MILK", quantity="1")
    response = client.post(
        reverse("orders:offer", args=[order.pk]),
        {"sku": "MILK", "outcome": "declined", "reason": "has stock"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert (
        f'<p class="message error" role="alert" id="order-error">{ALREADY.format(name="Milk product")}</p>'
        in html
    )
    assert "0 of 3 offers made" in html
    assert not Offer.objects.filter(order=order).exists()


# --- A suggested product added by hand ----------------------------------------------------------------


def test_each_kind_of_suggestion_added_by_hand_counts_as_accepted(operator, catalog, shop, suggested):
    order = start_order(actor=operator, client_id=shop.pk)
    add_line(actor=operator, order_id=order.pk, sku="TEA", quantity="2")
    add_line(actor=operator, order_id=order.pk, sku="ПРЯНИК", quantity="10")
    add_line(actor=operator, order_id=order.pk, sku="RICE", quantity="5")
    add_line(actor=operator, order_id=order.pk, sku="COLA", quantity="3")  # suggested by nothing
    add_line(actor=operator, order_id=order.pk, sku="TEA", quantity="1")  # more of a line: no new offer
    assert offers_of(order) == [
        ("TEA", "special", "accepted", Decimal("2.000")),
        ("ПРЯНИК", "new", "accepted", Decimal("10.000")),
        ("RICE", "traditional", "accepted", Decimal("5.000")),
    ]
    assert all(offer.offered_by == operator for offer in Offer.objects.filter(order=order))


def test_a_declined_product_the_client_takes_after_all_becomes_accepted(operator, catalog, shop, suggested):
    order = start_order(actor=operator, client_id=shop.pk)
    record_offer(
        actor=operator, order_id=order.pk, sku="TEA", outcome="declined", reason="дорого", kind="special"
    )
    add_line(actor=operator, order_id=order.pk, sku="TEA", quantity="4")
    offer = Offer.objects.get(order=order)
    assert (offer.kind, offer.outcome, offer.quantity, offer.reason) == (
        "special",
        "accepted",
        Decimal("4.000"),
        "",
    )


def test_a_product_only_a_capped_out_suggestion_list_would_name_does_not_count(operator, catalog, shop):
    """Four new products: the list names three (the newest first), so the fourth, added by
    hand, was never suggested."""
    today = timezone.localdate()
    for n, sku in enumerate(["NEW-A", "NEW-B", "NEW-C", "NEW-D"]):
        product = ProductFactory(sku=sku, name=f"Новинка {sku}", new_until=today + timedelta(days=10 - n))
        price(product, "base", "1.00")
    order = start_order(actor=operator, client_id=shop.pk)
    add_line(actor=operator, order_id=order.pk, sku="NEW-D", quantity="1")
    assert offers_of(order) == []
    add_line(actor=operator, order_id=order.pk, sku="NEW-A", quantity="1")
    assert offers_of(order) == [("NEW-A", "new", "accepted", Decimal("1.000"))]


def test_the_api_adding_a_suggested_product_answers_the_offer_counted(
    api, operator, catalog, shop, suggested
):
    order = start_order(actor=operator, client_id=shop.pk)
    response = api(operator).post(
        f"/api/v1/orders/{order.pk}/lines", {"sku": "ПРЯНИК", "quantity": "6"}, content_type=JSON
    )
    assert response.status_code == 201
    assert (response.json()["offers_made"], response.json()["line"]["sku"]) == (1, "ПРЯНИК")
    assert offers_of(order) == [("ПРЯНИК", "new", "accepted", Decimal("6.000"))]


def test_the_screen_adding_a_suggested_product_by_hand_counts_it(client, operator, catalog, shop, suggested):
    client.force_login(operator)
    order = start_order(actor=operator, client_id=shop.pk)
    html = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    assert "Пряник тульский" in html and "0 of 3 offers made" in html
    response = client.post(
        reverse("orders:line-add", args=[order.pk]), {"product": "пряник", "quantity": "6"}, headers=HTMX
    )
    html = response.content.decode()
    assert "1 of 3 offers made" in html
    assert "<li><strong>ПРЯНИК</strong> Пряник тульский: Accepted</li>" in html


def test_adding_a_suggested_product_by_hand_is_a_constant_number_of_queries(
    operator, catalog, shop, suggested, django_assert_num_queries
):
    order = start_order(actor=operator, client_id=shop.pk)
    for n in range(6):
        product = ProductFactory(sku=f"ЛИНИЯ-{n}", name=f"Товар {n}")
        price(product, "base", "1.00")
        add_line(actor=operator, order_id=order.pk, sku=product.sku, quantity="1")
    # savepoint, lock, product, line, whether it was suggested (1) and the suggestions themselves
    # (7, with what the order's warehouse has available of them), the offer, the line, column
    # rules (2), order, release
    with django_assert_num_queries(18):
        add_line(actor=operator, order_id=order.pk, sku="RICE", quantity="1")
    assert offers_of(order) == [("RICE", "traditional", "accepted", Decimal("1.000"))]


def test_a_client_asked_product_of_another_client_type_is_not_an_offer(operator, catalog, shop):
    """A favourite of the market type is no suggestion to a retail shop."""
    market = ClientFactory(type=client_type("market"), manager=shop.manager, name="Рынок «Северный»")
    past = OrderFactory(client=market, created_at=timezone.now() - timedelta(days=3))
    past.confirmed_at = past.created_at
    past.save()
    OrderLineFactory(order=past, product=catalog["CHIPS"], quantity=Decimal("24"))
    rebuild_type_favourites(on=timezone.localdate())
    order = start_order(actor=operator, client_id=shop.pk)
    add_line(actor=operator, order_id=order.pk, sku="CHIPS", quantity="24")
    assert offers_of(order) == []
