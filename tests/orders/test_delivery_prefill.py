"""III.12: a client's several delivery addresses, each with the contacts authorised to receive
goods there; a new order starts with the address and receiver of the client's last confirmed
order, else its default address and authorised receiver; the delivery step offers the others to
pick, and one key (Alt+N) sets the next working day."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Contact, DeliveryAddress
from orders.models import Order
from orders.rules import Delivery, delivery_prefill
from orders.services import start_order
from tests.factories import ClientFactory, OrderFactory, client_type
from warehouse.calendar import next_working_day

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
PODOLSK = "г. Подольск, ул. Ленина, д. 5, склад 2"
KHIMKI = "г. Химки, Ленинградское ш., д. 16, павильон 3"


def test_the_last_order_wins_over_the_default_address_and_an_empty_one_does_not():
    last = Delivery("Moscow, Mira ave. 12", "Ivan Popov", "+79165554433")
    default = Delivery(PODOLSK, "Пётр Смирнов", "+79161112233")
    assert delivery_prefill(last_order=last, default=default) == last
    assert delivery_prefill(last_order=Delivery("", "", ""), default=default) == default
    assert delivery_prefill(last_order=None, default=None) == Delivery("", "", "")


def test_the_migration_makes_each_clients_address_its_first_default_delivery_address():
    romashka = ClientFactory(name="ООО «Ромашка»", address=PODOLSK, region="Московская обл.")
    receiver = Contact.objects.create(
        client=romashka, name="Пётр Смирнов", phone="+79161112233", may_receive_goods=True
    )
    Contact.objects.create(client=romashka, name="Анна (бухгалтер)", may_receive_goods=False)
    zarya = ClientFactory(name="Zarya minimarket", address="Moscow, Lenina st. 1", region="Moscow")
    ClientFactory(name="Без адреса", address="")
    migration = importlib.import_module("clients.migrations.0010_client_terms")

    migration.first_delivery_addresses(apps, None)

    rows = {
        (a.client.name, a.address, a.region, a.is_default, tuple(a.receivers.values_list("pk", flat=True)))
        for a in DeliveryAddress.objects.select_related("client")
    }
    assert rows == {
        ("ООО «Ромашка»", PODOLSK, "Московская обл.", True, (receiver.pk,)),
        ("Zarya minimarket", "Moscow, Lenina st. 1", "Moscow", True, ()),
    }
    assert Client.objects.get(pk=zarya.pk).address == "Moscow, Lenina st. 1"  # the client keeps it


@pytest.fixture
def romashka(manager) -> Client:
    """«ООО «Ромашка»»: a warehouse in Podolsk (default; Пётр Смирнов receives) and a pavilion in
    Khimki (Ivan Popov and Ольга Ким receive)."""
    client = ClientFactory(name="ООО «Ромашка»", type=client_type("retail"), manager=manager, address=PODOLSK)
    petr = Contact.objects.create(
        client=client, name="Пётр Смирнов", phone="+79161112233", may_receive_goods=True
    )
    ivan = Contact.objects.create(
        client=client, name="Ivan Popov", phone="+79165554433", may_receive_goods=True
    )
    olga = Contact.objects.create(
        client=client, name="Ольга Ким", phone="+79031234567", may_receive_goods=True
    )
    podolsk = DeliveryAddress.objects.create(
        client=client, address=PODOLSK, is_default=True, notes="ворота 3"
    )
    podolsk.receivers.add(petr)
    khimki = DeliveryAddress.objects.create(client=client, address=KHIMKI)
    khimki.receivers.add(ivan, olga)
    return client


def test_a_first_order_starts_at_the_default_address_with_its_authorised_receiver(operator, romashka):
    order = start_order(actor=operator, client_id=romashka.pk)
    assert (order.delivery_address, order.receiver_name, order.receiver_phone) == (
        PODOLSK,
        "Пётр Смирнов",
        "+79161112233",
    )


def test_the_next_order_starts_where_the_last_confirmed_one_went_never_a_cancelled_one(operator, romashka):
    now = timezone.now()
    OrderFactory(
        client=romashka,
        confirmed_at=now - timedelta(days=3),
        delivery_address=KHIMKI,
        receiver_name="Ольга Ким",
        receiver_phone="+79031234567",
    )
    OrderFactory(
        client=romashka,
        status=Order.Status.CANCELLED,
        confirmed_at=now - timedelta(days=1),
        delivery_address="Moscow, Tverskaya st. 7",
        receiver_name="Someone else",
    )
    order = start_order(actor=operator, client_id=romashka.pk)
    assert (order.delivery_address, order.receiver_name, order.receiver_phone) == (
        KHIMKI,
        "Ольга Ким",
        "+79031234567",
    )


def test_the_delivery_step_lists_each_address_with_each_receiver_to_pick(client, operator, romashka):
    order = start_order(actor=operator, client_id=romashka.pk)
    client.force_login(operator)
    html = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    picks = html.split('<select id="delivery-choice" data-shortcut="Alt+a" tabindex="-1">')[1].split(
        "</select>"
    )[0]
    options = [line.strip() for line in picks.splitlines() if line.strip()]
    assert options == [
        '<option value="">as typed below</option>',
        f'<option value="1" data-address="{PODOLSK}" data-receiver="Пётр Смирнов" data-phone="+79161112233"'
        f" selected>{PODOLSK} — Пётр Смирнов, +79161112233 (ворота 3)</option>",
        f'<option value="2" data-address="{KHIMKI}" data-receiver="Ivan Popov" data-phone="+79165554433">'
        f"{KHIMKI} — Ivan Popov, +79165554433</option>",
        f'<option value="3" data-address="{KHIMKI}" data-receiver="Ольга Ким" data-phone="+79031234567">'
        f"{KHIMKI} — Ольга Ким, +79031234567</option>",
    ]


def test_the_delivery_step_costs_the_same_queries_for_one_address_or_six(
    client, operator, romashka, django_assert_num_queries
):
    order = start_order(actor=operator, client_id=romashka.pk)
    client.force_login(operator)
    page = reverse("orders:order", args=[order.pk])
    client.get(page)  # the session's first read
    with django_assert_num_queries(QUERIES_FOR_THE_PAGE):
        client.get(page)
    for n in range(4):
        address = DeliveryAddress.objects.create(client=romashka, address=f"г. Подольск, ул. Мира, д. {n}")
        address.receivers.add(*Contact.objects.filter(client=romashka))
    with django_assert_num_queries(QUERIES_FOR_THE_PAGE):
        html = client.get(page).content.decode()
    assert html.count('data-address="г. Подольск, ул. Мира, д.') == 12


# the session and the user (2); the order screen of a draft with no lines nor offers yet: the order,
# its lines, its offers (3), the debt, the production calendar's days ahead (III.12) and the counts
# (3), the suggestions (5); the delivery step's addresses with their receivers (1)
QUERIES_FOR_THE_PAGE = 15


def test_alt_n_sets_the_next_working_day_as_the_delivery_date(client, operator, romashka):
    order = start_order(actor=operator, client_id=romashka.pk)
    client.force_login(operator)
    html = client.get(reverse("orders:order", args=[order.pk])).content.decode()
    assert (
        '<button type="submit" name="next_working_day" value="1" id="next-working-day" data-shortcut="Alt+n"'
        ' tabindex="-1">'
        "Next working day <kbd>Alt+N</kbd></button>"
    ) in html
    response = client.post(
        reverse("orders:terms", args=[order.pk]),
        {
            "delivery_date": "",
            "next_working_day": "1",
            "delivery_window": "09:00-12:00",
            "receiver_name": "Пётр Смирнов",
            "receiver_phone": "+79161112233",
            "delivery_address": PODOLSK,
        },
        headers=HTMX,
    )
    assert "Terms saved." in response.content.decode()
    order.refresh_from_db()
    assert order.delivery_date == next_working_day(timezone.localdate())
    assert order.delivery_window == "09:00-12:00"


def test_a_client_registered_with_an_address_has_it_as_its_default_delivery_address(api, operator):
    body = {"name": "ИП Сидоров", "tax_id": "500100732259", "type": "market", "phones": ["+7 495 111 22 33"]}
    response = api(operator).post(
        "/api/v1/clients",
        {**body, "address": PODOLSK, "region": "Московская обл."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert list(
        DeliveryAddress.objects.filter(client_id=response.json()["id"]).values_list(
            "address", "region", "is_default"
        )
    ) == [(PODOLSK, "Московская обл.", True)]
