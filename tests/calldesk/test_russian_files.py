"""Files as 1C and Russian Excel write them, for every file import (receivables, the price list):
Windows-1251 or UTF-8 with or without BOM, semicolons or commas, decimal commas with spaces
between thousands, dd.mm.yyyy dates; XLSX number and date cells. Nobody says which. The API's
JSON stays canonical (API.md, "Conventions")."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from calldesk.parsing import parse_file_date, parse_file_money
from calldesk.tabular import HeaderTitles, cell_text
from clients.exceptions import InvalidImport
from clients.models import Receivable
from clients.receivables import RECEIVABLES_FILE
from orders.exceptions import InvalidPriceList
from orders.models import Price, PriceChange, Product
from orders.pricelist import PRICE_LIST_FILE
from staff.models import Role
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
MONEY_LIMIT = Decimal(10) ** 12


@pytest.fixture
def shops(db):
    return (
        ClientFactory(name="Магазин «Ромашка»", tax_id="7701000001"),
        ClientFactory(name="Corner Shop Ltd", tax_id="7701000002"),
    )


@pytest.fixture
def finance(staff_of):
    return staff_of(Role.FINANCE, department_code="finance", username="norlova")


@pytest.fixture
def commercial(staff_of):
    return staff_of(Role.COMMERCIAL, department_code=None, username="kvasilieva")


def receivables():
    return sorted(
        Receivable.objects.values_list("document", "client__name", "issued_on", "due_on", "amount", "paid")
    )


def products():
    return sorted(
        Product.objects.values_list("sku", "name", "unit", "pack", "category", "active", "new_until")
    )


def prices():
    return sorted(Price.objects.values_list("product__sku", "column__code", "amount"))


def run(file_import, data: bytes, name: str, actor):
    return file_import.run(io.BytesIO(data), name, actor=actor)


# --- receivables ---------------------------------------------------------------------------------

# As 1C writes a receivables report for Excel: Windows-1251, semicolons, decimal commas with a
# no-break space between thousands, Russian dates (one with the time 1C adds to a date field).
RECEIVABLES_1C = (
    "document;client_tax_id;issued_on;due_on;amount;paid\r\n"
    "Реализация 00012;7701000001;01.11.2026;15.11.2026;12" + NBSP + "500,00;2 000,50\r\n"
    "Реализация 00013;7701000002;02.11.2026 0:00:00;02.12.2026;189,9;\r\n"
)


def test_a_windows_1251_semicolon_csv_with_decimal_commas_and_russian_dates_imports(shops, finance):
    data = RECEIVABLES_1C.encode("cp1251")

    result = run(RECEIVABLES_FILE, data, "дебиторка.csv", finance)

    assert (result.created, result.updated) == (2, 0)
    assert receivables() == [
        (
            "Реализация 00012",
            "Магазин «Ромашка»",
            date(2026, 11, 1),
            date(2026, 11, 15),
            Decimal("12500.00"),
            Decimal("2000.50"),
        ),
        (
            "Реализация 00013",
            "Corner Shop Ltd",
            date(2026, 11, 2),
            date(2026, 12, 2),
            Decimal("189.90"),
            Decimal("0.00"),
        ),
    ]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: ("\ufeff" + text).encode("utf-8"),
        lambda text: text.encode("cp1251"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1251"],
)
def test_the_same_file_in_any_encoding_imports_the_same(shops, finance, encode):
    run(RECEIVABLES_FILE, encode(RECEIVABLES_1C), "r.csv", finance)

    assert [row[:2] for row in receivables()] == [
        ("Реализация 00012", "Магазин «Ромашка»"),
        ("Реализация 00013", "Corner Shop Ltd"),
    ]
    assert [row[4] for row in receivables()] == [Decimal("12500.00"), Decimal("189.90")]


def test_a_comma_separated_utf8_bom_csv_with_quoted_decimal_commas_imports(shops, finance):
    data = (
        "\ufeffdocument,client_tax_id,issued_on,due_on,amount,paid\r\n"
        'Счёт №7,7701000001,2026-11-01,01.12.2026,"1 234,56","0,5"\r\n'
    ).encode("utf-8")

    run(RECEIVABLES_FILE, data, "r.csv", finance)

    assert receivables() == [
        (
            "Счёт №7",
            "Магазин «Ромашка»",
            date(2026, 11, 1),
            date(2026, 12, 1),
            Decimal("1234.56"),
            Decimal("0.50"),
        )
    ]


def test_bad_cells_of_a_windows_1251_file_are_named_by_row_and_column_and_nothing_is_written(shops, tmp_path):
    path = tmp_path / "долги.csv"
    path.write_bytes(
        (
            "document;client_tax_id;issued_on;due_on;amount;paid\r\n"
            "Реализация 1;7701000001;01.11.2026;15.11.2026;100,00;\r\n"
            "Реализация 2;7701000001;31.11.2026;15.11.26;1.234,50;12,345\r\n"
        ).encode("cp1251")
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_receivables", str(path), stderr=err)

    assert str(caught.value) == "Nothing was imported: some rows are not valid."
    assert err.getvalue().splitlines() == [
        "row 2, issued_on: 31.11.2026 is not a valid date.",
        "row 2, due_on: Expected a date as dd.mm.yyyy or YYYY-MM-DD.",
        'row 2, amount: "1.234,50" is not an amount such as 1234.50 or 1 234,50.',
        "row 2, paid: At most 2 decimal places.",
    ]
    assert not Receivable.objects.exists()


def test_the_api_stays_canonical_and_refuses_decimal_commas_and_russian_dates(api, shops, finance):
    row = {
        "document": "Реализация 00012",
        "client_tax_id": "7701000001",
        "issued_on": "01.11.2026",
        "due_on": "2026-11-15",
        "amount": "12 500,00",
    }

    response = api(finance).put("/api/v1/receivables", [row], content_type="application/json")

    assert response.status_code == 400
    assert [(e["row"], e["field"], e["detail"]) for e in response.json()["errors"]] == [
        (0, "issued_on", "Expected a date as YYYY-MM-DD."),
        (0, "amount", '"12 500,00" is not a decimal number such as 1234.50.'),
    ]
    assert not Receivable.objects.exists()


def test_the_admin_upload_reads_a_windows_1251_file(client, shops, staff_of):
    client.force_login(staff_of(Role.ADMIN, department_code=None))
    upload = SimpleUploadedFile("дебиторка.csv", RECEIVABLES_1C.encode("cp1251"), content_type="text/csv")

    response = client.post("/admin/clients/receivable/import/", {"file": upload})

    assert response.status_code == 302
    assert [row[0] for row in receivables()] == ["Реализация 00012", "Реализация 00013"]


# --- the price list ------------------------------------------------------------------------------

PRICE_LIST_1C = (
    "sku;name;unit;pack;category;active;new_until;base;column_2\r\n"
    "00231;Масло сливочное 82,5%, 0,5 кг;шт;12;Молочные продукты;ИСТИНА;31.12.2026;189,90;1"
    + NBSP
    + "175,50\r\n"
    '00232;"Сыр «Российский»; 1 кг";кг;1;Молочные продукты;ЛОЖЬ;;12 500,00;\r\n'
    "BUTTER-1;Butter, 0.5 kg;pcs;1;Dairy;true;2026-11-30;99.5;\r\n"
)


def test_a_windows_1251_semicolon_price_list_with_decimal_commas_imports(commercial):
    data = PRICE_LIST_1C.encode("cp1251")

    result = run(PRICE_LIST_FILE, data, "прайс.csv", commercial)

    assert (result.created, result.updated, result.prices_changed) == (3, 0, 4)
    assert products() == [
        ("00231", "Масло сливочное 82,5%, 0,5 кг", "шт", 12, "Молочные продукты", True, date(2026, 12, 31)),
        ("00232", "Сыр «Российский»; 1 кг", "кг", 1, "Молочные продукты", False, None),
        ("BUTTER-1", "Butter, 0.5 kg", "pcs", 1, "Dairy", True, date(2026, 11, 30)),
    ]
    assert prices() == [
        ("00231", "base", Decimal("189.90")),
        ("00231", "column_2", Decimal("1175.50")),
        ("00232", "base", Decimal("12500.00")),
        ("BUTTER-1", "base", Decimal("99.50")),
    ]
    assert PriceChange.objects.filter(changed_by=commercial, source="import").count() == 4


def test_the_same_price_list_in_utf8_with_bom_imports_the_same(commercial):
    run(PRICE_LIST_FILE, ("\ufeff" + PRICE_LIST_1C).encode("utf-8"), "p.csv", commercial)

    assert [row[:2] for row in products()] == [
        ("00231", "Масло сливочное 82,5%, 0,5 кг"),
        ("00232", "Сыр «Российский»; 1 кг"),
        ("BUTTER-1", "Butter, 0.5 kg"),
    ]
    assert [amount for _sku, _code, amount in prices()] == [
        Decimal("189.90"),
        Decimal("1175.50"),
        Decimal("12500.00"),
        Decimal("99.50"),
    ]


def test_a_bad_price_in_a_windows_1251_price_list_is_named_and_nothing_is_written(commercial):
    data = ("sku;name;base\r\n00231;Масло сливочное;189,90\r\n00232;Кефир 1%;сто рублей\r\n").encode("cp1251")

    with pytest.raises(InvalidPriceList) as caught:
        run(PRICE_LIST_FILE, data, "прайс.csv", commercial)

    assert [(e.row, e.field, e.detail) for e in caught.value.errors] == [
        (2, "prices.base", '"сто рублей" is not an amount such as 1234.50 or 1 234,50.')
    ]
    assert not Product.objects.exists()


# --- XLSX ----------------------------------------------------------------------------------------


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_number_cells_are_exact_money_and_date_cells_dates(commercial):
    data = xlsx(
        [
            ["sku", "name", "unit", "pack", "active", "new_until", "base", "column_2"],
            # 189.89999999999998 is what a sheet computes for 189.9 (=189.8+0.1): Excel's 189.9
            ["00231", "Масло сливочное", "шт", 12.0, True, datetime(2026, 12, 31), 189.8 + 0.1, 12500],
            ["00232", "Kefir 1%", "pcs", 1, False, date(2027, 1, 15), 0.1 + 0.2, "1 175,50"],
        ]
    )

    run(PRICE_LIST_FILE, data, "прайс.xlsx", commercial)

    assert [(sku, pack, active, new_until) for sku, _n, _u, pack, _c, active, new_until in products()] == [
        ("00231", 12, True, date(2026, 12, 31)),
        ("00232", 1, False, date(2027, 1, 15)),
    ]
    assert prices() == [
        ("00231", "base", Decimal("189.90")),
        ("00231", "column_2", Decimal("12500.00")),
        ("00232", "base", Decimal("0.30")),
        ("00232", "column_2", Decimal("1175.50")),
    ]


def test_an_xlsx_number_that_is_not_money_is_refused_with_its_row_and_column(shops, finance):
    data = xlsx(
        [
            ["document", "client_tax_id", "issued_on", "due_on", "amount"],
            ["Реализация 1", 7701000001, date(2026, 11, 1), date(2026, 11, 15), 189.12345],
            ["Реализация 2", 7701000002, 46327, date(2026, 11, 15), 10],
        ]
    )

    with pytest.raises(InvalidImport) as caught:
        run(RECEIVABLES_FILE, data, "r.xlsx", finance)

    assert [(e.row, e.field, e.detail) for e in caught.value.errors] == [
        (1, "amount", "At most 2 decimal places."),
        (2, "issued_on", "Expected a date as dd.mm.yyyy or YYYY-MM-DD."),
    ]
    assert not Receivable.objects.exists()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (189.8 + 0.1, "189.9"),
        (0.1 + 0.2, "0.3"),
        (1234.05, "1234.05"),
        (12500.0, "12500"),
        (7701000001.0, "7701000001"),
        (189.12345, "189.12345"),
        (datetime(2026, 11, 1), "2026-11-01"),
        ("  Ромашка ", "Ромашка"),
        (None, ""),
    ],
)
def test_a_cell_is_the_text_excel_shows(value, text):
    assert cell_text(value) == text


# --- the readers of a file's cells ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("189,90", "189.90"),
        ("189.9", "189.90"),
        ("12 500,00", "12500.00"),
        ("12" + NBSP + "500,00", "12500.00"),
        ("1\u202f234\u202f567,5", "1234567.50"),
        ("7", "7.00"),
        (" 0,05 ", "0.05"),
    ],
)
def test_a_files_money_may_have_a_decimal_comma_and_spaces_between_thousands(text, amount):
    assert parse_file_money(text, limit=MONEY_LIMIT) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,234.50", '"1,234.50" is not an amount such as 1234.50 or 1 234,50.'),
        ("1.234,50", '"1.234,50" is not an amount such as 1234.50 or 1 234,50.'),
        ("12 50,00", '"12 50,00" is not an amount such as 1234.50 or 1 234,50.'),
        ("189,90 ₽", '"189,90 ₽" is not an amount such as 1234.50 or 1 234,50.'),
        ("1,505", "At most 2 decimal places."),
        ("-5,00", "Must not be negative."),
    ],
)
def test_a_files_money_refuses_what_it_would_have_to_guess(text, message):
    with pytest.raises(ValueError) as caught:
        parse_file_money(text, limit=MONEY_LIMIT)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("01.11.2026", date(2026, 11, 1)),
        ("1.2.2027", date(2027, 2, 1)),
        ("29.02.2028", date(2028, 2, 29)),
        ("2026-11-01", date(2026, 11, 1)),
        ("01.11.2026 0:00:00", date(2026, 11, 1)),
    ],
)
def test_a_files_date_is_russian_or_iso(text, day):
    assert parse_file_date(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("29.02.2027", "29.02.2027 is not a valid date."),
        ("01.11.26", "Expected a date as dd.mm.yyyy or YYYY-MM-DD."),
        ("11/01/2026", "Expected a date as dd.mm.yyyy or YYYY-MM-DD."),
        ("01.11.2026 14:30:00", "Expected a date as dd.mm.yyyy or YYYY-MM-DD."),
    ],
)
def test_a_files_date_refuses_the_rest(text, message):
    with pytest.raises(ValueError) as caught:
        parse_file_date(text)
    assert str(caught.value) == message


# --- the column titles 1C and Russian Excel write --------------------------------------------------

# A receivables report titled as 1C titles it, in a case and with the punctuation people leave.
RECEIVABLES_TITLED_1C = (
    "Номер документа;ИНН:;Дата документа;СРОК ОПЛАТЫ.; Сумма ;Оплачено;Менеджер\r\n"
    "Реализация 00012;7701000001;01.11.2026;15.11.2026;12" + NBSP + "500,00;2 000,50;Петрова\r\n"
    "Реализация 00013;7701000002;02.11.2026;02.12.2026;189,9;;Смирнова\r\n"
)


def test_receivables_titled_as_1c_titles_them_import_exactly(shops, finance):
    result = run(RECEIVABLES_FILE, RECEIVABLES_TITLED_1C.encode("cp1251"), "дебиторка.csv", finance)

    assert (result.created, result.updated) == (2, 0)
    assert receivables() == [
        (
            "Реализация 00012",
            "Магазин «Ромашка»",
            date(2026, 11, 1),
            date(2026, 11, 15),
            Decimal("12500.00"),
            Decimal("2000.50"),
        ),
        (
            "Реализация 00013",
            "Corner Shop Ltd",
            date(2026, 11, 2),
            date(2026, 12, 2),
            Decimal("189.90"),
            Decimal("0.00"),
        ),
    ]


def test_the_short_receivables_titles_import_the_same(shops, finance):
    data = "Документ;ИНН;Дата;Срок оплаты;Сумма\r\nРеализация 7;7701000001;01.11.2026;01.12.2026;1 234,56\r\n"

    run(RECEIVABLES_FILE, data.encode("cp1251"), "r.csv", finance)

    assert receivables() == [
        (
            "Реализация 7",
            "Магазин «Ромашка»",
            date(2026, 11, 1),
            date(2026, 12, 1),
            Decimal("1234.56"),
            Decimal("0.00"),
        )
    ]


def test_a_receivables_header_without_a_known_title_names_the_accepted_titles(shops, finance):
    data = "Документ;Контрагент;Дата;Срок оплаты;Сумма\r\nРеализация 7;Ромашка;01.11.2026;01.12.2026;1,00\r\n"

    with pytest.raises(InvalidImport) as caught:
        run(RECEIVABLES_FILE, data.encode("cp1251"), "r.csv", finance)

    assert caught.value.status == 400
    assert caught.value.detail == (
        "The first row must name the columns: document / Документ / Номер документа / № документа / "
        "Номер, client_tax_id / ИНН / ИНН клиента / ИНН контрагента, issued_on / Дата / Дата документа, "
        "due_on / Срок оплаты / Оплатить до, amount / Сумма / Сумма документа, paid / Оплачено / "
        "Сумма оплаты."
    )
    assert [(e.field, e.detail) for e in caught.value.errors] == [
        ("client_tax_id", "The header has no column client_tax_id.")
    ]
    assert not Receivable.objects.exists()


# A price list titled as 1C titles it; a price column by its name as well as by its code.
PRICE_LIST_TITLED_1C = (
    "Артикул;Наименование;Ед. изм.;В упаковке;Группа;Активен;Новинка до;Цена;Column 2;COLUMN_3\r\n"
    "00231;Масло сливочное 82,5%, 0,5 кг;шт;12;Молочные продукты;ИСТИНА;31.12.2026;189,90;1"
    + NBSP
    + "175,50;170\r\n"
    '00232;"Сыр «Российский»; 1 кг";кг;1;Молочные продукты;ЛОЖЬ;;12 500,00;;\r\n'
)


def test_a_price_list_titled_as_1c_titles_it_imports_exactly(commercial):
    result = run(PRICE_LIST_FILE, PRICE_LIST_TITLED_1C.encode("cp1251"), "прайс.csv", commercial)

    assert (result.created, result.updated, result.prices_changed) == (2, 0, 4)
    assert products() == [
        ("00231", "Масло сливочное 82,5%, 0,5 кг", "шт", 12, "Молочные продукты", True, date(2026, 12, 31)),
        ("00232", "Сыр «Российский»; 1 кг", "кг", 1, "Молочные продукты", False, None),
    ]
    assert prices() == [
        ("00231", "base", Decimal("189.90")),
        ("00231", "column_2", Decimal("1175.50")),
        ("00231", "column_3", Decimal("170.00")),
        ("00232", "base", Decimal("12500.00")),
    ]


def test_an_unknown_price_list_title_is_refused_naming_the_accepted_titles(commercial):
    data = "Артикул;Наименование;Цена;Остаток\r\n00231;Масло;189,90;5\r\n".encode("cp1251")

    with pytest.raises(InvalidPriceList) as caught:
        run(PRICE_LIST_FILE, data, "прайс.csv", commercial)

    assert caught.value.status == 400
    assert caught.value.detail == (
        "The first row must name the columns: sku / Артикул / Код / Код товара, name / Наименование / "
        "Номенклатура / Название / Товар, unit / Ед. изм. / Единица измерения / Единица / Ед., pack / "
        "В упаковке / Упаковка / Кратность, category / Категория / Группа / Группа товаров, active / "
        "Активен / Активный / Действует, new_until / Новинка до, vat_rate / Ставка НДС / НДС / НДС, % / "
        "Ставка НДС, %, min_quantity / Минимальный заказ / Мин. заказ / Минимум / Минимальное количество, "
        "whole_packs / Только упаковками / Целыми упаковками / Кратно упаковке, base / Цена / Базовая цена / "
        "Цена базовая / Base, column_2 / Column 2, column_3 / Column 3, column_4 / Column 4."
    )
    assert [(e.field, e.detail) for e in caught.value.errors] == [
        ("Остаток", "Unknown column Остаток: neither a product field nor a price column code.")
    ]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("Расчёт", "paid"),
        ("РАСЧЕТ", "paid"),
        ("  расчет:  ", "paid"),
        ("«Расчет»", "paid"),
        ("\ufeffpaid", "paid"),
        ("Client_Tax_ID", "client_tax_id"),
        ("ИНН.", "client_tax_id"),
        ("Расчеты", None),
        ("", None),
    ],
)
def test_a_header_title_is_compared_without_case_yo_spaces_or_punctuation(title, field):
    titles = HeaderTitles({"paid": ["Расчёт"], "client_tax_id": ["ИНН"]})

    assert titles.field(title) == field
