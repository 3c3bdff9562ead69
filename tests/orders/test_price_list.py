"""The price list: one all-or-nothing upsert by SKU with every price change recorded, through the
API, a file (admin upload and `manage.py import_price_list`), and single edits in the admin matrix."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from calldesk.errors import Forbidden, InvalidInput
from orders.exceptions import InvalidPriceList
from orders.models import DiscountRule, Order, Price, PriceChange, PriceColumn, Product, Special
from orders.pricelist import export_price_list, read_price_list_file, set_price, upsert_price_list
from orders.promotions import create_discount_rule, create_special
from staff.models import Role
from tests.factories import ClientFactory, OrderFactory, ProductFactory, client_type, price

pytestmark = pytest.mark.django_db

URL = "/api/v1/price-list"


def row(sku, base="10.00", **overrides):
    data = {
        "sku": sku,
        "name": f"Product {sku}",
        "unit": "pcs",
        "new_until": None,
        "active": True,
        "prices": {"base": base},
    }
    data.update(overrides)
    return data


def put(http, payload):
    return http.put(URL, payload, content_type="application/json")


def snapshot():
    products = sorted(
        Product.objects.values_list("sku", "name", "unit", "pack", "category", "active", "new_until")
    )
    prices = sorted(Price.objects.values_list("product__sku", "column__code", "amount"))
    return products, prices, PriceChange.objects.count()


def history():
    return set(
        PriceChange.objects.values_list(
            "product__sku", "column__code", "old_amount", "new_amount", "changed_by__username", "source"
        )
    )


def column_id(code):
    return PriceColumn.objects.get(code=code).pk


@pytest.fixture
def commercial(staff_of):
    return staff_of(Role.COMMERCIAL, department_code=None, username="kvasilieva")


# --- the upsert ----------------------------------------------------------------------------------


def test_upsert_creates_and_updates_by_sku_and_records_each_changed_price(commercial):
    cola = ProductFactory(sku="COLA", name="Cola", unit="pcs")
    price(cola, "base", "10.00")
    price(cola, "column_2", "9.50")
    rows = [
        row(
            "COLA",
            name="Cola",
            prices={"base": "11.00", "column_2": "9.50", "column_3": "9"},  # changed, same, new
        ),
        row("TEA", base="5", pack="12", category="Tea", new_until="2027-01-31"),
    ]

    result = upsert_price_list(rows=rows, actor=commercial, source="api")

    assert (result.created, result.updated, result.prices_changed) == (1, 1, 3)
    tea = Product.objects.get(sku="TEA")
    assert (tea.name, tea.pack, tea.category, tea.active, tea.new_until) == (
        "Product TEA",
        12,
        "Tea",
        True,
        date(2027, 1, 31),
    )
    assert sorted(Price.objects.values_list("product__sku", "column__code", "amount")) == [
        ("COLA", "base", Decimal("11.00")),
        ("COLA", "column_2", Decimal("9.50")),
        ("COLA", "column_3", Decimal("9.00")),
        ("TEA", "base", Decimal("5.00")),
    ]
    assert history() == {
        ("COLA", "base", Decimal("10.00"), Decimal("11.00"), "kvasilieva", "api"),
        ("COLA", "column_3", None, Decimal("9.00"), "kvasilieva", "api"),
        ("TEA", "base", None, Decimal("5.00"), "kvasilieva", "api"),
    }


def test_reimporting_the_same_data_changes_nothing(commercial):
    rows = [
        row("COLA", prices={"base": "10.00", "column_2": "9.50"}, pack=6, category="Soft drinks"),
        row("TEA", base="5.5", new_until="2027-01-31", active=False),
    ]
    first = upsert_price_list(rows=rows, actor=commercial, source="api")
    assert (first.created, first.updated, first.prices_changed) == (2, 0, 3)
    before = snapshot()

    again = upsert_price_list(rows=rows, actor=commercial, source="api")

    assert (again.created, again.updated, again.prices_changed) == (0, 0, 0)
    assert snapshot() == before


def test_a_changed_product_field_is_an_update_without_price_history(commercial):
    cola = ProductFactory(sku="COLA", name="Cola", unit="pcs")
    price(cola, "base", "10.00")

    result = upsert_price_list(rows=[row("COLA", name="Cola Zero")], actor=commercial, source="api")

    assert (result.created, result.updated, result.prices_changed) == (0, 1, 0)
    assert Product.objects.get(sku="COLA").name == "Cola Zero"
    assert not PriceChange.objects.exists()


def test_fields_and_columns_left_out_keep_their_values_and_null_removes_a_price(commercial):
    cola = ProductFactory(sku="COLA", name="Cola", unit="l", pack=6, category="Soft drinks")
    price(cola, "base", "10.00")
    price(cola, "column_2", "9.50")
    price(cola, "column_3", "9.00")
    sparse = {"sku": "COLA", "name": "Cola", "prices": {"base": "10.00", "column_3": None}}

    result = upsert_price_list(rows=[sparse], actor=None, source="import")

    assert (result.created, result.updated, result.prices_changed) == (0, 1, 1)
    cola.refresh_from_db()
    assert (cola.unit, cola.pack, cola.category) == ("l", 6, "Soft drinks")
    assert sorted(Price.objects.values_list("column__code", "amount")) == [
        ("base", Decimal("10.00")),
        ("column_2", Decimal("9.50")),
    ]
    assert history() == {("COLA", "column_3", Decimal("9.00"), None, None, "import")}


def test_bad_rows_are_all_reported_and_nothing_is_written(api, commercial):
    cola = ProductFactory(sku="COLA", name="Cola")
    price(cola, "base", "10.00")
    before = snapshot()
    payload = [
        row("GOOD-1"),  # 0: good
        row("NO-BASE", prices={"column_2": "9.00"}),  # 1: no base price
        row("UNKNOWN-COLUMN", prices={"base": "1.00", "column_9": "1.00"}),  # 2
        row("FLOAT", base=10.5),  # 3: money as a JSON number
        row("THREE-PLACES", base="10.005"),  # 4
        row("NEGATIVE", base="-1.00"),  # 5
        row("GOOD-1", base="11.00"),  # 6: duplicate SKU
        {k: v for k, v in row("NO-NAME").items() if k != "name"},  # 7: missing name
        row("COLA", base="12.00"),  # 8: a good update, not written either
        row("TWO-BAD", base="abc", new_until="2026-02-30"),  # 9: two bad fields
        "not an object",  # 10
    ]

    response = put(api(commercial), payload)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert {(e["row"], e["field"]) for e in body["errors"]} == {
        (1, "prices.base"),
        (2, "prices.column_9"),
        (3, "prices.base"),
        (4, "prices.base"),
        (5, "prices.base"),
        (6, "sku"),
        (7, "name"),
        (9, "new_until"),
        (9, "prices.base"),
        (10, ""),
    }
    assert {"row": 6, "field": "sku", "detail": "SKU GOOD-1 is already in row 0 of this price list."} in (
        body["errors"]
    )
    assert all(e["detail"] for e in body["errors"])
    assert [e["row"] for e in body["errors"]] == sorted(e["row"] for e in body["errors"])
    assert snapshot() == before


@pytest.mark.parametrize("count", [5, 50])
def test_the_upsert_runs_in_a_constant_number_of_queries(count, commercial, django_assert_num_queries):
    existing = count // 2
    for number in range(existing):
        product = ProductFactory(sku=f"SKU-{number}")
        price(product, "base", "10.00")
        price(product, "column_2", "9.00")
    rows = [
        row(f"SKU-{number}", name=f"Renamed {number}", prices={"base": "20.00", "column_2": "19.00"})
        for number in range(count)
    ]

    # the actor's role, savepoint, columns, products by SKU, their prices, insert products,
    # update products, update prices, insert prices, insert history, release savepoint
    with django_assert_num_queries(11):
        result = upsert_price_list(rows=rows, actor=commercial, source="api")

    assert (result.created, result.updated, result.prices_changed) == (count - existing, existing, 2 * count)


def test_the_upsert_refuses_a_role_that_may_not_edit_prices(operator):
    with pytest.raises(Forbidden):
        upsert_price_list(rows=[row("COLA")], actor=operator, source="api")
    assert not Product.objects.exists()


# --- single edits --------------------------------------------------------------------------------


def test_set_price_records_who_changed_it_and_an_unchanged_price_writes_nothing(commercial):
    cola = ProductFactory(sku="COLA")
    price(cola, "base", "10.00")

    set_price(product_id=cola.pk, column_code="base", amount="12.40", actor=commercial)
    set_price(product_id=cola.pk, column_code="column_4", amount=Decimal("8"), actor=commercial)
    set_price(product_id=cola.pk, column_code="base", amount="12.4", actor=commercial)  # the same

    assert sorted(Price.objects.values_list("column__code", "amount")) == [
        ("base", Decimal("12.40")),
        ("column_4", Decimal("8.00")),
    ]
    assert history() == {
        ("COLA", "base", Decimal("10.00"), Decimal("12.40"), "kvasilieva", "admin"),
        ("COLA", "column_4", None, Decimal("8.00"), "kvasilieva", "admin"),
    }


@pytest.mark.parametrize(
    ("column_code", "amount", "field"),
    [("base", "-1", "amount"), ("base", 1.5, "amount"), ("column_9", "1.00", "column")],
)
def test_set_price_refuses_bad_input(commercial, column_code, amount, field):
    cola = ProductFactory(sku="COLA")
    with pytest.raises(InvalidInput) as caught:
        set_price(product_id=cola.pk, column_code=column_code, amount=amount, actor=commercial)
    assert [e.field for e in caught.value.errors] == [field]
    assert not Price.objects.exists() and not PriceChange.objects.exists()


def test_set_price_refuses_an_operator(operator):
    cola = ProductFactory(sku="COLA")
    with pytest.raises(Forbidden):
        set_price(product_id=cola.pk, column_code="base", amount="1.00", actor=operator)


# --- specials and discount rules -------------------------------------------------------------------


def test_create_special_and_discount_rule_record_who(commercial):
    cola = ProductFactory(sku="COLA")

    special = create_special(
        actor=commercial,
        sku="COLA",
        valid_from=date(2026, 11, 1),
        valid_to=date(2026, 11, 30),
        client_types=["market", "retail"],
        note="Two for one",
        special_price="45.00",
    )
    rule = create_discount_rule(
        actor=commercial,
        column="column_2",
        client_types=[],
        min_subtotal="5000",
        priority=20,
        valid_from="2026-01-01",
        valid_to=None,
    )

    assert (special.product, special.created_by, special.special_price) == (
        cola,
        commercial,
        Decimal("45.00"),
    )
    assert sorted(special.client_types.values_list("code", flat=True)) == ["market", "retail"]
    assert (rule.column.code, rule.min_subtotal, rule.priority, rule.created_by) == (
        "column_2",
        Decimal("5000.00"),
        20,
        commercial,
    )
    assert not rule.client_types.exists()


def test_special_and_rule_validation_names_every_bad_field(commercial):
    with pytest.raises(InvalidInput) as special_error:
        create_special(
            actor=commercial,
            sku="NOPE",
            valid_from=date(2026, 11, 30),
            valid_to=date(2026, 11, 1),
            client_types=["martians"],
            note="",
        )
    with pytest.raises(InvalidInput) as rule_error:
        create_discount_rule(
            actor=commercial,
            column="column_9",
            client_types=["market", "martians"],
            min_subtotal="-1",
            priority=10,
            valid_from=date(2026, 11, 30),
            valid_to=date(2026, 11, 1),
        )

    assert {e.field for e in special_error.value.errors} == {"sku", "valid_to", "client_types", "note"}
    assert {e.field for e in rule_error.value.errors} == {
        "column",
        "client_types",
        "min_subtotal",
        "valid_to",
    }
    assert not Special.objects.exists() and not DiscountRule.objects.exists()


# --- files and the commands ------------------------------------------------------------------------

HEADER = ["sku", "name", "unit", "pack", "category", "active", "new_until", "base", "column_2", "column_3"]


def csv_bytes(rows, delimiter=";"):
    return ("\ufeff" + "\r\n".join(delimiter.join(cells) for cells in rows) + "\r\n").encode()


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def catalog(db):
    cola = ProductFactory(sku="COLA", name="Cola, 0.5 l", unit="pcs", pack=12, category="Soft drinks")
    price(cola, "base", "50.00")
    price(cola, "column_2", "48.50")
    tea = ProductFactory(sku="TEA", name='Tea; black, "Assam"', unit="kg", new_until=date(2027, 1, 31))
    price(tea, "base", "1234.05")
    price(tea, "column_4", "1100.00")
    price(ProductFactory(sku="OLD", name="Old juice", active=False), "base", "0.00")
    return cola, tea


def test_csv_with_bom_and_semicolons_is_read_as_rows(db):
    data = csv_bytes([HEADER, ["COLA", "Cola", "pcs", "12", "Soft drinks", "true", "", "50.00", "48.50", ""]])

    [parsed] = read_price_list_file(io.BytesIO(data), "prices.CSV")

    assert parsed == {
        "sku": "COLA",
        "name": "Cola",
        "unit": "pcs",
        "pack": "12",
        "category": "Soft drinks",
        "active": "true",
        "new_until": "",
        "prices": {"base": "50.00", "column_2": "48.50", "column_3": None},
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(fmt, catalog, commercial):
    before = snapshot()

    data = export_price_list(fmt)
    rows = read_price_list_file(io.BytesIO(data), f"prices.{fmt}")
    result = upsert_price_list(rows=rows, actor=commercial, source="import", first_row=1)

    assert (result.created, result.updated, result.prices_changed) == (0, 0, 0)
    assert snapshot() == before
    assert [r["sku"] for r in rows] == ["COLA", "OLD", "TEA"]


def test_export_has_the_header_and_money_with_two_places(catalog):
    csv_text = export_price_list("csv").decode("utf-8")
    sheet = load_workbook(io.BytesIO(export_price_list("xlsx"))).active

    lines = csv_text.lstrip("\ufeff").splitlines()
    assert (
        lines[0]
        == "sku,name,unit,pack,category,active,new_until,vat_rate,min_quantity,whole_packs,base,column_2,"
        "column_3,column_4"
    )
    assert lines[1] == 'COLA,"Cola, 0.5 l",pcs,12,Soft drinks,true,,20,0.000,false,50.00,48.50,,'
    assert lines[3] == 'TEA,"Tea; black, ""Assam""",kg,1,,true,2027-01-31,20,0.000,false,1234.05,,,1100.00'
    assert [cell.value for cell in sheet[1]] == lines[0].split(",")
    tea = [cell.value for cell in sheet[4]]
    assert tea == [
        "TEA",
        'Tea; black, "Assam"',
        "kg",
        1,
        None,
        True,
        datetime(2027, 1, 31),
        20,
        0,
        False,
        1234.05,
        None,
        None,
        1100,
    ]
    assert sheet["K4"].number_format == "0.00"


