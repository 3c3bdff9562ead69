"""III.18, II.2: the documents a caller asks for (price list, assortment, delivery terms,
certificates) go out in one e-mail after the call commits; never lost, never sent twice. The
e-mail and its documents are in the client's language, signed by the operator and the company;
the PDFs print Cyrillic as text that can be extracted."""

import io
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from kombu.exceptions import OperationalError
from openpyxl import load_workbook
from pypdf import PdfReader

from calldesk.errors import InvalidInput, NotFound
from calls.documents import (
    assortment_pdf,
    certificates,
    delivery_terms_pdf,
    delivery_terms_text,
    price_list_pdf,
    price_list_sheet,
    price_list_xlsx,
)
from calls.models import Call, ReferenceRequest
from calls.references import request_reference, send_reference
from calls.tasks import send_pending_references_task, send_reference_task
from clients.models import Client
from orders.models import DiscountRule, PriceColumn, ProductCertificate
from tests.factories import ClientFactory, ProductFactory, client_type, price

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def today() -> str:
    """Today as a file name writes it (ISO, stable)."""
    return timezone.localdate().isoformat()


def today_read() -> str:
    """Today as an English reader reads it in a document's title (SHORT_DATE_FORMAT)."""
    return timezone.localdate().strftime("%m/%d/%Y")


@pytest.fixture
def catalog(db):
    """Retail clients buy at column 3 (a rule from any subtotal); KVASS has only a base price."""
    products = {}
    for sku, name, category, base, column_3 in [
        ("COLA", "Cola 0.5 l", "Drinks", "50.00", "47.00"),
        ("KVASS", "Kvass 1 l", "Drinks", "40.00", None),
        ("CHIPS", "Chips paprika", "Snacks", "35.50", "33.37"),
    ]:
        product = ProductFactory(sku=sku, name=name, category=category, pack=12)
        price(product, "base", base)
        if column_3:
            price(product, "column_3", column_3)
        products[sku] = product
    ProductFactory(sku="OLD", name="Discontinued lemonade", category="Drinks", active=False)
    rule = DiscountRule.objects.create(
        column=PriceColumn.objects.get(code="column_3"),
        min_subtotal=Decimal("0.00"),
        priority=10,
        valid_from=date(2020, 1, 1),
    )
    rule.client_types.add(client_type("retail"))
    return products


@pytest.fixture
def shop(db):
    return ClientFactory(
        name="Zarya minimarket",
        type=client_type("retail"),
        credit_limit=Decimal("150000.00"),
        payment_terms_days=21,
        language="en",  # receives English: these tests read the English words
    )


@pytest.fixture
def call(shop, operator):
    return Call.objects.create(
        direction="inbound", phone="+74951234567", client=shop, operator=operator, started_at=timezone.now()
    )


def ask(operator, call, *, documents, skus=None, email="buyer@zarya.example") -> ReferenceRequest:
    return request_reference(
        actor=operator, call_id=call.pk, email=email, documents=documents, skus=skus or []
    )


def broker_down():
    """The broker refuses every task, as a stopped Redis does."""
    return mock.patch.object(send_reference_task, "apply_async", side_effect=OperationalError("redis down"))


def age(request: ReferenceRequest) -> None:
    ReferenceRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - timedelta(minutes=5))


def attachment_names(message) -> list[str]:
    return [attachment[0] for attachment in message.attachments]


def attachment(message, filename: str) -> bytes:
    return next(content for name, content, _mimetype in message.attachments if name == filename)


