"""II.2, III.18: what a client receives (the reference e-mail and its documents) is in the
client's language (Russian unless its card says otherwise) and signed with the operator's name
and the company's (settings.COMPANY_NAME)."""

import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from calls.models import Call
from calls.references import request_reference
from staff.models import Role
from tests.factories import ClientFactory, ProductFactory, client_type, price

pytestmark = pytest.mark.django_db

COMPANY = "ООО «Продторг»"


@pytest.fixture
def butter(db):
    product = ProductFactory(sku="00231", name="Масло сливочное 82,5%", category="Молочные продукты")
    price(product, "base", "189.90")
    return product


def call_of(client, operator) -> Call:
    return Call.objects.create(
        direction="inbound", phone="+74951234567", client=client, operator=operator, started_at=timezone.now()
    )


def send(operator, call, capture, documents) -> None:
    with capture(execute=True):
        request_reference(
            actor=operator, call_id=call.pk, email="zakaz@romashka.example", documents=documents, skus=[]
        )


def pdf(content: bytes) -> tuple[str, list[str]]:
    """The PDF's language and its text, line by line."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return str(reader.trailer["/Root"]["/Lang"]), text.splitlines()


@override_settings(COMPANY_NAME=COMPANY)
def test_a_russian_client_gets_the_email_and_documents_in_russian_signed_by_the_operator_and_company(
    staff_of, butter, mailoutbox, django_capture_on_commit_callbacks
):
    # given: a client whose card keeps the default language, and a Russian-speaking operator
    romashka = ClientFactory(name="Магазин «Ромашка»", type=client_type("retail"))
    maria = staff_of(
        Role.OPERATOR, department_code="call_center", username="mpetrova", full_name="Мария Петрова"
    )
    assert romashka.language == "ru"
    # when
    send(
        maria, call_of(romashka, maria), django_capture_on_commit_callbacks, ["price_list", "delivery_terms"]
    )
    # then: the words of the Russian catalogue, signed by Мария Петрова and the company
    (message,) = mailoutbox
    names = [name for name, _content, _mimetype in message.attachments]
    today = timezone.localdate()
    assert names == [
        f"price-list-base-{today.isoformat()}.xlsx",
        f"price-list-base-{today.isoformat()}.pdf",
        "delivery-terms.pdf",
    ]
    assert message.subject == "Документы от ООО «Продторг»: прайс-лист, условия доставки"
    assert message.body == (
        "Здравствуйте!\n\nКак договорились по телефону, направляем запрошенные вами документы.\n\n"
        f"Во вложении:\n- {names[0]}\n- {names[1]}\n- delivery-terms.pdf\n\n"
        "Если у вас возникнут вопросы, позвоните нам.\n\nС уважением,\nМария Петрова\nООО «Продторг»"
    )
    language, price_list = pdf(message.attachments[1][1])
    assert language == "ru"
    assert price_list[:3] == [
        "Прайс-лист  для  Магазин  «Ромашка»,  колонка  Базовая,",  # the title wraps, justified
        f"{today:%d.%m.%Y}",
        "Цены в ₽, с НДС.",
    ]
    assert "00231 Масло сливочное 82,5% pcs 1 20 % 189,90 ₽" in price_list
    assert price_list[-1] == "ООО «Продторг» · Страница 1 из 1"
    language, terms = pdf(message.attachments[2][1])
    assert (language, terms[0], terms[-1]) == (
        "ru",
        "Условия доставки для Магазин «Ромашка»",
        "ООО «Продторг» · Страница 1 из 1",
    )


@override_settings(COMPANY_NAME=COMPANY)
def test_a_client_who_reads_english_gets_english_signed_the_same_way(
    operator, butter, mailoutbox, django_capture_on_commit_callbacks
):
    sunrise = ClientFactory(
        name="Sunrise Foods", type=client_type("retail"), language="en", credit_limit=Decimal("50000.00")
    )

    send(operator, call_of(sunrise, operator), django_capture_on_commit_callbacks, ["delivery_terms"])

    (message,) = mailoutbox
    assert message.subject == "Documents from ООО «Продторг»: delivery terms"
    assert message.body == (
        "Hello,\n\nAs agreed on the phone, here are the documents you asked for.\n\n"
        "Attached:\n- delivery-terms.pdf\n\nIf you have any questions, call us back.\n\n"
        "Kind regards,\nOlga Smirnova\nООО «Продторг»"
    )
    language, terms = pdf(message.attachments[0][1])
    assert language == "en"
    assert terms[0] == "Delivery terms for Sunrise Foods"
    assert any(line.startswith("5. Your credit limit is RUB 50,000.00.") for line in terms)
    assert terms[-1] == "ООО «Продторг» · Page 1 of 1"


def test_the_default_company_name_signs_what_a_caller_who_is_not_a_client_gets(
    operator, butter, mailoutbox, django_capture_on_commit_callbacks
):
    stranger = Call.objects.create(
        direction="inbound", phone="+74957770000", client=None, operator=operator, started_at=timezone.now()
    )

    send(operator, stranger, django_capture_on_commit_callbacks, ["price_list"])

    (message,) = mailoutbox
    assert message.body.endswith("\nOlga Smirnova\ncalldesk")
    language, price_list = pdf(message.attachments[1][1])
    assert language == "ru"  # what a new client would get
    assert price_list[-1].startswith("calldesk · ")
