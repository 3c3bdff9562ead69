"""The order screen (III.7, III.12): a whole order taken on one page, each change redrawn as
one htmx partial; without htmx every POST redirects (Post/Redirect/Get)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Offer, Order, OrderLine, Special
from orders.services import add_line, record_offer, set_terms, start_order
from staff.models import Role
from tests.factories import ClientFactory, ProductFactory, ReceivableFactory, client_type, price
from tests.orders.conftest import delivery_day, ready_terms

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(operator, catalog, shop) -> Order:
    return start_order(actor=operator, client_id=shop.pk)


@pytest.fixture
def desk(client, operator):
    client.force_login(operator)
    return client


def url(name: str, order: Order, *args) -> str:
    return reverse(f"orders:{name}", args=[order.pk, *args])


def decline_three(operator, order, skus=("TEA", "RICE", "MILK")):
    for sku in skus:
        record_offer(actor=operator, order_id=order.pk, sku=sku, outcome="declined", reason="has stock")


# --- Starting from the desk ---------------------------------------------------------------------------


def test_desk_results_offer_take_an_order_with_a_shortcut_on_the_first(desk, shop):
    html = desk.get(reverse("calls:desk"), {"q": "Zarya"}, headers=HTMX).content.decode()
    assert f'action="{reverse("orders:start")}"' in html
    assert f'name="client" value="{shop.pk}"' in html
    assert 'data-shortcut="Alt+n"' in html


def test_take_an_order_opens_a_draft_and_shows_its_screen(desk, operator, catalog, shop):
    response = desk.post(reverse("orders:start"), {"client": shop.pk, "q": "Zarya"})
    order = Order.objects.get(client=shop)
    assert response.status_code == 302
    assert response.url == reverse("orders:order", args=[order.pk])
    assert (order.status, order.taken_by) == (Order.Status.DRAFT, operator)
    html = desk.get(response.url).content.decode()
    assert 'id="product-search"' in html
    assert 'data-shortcut="F2"' in html
    assert "Credit: room for RUB\xa0100,000.00 more." in html
    assert "0 of 3 offers made" in html


def test_a_client_with_debt_is_refused_on_the_desk_with_the_reason(desk, catalog, shop):
    ReceivableFactory(
        client=shop,
        issued_on=timezone.localdate() - timedelta(days=40),
        due_on=timezone.localdate() - timedelta(days=10),
        amount=Decimal("2500.00"),
    )
    response = desk.post(reverse("orders:start"), {"client": shop.pk, "q": "Zarya"}, follow=True)
    assert response.redirect_chain == [(reverse("calls:desk") + "?q=Zarya", 302)]
    assert "RUB\xa02,500.00 is overdue" in response.content.decode()
    assert not Order.objects.exists()


# --- Lines --------------------------------------------------------------------------------------------


def test_adding_a_line_returns_the_panel_with_the_line_and_the_new_totals(desk, draft):
    response = desk.post(url("line-add", draft), {"product": "cola", "quantity": "12"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="order-panel"' in html
    assert "Cola product" in html
    assert '<td class="num" id="order-subtotal">RUB\xa0600.00</td>' in html
    assert '<th class="num" id="order-total">RUB\xa0600.00</th>' in html
    assert "Credit: room for RUB\xa099,400.00 more." in html
    assert "autofocus" in html.split('id="product-search"')[1].split(">")[0]  # back to the product box
    assert OrderLine.objects.get(order=draft).quantity == Decimal("12.000")


def test_part_of_a_name_takes_the_first_match(desk, draft):
    desk.post(url("line-add", draft), {"product": "Kvas", "quantity": "2"}, headers=HTMX)
    assert OrderLine.objects.get(order=draft).product.sku == "KVASS"


def test_the_column_and_its_reason_follow_the_subtotal(desk, draft):
    desk.post(url("line-add", draft), {"product": "COLA", "quantity": "12"}, headers=HTMX)
    html = desk.post(url("line-add", draft), {"product": "CHIPS", "quantity": "12"}, headers=HTMX)
    html = html.content.decode()
    assert "Column 3: retail client, order over RUB\xa01,000.00" in html
    assert '<th class="num" id="order-total">RUB\xa0964.44</th>' in html


@pytest.mark.parametrize("quantity", ["", "0", "-2", "1.2345", "lots"])
def test_a_bad_quantity_shows_a_message_and_writes_nothing(desk, draft, quantity):
    response = desk.post(url("line-add", draft), {"product": "COLA", "quantity": quantity}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="order-error"' in html
    assert ("Enter a quantity." if not quantity else "at most three decimals") in html
    assert 'value="COLA"' in html  # what was typed stays, to be corrected
    assert not OrderLine.objects.exists()
    draft.refresh_from_db()
    assert draft.total == Decimal("0.00")


def test_an_unknown_product_is_refused_in_words(desk, draft):
    html = desk.post(url("line-add", draft), {"product": "NOPE", "quantity": "1"}, headers=HTMX)
    assert "No product with SKU NOPE." in html.content.decode()
    assert not OrderLine.objects.exists()


def test_without_htmx_a_post_redirects_and_an_error_becomes_a_message(desk, draft):
    response = desk.post(url("line-add", draft), {"product": "COLA", "quantity": "2"})
    assert (response.status_code, response.url) == (302, url("order", draft))
    response = desk.post(url("line-add", draft), {"product": "COLA", "quantity": "0"}, follow=True)
    html = response.content.decode()
    assert "<html" in html
    assert "at most three decimals" in html
    assert OrderLine.objects.get(order=draft).quantity == Decimal("2.000")


def test_a_line_is_changed_and_removed_from_the_panel(desk, operator, draft):
    line = add_line(actor=operator, order_id=draft.pk, sku="TEA", quantity="2").line
    html = desk.post(url("line-change", draft, line.pk), {"quantity": "3"}, headers=HTMX).content.decode()
    assert '<th class="num" id="order-total">RUB\xa0360.00</th>' in html
    html = desk.post(url("line-change", draft, line.pk), {"quantity": "x"}, headers=HTMX).content.decode()
    assert "at most three decimals" in html
    html = desk.post(url("line-remove", draft, line.pk), headers=HTMX).content.decode()
    assert "No lines yet" in html
    assert '<th class="num" id="order-total">RUB\xa00.00</th>' in html
    assert not OrderLine.objects.exists()


def test_another_operators_draft_is_not_there_for_them(client, staff_of, draft):
    """III.26: a colleague's draft answers 404 on the screen and its panels, never a refusal that
    tells it exists."""
    other = staff_of(
        Role.OPERATOR, department_code="call_center", username="irina", full_name="Ирина Соколова"
    )
    client.force_login(other)
    assert client.get(url("order", draft)).status_code == 404
    assert (
        client.post(url("line-add", draft), {"product": "COLA", "quantity": "1"}, headers=HTMX).status_code
        == 404
    )
    assert client.post(url("line-add", draft), {"product": "COLA", "quantity": "1"}).status_code == 404
    assert client.get(url("product-search", draft), {"product": "co"}, headers=HTMX).status_code == 404
    assert not OrderLine.objects.exists()


def test_a_role_that_takes_no_orders_may_not_open_the_screen(client, staff_of, draft):
    client.force_login(staff_of(Role.COMMERCIAL))
    assert client.get(url("order", draft)).status_code == 403
    assert client.post(url("line-add", draft), {"product": "COLA", "quantity": "1"}).status_code == 403


def test_an_unknown_order_is_a_404(desk):
    assert desk.get(reverse("orders:order", args=[999999])).status_code == 404


# --- Product search -----------------------------------------------------------------------------------


def test_product_search_lists_matches_with_the_price_at_the_orders_column(desk, operator, catalog, draft):
    ProductFactory(sku="COLA-OLD", name="Old cola", active=False)
    response = desk.get(url("product-search", draft), {"product": "co"}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="product-matches"' in html
    assert 'data-sku="COLA"' in html
    assert "RUB\xa050.00" in html
    assert "Old cola" not in html
    # over 1 000 at base: column 3 prices
    add_line(actor=operator, order_id=draft.pk, sku="TEA", quantity="10")
    html = desk.get(url("product-search", draft), {"product": "COLA"}, headers=HTMX).content.decode()
    assert "RUB\xa047.00" in html


def test_product_search_shows_at_most_eight_in_constant_queries(desk, draft, django_assert_num_queries):
    for n in range(12):
        price(ProductFactory(sku=f"JUICE-{n:02d}", name=f"Juice {n}"), "base", "10.00")
    # session, the user with their role; the order's column (as the reader may see it); the
    # matches with their prices: one query
    with django_assert_num_queries(4):
        html = desk.get(url("product-search", draft), {"product": "juice"}, headers=HTMX).content.decode()
    assert html.count("data-sku=") == 8
    html = desk.get(url("product-search", draft), {"product": "zzz"}, headers=HTMX).content.decode()
    assert "No product matches" in html


# --- Offers -------------------------------------------------------------------------------------------


@pytest.fixture
def special(catalog):
    offer = Special.objects.create(
        product=catalog["MILK"],
        valid_from=timezone.localdate() - timedelta(days=1),
        valid_to=timezone.localdate() + timedelta(days=10),
        note="Milk week: tell the client.",
    )
    return offer


def test_suggestions_are_listed_with_accept_and_decline(desk, draft, special):
    html = desk.get(url("order", draft), headers=HTMX).content.decode()
    assert "<html" not in html
    assert "Milk week: tell the client." in html
    assert 'data-shortcut="Alt+s"' in html
    assert 'name="reason" maxlength="300" required' in html


def test_declining_without_a_reason_is_refused(desk, draft, special):
    html = desk.post(
        url("offer", draft),
        {"sku": "MILK", "outcome": "declined", "kind": "special", "reason": " "},
        headers=HTMX,
    ).content.decode()
    assert "Say why the client declined." in html
    assert "0 of 3 offers made" in html
    assert not Offer.objects.exists()


def test_declining_with_a_reason_counts_the_offer(desk, draft, special):
    html = desk.post(
        url("offer", draft),
        {"sku": "MILK", "outcome": "declined", "kind": "special", "reason": "has stock"},
        headers=HTMX,
    ).content.decode()
    assert "1 of 3 offers made" in html
    assert "Milk week" not in html  # offered: no longer suggested
    offer = Offer.objects.get()
    assert (offer.outcome, offer.kind, offer.reason) == ("declined", "special", "has stock")


def test_accepting_adds_the_line_with_the_quantity_shown(desk, draft, special):
    html = desk.get(url("order", draft)).content.decode()
    assert 'name="quantity" inputmode="decimal" size="5" class="num" value="12"' in html  # MILK's pack
    html = desk.post(
        url("offer", draft),
        {"sku": "MILK", "outcome": "accepted", "kind": "special", "quantity": "12"},
        headers=HTMX,
    ).content.decode()
    assert "1 of 3 offers made" in html
    line = OrderLine.objects.get(order=draft)
    assert (line.product.sku, line.quantity) == ("MILK", Decimal("12.000"))
    assert "Milk product" in html.split('id="order-lines"')[1]


# --- Terms --------------------------------------------------------------------------------------------


def test_terms_are_saved_and_the_panel_follows(desk, draft):
    day = delivery_day().isoformat()
    response = desk.post(
        url("terms", draft),
        {
            "delivery_date": day,
            "delivery_window": "10-14",
            "receiver_name": "Ivan Popov",
            "receiver_phone": "8 916 555-44-33",
            "delivery_address": "",
        },
        headers=HTMX,
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Terms saved." in html
    assert 'value="+79165554433"' in html
    assert (
        'id="order-panel" class="order-panel" hx-target="#order-panel" hx-swap="outerHTML" hx-swap-oob="true"'
        in html
    )
    assert "Agree a delivery date" not in html
    draft.refresh_from_db()
    assert (draft.delivery_date.isoformat(), draft.receiver_name) == (day, "Ivan Popov")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("delivery_date", "tomorrow", "Type the delivery date as YYYY-MM-DD."),
        ("receiver_phone", "12", "12 is not a phone number."),
    ],
)
def test_bad_terms_show_a_message_and_write_nothing(desk, draft, field, value, message):
    response = desk.post(url("terms", draft), {"receiver_name": "Ivan", field: value}, headers=HTMX)
    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.receiver_name == ""


def test_a_regional_client_gets_the_regional_terms(desk, operator, catalog, manager):
    regional = ClientFactory(name="Volga trade", type=client_type("regional"), manager=manager)
    order = start_order(actor=operator, client_id=regional.pk)
    html = desk.get(url("order", order)).content.decode()
    assert 'name="payment_form"' in html
    assert 'name="carrier"' in html
    desk.post(
        url("terms", order),
        {
            "payment_form": "prepayment",
            "fulfilment": "shipping",
            "shipping_address": "Samara, Depot 4",
            "carrier": "Volga Trans",
            "pickup_at": "",
        },
        headers=HTMX,
    )
    order.refresh_from_db()
    assert (order.payment_form, order.fulfilment, order.carrier) == ("prepayment", "shipping", "Volga Trans")


def test_a_retail_client_has_no_regional_fields(desk, draft):
    assert 'name="payment_form"' not in desk.get(url("order", draft)).content.decode()


# --- Confirmation -------------------------------------------------------------------------------------


def test_confirm_with_something_missing_shows_it_in_words(desk, operator, draft):
    add_line(actor=operator, order_id=draft.pk, sku="COLA", quantity="2")
    page = desk.get(url("order", draft)).content.decode()
    assert 'id="confirm-order" data-shortcut="Alt+c" disabled' in page
    response = desk.post(url("confirm", draft), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    # the refusal and the list of what is missing say it in the same words
    assert html.count("Offer 3 more extra item(s) (III.7).") == 2
    assert "Agree a delivery date on a working day after today" in html
    draft.refresh_from_db()
    assert draft.status == Order.Status.DRAFT


def test_confirm_when_complete_redirects_to_the_numbered_order(desk, operator, draft):
    add_line(actor=operator, order_id=draft.pk, sku="COLA", quantity="2")
    decline_three(operator, draft)
    set_terms(actor=operator, order_id=draft.pk, **ready_terms())
    page = desk.get(url("order", draft)).content.decode()
    assert "Everything is agreed" in page
    assert 'id="confirm-order" data-shortcut="Alt+c">' in page
    response = desk.post(url("confirm", draft), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("order", draft)
    draft.refresh_from_db()
    assert draft.status == Order.Status.CONFIRMED
    html = desk.get(url("order", draft)).content.decode()
    assert f"Order {draft.number}: Zarya minimarket" in html
    assert 'id="product-search"' not in html  # read-only
    assert "<form" not in html.split('id="order-head"')[1].split("</main>")[0]


def test_confirm_without_htmx_redirects(desk, operator, draft):
    add_line(actor=operator, order_id=draft.pk, sku="COLA", quantity="2")
    decline_three(operator, draft)
    set_terms(actor=operator, order_id=draft.pk, **ready_terms())
    response = desk.post(url("confirm", draft))
    assert (response.status_code, response.url) == (302, url("order", draft))


def test_a_change_to_a_confirmed_order_sends_the_screen_to_its_read_only_page(desk, operator, draft):
    add_line(actor=operator, order_id=draft.pk, sku="COLA", quantity="2")
    decline_three(operator, draft)
    set_terms(actor=operator, order_id=draft.pk, **ready_terms())
    desk.post(url("confirm", draft), headers=HTMX)
    response = desk.post(url("line-add", draft), {"product": "TEA", "quantity": "1"}, headers=HTMX)
    assert response["HX-Redirect"] == url("order", draft)
    assert OrderLine.objects.filter(order=draft).count() == 1


# --- Query counts -------------------------------------------------------------------------------------


def order_with(operator, shop, lines: int) -> Order:
    order = start_order(actor=operator, client_id=shop.pk)
    for n in range(lines):
        product = ProductFactory(sku=f"BULK-{lines}-{n:03d}")
        price(product, "base", "1.00")
        add_line(actor=operator, order_id=order.pk, sku=product.sku, quantity="1")
    return order


def test_adding_a_line_costs_the_same_queries_on_a_3_and_a_15_line_order(
    desk, operator, catalog, shop, special, django_assert_num_queries
):
    small, large = order_with(operator, shop, 3), order_with(operator, shop, 15)
    for order in (small, large):
        with django_assert_num_queries(QUERIES_TO_ADD_A_LINE):
            response = desk.post(url("line-add", order), {"product": "COLA", "quantity": "1"}, headers=HTMX)
        html = response.content.decode()
        assert "Cola product" in html
        assert "Milk week" in html


# session, the user with their role (2); the typed product as a SKU (1); add_line: savepoint, lock,
# product, line, whether it was suggested (III.7), insert, column rules (2), order, release (10);
# the screen: order, lines, offers (3), debt, the production calendar's days ahead, counts (3),
# suggestions (6) and what the order's warehouse has available of them (1, III.12), their packs
# and prices (1), the reasons a client may decline them (1, III.7). The new line's stock comes
# with its product and prices, the lines' with the lines.
QUERIES_TO_ADD_A_LINE = 28


def test_the_manager_authorises_an_exception_from_the_order_screen(client, manager, catalog, shop):
    from datetime import timedelta as _days

    from django.utils import timezone as _tz

    from orders.services import start_order
    from tests.factories import ReceivableFactory

    today = _tz.localdate()
    ReceivableFactory(
        client=shop, issued_on=today - _days(days=20), due_on=today - _days(days=1), amount=Decimal("10.00")
    )
    order = start_order(actor=manager, client_id=shop.pk)
    client.force_login(manager)
    page = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    assert 'id="order-exception-form"' in page
    response = client.post(
        reverse("orders:exception", args=[order.pk]),
        {"reason": "Paid in cash today"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Exception recorded." in html
    assert "overdue or over-limit debt" not in html
    order.refresh_from_db()
    assert (order.exception_by, order.exception_reason) == (manager, "Paid in cash today")


def test_an_operator_never_sees_the_exception_form(client, operator, catalog, shop):
    from orders.services import start_order

    shop.credit_limit = Decimal("0.00")
    shop.save()
    order = start_order(actor=operator, client_id=shop.pk)
    client.force_login(operator)
    client.post(reverse("orders:line-add", args=[order.pk]), {"product": "COLA", "quantity": "1"})
    page = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    assert "past its credit limit" in page
    assert 'id="order-exception-form"' not in page
    assert client.post(reverse("orders:exception", args=[order.pk]), {"reason": "x"}).status_code == 403
