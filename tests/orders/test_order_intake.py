"""Order intake through the API: drafts, lines, offers, terms, and confirmation with every rule
in its order (API.md, POST /orders/{id}/confirm; III.3, III.5, III.7, III.9, III.12-III.14)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from messaging.models import InboxMessage, OutboxMessage
from orders.exceptions import RULE_ERRORS
from orders.models import Order, OrderLine
from orders.rules import MISSING_WORDS, Missing
from orders.services import add_line, order_totals
from staff.models import Role
from tests.factories import ClientFactory, ReceivableFactory, client_type
from tests.orders.conftest import delivery_day, ready_terms

pytestmark = pytest.mark.django_db
JSON = "application/json"


def new_order(http, client_id) -> dict:
    response = http.post("/api/v1/orders", {"client": client_id}, content_type=JSON)
    assert response.status_code == 201, response.json()
    return response.json()


def offer_three(http, order_id, skus=("TEA", "RICE", "MILK")):
    for sku in skus:
        response = http.post(
            f"/api/v1/orders/{order_id}/offers",
            {"sku": sku, "outcome": "declined", "reason": "has stock"},
            content_type=JSON,
        )
        assert response.status_code == 201, response.json()


def test_lines_are_priced_at_the_column_and_the_column_follows_the_subtotal(api, operator, catalog, shop):
    http = api(operator)
    order = new_order(http, shop.pk)
    assert order["column"] == {"code": "base", "reason": "base prices: no discount rule applies"}
    body = http.post(
        f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "12"}, content_type=JSON
    ).json()
    cola_line = body["line"]["id"]
    assert body["line"] == {
        "id": cola_line,
        "sku": "COLA",
        "name": catalog["COLA"].name,
        "quantity": "12.000",
        "unit_price": "50.00",
        "net": "500.00",
        "vat_rate": 20,
        "vat": "100.00",
        "total": "600.00",
        "promotion": "",
        "promotion_terms": "",
        "saving": "0.00",
    }
    assert (body["subtotal"], body["total"], body["lines_count"], body["repriced"]) == (
        "600.00",
        "600.00",
        1,
        False,
    )
    assert "lines" not in body  # the answer to a line never lists the whole order
    # 600 + 12 x 35.50 = 1 026 at base: column 3 applies to every line
    body = http.post(
        f"/api/v1/orders/{order['id']}/lines", {"sku": "CHIPS", "quantity": "12"}, content_type=JSON
    ).json()
    assert body["column"] == {
        "code": "column_3",
        "reason": "Column 3: retail client, order over RUB\xa01,000.00",
    }
    assert (body["line"]["sku"], body["line"]["unit_price"], body["line"]["total"]) == (
        "CHIPS",
        "33.37",
        "400.44",
    )
    assert (body["lines_count"], body["repriced"]) == (2, True)
    assert (body["subtotal"], body["total"]) == ("1026.00", "964.44")
    lines = http.get(f"/api/v1/orders/{order['id']}").json()["lines"]
    assert [(line["sku"], line["unit_price"], line["total"]) for line in lines] == [
        ("COLA", "47.00", "564.00"),
        ("CHIPS", "33.37", "400.44"),
    ]
    # back under the threshold: base again
    body = http.patch(
        f"/api/v1/orders/{order['id']}/lines/{cola_line}", {"quantity": "2"}, content_type=JSON
    ).json()
    assert body["column"]["code"] == "base"
    line = body["line"]
    assert (line["quantity"], line["unit_price"], body["repriced"]) == ("2.000", "50.00", True)
    assert (body["subtotal"], body["total"]) == ("526.00", "526.00")
    # removing a line answers with no line
    chips_line = lines[1]["id"]
    body = http.delete(f"/api/v1/orders/{order['id']}/lines/{chips_line}").json()
    assert (body["line"], body["lines_count"], body["subtotal"]) == (None, 1, "100.00")
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "CHIPS", "quantity": "12"}, content_type=JSON)
    assert order_totals(order["id"]) == (Decimal("526.00"), Decimal("526.00"))


def test_the_same_product_twice_adds_to_its_line(api, operator, catalog, shop):
    http = api(operator)
    order = new_order(http, shop.pk)
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "KVASS", "quantity": "2"}, content_type=JSON)
    body = http.post(
        f"/api/v1/orders/{order['id']}/lines", {"sku": "KVASS", "quantity": "3"}, content_type=JSON
    ).json()
    assert (body["line"]["sku"], body["line"]["quantity"], body["line"]["total"], body["lines_count"]) == (
        "KVASS",
        "5.000",
        "200.00",
        1,
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sku": "COLA", "quantity": "0"}, "quantity"),
        ({"sku": "COLA", "quantity": "-1"}, "quantity"),
        ({"sku": "COLA", "quantity": "1.2345"}, "quantity"),
        ({"sku": "COLA", "quantity": 1.5}, "quantity"),
        ({"sku": "COLA", "quantity": "lots"}, "quantity"),
        ({"sku": "NOPE", "quantity": "1"}, "sku"),
        ({"quantity": "1"}, "sku"),
    ],
)
def test_bad_lines_are_400_and_change_nothing(api, operator, catalog, shop, payload, field):
    http = api(operator)
    order = new_order(http, shop.pk)
    response = http.post(f"/api/v1/orders/{order['id']}/lines", payload, content_type=JSON)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not OrderLine.objects.exists()


def test_operator_may_not_start_orders_for_key_or_new_clients(api, operator, catalog, staff_of):
    kam = staff_of(Role.MANAGER, username="irina", key_account=True)
    key = ClientFactory(type=client_type("key"), manager=kam)
    new = ClientFactory(manager=None)
    for client in (key, new):
        response = api(operator).post("/api/v1/orders", {"client": client.pk}, content_type=JSON)
        assert response.status_code == 409
        assert response.json()["code"] == "operator_may_not_take"
    assert api(kam).post("/api/v1/orders", {"client": key.pk}, content_type=JSON).status_code == 201


def test_operator_may_not_start_an_order_for_a_debtor_but_the_manager_may(
    api, operator, manager, catalog, shop
):
    today = timezone.localdate()
    ReceivableFactory(
        client=shop,
        issued_on=today - timedelta(days=30),
        due_on=today - timedelta(days=1),
        amount=Decimal("700.00"),
    )
    response = api(operator).post("/api/v1/orders", {"client": shop.pk}, content_type=JSON)
    assert response.status_code == 409
    assert response.json() == {
        "code": "client_has_debt",
        "detail": "The order cannot be taken: RUB\xa0700.00 is overdue.",
        "errors": [],
    }
    assert api(manager).post("/api/v1/orders", {"client": shop.pk}, content_type=JSON).status_code == 201


def test_confirm_refuses_in_the_words_the_order_screen_shows(api, manager, catalog, shop):
    """One table of refusals (orders.rules.MISSING_WORDS): the API's 409 says what the screen lists."""
    http = api(manager)
    order = new_order(http, shop.pk)
    url = f"/api/v1/orders/{order['id']}/confirm"

    body = http.post(url).json()
    assert (body["code"], body["detail"]) == ("no_lines", "The order has no lines: add at least one.")
    assert body["detail"] == str(MISSING_WORDS[Missing.NO_LINES])
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "10"}, content_type=JSON)
    body = http.post(url).json()
    assert (body["code"], body["detail"]) == ("too_few_offers", "Offer 3 more extra item(s) (III.7).")
    offer_three(http, order["id"])
    body = http.post(url).json()
    assert (body["code"], body["detail"]) == (
        "delivery_incomplete",
        str(MISSING_WORDS[Missing.DELIVERY_INCOMPLETE]),
    )
    assert RULE_ERRORS.keys() == set(MISSING_WORDS)
    assert all(error.default_detail == MISSING_WORDS[code] for code, error in RULE_ERRORS.items())