def pdf_text(content: bytes) -> list[str]:
    """The text of a PDF as a reader copies it out, line by line."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages).splitlines()


def pdf_language(content: bytes) -> str:
    return str(PdfReader(io.BytesIO(content)).trailer["/Root"]["/Lang"])


# --- the price list -------------------------------------------------------------------------------


def test_a_price_list_request_sends_one_email_with_the_xlsx_and_pdf_at_the_clients_column(
    operator, call, catalog, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(operator, call, documents=["price_list"])
    # then
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["buyer@zarya.example"]
    assert message.subject == "Documents from calldesk: price list"
    xlsx_name, pdf_name = f"price-list-column_3-{today()}.xlsx", f"price-list-column_3-{today()}.pdf"
    assert attachment_names(message) == [xlsx_name, pdf_name]
    assert [mimetype for _name, _content, mimetype in message.attachments] == [XLSX, "application/pdf"]
    assert xlsx_name in message.body and pdf_name in message.body
    assert pdf_text(attachment(message, pdf_name)) == [
        f"Price list for Zarya minimarket, Column 3, {today_read()}",
        "Prices in RUB, VAT included.",
        "SKU Name Unit Pack VAT Price",
        "Drinks",
        "COLA Cola 0.5 l pcs 12 20 % RUB 47.00",
        "KVASS Kvass 1 l pcs 12 20 % RUB 40.00 *",
        "Snacks",
        "CHIPS Chips paprika pcs 12 20 % RUB 33.37",
        "* base price: Column 3 has no price for this product",
        "calldesk · Page 1 of 1",
    ]

    sheet = load_workbook(io.BytesIO(attachment(message, xlsx_name))).active
    assert "Zarya minimarket" in sheet["A1"].value
    assert "Column 3" in sheet["A1"].value
    assert today_read() in sheet["A1"].value
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {"COLA", "KVASS", "CHIPS"}  # active products only
    assert Decimal(str(rows["COLA"][5])).quantize(Decimal("0.01")) == Decimal("47.00")  # column 3
    assert Decimal(str(rows["KVASS"][5])) == Decimal("40")  # no column-3 price: base, and it says so
    assert rows["COLA"][6] == 20  # VAT, %
    assert "base price" in rows["KVASS"][7]
    assert sheet.cell(row=5, column=6).number_format == '#,##0.00 "RUB"'

    request.refresh_from_db()
    assert request.sent_at is not None
    assert request.attachments == [xlsx_name, pdf_name]
    assert request.attempts == 1
    assert request.client == call.client


def test_the_price_list_is_sorted_by_category_then_name_with_base_prices_marked(shop, catalog):
    sheet = price_list_sheet(client=shop, on=timezone.localdate())
    assert [(line.category, line.sku) for line in sheet.lines] == [
        ("Drinks", "COLA"),
        ("Drinks", "KVASS"),
        ("Snacks", "CHIPS"),
    ]
    assert [line.is_base for line in sheet.lines] == [False, True, False]
    assert sheet.lines[2].price == Decimal("33.37")
    assert sheet.currency == "RUB"


def test_a_caller_who_is_not_a_client_gets_the_base_price_list(catalog):
    sheet = price_list_sheet(client=None, on=timezone.localdate())
    assert sheet.column_code == "base"
    assert {line.sku: line.price for line in sheet.lines}["COLA"] == Decimal("50.00")
    assert price_list_xlsx(client=None, on=timezone.localdate()).filename == f"price-list-base-{today()}.xlsx"


def test_the_pdfs_print_cyrillic_names_and_amounts_as_text(catalog):
    # given: a Russian shop and Russian products, beside the Latin ones
    romashka = ClientFactory(name="Магазин «Ромашка»", type=client_type("retail"), credit_limit=None)
    butter = ProductFactory(
        sku="00231",
        name="Масло сливочное 82,5%, 0,5 кг",
        category="Молочные продукты",
        unit="шт",
        pack=20,
        vat_rate=10,
    )
    price(butter, "base", "189.90")
    price(butter, "column_3", "12500.00")
    kefir = ProductFactory(
        sku="00232", name="Кефир 1 л — «Домик»", category="Молочные продукты", unit="шт", vat_rate=10
    )
    price(kefir, "base", "75.50")
    on = date(2026, 11, 2)
    # when
    price_list = price_list_pdf(client=romashka, on=on)
    assortment = assortment_pdf(on=on)
    terms = delivery_terms_pdf(client=romashka)
    # then: every letter is there, as text a reader copies out
    assert pdf_text(price_list.content) == [
        "Price list for Магазин «Ромашка», Column 3, 11/02/2026",
        "Prices in RUB, VAT included.",
        "SKU Name Unit Pack VAT Price",
        "Drinks",
        "COLA Cola 0.5 l pcs 12 20 % RUB 47.00",
        "KVASS Kvass 1 l pcs 12 20 % RUB 40.00 *",
        "Snacks",
        "CHIPS Chips paprika pcs 12 20 % RUB 33.37",
        "Молочные продукты",
        "00232 Кефир 1 л — «Домик» шт 1 10 % RUB 75.50 *",
        "00231 Масло сливочное 82,5%, 0,5 кг шт 20 10 % RUB 12,500.00",
        "* base price: Column 3 has no price for this product",
        "calldesk · Page 1 of 1",
    ]
    assert pdf_text(assortment.content)[-4:] == [
        "Молочные продукты",
        "00232 Кефир 1 л — «Домик» шт 1",
        "00231 Масло сливочное 82,5%, 0,5 кг шт 20",
        "calldesk · Page 1 of 1",
    ]
    assert pdf_text(terms.content)[0] == "Delivery terms for Магазин «Ромашка»"
    metadata = PdfReader(io.BytesIO(price_list.content)).metadata
    assert (metadata.title, metadata.author) == (
        "Price list for Магазин «Ромашка», Column 3, 11/02/2026",
        "calldesk",
    )


def test_a_russian_reader_gets_roubles_and_dates_as_russians_write_them(catalog):
    # given: a Russian shop, a Russian product, the documents written in Russian (II.2)
    romashka = ClientFactory(name="Магазин «Ромашка»", type=client_type("retail"), credit_limit=None)
    butter = ProductFactory(
        sku="00231",
        name="Масло сливочное 82,5%, 0,5 кг",
        category="Молочные продукты",
        unit="шт",
        pack=20,
        vat_rate=10,
    )
    price(butter, "base", "189.90")
    price(butter, "column_3", "12500.00")
    on = date(2026, 11, 2)
    # when
    with translation.override("ru"):
        price_list = price_list_pdf(client=romashka, on=on)
        assortment = assortment_pdf(on=on)
        workbook = load_workbook(io.BytesIO(price_list_xlsx(client=romashka, on=on).content)).active
        limit = ClientFactory(name="Ромашка-2", type=client_type("retail"), credit_limit=Decimal("150000.00"))
        terms = delivery_terms_text(client=limit)
    # then: dd.mm.yyyy, a decimal comma, spaces between thousands and ₽ after the amount
    assert pdf_text(price_list.content) == RUSSIAN_PRICE_LIST
    assert pdf_text(assortment.content)[0] == "Ассортимент на 02.11.2026"
    assert workbook["A1"].value == "Прайс-лист для Магазин «Ромашка», колонка Колонка 3, 02.11.2026"
    assert workbook["A2"].value == "Цены в ₽, с НДС."
    assert workbook.cell(row=5, column=6).number_format == '#,##0.00 "₽"'
    # the exact characters CLDR writes (through Babel): no-break spaces in the thousands and
    # before the sign, so an amount never wraps; a PDF reader copies them out as plain spaces
    assert "Ваш кредитный лимит — 150\xa0000,00\xa0₽." in " ".join(terms)


RUSSIAN_PRICE_LIST = [
    "Прайс-лист  для  Магазин  «Ромашка»,  колонка  Колонка  3,",  # the title wraps, justified
    "02.11.2026",
    "Цены в ₽, с НДС.",
    "Артикул Наименование Ед. изм. В упаковке НДС Цена",  # each heading on one line
    "Drinks",
    "COLA Cola 0.5 l pcs 12 20 % 47,00 ₽",
    "KVASS Kvass 1 l pcs 12 20 % 40,00 ₽ *",
    "Snacks",
    "CHIPS Chips paprika pcs 12 20 % 33,37 ₽",
    "Молочные продукты",
    "00231 Масло сливочное 82,5%, 0,5 кг шт 20 10 % 12 500,00 ₽",
    "* базовая цена: в колонке Колонка 3 нет цены на этот товар",
    "calldesk · Страница 1 из 1",
]


# --- assortment, delivery terms, certificates -----------------------------------------------------


def test_delivery_terms_and_assortment_are_attached(
    operator, call, catalog, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(operator, call, documents=["delivery_terms", "assortment"])
    (message,) = mailoutbox
    assert message.subject == "Documents from calldesk: assortment, delivery terms"
    assert attachment_names(message) == [f"assortment-{today()}.pdf", "delivery-terms.pdf"]
    assortment, terms = (pdf_text(content) for _name, content, _mimetype in message.attachments)
    assert assortment[:3] == [f"Assortment, {today_read()}", "SKU Name Unit Pack New", "Drinks"]
    assert terms[:2] == [
        "Delivery terms for Zarya minimarket",
        "1. We deliver on working days, Monday to Friday.",
    ]


def test_delivery_terms_come_from_the_clients_own_terms(shop):
    text = "\n".join(delivery_terms_text(client=shop))
    assert "Monday to Friday" in text
    assert "next working day" in text
    assert "authorise to receive the goods must be present" in text
    assert "within 21 days of delivery" in text
    assert "Your credit limit is RUB\xa0150,000.00." in text  # CLDR's, as Babel writes it
    assert "regional client" not in text


def test_a_regional_client_without_a_limit_reads_the_pick_up_or_shipping_terms(db):
    buyer = ClientFactory(type=client_type("regional"), credit_limit=None, payment_terms_days=0)
    text = "\n".join(delivery_terms_text(client=buyer))
    assert "No credit limit" in text
    assert "Payment is due on delivery" in text
    assert "regional client" in text and "ship them to you" in text
    assert delivery_terms_pdf(client=buyer).filename == "delivery-terms.pdf"


def test_certificates_of_the_named_products_are_attached_and_a_missing_file_is_noted(
    operator, call, catalog, mailoutbox, django_capture_on_commit_callbacks
):
    # given: COLA has two certificates, CHIPS one whose file is gone from storage
    quality = ProductCertificate(product=catalog["COLA"], title="A quality")
    quality.file.save("cola-quality.pdf", ContentFile(b"%PDF-1.4 quality"), save=True)
    conformity = ProductCertificate(product=catalog["COLA"], title="B conformity")
    conformity.file.save("cola-conformity.jpg", ContentFile(b"\xff\xd8 jpeg"), save=True)
    lost = ProductCertificate(product=catalog["CHIPS"], title="Chips quality")
    lost.file.save("chips.pdf", ContentFile(b"%PDF-1.4 chips"), save=True)
    lost.file.storage.delete(lost.file.name)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(operator, call, documents=["certificates"], skus=["COLA", "CHIPS", "KVASS"])
    # then
    (message,) = mailoutbox
    assert attachment_names(message) == ["certificate-COLA-1.pdf", "certificate-COLA-2.jpg"]
    assert attachment(message, "certificate-COLA-1.pdf") == b"%PDF-1.4 quality"
    assert message.attachments[1][2] == "image/jpeg"
    assert "The file of the certificate Chips quality (CHIPS) is missing." in message.body
    assert "No certificate is on file for KVASS." in message.body
    request.refresh_from_db()
    assert request.skus == ["COLA", "CHIPS", "KVASS"]
    assert request.attachments == ["certificate-COLA-1.pdf", "certificate-COLA-2.jpg"]


def test_an_expired_certificate_is_not_sent(catalog):
    old = ProductCertificate(product=catalog["COLA"], title="Old", valid_until=date(2020, 1, 1))
    old.file.save("old.pdf", ContentFile(b"%PDF old"), save=True)
    found = certificates(skus=["COLA"], on=timezone.localdate())
    assert found.attachments == []
    assert found.notes == ["The certificate Old (COLA) has expired; ask for a new one."]


# --- what the operator may not ask ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"email": "not-an-address", "documents": ["price_list"]}, "email"),
        ({"email": "", "documents": ["price_list"]}, "email"),
        ({"documents": []}, "documents"),
        ({"documents": ["fax_cover"]}, "documents"),
        ({"documents": ["certificates"]}, "skus"),
        ({"documents": ["certificates"], "skus": ["NO-SUCH"]}, "skus"),
    ],
)
def test_a_bad_request_is_refused_with_the_field_and_nothing_is_written(
    operator, call, catalog, mailoutbox, django_capture_on_commit_callbacks, fields, bad_field
):
    fields = {"email": "buyer@zarya.example", **fields}
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(InvalidInput) as error:
        request_reference(actor=operator, call_id=call.pk, **fields)
    assert [e.field for e in error.value.errors] == [bad_field]
    assert error.value.status == 400
    assert not ReferenceRequest.objects.exists()
    assert callbacks == []
    assert mailoutbox == []


def test_a_request_for_an_unknown_call_is_not_found(operator, mailoutbox):
    with pytest.raises(NotFound):
        request_reference(actor=operator, call_id=999_999, email="a@b.example", documents=["assortment"])
    assert not ReferenceRequest.objects.exists()


# --- never lost, never twice ----------------------------------------------------------------------


def test_with_the_broker_down_the_request_waits_and_the_sweep_sends_it_once(
    operator, call, catalog, mailoutbox, django_capture_on_commit_callbacks
):
    # when: the broker refuses the task at commit
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        request = ask(operator, call, documents=["price_list", "delivery_terms"])
    # then: nothing sent, nothing lost
    request.refresh_from_db()
    assert request.sent_at is None
    assert mailoutbox == []
    assert send_pending_references_task() == 0  # too fresh: its task may still be running
    # when the sweep runs a minute later
    age(request)
    assert send_pending_references_task() == 1
    assert send_pending_references_task() == 0  # a second sweep finds nothing to do
    (message,) = mailoutbox
    assert message.subject == "Documents from calldesk: price list, delivery terms"
    assert len(message.attachments) == 3
    request.refresh_from_db()
    assert request.sent_at is not None and request.attempts == 1


def test_a_failed_email_counts_an_attempt_and_the_next_sweep_sends_it(
    operator, call, catalog, mailoutbox, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        request = ask(operator, call, documents=["delivery_terms"])
    age(request)
    # when the mail server is down
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")):
        assert send_pending_references_task() == 0
    # then
    request.refresh_from_db()
    assert request.sent_at is None
    assert request.attempts == 1
    assert request.last_error == "OSError: smtp down"
    assert request.attachments == []
    assert mailoutbox == []
    # and the next sweep sends it
    assert send_pending_references_task() == 1
    request.refresh_from_db()
    assert request.sent_at is not None
    assert request.attempts == 2
    assert request.last_error == ""
    assert len(mailoutbox) == 1


def test_sending_twice_sends_one_email(
    operator, call, catalog, mailoutbox, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        request = ask(operator, call, documents=["assortment"])
    assert send_reference(request_id=request.pk) is True
    assert send_reference(request_id=request.pk) is False
    assert send_reference_task(request.pk) is False  # a redelivered task changes nothing
    assert len(mailoutbox) == 1
    request.refresh_from_db()
    assert request.attempts == 1


def test_a_request_that_keeps_failing_is_left_to_a_person(operator, call, catalog, mailoutbox):
    request = ask(operator, call, documents=["assortment"])  # its on_commit never runs here
    ReferenceRequest.objects.filter(pk=request.pk).update(
        requested_at=timezone.now() - timedelta(hours=1), attempts=20, last_error="SMTPRecipientsRefused"
    )
    assert send_pending_references_task() == 0
    assert mailoutbox == []


# --- query counts ---------------------------------------------------------------------------------


def build_everything(client: Client) -> None:
    on = timezone.localdate()
    sheet = price_list_sheet(client=client, on=on)
    price_list_xlsx(client=client, on=on, sheet=sheet)
    price_list_pdf(client=client, on=on, sheet=sheet)
    assortment_pdf(on=on)
    delivery_terms_pdf(client=client)
    certificates(skus=["COLA", "CHIPS"], on=on)


def test_documents_are_built_in_a_constant_number_of_queries(shop, catalog, django_assert_num_queries):
    client = Client.objects.select_related("type").get(pk=shop.pk)  # as send_reference loads it
    # rules + their client types, the two columns, products, prices; assortment; certificates
    with django_assert_num_queries(7):
        build_everything(client)
    for n in range(27):
        product = ProductFactory(category=f"Category {n % 4}")
        price(product, "base", "10.00")
        price(product, "column_3", "9.00")
    with CaptureQueriesContext(connection) as thirty:
        build_everything(client)
    assert len(thirty) == 7
    assert len(price_list_sheet(client=client, on=timezone.localdate()).lines) == 30