def test_a_name_that_looks_like_a_formula_stays_text_in_xlsx(commercial):
    price(ProductFactory(sku="EQ", name='=HYPERLINK("http://x.test")'), "base", "1.00")
    before = snapshot()
    data = export_price_list("xlsx")

    rows = read_price_list_file(io.BytesIO(data), "p.xlsx")
    result = upsert_price_list(rows=rows, actor=commercial, source="import", first_row=1)

    assert rows[0]["name"] == '=HYPERLINK("http://x.test")'
    assert (result.created, result.updated, result.prices_changed) == (0, 0, 0)
    assert snapshot() == before
    assert load_workbook(io.BytesIO(data)).active["B2"].data_type == "s"


FORMULA_NAMES = {"SUM": "=SUM(A1)", "PLUS": "+7 495 111-22-33", "MINUS": "-Квас-", "AT": "@Тархун"}


def test_a_name_that_looks_like_a_formula_stays_text_in_csv(commercial):
    for sku, name in FORMULA_NAMES.items():
        price(ProductFactory(sku=sku, name=name), "base", "1.00")
    before = snapshot()
    data = export_price_list("csv")

    lines = data.decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[1:] == [
        "AT,'@Тархун,pcs,1,,true,,20,0.000,false,1.00,,,",
        "MINUS,'-Квас-,pcs,1,,true,,20,0.000,false,1.00,,,",
        "PLUS,'+7 495 111-22-33,pcs,1,,true,,20,0.000,false,1.00,,,",
        "SUM,'=SUM(A1),pcs,1,,true,,20,0.000,false,1.00,,,",
    ]
    rows = read_price_list_file(io.BytesIO(data), "p.csv")
    result = upsert_price_list(rows=rows, actor=commercial, source="import", first_row=1)

    assert {row["sku"]: row["name"] for row in rows} == FORMULA_NAMES
    assert (result.created, result.updated, result.prices_changed) == (0, 0, 0)
    assert snapshot() == before