def test_confirm_checks_every_rule_in_order(api, manager, catalog, shop):
    """Each fix moves the answer to the next rule of the list, until the order is confirmed."""
    today = timezone.localdate()
    shop.credit_limit = Decimal("1000.00")
    shop.save()
    receivable = ReceivableFactory(
        client=shop,
        issued_on=today - timedelta(days=30),
        due_on=today - timedelta(days=1),
        amount=Decimal("100.00"),
    )
    http = api(manager)
    order = new_order(http, shop.pk)
    url = f"/api/v1/orders/{order['id']}/confirm"

    def code():
        response = http.post(url)
        return response.json()["code"] if response.status_code == 409 else response.status_code

    assert http.get(f"/api/v1/orders/{order['id']}").json()["missing"] == [
        "client_has_debt",
        "no_lines",
        "too_few_offers",
        "delivery_incomplete",
    ]
    assert code() == "client_has_debt"
    receivable.paid = receivable.amount
    receivable.save()
    assert code() == "no_lines"
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "10"}, content_type=JSON)
    assert code() == "too_few_offers"
    offer_three(http, order["id"], ("TEA", "RICE"))
    assert code() == "too_few_offers"
    offer_three(http, order["id"], ("MILK",))
    assert code() == "delivery_incomplete"
    http.patch(
        f"/api/v1/orders/{order['id']}",
        {"delivery": {"date": today.isoformat(), "receiver_name": "Ivan", "receiver_phone": "84951112233"}},
        content_type=JSON,
    )
    assert code() == "delivery_incomplete"  # today is not after today
    http.patch(f"/api/v1/orders/{order['id']}", ready_terms(), content_type=JSON)
    http.post(
        f"/api/v1/orders/{order['id']}/lines", {"sku": "TEA", "quantity": "5"}, content_type=JSON
    )  # 500 + 600 > 1 000
    assert code() == "over_credit_limit"
    http.patch(
        f"/api/v1/orders/{order['id']}/lines/{OrderLine.objects.get(product__sku='TEA').pk}",
        {"quantity": "4"},
        content_type=JSON,
    )
    assert code() == 200  # 500 + 480 = 980, within the limit
    confirmed = Order.objects.get(pk=order["id"])
    assert confirmed.status == "confirmed"
    assert confirmed.number == f"{timezone.localdate().year}-000001"
    shop.refresh_from_db()
    assert shop.last_order_on == timezone.localdate()  # kept current for the dormant list (III.16)


