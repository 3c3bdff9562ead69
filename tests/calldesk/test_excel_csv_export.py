"""The CSV that Excel in Russian opens in columns (semicolons, UTF-8 with BOM, decimal commas,
dd.mm.yyyy), offered beside CSV and XLSX wherever the desk exports a table; the formula guard
holds in it too, and the desk's own import reads it back unchanged."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calldesk.errors import InvalidInput
from calldesk.exporting import EXPORT_FORMATS, csv_bytes, table_bytes
from orders.models import Price, Product
from orders.pricelist import PRICE_LIST_FILE, export_price_list
from reports.models import ExportJob
from staff.models import Role
from tests.factories import ProductFactory, price

pytestmark = pytest.mark.django_db


def test_the_excel_csv_has_a_bom_semicolons_decimal_commas_and_russian_dates():
    content = csv_bytes(
        ["Клиент", "Сумма", "День", "Время", "Заметка"],
        [
            [
                "Магазин «Ромашка»",
                Decimal("12500.50"),
                date(2026, 11, 2),
                datetime(2026, 11, 2, 19, 44),
                "a;b",
            ],
            ["=1+2", Decimal("-5.00"), None, None, "-1"],
            ["Corner Shop", 3, None, None, True],
        ],
        excel=True,
    )

    assert content[:3] == b"\xef\xbb\xbf"
    assert content.decode("utf-8") == (
        "\ufeffКлиент;Сумма;День;Время;Заметка\r\n"
        'Магазин «Ромашка»;12500,50;02.11.2026;02.11.2026 19:44:00;"a;b"\r\n'
        "'=1+2;-5,00;;;'-1\r\n"
        "Corner Shop;3;;;true\r\n"
    )


def test_every_format_is_offered_by_one_list_and_an_unknown_one_is_refused():
    assert list(EXPORT_FORMATS) == ["csv", "csv-excel", "xlsx"]
    assert ExportJob.Format.values == list(EXPORT_FORMATS)  # the dashboard's jobs know each one
    assert [(f.extension, f.content_type) for f in EXPORT_FORMATS.values()] == [
        ("csv", "text/csv; charset=utf-8"),
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]
    with pytest.raises(InvalidInput) as caught:
        table_bytes("pdf", ["a"], [], title="x")
    assert caught.value.detail == "Export as one of: csv, csv-excel, xlsx."
    assert [(e.field, e.detail) for e in caught.value.errors] == [
        ("format", "Expected one of: csv, csv-excel, xlsx.")
    ]


@pytest.fixture
def catalog(db):
    butter = ProductFactory(
        sku="00231",
        name="Масло сливочное 82,5%; 0,5 кг",
        unit="шт",
        pack=20,
        category="Молочные продукты",
        new_until=date(2026, 12, 31),
    )
    price(butter, "base", "189.90")
    price(butter, "column_2", "12500.00")
    cola = ProductFactory(sku="COLA", name="=Cola 0.5 l", unit="pcs", pack=12, category="Drinks")
    price(cola, "base", "50.00")
    return butter, cola


def snapshot():
    return (
        sorted(Product.objects.values_list("sku", "name", "unit", "pack", "category", "active", "new_until")),
        sorted(Price.objects.values_list("product__sku", "column__code", "amount")),
    )


def test_the_price_list_exports_for_excel_and_imports_back_unchanged(catalog, staff_of):
    before = snapshot()

    content = export_price_list("csv-excel")

    assert content.startswith(
        b"\xef\xbb\xbfsku;name;unit;pack;category;active;new_until;vat_rate;min_quantity;whole_packs;base;column_2;"
    )
    assert content.decode("utf-8-sig").split("\r\n") == [
        "sku;name;unit;pack;category;active;new_until;vat_rate;min_quantity;whole_packs;base;column_2;"
        "column_3;column_4",
        '00231;"Масло сливочное 82,5%; 0,5 кг";шт;20;Молочные продукты;true;31.12.2026;20;0,000;false;'
        "189,90;12500,00;;",
        "COLA;'=Cola 0.5 l;pcs;12;Drinks;true;;20;0,000;false;50,00;;;",
        "",
    ]
    commercial = staff_of(Role.COMMERCIAL, department_code=None)
    result = PRICE_LIST_FILE.run(io.BytesIO(content), "прайс.csv", actor=commercial)
    assert (result.created, result.updated, result.prices_changed) == (0, 0, 0)
    assert snapshot() == before


def test_the_export_command_writes_the_excel_csv(catalog, tmp_path):
    path = tmp_path / "прайс.csv"
    out = io.StringIO()

    call_command("export_price_list", str(path), "--format", "csv-excel", stdout=out)

    assert out.getvalue().strip() == f"Wrote {path} (csv-excel)."
    assert path.read_bytes() == export_price_list("csv-excel")


def test_the_admin_offers_the_excel_csv_of_the_price_list(client, catalog, staff_of):
    client.force_login(staff_of(Role.COMMERCIAL, department_code=None))
    url = reverse("admin:orders_product_export", args=["csv-excel"])
    changelist = client.get(reverse("admin:orders_product_changelist")).content.decode()
    assert f'<a href="{url}">Export CSV for Excel (semicolons, decimal commas)</a>' in changelist

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="price-list-{timezone.localdate().isoformat()}.csv"'
    )
    assert response.content == export_price_list("csv-excel")