def test_import_into_an_empty_database_from_an_export_recreates_everything(catalog, commercial):
    data = export_price_list("xlsx")
    before = snapshot()[:2]
    Price.objects.all().delete()
    Product.objects.all().delete()

    result = upsert_price_list(
        rows=read_price_list_file(io.BytesIO(data), "p.xlsx"), actor=commercial, source="import", first_row=1
    )

    assert (result.created, result.updated, result.prices_changed) == (3, 0, 5)
    assert snapshot()[:2] == before


def test_a_header_with_an_unknown_or_missing_column_is_refused(db):
    with pytest.raises(InvalidPriceList) as caught:
        read_price_list_file(
            io.BytesIO(csv_bytes([["sku", "column_9", "colour"], ["A", "1", "red"]])), "p.csv"
        )
    assert {e.field for e in caught.value.errors} == {"column_9", "colour", "name", "base"}


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "p.csv"),
        ("sku;name;base\r\n".encode("utf-16"), "p.csv"),  # not UTF-8
        (b"not a zip", "p.xlsx"),
        (b"whatever", "p.xls"),
    ],
)
def test_unreadable_files_are_refused_clearly(content, name):
    with pytest.raises(InvalidPriceList) as caught:
        read_price_list_file(io.BytesIO(content), name)
    assert caught.value.detail


