"""The order form (DOMAIN.md, “Around the job”: the client, the address, what was agreed and the
date): a PDF e-mailed to the client on confirmation when the operator ticks it or the client's card
asks for it, in the client's language, through a row that a down broker only delays; and the full
order in the warehouse's `GET /orders` (III.12-III.14)."""

import io
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from clients.models import Client
from orders.models import Order, OrderFormMail, Product
from orders.services import add_line, confirm_order, record_offer, set_terms, start_order
from orders.tasks import send_order_form_task, send_pending_order_forms_task
from staff.models import Role, User
from tests.orders.conftest import delivery_day

pytestmark = pytest.mark.django_db
JSON = "application/json"
PODOLSK = "г. Подольск, ул. Ленина, д. 5, склад 2"


@pytest.fixture
def romashka(shop) -> Client:
    Client.objects.filter(pk=shop.pk).update(
        name="ООО «Ромашка»", tax_id="5036012345", email="zakaz@romashka.example", language="ru"
    )
    Product.objects.filter(sku="COLA").update(name="Кола 0,5 л", unit="бут")
    Product.objects.filter(sku="CHIPS").update(name="Чипсы «Хруст»", unit="уп")
    return Client.objects.get(pk=shop.pk)


@pytest.fixture
def ready(operator, catalog, romashka) -> Order:
    """A draft of «ООО «Ромашка»» that confirm lets through: 24 bottles of cola and 3 packs of
    chips (1 306.50 at base: column 3 of the retail rule), three offers declined, delivery agreed."""
    order = start_order(actor=operator, client_id=romashka.pk)
    add_line(actor=operator, order_id=order.pk, sku="COLA", quantity="24")
    add_line(actor=operator, order_id=order.pk, sku="CHIPS", quantity="3")
    for sku in ("TEA", "RICE", "MILK"):
        record_offer(actor=operator, order_id=order.pk, sku=sku, outcome="declined", reason="есть запас")
    set_terms(
        actor=operator,
        order_id=order.pk,
        delivery={
            "date": delivery_day(),
            "window": "10:00-14:00",
            "receiver_name": "Пётр Смирнов",
            "receiver_phone": "+7 916 111-22-33",
            "address": PODOLSK,
        },
        notes="Въезд со двора, позвонить за час",
    )
    return order


def pdf_text(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages).splitlines()


def ru_day(day) -> str:
    return f"{day:%d.%m.%Y}"


def test_the_operator_ticks_the_form_and_the_client_gets_it_in_russian(
    client, operator, ready, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("orders:confirm", args=[ready.pk]),
            {"send_form": "1", "form_email": "buh@romashka.example"},
        )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Order.Status.CONFIRMED
    form = [message for message in mailoutbox if message.to == ["buh@romashka.example"]]
    assert len(form) == 1
    message = form[0]
    assert message.subject == f"Заказ № {ready.number} от calldesk"
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"order-{ready.number}.pdf", "application/pdf")
    today = timezone.localdate()
    assert pdf_text(content) == [
        f"Бланк заказа № {ready.number}",
        f"Дата: {ru_day(today)}",
        "Клиент: ООО «Ромашка», ИНН 5036012345",
        f"Адрес доставки: {PODOLSK}",
        "Получатель: Пётр Смирнов, +79161112233",
        f"Доставка: {ru_day(delivery_day())}, 10:00-14:00",
        "Примечания: Въезд со двора, позвонить за час",
        "Артикул Наименование Количество Цена Итого",
        # (a PDF reader copies the no-break spaces of "1 128,00 ₽" out as spaces)
        "COLA Кола 0,5 л 24 бут 47,00 ₽ 1 128,00 ₽",
        "CHIPS Чипсы «Хруст» 3 уп 33,37 ₽ 100,11 ₽",
        "Итого без НДС: 1 023,42 ₽",
        "НДС 20 %: 204,69 ₽",
        "Итого с НДС: 1 228,11 ₽",
        f"Заказ принял(а) {operator.get_full_name()}, calldesk.",
        "calldesk · Страница 1 из 1",
    ]
    assert "Клиент: ООО «Ромашка», ИНН 5036012345" in message.body
    html = client.get(reverse("orders:order", args=[ready.pk])).content.decode()
    assert 'id="order-form-mail">Order form sent to buh@romashka.example on ' in html


def test_the_clients_card_asks_for_the_form_on_every_confirmation_through_the_api(
    api, operator, ready, romashka, mailoutbox, django_capture_on_commit_callbacks
):
    Client.objects.filter(pk=romashka.pk).update(order_form_by_email=True, language="ro")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(operator).post(f"/api/v1/orders/{ready.pk}/confirm")
    assert response.status_code == 200
    (message,) = [message for message in mailoutbox if message.to == ["zakaz@romashka.example"]]
    number = response.json()["number"]
    assert message.subject == f"Comanda {number} de la calldesk"
    assert pdf_text(message.attachments[0][1])[0] == f"Formular de comandă {number}"


