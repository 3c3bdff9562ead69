"""The order screen reads what a Russian types (calldesk.screen_input): a decimal-comma quantity,
spaces in thousands, a dd.mm.yyyy delivery date; the API stays canonical (API.md)."""

from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from calldesk.screen_input import date_pattern
from orders.models import Order, OrderLine
from orders.services import start_order
from staff.models import User
from tests.factories import ProductFactory, price
from tests.orders.conftest import delivery_day

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def in_russian(message) -> str:
    """A message (or a function that writes one) as the Russian screen says it."""
    with translation.override("ru"):
        return escape(message() if callable(message) else gettext(message))


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def butter(db):
    """Sold by the kilogram, so a quantity may be a fraction (orders.rules.sold_by_measure)."""
    product = ProductFactory(sku="МС-825", name="Масло сливочное 82,5 %", unit="кг")
    price(product, "base", "50.00")
    return product


@pytest.fixture
def russian_desk(db, operator, catalog, butter, shop):
    User.objects.filter(pk=operator.pk).update(language="ru")
    http = HttpClient()
    http.force_login(User.objects.get(pk=operator.pk))
    return http, start_order(actor=operator, client_id=shop.pk)


def test_a_russian_operator_adds_a_decimal_comma_quantity(russian_desk):
    http, draft = russian_desk
    response = http.post(
        reverse("orders:line-add", args=[draft.pk]), {"product": "МС-825", "quantity": "2,5"}, headers=HTMX
    )
    assert response.status_code == 200
    line = OrderLine.objects.get(order=draft)
    assert line.quantity == Decimal("2.5")
    html = http.get(reverse("orders:order", args=[draft.pk])).content.decode()
    assert 'value="2,5"' in html


def test_a_russian_operator_changes_a_quantity_with_spaces_in_thousands(russian_desk):
    http, draft = russian_desk
    http.post(reverse("orders:line-add", args=[draft.pk]), {"product": "МС-825", "quantity": "1"})
    line = OrderLine.objects.get(order=draft)
    http.post(reverse("orders:line-change", args=[draft.pk, line.pk]), {"quantity": "1\u00a0200,5"})
    line.refresh_from_db()
    assert line.quantity == Decimal("1200.5")


def test_a_quantity_that_is_not_a_number_is_refused_in_the_forms_words(russian_desk):
    http, draft = russian_desk
    response = http.post(
        reverse("orders:line-add", args=[draft.pk]), {"product": "COLA", "quantity": "2,5,0"}, headers=HTMX
    )
    assert in_russian("The quantity must be a positive number with at most three decimals.") in html_of(
        response
    )
    assert not OrderLine.objects.filter(order=draft).exists()


def test_a_russian_operator_types_the_delivery_date_as_dd_mm_yyyy(russian_desk):
    http, draft = russian_desk
    day = delivery_day()
    response = http.post(
        reverse("orders:terms", args=[draft.pk]),
        {
            "delivery_date": day.strftime("%d.%m.%Y"),
            "receiver_name": "Иван Попов",
            "receiver_phone": "8 916 555-44-33",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.delivery_date == day
    html = response.content.decode()
    assert f'name="delivery_date" value="{day:%d.%m.%Y}"' in html
    assert f'placeholder="{in_russian(date_pattern)}"' in html


def test_a_bad_delivery_date_names_the_russian_pattern(russian_desk):
    http, draft = russian_desk
    response = http.post(
        reverse("orders:terms", args=[draft.pk]), {"delivery_date": "31.02.2026"}, headers=HTMX
    )
    expected = in_russian(
        lambda: gettext("Type the delivery date as %(pattern)s.") % {"pattern": date_pattern()}
    )
    assert expected in html_of(response)
    draft.refresh_from_db()
    assert draft.delivery_date is None


def test_an_english_operator_may_type_either_date_form(db, operator, catalog, shop, client):
    client.force_login(operator)
    draft = start_order(actor=operator, client_id=shop.pk)
    day = delivery_day()
    for typed in (day.isoformat(), day.strftime("%d.%m.%Y")):
        Order.objects.filter(pk=draft.pk).update(delivery_date=None)
        client.post(reverse("orders:terms", args=[draft.pk]), {"delivery_date": typed})
        draft.refresh_from_db()
        assert draft.delivery_date == day


def test_api_stays_canonical_for_a_russian_user(db, api, operator, catalog, butter, shop):
    User.objects.filter(pk=operator.pk).update(language="ru")
    http = api(User.objects.get(pk=operator.pk))
    order = http.post("/api/v1/orders", {"client": shop.pk}, content_type="application/json").json()
    refused = http.post(
        f"/api/v1/orders/{order['id']}/lines",
        {"sku": "МС-825", "quantity": "2,5"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    added = http.post(
        f"/api/v1/orders/{order['id']}/lines",
        {"sku": "МС-825", "quantity": "2.5"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert added.json()["subtotal"] == "125.00"


def test_the_managers_order_notice_is_in_the_managers_language(
    api, operator, manager, catalog, shop, django_capture_on_commit_callbacks
):
    from messaging.models import InboxMessage
    from tests.orders.test_order_intake import confirmed_ready

    User.objects.filter(pk=manager.pk).update(language="ru")
    http = api(operator)  # the operator's own language: English
    order_id = confirmed_ready(http, shop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        number = http.post(f"/api/v1/orders/{order_id}/confirm").json()["number"]
    with translation.override("ru"):
        subject = gettext("Order %(number)s confirmed: %(client)s, %(total)s") % {
            "number": number,
            "client": "Zarya minimarket",
            "total": "100,00\u00a0₽",
        }
        body = gettext(
            "%(client)s ordered for delivery on %(date)s (%(window)s); receiver %(receiver)s, %(phone)s."
        ) % {
            "client": "Zarya minimarket",
            "date": f"{delivery_day():%d.%m.%Y}",
            "window": "10:00-14:00",
            "receiver": "Ivan Popov",
            "phone": "+79165554433",
        }
    message = InboxMessage.objects.get()
    assert (message.subject, message.body) == (subject, body)