def test_xlsx_cells_typed_as_numbers_and_dates_are_read(commercial):
    data = xlsx_bytes(
        [
            HEADER,
            ["COLA", "Cola", "pcs", 12, "", True, date(2027, 1, 31), 50, 48.5, None],
            [None] * len(HEADER),  # formatted but empty: dropped
        ]
    )

    rows = read_price_list_file(io.BytesIO(data), "p.xlsx")
    result = upsert_price_list(rows=rows, actor=commercial, source="import", first_row=1)

    assert len(rows) == 1
    assert rows[0]["prices"] == {"base": "50", "column_2": "48.5", "column_3": None}
    assert (result.created, result.prices_changed) == (1, 2)
    cola = Product.objects.get(sku="COLA")
    assert (cola.pack, cola.active, cola.new_until) == (12, True, date(2027, 1, 31))


def test_import_command_prints_every_bad_row_and_writes_nothing(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                HEADER,
                ["COLA", "Cola", "pcs", "12", "", "true", "", "50.00", "", ""],
                ["TEA", "", "pcs", "1", "", "true", "", "", "", ""],
                ["JUICE", "Juice", "pcs", "1", "", "maybe", "", "1,505", "", ""],
            ]
        )
    )
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_price_list", str(path), stderr=err)

    assert err.getvalue().splitlines() == [
        "row 2, name: This field is required.",
        "row 2, prices.base: A product needs a base price.",
        "row 3, active: Expected true or false.",
        "row 3, prices.base: At most 2 decimal places.",
    ]
    assert not Product.objects.exists()


