"""The documents a client may ask for by e-mail (III.18, II.2): the price list at the client's
column (XLSX and PDF), the assortment, the delivery terms and product certificates.

Pure builders: each reads what it needs and returns an `Attachment` (a `(filename, content,
mimetype)` tuple, what `EmailMessage.attach` takes); none of them writes or sends anything. File
names are stable, so a client who asks again gets files with the same names.

The PDFs embed DejaVu Sans, a Unicode TTF font shipped in calldesk/fonts/ (with its licence), so
Cyrillic names and text print as they are and can be copied out of the file, on a fresh machine
with no font installed. Each document names the company (settings.COMPANY_NAME) as its author and
at the foot of every page. The builders write in the active language: the caller sends a client
its documents in the client's language (`translation.override(client.language)`).
"""

from __future__ import annotations

import io
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from django.conf import settings
from django.db.models import Prefetch
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from calldesk.exporting import as_text
from calldesk.money import currency_symbol, format_money
from clients.models import Client
from orders.models import Price, PriceColumn, Product, ProductCertificate
from orders.rules import BASE, price_in_column
from orders.selectors import column_for_client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
CATEGORY_STYLE = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
FONTS = Path(settings.BASE_DIR) / "calldesk" / "fonts"
FONT_FAMILY = "DejaVuSans"


class Attachment(NamedTuple):
    filename: str
    content: bytes
    mimetype: str


# --- the price list at the client's column -------------------------------------------------------


@dataclass(frozen=True)
class PriceListLine:
    category: str
    sku: str
    name: str
    unit: str
    pack: int
    vat_rate: int  # VAT (НДС) in per cent
    price: Decimal | None  # None: the product has no price at all (not even base)
    is_base: bool  # the client's column has no price for it: the base price is shown


@dataclass(frozen=True)
class PriceListSheet:
    client_name: str
    column_code: str
    column_name: str
    on: date
    currency: str
    lines: list[PriceListLine]
    prices_include_vat: bool = True

    @property
    def prices_in(self) -> str:
        """The sheet's first words: the currency, and whether the prices hold the VAT."""
        currency = currency_symbol(currency=self.currency)
        if self.prices_include_vat:
            return _("Prices in %(currency)s, VAT included.") % {"currency": currency}
        return _("Prices in %(currency)s, VAT not included.") % {"currency": currency}

    @property
    def title(self) -> str:
        if self.client_name:
            return _("Price list for %(client)s, %(column)s, %(date)s") % {
                "client": self.client_name,
                "column": self.column_name,
                "date": _day(self.on),
            }
        return _("Price list, %(column)s, %(date)s") % {
            "column": self.column_name,
            "date": _day(self.on),
        }

    def filename(self, extension: str) -> str:
        return f"price-list-{_safe(self.column_code)}-{self.on.isoformat()}.{extension}"


def price_list_sheet(*, client: Client | None, on: date) -> PriceListSheet:
    """Every active product with its price in the column that applies to `client` on `on`
    (III.10; base without a client), or its base price where that column has none; by category,
    then name. Queries: the discount rules (2, and the client's type unless loaded), the columns,
    the products and their prices: the same for 3 products or 3 000."""
    code = column_for_client(client=client, on=on).code if client is not None else BASE
    columns = {column.code: column for column in PriceColumn.objects.filter(code__in={BASE, code})}
    code_of = {column.pk: column.code for column in columns.values()}
    products = Product.objects.filter(active=True).prefetch_related(
        Prefetch(
            "prices",
            queryset=Price.objects.filter(column_id__in=list(code_of)).only(
                "product_id", "column_id", "amount"
            ),
            to_attr="listed_prices",
        )
    )
    lines = []
    for product in products:
        by_code = {code_of[price.column_id]: price.amount for price in product.listed_prices}
        price_from, price = price_in_column(by_code, code)
        lines.append(
            PriceListLine(
                category=product.category,
                sku=product.sku,
                name=product.name,
                unit=product.unit,
                pack=product.pack,
                vat_rate=product.vat_rate,
                price=price,
                is_base=price_from == BASE and code != BASE,
            )
        )
    return PriceListSheet(
        client_name=client.name if client is not None else "",
        column_code=code,
        column_name=str(columns[code]) if code in columns else code,
        on=on,
        currency=settings.CURRENCY,
        lines=sorted(lines, key=_by_category_then_name),
        prices_include_vat=settings.CALLDESK_PRICES_INCLUDE_VAT,
    )