def test_no_form_unless_ticked_or_asked_for(
    client, operator, ready, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orders:confirm", args=[ready.pk]), {"form_email": "zakaz@romashka.example"})
    ready.refresh_from_db()
    assert ready.status == Order.Status.CONFIRMED
    assert not OrderFormMail.objects.exists()
    assert [message.to for message in mailoutbox] == [["tp@example.test"]]  # the manager's notice only


def test_ticked_without_an_email_nothing_is_confirmed(operator, ready, romashka):
    Client.objects.filter(pk=romashka.pk).update(email="")
    from calldesk.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        confirm_order(actor=operator, order_id=ready.pk, send_form=True, form_email="")
    assert str(refused.value) == "Type the client's e-mail to send the order form to."
    assert refused.value.errors[0].field == "form_email"
    ready.refresh_from_db()
    assert (ready.status, ready.number) == (Order.Status.DRAFT, None)
    assert not OrderFormMail.objects.exists()


def test_with_the_broker_down_the_form_waits_and_the_sweep_sends_it_once(
    operator, ready, mailoutbox, django_capture_on_commit_callbacks
):
    down = mock.patch.object(send_order_form_task, "apply_async", side_effect=OperationalError("redis down"))
    with down, django_capture_on_commit_callbacks(execute=True):
        confirm_order(actor=operator, order_id=ready.pk, send_form=True)
    mail = OrderFormMail.objects.get(order=ready)
    assert (mail.email, mail.sent_at) == ("zakaz@romashka.example", None)
    assert send_pending_order_forms_task() == 0  # too fresh: its task may still be running
    OrderFormMail.objects.filter(pk=mail.pk).update(requested_at=timezone.now() - timedelta(minutes=5))
    assert send_pending_order_forms_task() == 1
    assert send_pending_order_forms_task() == 0
    assert send_order_form_task(mail.pk) is False  # a redelivered task sends nothing more
    assert [message.to for message in mailoutbox].count(["zakaz@romashka.example"]) == 1
    mail.refresh_from_db()
    assert mail.sent_at is not None and mail.attempts == 1


def test_the_warehouse_reads_the_full_order(api, staff_of, operator, ready, romashka, manager):
    from clients.models import ClientType

    ClientType.objects.filter(pk=romashka.type_id).update(regional_terms=True)
    set_terms(
        actor=operator,
        order_id=ready.pk,
        regional={
            "payment_form": "prepayment",
            "fulfilment": "shipping",
            "shipping_address": "г. Тула, ул. Советская, д. 10",
            "carrier": "ТК «Деловые Линии»",
        },
    )
    order = confirm_order(actor=operator, order_id=ready.pk)
    warehouse = staff_of(Role.OPERATOR, department_code="call_center", username="warehouse")
    warehouse.user_permissions.add(Permission.objects.get(codename="change_order_status"))
    body = api(User.objects.get(pk=warehouse.pk)).get("/api/v1/orders", {"status": "confirmed"}).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item == {
        "id": order.pk,
        "number": order.number,
        "status": "confirmed",
        "client": romashka.pk,
        "client_tax_id": "5036012345",
        "client_name": "ООО «Ромашка»",
        "confirmed_at": order.confirmed_at.isoformat(),
        "column": {"code": "column_3", "reason": "Column 3: retail client, order over RUB\xa01,000.00"},
        "subtotal": "1306.50",
        # VAT 20 % held in each line: 1 128.00 / 6 = 188.00, 100.11 / 6 = 16.685 → 16.69
        "net": "1023.42",
        "vat": "204.69",
        "total": "1228.11",
        "delivery_date": delivery_day().isoformat(),
        "delivery": {
            "date": delivery_day().isoformat(),
            "window": "10:00-14:00",
            "receiver_name": "Пётр Смирнов",
            "receiver_phone": "+79161112233",
            "address": PODOLSK,
        },
        "regional": {
            "payment_form": "prepayment",
            "fulfilment": "shipping",
            "pickup_at": None,
            "shipping_address": "г. Тула, ул. Советская, д. 10",
            "carrier": "ТК «Деловые Линии»",
        },
        "notes": "Въезд со двора, позвонить за час",
        "cancel_reason": "",
        "lines": [
            {
                "sku": "COLA",
                "name": "Кола 0,5 л",
                "unit": "бут",
                "quantity": "24.000",
                "unit_price": "47.00",
                "vat_rate": 20,
                "vat": "188.00",
                "total": "1128.00",
            },
            {
                "sku": "CHIPS",
                "name": "Чипсы «Хруст»",
                "unit": "уп",
                "quantity": "3.000",
                "unit_price": "33.37",
                "vat_rate": 20,
                "vat": "16.69",
                "total": "100.11",
            },
        ],
    }
    assert Decimal(item["total"]) == Decimal("1128.00") + Decimal("100.11")


def test_the_clients_manager_sets_its_email_and_asks_for_order_forms(api, manager, romashka):
    http = api(manager)
    url = f"/api/v1/clients/{romashka.pk}"
    Client.objects.filter(pk=romashka.pk).update(email="")
    refused = http.patch(url, {"order_form_by_email": True}, content_type=JSON)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "email", "detail": "Required to send order forms."}]
    bad = http.patch(url, {"email": "закупки@", "order_form_by_email": True}, content_type=JSON)
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (400, "email")
    response = http.patch(
        url, {"email": "zakupki@romashka.example", "order_form_by_email": True}, content_type=JSON
    )
    assert response.status_code == 200
    assert (response.json()["email"], response.json()["order_form_by_email"]) == (
        "zakupki@romashka.example",
        True,
    )
    romashka.refresh_from_db()
    assert (romashka.email, romashka.order_form_by_email) == ("zakupki@romashka.example", True)