def test_export_and_import_commands_round_trip(catalog, tmp_path):
    before = snapshot()
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"prices.{fmt}"
        out = io.StringIO()
        call_command("export_price_list", str(path), stdout=out)
        assert path.read_bytes()[:2] in {b"\xef\xbb", b"PK"}

        out = io.StringIO()
        call_command("import_price_list", str(path), stdout=out)

        assert out.getvalue().strip() == "created 0, updated 0, prices changed 0"
    assert snapshot() == before
    stdout = io.StringIO()
    call_command("export_price_list", "-", "--format", "csv", stdout=stdout)
    assert stdout.getvalue().lstrip("\ufeff").startswith("sku,name,unit")


# --- admin ---------------------------------------------------------------------------------------


def product_form(product, prices, **changes):
    """The product change form as the browser posts it, with its price rows."""
    data = {
        "sku": product.sku,
        "name": product.name,
        "unit": product.unit,
        "pack": product.pack,
        "category": product.category,
        "active": "on" if product.active else "",
        "new_until": product.new_until.isoformat() if product.new_until else "",
        "prices-TOTAL_FORMS": len(prices),
        "prices-INITIAL_FORMS": sum(1 for p in prices if p.get("id")),
        "certificates-TOTAL_FORMS": 0,
        "certificates-INITIAL_FORMS": 0,
    }
    for number, fields in enumerate(prices):
        for name, value in fields.items():
            data[f"prices-{number}-{name}"] = value
        data[f"prices-{number}-product"] = product.pk
    data.update(changes)
    return data