def price_list_xlsx(*, client: Client | None, on: date, sheet: PriceListSheet | None = None) -> Attachment:
    """The price list at the client's column as a spreadsheet: a title row naming the client,
    the column and the date, then one row per product with its price as a number in the
    currency's format. Pass `sheet` to reuse one already read for the PDF."""
    sheet = sheet or price_list_sheet(client=client, on=on)
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = _("Price list")[:31]
    worksheet.append([sheet.title])
    worksheet["A1"].font = Font(bold=True, size=13)
    worksheet.append([sheet.prices_in])
    worksheet.append([])
    worksheet.append(
        [
            _("Category"),
            _("SKU"),
            _("Name"),
            _("Unit"),
            _("Pack"),
            _("Price, %(currency)s") % {"currency": currency_symbol(currency=sheet.currency)},
            _("VAT, %"),
            _("Note"),
        ]
    )
    for cell in worksheet[4]:
        cell.font = Font(bold=True)
    currency = currency_symbol(currency=sheet.currency).replace('"', "")
    money_format = f'#,##0.00 "{currency}"'
    for line in sheet.lines:
        worksheet.append(
            [
                line.category,
                line.sku,
                line.name,
                line.unit,
                line.pack,
                line.price,
                line.vat_rate,
                _base_note(sheet) if line.is_base else ("" if line.price is not None else _("on request")),
            ]
        )
        row = worksheet[worksheet.max_row]
        as_text(row)  # a product name such as "=Cola=" never runs in the client's spreadsheet
        row[5].number_format = money_format
    for letter, width in zip("ABCDEFGH", (22, 14, 48, 8, 8, 16, 8, 28), strict=True):
        worksheet.column_dimensions[letter].width = width
    worksheet.freeze_panes = "A5"
    out = io.BytesIO()
    workbook.save(out)
    return Attachment(sheet.filename("xlsx"), out.getvalue(), XLSX)


def price_list_pdf(*, client: Client | None, on: date, sheet: PriceListSheet | None = None) -> Attachment:
    """The price list at the client's column as a PDF, grouped by category. Pass `sheet` to
    reuse one already read for the XLSX."""
    sheet = sheet or price_list_sheet(client=client, on=on)
    pdf = _Document(sheet.title)
    pdf.paragraph(sheet.prices_in)
    headings = [_("SKU"), _("Name"), _("Unit"), _("Pack"), _("VAT"), _("Price")]
    any_base = False
    with pdf.table(
        col_widths=(26, 68, 20, 24, 12, 30),  # wide enough for the Russian headings (В упаковке)
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        padding=1,
    ) as table:
        _row(table, headings)
        for category, lines in _grouped(sheet.lines):
            table.row().cell(category, colspan=len(headings), style=CATEGORY_STYLE)
            for line in lines:
                price = _money(line.price, sheet.currency) if line.price is not None else _("on request")
                if line.is_base:
                    price += " *"
                    any_base = True
                _row(table, [line.sku, line.name, line.unit, str(line.pack), f"{line.vat_rate} %", price])
    if any_base:
        pdf.ln(2)
        pdf.paragraph("* " + _base_note(sheet))
    return Attachment(sheet.filename("pdf"), pdf.as_bytes(), PDF)


def _base_note(sheet: PriceListSheet) -> str:
    return _("base price: %(column)s has no price for this product") % {"column": sheet.column_name}


# --- the assortment ------------------------------------------------------------------------------