def test_regional_client_needs_payment_form_and_pickup_or_shipping(api, catalog, staff_of):
    manager = staff_of(Role.MANAGER, department_code="regional", username="golubev")
    client = ClientFactory(type=client_type("regional"), manager=manager, credit_limit=None)
    http = api(manager)
    order = new_order(http, client.pk)
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "3"}, content_type=JSON)
    offer_three(http, order["id"])
    http.patch(f"/api/v1/orders/{order['id']}", ready_terms(), content_type=JSON)
    assert http.post(f"/api/v1/orders/{order['id']}/confirm").json()["code"] == "regional_terms_incomplete"
    http.patch(
        f"/api/v1/orders/{order['id']}",
        {"regional": {"payment_form": "prepayment", "fulfilment": "shipping"}},
        content_type=JSON,
    )
    assert http.post(f"/api/v1/orders/{order['id']}/confirm").json()["code"] == "regional_terms_incomplete"
    http.patch(
        f"/api/v1/orders/{order['id']}",
        {"regional": {"shipping_address": "Tver, Lenina st. 1", "carrier": "PEK"}},
        content_type=JSON,
    )
    assert http.post(f"/api/v1/orders/{order['id']}/confirm").status_code == 200


def test_prepayment_is_not_held_to_the_credit_limit(api, manager, catalog, shop):
    shop.credit_limit = Decimal("0.00")
    shop.save()
    http = api(manager)
    order = new_order(http, shop.pk)
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "1"}, content_type=JSON)
    offer_three(http, order["id"])
    http.patch(f"/api/v1/orders/{order['id']}", ready_terms(), content_type=JSON)
    assert http.post(f"/api/v1/orders/{order['id']}/confirm").json()["code"] == "over_credit_limit"
    http.patch(
        f"/api/v1/orders/{order['id']}", {"regional": {"payment_form": "prepayment"}}, content_type=JSON
    )
    assert http.post(f"/api/v1/orders/{order['id']}/confirm").status_code == 200