def test_commercial_changes_prices_in_the_admin_matrix_and_history_records_it(client, commercial):
    cola = ProductFactory(sku="COLA", name="Cola")
    base = price(cola, "base", "10.00")
    second = price(cola, "column_2", "9.50")
    third = price(cola, "column_3", "9.00")
    client.force_login(commercial)
    url = reverse("admin:orders_product_change", args=[cola.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="prices-0-amount"' in page.content.decode()

    response = client.post(
        url,
        product_form(
            cola,
            [
                {"id": base.pk, "amount": "10.80"},  # changed
                {"id": second.pk, "amount": "9.50"},  # the same
                {"id": third.pk, "amount": "9.00", "DELETE": "on"},  # removed
                {"column": column_id("column_4"), "amount": "8.00"},  # new
            ],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(Price.objects.values_list("column__code", "amount")) == [
        ("base", Decimal("10.80")),
        ("column_2", Decimal("9.50")),
        ("column_4", Decimal("8.00")),
    ]
    assert history() == {
        ("COLA", "base", Decimal("10.00"), Decimal("10.80"), "kvasilieva", "admin"),
        ("COLA", "column_3", Decimal("9.00"), None, "kvasilieva", "admin"),
        ("COLA", "column_4", None, Decimal("8.00"), "kvasilieva", "admin"),
    }


def test_commercial_adds_a_product_with_its_base_price_in_admin(client, commercial):
    client.force_login(commercial)
    url = reverse("admin:orders_product_add")
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["inline_admin_formsets"][0].formset.forms[0].initial["column"].code == "base"
    data = {
        "sku": "NEW",
        "name": "New juice",
        "unit": "pcs",
        "pack": 6,
        "category": "",
        "active": "on",
        "new_until": "",
        "prices-TOTAL_FORMS": 1,
        "prices-INITIAL_FORMS": 0,
        "prices-0-column": column_id("base"),
        "prices-0-amount": "33.30",
        "certificates-TOTAL_FORMS": 0,
        "certificates-INITIAL_FORMS": 0,
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert history() == {("NEW", "base", None, Decimal("33.30"), "kvasilieva", "admin")}


def test_admin_matrix_refuses_removing_the_base_price(client, commercial):
    cola = ProductFactory(sku="COLA")
    base = price(cola, "base", "10.00")
    client.force_login(commercial)

    response = client.post(
        reverse("admin:orders_product_change", args=[cola.pk]),
        product_form(cola, [{"id": base.pk, "amount": "10.00", "DELETE": "on"}]),
    )

    assert response.status_code == 200
    assert "A product needs a base price." in response.content.decode()
    assert Price.objects.filter(product=cola).count() == 1
    assert not PriceChange.objects.exists()


def test_commercial_imports_and_exports_the_price_list_in_admin(client, commercial, catalog):
    client.force_login(commercial)
    changelist = client.get(reverse("admin:orders_product_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    import_url = reverse("admin:orders_product_import")
    assert import_url in html
    assert reverse("admin:orders_product_export", args=["xlsx"]) in html

    exported = client.get(reverse("admin:orders_product_export", args=["csv"]))
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith('attachment; filename="price-list-')
    xlsx = client.get(reverse("admin:orders_product_export", args=["xlsx"]))
    assert xlsx.content[:2] == b"PK"

    text = exported.content.decode("utf-8").replace("50.00,48.50", "51.00,48.50")
    upload = SimpleUploadedFile("prices.csv", text.encode("utf-8"), content_type="text/csv")
    response = client.post(import_url, {"file": upload}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:orders_product_changelist")
    assert "Price list imported: created 0, updated 1, prices changed 1." in response.content.decode()
    assert history() == {("COLA", "base", Decimal("50.00"), Decimal("51.00"), "kvasilieva", "import")}


def test_admin_import_of_a_bad_file_lists_the_rows_and_writes_nothing(client, commercial, catalog):
    client.force_login(commercial)
    before = snapshot()
    bad = csv_bytes(
        [HEADER, ["COLA", "Cola", "pcs", "12", "", "true", "", "-5", "", ""], ["COLA"] + [""] * 9]
    )
    upload = SimpleUploadedFile("prices.csv", bad, content_type="text/csv")

    response = client.post(reverse("admin:orders_product_import"), {"file": upload})

    assert response.status_code == 200
    assert {(e.row, e.field) for e in response.context["errors"]} == {
        (1, "prices.base"),
        (2, "sku"),
        (2, "name"),
        (2, "prices.base"),
    }
    assert 'id="import-errors"' in response.content.decode()
    assert snapshot() == before


def test_price_history_and_orders_are_read_only_in_admin(client, staff_of, commercial):
    cola = ProductFactory(sku="COLA")
    set_price(product_id=cola.pk, column_code="base", amount="1.00", actor=commercial)
    client.force_login(commercial)
    assert client.get(reverse("admin:orders_pricechange_changelist")).status_code == 200
    assert client.get(reverse("admin:orders_pricechange_add")).status_code == 403

    order = OrderFactory(client=ClientFactory(type=client_type("market")))
    client.force_login(staff_of(Role.ADMIN, department_code=None))
    view = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert view.status_code == 200
    assert 'name="status"' not in view.content.decode()
    assert client.get(reverse("admin:orders_order_add")).status_code == 403
    assert (
        client.post(reverse("admin:orders_order_delete", args=[order.pk]), {"post": "yes"}).status_code == 403
    )
    assert Order.objects.filter(pk=order.pk).exists()


def test_specials_and_rules_created_in_admin_record_who(client, commercial):
    cola = ProductFactory(sku="COLA")
    client.force_login(commercial)
    market = client_type("market")

    special = client.post(
        reverse("admin:orders_special_add"),
        {
            "product": cola.pk,
            "valid_from": "2026-11-01",
            "valid_to": "2026-11-30",
            "client_types": [market.pk],
            "note": "Two for one",
            "special_price": "",
        },
    )
    backwards = client.post(
        reverse("admin:orders_discountrule_add"),
        {
            "column": column_id("column_2"),
            "min_subtotal": "0.00",
            "priority": 10,
            "valid_from": "2026-11-30",
            "valid_to": "2026-11-01",
        },
    )

    assert special.status_code == 302, special.content.decode()[:3000]
    created = Special.objects.get()
    assert (created.created_by, list(created.client_types.all())) == (commercial, [market])
    assert backwards.status_code == 200
    assert not DiscountRule.objects.exists()