def assortment_pdf(*, on: date) -> Attachment:
    """The active products by category: SKU, name, unit and pack; new products (III.7, still new
    on `on`) are marked. One query."""
    products = sorted(Product.objects.filter(active=True), key=_by_category_then_name)
    title = _("Assortment, %(date)s") % {"date": _day(on)}
    pdf = _Document(title)
    any_new = False
    with pdf.table(
        col_widths=(26, 86, 20, 24, 24),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "CENTER"),
        line_height=5,
        padding=1,
    ) as table:
        # "New" here heads the column that marks a new product (III.7); a comment's state "New"
        # is another word in Russian (Новинка, Новое).
        headings = [_("SKU"), _("Name"), _("Unit"), _("Pack"), pgettext("assortment column", "New")]
        _row(table, headings)
        for category, items in _grouped(products):
            table.row().cell(category, colspan=len(headings), style=CATEGORY_STYLE)
            for product in items:
                is_new = product.new_until is not None and product.new_until >= on
                any_new = any_new or is_new
                _row(
                    table,
                    [product.sku, product.name, product.unit, str(product.pack), _("NEW") if is_new else ""],
                )
    if any_new:
        pdf.ln(2)
        pdf.paragraph(_("NEW: a new product in our assortment; ask the operator about it."))
    return Attachment(f"assortment-{on.isoformat()}.pdf", pdf.as_bytes(), PDF)


# --- the delivery terms --------------------------------------------------------------------------


def delivery_terms_text(*, client: Client | None) -> list[str]:
    """The delivery terms as paragraphs, from the client's own terms (III.5, III.12, III.13).
    Reads `client.type` (load it with the client)."""
    currency = settings.CURRENCY
    terms = [
        _("We deliver on working days, Monday to Friday."),
        _(
            "Orders are taken by phone. Place your order at least one working day before the day you "
            "want the goods: an order placed today is delivered on the next working day at the "
            "earliest, on the date and in the time window agreed on the call."
        ),
        _(
            "The person you authorise to receive the goods must be present at the delivery address "
            "at the agreed time, to check the goods and sign the delivery documents."
        ),
    ]
    if client is None:
        terms.append(
            _(
                "Payment terms and any credit limit are agreed with your manager when the supply "
                "contract is signed."
            )
        )
    else:
        if client.payment_terms_days:
            terms.append(
                _("Payment is due within %(days)d days of delivery.") % {"days": client.payment_terms_days}
            )
        else:
            terms.append(_("Payment is due on delivery, unless the order is paid in advance."))
        if client.credit_limit is None:
            terms.append(_("No credit limit is set for you."))
        elif client.credit_limit == 0:
            terms.append(
                _("Goods are not supplied on credit: a new order is accepted only when nothing is owed.")
            )
        else:
            terms.append(
                _(
                    "Your credit limit is %(amount)s. An order is accepted only while your unpaid "
                    "balance, with the new order, stays within this limit."
                )
                % {"amount": _money(client.credit_limit, currency)}
            )
        if client.type.regional_terms:
            terms.append(
                _(
                    "As a regional client, you agree the form of payment with the operator "
                    "(prepayment, bank transfer or cash on delivery) and either collect the goods "
                    "from our warehouse in the capital on an agreed date and time, or give us the "
                    "shipping address and carrier to ship them to you."
                )
            )
    terms.append(
        _(
            "An order is accepted only if no payment is overdue. If you have any questions, "
            "call us or ask your manager."
        )
    )
    return terms


def delivery_terms_pdf(*, client: Client | None) -> Attachment:
    """The delivery terms (`delivery_terms_text`) as a PDF. No queries if `client.type` is loaded."""
    title = _("Delivery terms for %(client)s") % {"client": client.name} if client else _("Delivery terms")
    pdf = _Document(title)
    for number, paragraph in enumerate(delivery_terms_text(client=client), start=1):
        pdf.paragraph(f"{number}. {paragraph}")
    return Attachment("delivery-terms.pdf", pdf.as_bytes(), PDF)


# --- certificates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    attachments: list[Attachment]
    notes: list[str]  # what could not be attached, and why: for the e-mail's body


