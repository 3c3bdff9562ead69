"""Receivables from accounting: one all-or-nothing upsert by document, through the API, a file in
admin, and `manage.py import_receivables`."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from clients.exceptions import InvalidImport
from clients.models import Receivable
from clients.receivables import import_receivables, read_receivables_file
from staff.models import Role
from tests.factories import ClientFactory, ReceivableFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/receivables"


def row(document, tax_id, **overrides):
    data = {
        "document": document,
        "client_tax_id": tax_id,
        "issued_on": "2026-10-01",
        "due_on": "2026-10-15",
        "amount": "1000.00",
        "paid": "0.00",
    }
    data.update(overrides)
    return data


def put(http, payload):
    return http.put(URL, payload, content_type="application/json")


def snapshot():
    return sorted(
        Receivable.objects.values_list("document", "client__tax_id", "issued_on", "due_on", "amount", "paid")
    )


@pytest.fixture
def finance(staff_of):
    return staff_of(Role.FINANCE, department_code="finance")


@pytest.fixture
def two_clients(db):
    return ClientFactory(tax_id="7701000001"), ClientFactory(tax_id="7701000002")


# --- API ---------------------------------------------------------------------------------------


def test_api_creates_and_updates_by_document(api, finance, two_clients):
    first, second = two_clients
    ReceivableFactory(client=first, document="INV-1", amount=Decimal("500.00"))
    ReceivableFactory(client=first, document="INV-2", amount=Decimal("700.00"))
    payload = [
        row("INV-1", "7701000001", amount="500.00", paid="100.50"),  # paid changed
        row("INV-2", "7701000001", amount="700.00"),  # unchanged
        row("INV-3", "7701000002", amount="12.30"),
        {k: v for k, v in row("INV-4", "7701000002").items() if k != "paid"},  # paid left out
    ]

    response = put(api(finance), payload)

    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2, "updated": 1}
    assert Receivable.objects.get(document="INV-1").paid == Decimal("100.50")
    new = Receivable.objects.get(document="INV-3")
    assert (new.client, new.amount, new.paid) == (second, Decimal("12.30"), Decimal("0.00"))
    assert new.issued_on == date(2026, 10, 1) and new.due_on == date(2026, 10, 15)
    assert Receivable.objects.get(document="INV-4").paid == Decimal("0.00")


def test_importing_the_same_payload_again_changes_nothing(api, staff_of, two_clients):
    http = api(staff_of(Role.ADMIN, department_code=None))
    payload = [row("INV-1", "7701000001"), row("INV-2", "7701000002", amount="5.5", paid="5.50")]
    assert put(http, payload).json() == {"created": 2, "updated": 0}
    before = snapshot()

    response = put(http, payload)

    assert response.status_code == 200
    assert response.json() == {"created": 0, "updated": 0}
    assert snapshot() == before


def test_bad_rows_are_all_reported_and_nothing_is_written(api, finance, two_clients):
    first, _ = two_clients
    ReceivableFactory(client=first, document="INV-OLD", amount=Decimal("10.00"))
    before = snapshot()
    payload = [
        row("INV-A", "7701000001"),  # 0: good
        row("INV-B", "0000000000"),  # 1: unknown tax id
        row("INV-C", "7701000001", issued_on="2026-10-20", due_on="2026-10-19"),  # 2: due before issue
        row("INV-D", "7701000001", amount="12.345"),  # 3: three places
        row("INV-E", "7701000001", amount="abc"),  # 4: not a number
        row("INV-F", "7701000001", paid="-1.00"),  # 5: negative
        {k: v for k, v in row("INV-G", "7701000001").items() if k != "due_on"},  # 6: missing field
        row("INV-A", "7701000002"),  # 7: INV-A again
        row("INV-OLD", "7701000001", amount="11.00"),  # 8: good update, not written either
        row("INV-H", "7701000001", amount="NaN", issued_on="2026-02-30"),  # 9: two bad fields
        row("INV-I", "7701000001", amount="Infinity"),  # 10
    ]

    response = put(api(finance), payload)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert {(e["row"], e["field"]) for e in body["errors"]} == {
        (1, "client_tax_id"),
        (2, "due_on"),
        (3, "amount"),
        (4, "amount"),
        (5, "paid"),
        (6, "due_on"),
        (7, "document"),
        (9, "amount"),
        (9, "issued_on"),
        (10, "amount"),
    }
    assert {
        "row": 7,
        "field": "document",
        "detail": "Document INV-A is already in row 0 of this import.",
    } in (body["errors"])
    assert all(e["detail"] for e in body["errors"])
    assert [e["row"] for e in body["errors"]] == sorted(e["row"] for e in body["errors"])
    assert snapshot() == before


def test_money_sent_as_a_json_number_is_refused(api, finance, two_clients):
    response = put(api(finance), [row("INV-1", "7701000001", amount=12.5)])

    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(0, "amount")]
    assert not Receivable.objects.exists()


def test_a_document_of_another_client_is_refused(api, finance, two_clients):
    first, _ = two_clients
    ReceivableFactory(client=first, document="INV-1", amount=Decimal("10.00"))
    before = snapshot()

    response = put(api(finance), [row("INV-2", "7701000002"), row("INV-1", "7701000002")])

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["field"]) == (1, "client_tax_id")
    assert "7701000001" in error["detail"]
    assert snapshot() == before


def test_a_body_that_is_not_a_list_of_rows_is_400(api, finance):
    http = api(finance)
    not_json = http.put(URL, "[{", content_type="application/json")
    not_a_list = put(http, {"document": "INV-1"})
    rows_not_objects = put(http, [row("INV-1", "0000000000"), "INV-2", 5, {}])

    for response in (not_json, not_a_list, rows_not_objects):
        assert response.status_code == 400
        assert response.json()["code"] == "validation_error"
    # every bad row in one answer, the service's checks and the body's shape alike
    assert [e["row"] for e in rows_not_objects.json()["errors"]] == [0, 1, 2, 3]
    assert not Receivable.objects.exists()


def test_an_operator_may_not_import(api, operator, two_clients):
    response = put(api(operator), [row("INV-1", "7701000001")])

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Receivable.objects.exists()


def test_no_token_is_401(client, two_clients):
    response = client.put(URL, [row("INV-1", "7701000001")], content_type="application/json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Receivable.objects.exists()


# --- the service ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 50])
def test_the_import_runs_in_a_constant_number_of_queries(count, finance, django_assert_num_queries):
    clients = ClientFactory.create_batch(3)
    existing = count // 2
    for number in range(existing):
        ReceivableFactory(client=clients[number % 3], document=f"DOC-{number}")
    rows = [
        row(f"DOC-{number}", clients[number % 3].tax_id, amount="2000.00", paid="1.00")
        for number in range(count)
    ]

    # the actor's role, savepoint (the test's transaction is outside), clients by tax id,
    # existing documents, one insert, one update, release savepoint
    with django_assert_num_queries(7):
        result = import_receivables(rows=rows, actor=finance)

    assert (result.created, result.updated) == (count - existing, existing)


def test_the_service_refuses_a_role_that_may_not_import(operator, two_clients):
    with pytest.raises(Exception, match="role"):
        import_receivables(rows=[row("INV-1", "7701000001")], actor=operator)
    assert not Receivable.objects.exists()


# --- files and the command ---------------------------------------------------------------------

FILE_ROWS = [
    ["document", "client_tax_id", "issued_on", "due_on", "amount", "paid"],
    ["INV-1", "7701000001", "2026-10-01", "2026-10-15", "1234.50", "100.00"],
    ["INV-2", "7701000002", "2026-10-02", "2026-11-02", "99.99", ""],
]


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


def api_result(api, user):
    header, *data = FILE_ROWS
    payload = [dict(zip(header, cells, strict=True)) for cells in data]
    response = put(api(user), payload)
    assert response.status_code == 200
    return response.json(), snapshot()


def test_csv_with_bom_and_semicolons_imports_like_the_api(api, finance, two_clients, tmp_path):
    expected_answer, expected_rows = api_result(api, finance)
    Receivable.objects.all().delete()

    rows = read_receivables_file(io.BytesIO(csv_bytes(FILE_ROWS)), "from-accounting.CSV")
    assert rows[0] == dict(zip(FILE_ROWS[0], FILE_ROWS[1], strict=True))

    path = tmp_path / "receivables.csv"
    path.write_bytes(csv_bytes(FILE_ROWS))
    out = io.StringIO()
    call_command("import_receivables", str(path), stdout=out)

    assert out.getvalue().strip() == "created {created}, updated {updated}".format(**expected_answer)
    assert snapshot() == expected_rows
    out = io.StringIO()
    call_command("import_receivables", str(path), stdout=out)
    assert out.getvalue().strip() == "created 0, updated 0"


def test_comma_separated_csv_is_read_too(two_clients):
    rows = read_receivables_file(io.BytesIO(csv_bytes(FILE_ROWS, delimiter=",")[3:]), "r.csv")
    assert [r["document"] for r in rows] == ["INV-1", "INV-2"]


def test_xlsx_imports_like_the_api(api, finance, two_clients, tmp_path):
    expected_answer, expected_rows = api_result(api, finance)
    Receivable.objects.all().delete()
    # As accounting's spreadsheet has them: real dates, numbers, a numeric tax id, a blank paid.
    sheet_rows = [
        FILE_ROWS[0],
        ["INV-1", 7701000001, date(2026, 10, 1), date(2026, 10, 15), 1234.5, 100],
        ["INV-2", "7701000002", "2026-10-02", "2026-11-02", 99.99, None],
        [None, None, None, None, None, None],  # formatted but empty: dropped
    ]
    data = xlsx_bytes(sheet_rows)

    rows = read_receivables_file(io.BytesIO(data), "receivables.xlsx")
    assert len(rows) == 2
    assert rows[0]["client_tax_id"] == "7701000001" and rows[0]["issued_on"] == "2026-10-01"
    assert rows[1]["amount"] == "99.99"

    path = tmp_path / "receivables.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_receivables", str(path), stdout=out)

    assert out.getvalue().strip() == "created {created}, updated {updated}".format(**expected_answer)
    assert snapshot() == expected_rows


def test_command_prints_every_bad_row_and_writes_nothing(two_clients, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                FILE_ROWS[0],
                FILE_ROWS[1],
                ["INV-2", "0000000000", "2026-10-02", "2026-11-02", "1.00", ""],
                ["INV-3", "7701000001", "31.09.2026", "2026-11-02", "1.234,50", ""],
            ]
        )
    )
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_receivables", str(path), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines == [
        "row 2, client_tax_id: No client has the tax id 0000000000.",
        "row 3, issued_on: 31.09.2026 is not a valid date.",
        'row 3, amount: "1.234,50" is not an amount such as 1234.50 or 1 234,50.',
    ]
    assert not Receivable.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"document;amount\r\nINV-1;1.00\r\n", "r.csv"),  # missing columns
        (b"", "r.csv"),
        ("document;client_tax_id\r\n".encode("utf-16"), "r.csv"),  # not UTF-8
        (b"not a zip", "r.xlsx"),
        (b"whatever", "r.xls"),
    ],
)
def test_unreadable_files_are_refused_clearly(content, name):
    with pytest.raises(InvalidImport) as caught:
        read_receivables_file(io.BytesIO(content), name)
    assert caught.value.detail


def test_missing_columns_are_named(db):
    with pytest.raises(InvalidImport) as caught:
        read_receivables_file(io.BytesIO(b"document;amount\r\nINV-1;1.00\r\n"), "r.csv")
    assert {e.field for e in caught.value.errors} == {"client_tax_id", "issued_on", "due_on"}


# --- admin ---------------------------------------------------------------------------------------

IMPORT_URL = "/admin/clients/receivable/import/"


@pytest.fixture
def admin_user(staff_of):
    return staff_of(Role.ADMIN, department_code=None)


def test_admin_changelist_links_to_the_import(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("admin:clients_receivable_changelist"))

    assert response.status_code == 200
    assert reverse("admin:clients_receivable_import") == IMPORT_URL
    assert IMPORT_URL in response.content.decode()
    assert "Import from file" in response.content.decode()


def test_admin_uploads_a_csv_and_creates_the_rows(client, admin_user, two_clients):
    client.force_login(admin_user)
    assert client.get(IMPORT_URL).status_code == 200

    upload = SimpleUploadedFile("receivables.csv", csv_bytes(FILE_ROWS), content_type="text/csv")
    response = client.post(IMPORT_URL, {"file": upload}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:clients_receivable_changelist")
    assert "Receivables imported: created 2, updated 0." in response.content.decode()
    assert sorted(Receivable.objects.values_list("document", flat=True)) == ["INV-1", "INV-2"]


def test_admin_upload_of_a_bad_csv_shows_row_errors_and_writes_nothing(client, admin_user, two_clients):
    client.force_login(admin_user)
    bad = [FILE_ROWS[0], FILE_ROWS[1], ["INV-2", "7701000002", "2026-10-02", "2026-09-02", "-5", ""]]
    upload = SimpleUploadedFile("receivables.csv", csv_bytes(bad), content_type="text/csv")

    response = client.post(IMPORT_URL, {"file": upload})

    assert response.status_code == 200
    errors = list(response.context["errors"])
    assert {(e.row, e.field) for e in errors} == {(2, "due_on"), (2, "amount")}
    assert 'id="import-errors"' in response.content.decode()
    assert not Receivable.objects.exists()


def test_admin_import_is_refused_to_staff_who_are_not_finance(client, staff_of, two_clients):
    commercial = staff_of(Role.COMMERCIAL, department_code=None)  # is_staff: edits prices in admin
    commercial.user_permissions.add(Permission.objects.get(codename="view_receivable"))
    client.force_login(commercial)

    changelist = client.get(reverse("admin:clients_receivable_changelist"))
    assert changelist.status_code == 200
    assert IMPORT_URL not in changelist.content.decode()
    assert client.get(IMPORT_URL).status_code == 403
    upload = SimpleUploadedFile("receivables.csv", csv_bytes(FILE_ROWS), content_type="text/csv")
    assert client.post(IMPORT_URL, {"file": upload}).status_code == 403
    assert not Receivable.objects.exists()