def test_an_exception_lets_one_order_of_a_debtor_through_and_is_recorded(
    api, operator, manager, catalog, shop, staff_of
):
    today = timezone.localdate()
    http = api(manager)
    order = new_order(http, shop.pk)
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "1"}, content_type=JSON)
    offer_three(http, order["id"])
    http.patch(f"/api/v1/orders/{order['id']}", ready_terms(), content_type=JSON)
    ReceivableFactory(
        client=shop,
        issued_on=today - timedelta(days=30),
        due_on=today - timedelta(days=2),
        amount=Decimal("10.00"),
    )
    assert http.post(f"/api/v1/orders/{order['id']}/confirm").json()["code"] == "client_has_debt"
    refused = api(operator).post(
        f"/api/v1/orders/{order['id']}/exception", {"reason": "I said so"}, content_type=JSON
    )
    assert refused.status_code == 403
    body = http.post(
        f"/api/v1/orders/{order['id']}/exception",
        {"reason": "Paid in cash today, receipt 17"},
        content_type=JSON,
    ).json()
    assert body["exception"]["by"] == "tpavlova"
    assert body["exception"]["reason"] == "Paid in cash today, receipt 17"
    assert http.post(f"/api/v1/orders/{order['id']}/confirm").status_code == 200
    # the next order of the same client is blocked again
    assert (
        api(operator).post("/api/v1/orders", {"client": shop.pk}, content_type=JSON).json()["code"]
        == "client_has_debt"
    )


def confirmed_ready(http, client_id) -> int:
    order = new_order(http, client_id)
    http.post(f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "2"}, content_type=JSON)
    offer_three(http, order["id"])
    http.patch(f"/api/v1/orders/{order['id']}", ready_terms(), content_type=JSON)
    return order["id"]