def certificates(*, skus: Iterable[str], on: date) -> Certificates:
    """The certificate files of the products `skus`, read from storage, named
    `certificate-<sku>-<n>.<ext>` (n counts each product's certificates by title). A certificate
    that has expired by `on`, or whose file is missing, is left out and noted; so is a product
    with no certificate at all. One query."""
    skus = list(dict.fromkeys(skus))
    found = (
        ProductCertificate.objects.filter(product__sku__in=skus)
        .select_related("product")
        .order_by("product__sku", "title", "id")
    )
    attachments: list[Attachment] = []
    notes: list[str] = []
    by_sku: dict[str, list[ProductCertificate]] = {}
    for certificate in found:
        by_sku.setdefault(certificate.product.sku, []).append(certificate)
    for sku in skus:
        listed = by_sku.get(sku, [])
        if not listed:
            notes.append(_("No certificate is on file for %(sku)s.") % {"sku": sku})
        for number, certificate in enumerate(listed, start=1):
            what = {"title": certificate.title, "sku": sku}
            if certificate.valid_until is not None and certificate.valid_until < on:
                notes.append(_("The certificate %(title)s (%(sku)s) has expired; ask for a new one.") % what)
                continue
            content = _read(certificate)
            if content is None:
                notes.append(_("The file of the certificate %(title)s (%(sku)s) is missing.") % what)
                continue
            extension = PurePosixPath(certificate.file.name).suffix.lower()
            mimetype = mimetypes.guess_type(f"file{extension}")[0] or "application/octet-stream"
            attachments.append(Attachment(f"certificate-{_safe(sku)}-{number}{extension}", content, mimetype))
    return Certificates(attachments=attachments, notes=notes)


def _read(certificate: ProductCertificate) -> bytes | None:
    if not certificate.file.name:
        return None
    try:
        with certificate.file.storage.open(certificate.file.name, "rb") as file:
            return file.read()
    except (FileNotFoundError, OSError):
        return None


# --- shared --------------------------------------------------------------------------------------


def _safe(text: str) -> str:
    """A piece of a file name: letters, digits, dot, dash and underscore only."""
    return UNSAFE_IN_FILENAME.sub("_", text).strip("._") or "x"


def _by_category_then_name(item) -> tuple:
    # Products without a category come last, under "Other".
    return (item.category == "", item.category.casefold(), item.name.casefold(), item.sku)


def _grouped(items: list) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.category or _("Other"), []).append(item)
    return list(groups.items())


def _money(amount: Decimal, currency: str) -> str:
    """An amount as the client reads it (II.2: the client's language is active), by CLDR:
    "12 500,00 ₽" in Russian, "RUB 12,500.00" in English."""
    return format_money(amount, currency=currency)


def _day(on: date) -> str:
    """A date as the client reads it: 02.11.2026 in Russian, 11/02/2026 in English. File names
    keep ISO dates, so they sort and stay stable."""
    return formats.date_format(on, "SHORT_DATE_FORMAT")


def _row(table, cells: list[str]) -> None:
    row = table.row()
    for text in cells:
        row.cell(str(text))


def company_name() -> str:
    """Who sends the documents and signs the e-mails to clients (settings.COMPANY_NAME)."""
    return settings.COMPANY_NAME or _("calldesk")


class _Document(FPDF):
    """An A4 page with the document's title on top and the company and "Page n of m" at the
    foot, in DejaVu Sans (embedded, subset to the letters used)."""

    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.add_font(FONT_FAMILY, style="", fname=FONTS / "DejaVuSans.ttf")
        self.add_font(FONT_FAMILY, style="B", fname=FONTS / "DejaVuSans-Bold.ttf")
        self.set_title(title)
        self.set_author(company_name())
        self.set_creator(company_name())
        self.set_lang(translation.get_language() or settings.LANGUAGE_CODE)
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font(FONT_FAMILY, style="B", size=14)
        self.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font(FONT_FAMILY, size=9)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT_FAMILY, size=8)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": self.str_alias_nb_pages}
        self.cell(0, 8, f"{company_name()} · {page}", align="C")

    def as_bytes(self) -> bytes:
        return bytes(self.output())