def test_the_same_idempotency_key_returns_the_same_answer_and_one_number(api, operator, catalog, shop):
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    first = http.post(f"/api/v1/orders/{order_id}/confirm", headers={"Idempotency-Key": "k-1"})
    second = http.post(f"/api/v1/orders/{order_id}/confirm", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert Order.objects.filter(status="confirmed").count() == 1
    assert first.json()["number"].endswith("-000001")


def test_a_refusal_is_replayed_for_the_same_key(api, operator, catalog, shop):
    http = api(operator)
    order = new_order(http, shop.pk)
    first = http.post(f"/api/v1/orders/{order['id']}/confirm", headers={"Idempotency-Key": "k-2"})
    assert first.status_code == 409
    assert (
        http.post(f"/api/v1/orders/{order['id']}/confirm", headers={"Idempotency-Key": "k-2"}).json()
        == first.json()
    )


def test_a_double_click_makes_one_order(api, operator, catalog, shop):
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    assert http.post(f"/api/v1/orders/{order_id}/confirm").status_code == 200
    again = http.post(f"/api/v1/orders/{order_id}/confirm")
    assert again.status_code == 200
    assert again.json()["number"].endswith("-000001")
    assert Order.objects.filter(status="confirmed").count() == 1


def test_numbers_follow_each_other_without_gaps(api, operator, catalog, shop):
    http = api(operator)
    numbers = []
    for _ in range(3):
        order_id = confirmed_ready(http, shop.pk)
        numbers.append(http.post(f"/api/v1/orders/{order_id}/confirm").json()["number"])
    year = timezone.localdate().year
    assert numbers == [f"{year}-000001", f"{year}-000002", f"{year}-000003"]


def test_a_confirmed_order_is_never_edited(api, operator, catalog, shop):
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    http.post(f"/api/v1/orders/{order_id}/confirm")
    response = http.post(
        f"/api/v1/orders/{order_id}/lines", {"sku": "TEA", "quantity": "1"}, content_type=JSON
    )
    assert response.status_code == 409
    assert response.json()["code"] == "order_not_editable"
    assert http.patch(f"/api/v1/orders/{order_id}", ready_terms(), content_type=JSON).status_code == 409


def test_the_manager_is_told_in_the_inbox_and_by_email(
    api, operator, catalog, shop, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://desk.example.com"
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        number = http.post(f"/api/v1/orders/{order_id}/confirm").json()["number"]
    message = InboxMessage.objects.get()
    assert message.recipient.username == "tpavlova"
    assert message.subject == f"Order {number} confirmed: Zarya minimarket, RUB\xa0100.00"
    assert message.link == f"/orders/{order_id}/"
    assert OutboxMessage.objects.get().delivered_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["tp@example.test"]
    assert mailoutbox[0].subject == message.subject
    assert (
        f"delivery on {delivery_day():%m/%d/%Y} (10:00-14:00); receiver Ivan Popov, +79165554433"
        in mailoutbox[0].body
    )
    # the e-mail's link opens from a mail client; the inbox keeps the desk's path
    assert mailoutbox[0].body.endswith(f"\n\nhttps://desk.example.com/orders/{order_id}/")


def test_the_manager_reads_a_confirmed_order_in_their_language(
    api, operator, catalog, shop, manager, django_capture_on_commit_callbacks
):
    manager.language = "ru"
    manager.save(update_fields=["language"])
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        number = http.post(f"/api/v1/orders/{order_id}/confirm", headers={"accept-language": "en"}).json()[
            "number"
        ]
    message = InboxMessage.objects.get(recipient=manager)
    with translation.override("ru"):
        subject = translation.gettext("Order %(number)s confirmed: %(client)s, %(total)s") % {
            "number": number,
            "client": "Zarya minimarket",
            "total": "100,00\u00a0₽",
        }
    assert message.subject == subject
    assert message.body.startswith("Zarya minimarket — заказ с доставкой ")
    assert "; получатель Ivan Popov, +79165554433." in message.body


def test_status_moves_along_and_cancel_needs_a_reason(api, operator, manager, catalog, shop):
    http = api(operator)
    order_id = confirmed_ready(http, shop.pk)
    http.post(f"/api/v1/orders/{order_id}/confirm")
    assert (
        http.post(
            f"/api/v1/orders/{order_id}/status", {"status": "in_fulfilment"}, content_type=JSON
        ).status_code
        == 403
    )
    boss = api(manager)
    assert (
        boss.post(f"/api/v1/orders/{order_id}/status", {"status": "delivered"}, content_type=JSON).json()[
            "code"
        ]
        == "invalid_status_change"
    )
    assert (
        boss.post(f"/api/v1/orders/{order_id}/status", {"status": "in_fulfilment"}, content_type=JSON).json()[
            "status"
        ]
        == "in_fulfilment"
    )
    assert (
        boss.post(f"/api/v1/orders/{order_id}/status", {"status": "cancelled"}, content_type=JSON).status_code
        == 400
    )
    assert (
        boss.post(
            f"/api/v1/orders/{order_id}/status",
            {"status": "cancelled", "code": "client_refused", "reason": "client closed"},
            content_type=JSON,
        ).json()["status"]
        == "cancelled"
    )


def test_adding_a_line_costs_the_same_for_a_short_and_a_long_order(
    operator, catalog, shop, django_assert_num_queries
):
    from orders.services import start_order

    order = start_order(actor=operator, client_id=shop.pk)
    add_line(actor=operator, order_id=order.pk, sku="TEA", quantity="1")
    # lock order, product with both prices, existing line, whether the new product was
    # suggested (III.7: one query, none of the suggestions could name it), save line, rules (2),
    # save order
    with django_assert_num_queries(10):
        add_line(actor=operator, order_id=order.pk, sku="KVASS", quantity="1")
    for n in range(30):
        from tests.factories import ProductFactory, price

        product = ProductFactory(sku=f"X{n}")
        price(product, "base", "1.00")
        add_line(actor=operator, order_id=order.pk, sku=f"X{n}", quantity="1")
    with django_assert_num_queries(10):
        add_line(actor=operator, order_id=order.pk, sku="RICE", quantity="1")


def test_an_accepted_special_is_sold_at_its_special_price_whatever_the_column(api, operator, catalog, shop):
    from orders.models import Special

    today = timezone.localdate()
    special = Special.objects.create(
        product=catalog["TEA"],
        valid_from=today,
        valid_to=today,
        note="Tea week",
        special_price=Decimal("99.00"),
    )
    http = api(operator)
    order = new_order(http, shop.pk)
    body = http.post(
        f"/api/v1/orders/{order['id']}/offers",
        {"sku": "TEA", "outcome": "accepted", "quantity": "2"},
        content_type=JSON,
    ).json()
    assert [(line["sku"], line["unit_price"], line["total"]) for line in body["lines"]] == [
        ("TEA", "99.00", "198.00")
    ]
    assert OrderLine.objects.get().special == special
    # crossing into column 3 re-prices the other lines but not the special
    body = http.post(
        f"/api/v1/orders/{order['id']}/lines", {"sku": "COLA", "quantity": "20"}, content_type=JSON
    ).json()
    assert (body["column"]["code"], body["repriced"]) == ("column_3", True)
    lines = http.get(f"/api/v1/orders/{order['id']}").json()["lines"]
    assert [(line["sku"], line["unit_price"]) for line in lines] == [
        ("TEA", "99.00"),
        ("COLA", "47.00"),
    ]
    assert body["total"] == "1138.00"
