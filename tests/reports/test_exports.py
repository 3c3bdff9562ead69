"""The dashboard's exports (III.25): CSV and XLSX files written by a task with a progress bar,
for heads and admins only and served only to whoever asked (III.26)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError
from openpyxl import load_workbook

from calldesk.errors import Forbidden
from calldesk.exporting import csv_bytes, safe_csv_cell, xlsx_bytes
from reports import exports
from reports.exports import ExportRequest, request_export, run_export
from reports.models import ExportJob, OperatorDay, SalesDay
from reports.selectors import period_of
from reports.tasks import run_export_task
from staff.models import Role
from tests.factories import department

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)
WEEK = period_of("week", DAY)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SALES_HEADER = [
    "Day",
    "Department",
    "Taken by",
    "Client's manager",
    "Calls in",
    "Calls out",
    "Orders",
    "Order value",
    "Order lines",
    "Offers made",
    "Offers accepted",
    "Upsell conversion, %",
    "Dormant clients reactivated",
    "Errors",
    "Blocked by debt: to the manager",
    "Blocked by debt: to finance",
    "Blocked by debt: callback request",
]
OPERATORS_HEADER = [
    "Day",
    "Operator",
    "Username",
    "Department",
    "Calls in",
    "Calls out",
    "Calls wrapped up",
    "Talk time, seconds",
    "Average handle time, seconds",
    "Orders",
    "Order value",
    "Order lines",
    "Offers made",
    "Offers accepted",
    "Upsell conversion, %",
    "Transfers",
    "Dormant clients called",
    "Dormant clients who ordered again",
    "Errors",
    "Authorised exceptions",
    "Score",
]


# --- The shared file writers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,text",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+7 495 123", "'+7 495 123"),
        ("-minus", "'-minus"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Kolos grocery", "Kolos grocery"),
        (Decimal("-5.00"), "-5.00"),  # a number we wrote stays a number
        (7, "7"),
        (None, ""),
        (date(2026, 11, 20), "2026-11-20"),
    ],
)
def test_a_csv_cell_that_would_run_as_a_formula_is_text(value, text):
    assert safe_csv_cell(value) == text


def test_csv_is_utf8_with_bom_and_crlf():
    kolos = "\u041a\u043e\u043b\u043e\u0441"  # Cyrillic, as client names are typed
    content = csv_bytes(["Name", "Sum"], [[kolos, Decimal("1.50")], ["=1+2", None]])
    assert content == f"\ufeffName,Sum\r\n{kolos},1.50\r\n'=1+2,\r\n".encode()


def test_xlsx_keeps_formula_like_text_as_text_and_numbers_as_numbers():
    content = xlsx_bytes(["Name", "Sum", "Day"], [["=1+2", Decimal("1.50"), DAY]], title="A/b:c*d?[e]")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Abcde"
    assert [cell.value for cell in sheet[2]] == ["=1+2", 1.5, datetime(2026, 11, 20)]
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].number_format == "0.00"
    assert sheet.freeze_panes == "B2"


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def head(staff_of):
    return staff_of(Role.HEAD, username="volkov", full_name="Pavel Volkov")


@pytest.fixture
def people(staff_of):
    return {
        "olga": staff_of(
            Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova"
        ),
        "anna": staff_of(
            Role.OPERATOR, department_code="call_center", username="anna", full_name="Anna Belova"
        ),
        "oleg": staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov"),
        "evil": staff_of(Role.MANAGER, username="evil", full_name='=HYPERLINK("http://x")'),
    }


@pytest.fixture
def sales_rows(people):
    """A wholesale week's rows, a retail row and a row out of the week."""
    wholesale = department("wholesale")
    SalesDay.objects.create(
        day=DAY,
        department=wholesale,
        operator=people["olga"],
        manager=people["oleg"],
        calls_in=3,
        calls_out=1,
        orders=2,
        order_value=Decimal("1000.10"),
        lines=5,
        offers_made=8,
        offers_accepted=3,
        reactivated=1,
        errors=0,
        blocked_to_manager=1,
        blocked_to_finance=2,
        blocked_to_callback=0,
    )
    SalesDay.objects.create(
        day=DAY, department=wholesale, operator=None, manager=None, orders=1, order_value=Decimal("50.00")
    )
    SalesDay.objects.create(
        day=date(2026, 11, 17),
        department=wholesale,
        operator=people["anna"],
        manager=people["evil"],
        orders=1,
        order_value=Decimal("20.00"),
        lines=1,
        errors=1,
        blocked_to_callback=1,
    )
    SalesDay.objects.create(day=DAY, department=department("retail"), orders=9, order_value=Decimal("9.00"))
    SalesDay.objects.create(
        day=date(2026, 11, 23), department=wholesale, orders=4, order_value=Decimal("4.00")
    )


def start(client, user, **fields):
    client.force_login(user)
    data = {"kind": "sales", "format": "csv", "period": "week", "on": DAY.isoformat(), **fields}
    return client.post(reverse("reports:export"), data, headers={"HX-Request": "true"})


def started(client, user, django_capture_on_commit_callbacks, **fields) -> ExportJob:
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, user, **fields)
    assert response.status_code == 200
    return ExportJob.objects.get()


# --- Starting an export ---------------------------------------------------------------------------


def test_a_head_exports_the_weeks_sales_as_csv(client, head, sales_rows, django_capture_on_commit_callbacks):
    job = started(client, head, django_capture_on_commit_callbacks)
    assert job.requested_by == head
    assert (job.kind, job.format, job.status) == ("sales", "csv", "done")
    assert job.params == {
        "department": "wholesale",
        "period": "week",
        "start": "2026-11-16",
        "end": "2026-11-22",
    }
    assert job.file_name == "sales-wholesale-2026-11-16_2026-11-22.csv"
    assert (job.rows_total, job.rows_done, job.progress) == (3, 3, 100)
    rows = list(csv.reader(io.StringIO(bytes(job.content).decode("utf-8-sig"))))
    assert rows == [
        SALES_HEADER,
        [
            "2026-11-17",
            "Wholesale sales",
            "Anna Belova",
            '\'=HYPERLINK("http://x")',
            "0",
            "0",
            "1",
            "20.00",
            "1",
            "0",
            "0",
            "",
            "0",
            "1",
            "0",
            "0",
            "1",
        ],
        [
            "2026-11-20",
            "Wholesale sales",
            "Olga Smirnova",
            "Oleg Ivanov",
            "3",
            "1",
            "2",
            "1000.10",
            "5",
            "8",
            "3",
            "37.5",
            "1",
            "0",
            "1",
            "2",
            "0",
        ],
        [
            "2026-11-20",
            "Wholesale sales",
            "",
            "",
            "0",
            "0",
            "1",
            "50.00",
            "0",
            "0",
            "0",
            "",
            "0",
            "0",
            "0",
            "0",
            "0",
        ],
    ]


def test_the_answer_is_the_progress_partial(client, head, sales_rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, head)
    html = response.content.decode()
    job = ExportJob.objects.get()
    assert "<html" not in html
    assert html.lstrip().startswith('<div class="export-job" id="export-job" data-status="queued"')
    assert f'hx-get="/reports/exports/{job.pk}/"' in html  # it polls until the file is ready
    assert 'hx-trigger="sse:export-progress, live:poll" data-live-poll="1"' in html


def test_a_head_cannot_export_another_department(
    client, staff_of, sales_rows, django_capture_on_commit_callbacks
):
    retail_head = staff_of(Role.HEAD, department_code="retail")
    job = started(client, retail_head, django_capture_on_commit_callbacks, department="wholesale")
    assert job.params["department"] == "retail"
    assert job.file_name == "sales-retail-2026-11-16_2026-11-22.csv"
    rows = list(csv.reader(io.StringIO(bytes(job.content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["Retail sales"]


def test_an_admin_exports_the_department_chosen(
    client, staff_of, sales_rows, django_capture_on_commit_callbacks
):
    admin = staff_of(Role.ADMIN, department_code=None)
    job = started(client, admin, django_capture_on_commit_callbacks, department="retail", period="day")
    assert job.params == {"department": "retail", "period": "day", "start": "2026-11-20", "end": "2026-11-20"}
    assert job.file_name == "sales-retail-2026-11-20.csv"
    assert job.rows_total == 1


def test_the_service_refuses_another_departments_head(staff_of):
    retail_head = staff_of(Role.HEAD, department_code="retail")
    wholesale = ExportRequest(kind="sales", format="csv", department=department("wholesale"), period=WEEK)
    with pytest.raises(Forbidden):
        request_export(actor=retail_head, request=wholesale)
    with pytest.raises(Forbidden):
        request_export(actor=staff_of(Role.OPERATOR, department_code="wholesale"), request=wholesale)
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.MANAGER, Role.FINANCE, Role.COMMERCIAL])
def test_only_heads_and_admins_export(client, staff_of, role):
    assert start(client, staff_of(role)).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"format": "pdf"}, "Choose a format to export in."),
        ({"kind": "clients"}, "Choose what to export."),
        ({"on": "2026-11-31"}, "Enter the date as YYYY-MM-DD"),
    ],
)
def test_a_bad_export_request_says_why(client, head, fields, message):
    response = start(client, head, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExportJob.objects.exists()


def test_without_htmx_the_export_redirects_to_its_progress_page(client, head, sales_rows):
    client.force_login(head)
    response = client.post(
        reverse("reports:export"), {"kind": "sales", "format": "xlsx", "on": DAY.isoformat()}
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export-progress", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "<html" in page and 'id="export-job"' in page


def test_a_broker_that_is_down_leaves_the_job_waiting(
    client, head, sales_rows, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(run_export_task, "apply_async", down)
    job = started(client, head, django_capture_on_commit_callbacks)
    assert (job.status, job.rows_done, job.content) == ("queued", 0, None)
    html = client.get(reverse("reports:export-progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert "Waiting for a worker to start the export" in html.content.decode()
    assert 'hx-trigger="sse:export-progress, live:poll" data-live-poll="1"' in html.content.decode()


# --- The task ------------------------------------------------------------------------------------


def job_of(user, kind: str, fmt: str, **params) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        format=fmt,
        params={
            "department": "wholesale",
            "period": "custom",
            "start": "2026-11-16",
            "end": "2026-11-22",
            **params,
        },
        file_name=f"{kind}.{fmt}",
    )


def test_the_operators_days_as_xlsx(head, people):
    OperatorDay.objects.create(
        operator=people["olga"],
        day=DAY,
        department=department("call_center"),
        calls_in=10,
        calls_out=2,
        calls_ended=11,
        talk_seconds=1000,
        orders=4,
        order_value=Decimal("4321.50"),
        lines=9,
        offers_made=12,
        offers_accepted=5,
        transfers=1,
        dormant_called=3,
        dormant_reordered=1,
        errors=1,
        exceptions=0,
        score=Decimal("61.7"),
    )
    OperatorDay.objects.create(operator=people["anna"], day=DAY, calls_in=1)
    OperatorDay.objects.create(operator=people["anna"], day=date(2026, 11, 15), calls_in=5)  # the week before
    job = job_of(head, "operators", "xlsx")
    assert run_export_task.delay(job.pk).get() == "done"
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done) == ("done", 2, 2)
    workbook = load_workbook(io.BytesIO(bytes(job.content)))
    sheet = workbook.active
    assert sheet.title == "Operators' days"
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        OPERATORS_HEADER,
        [
            datetime(2026, 11, 20),
            "Anna Belova",
            "anna",
            None,
            1,
            0,
            0,
            0,
            None,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
            0,
            0,
            0,
            None,
        ],
        [
            datetime(2026, 11, 20),
            "Olga Smirnova",
            "olga",
            "Call center (sales support)",
            10,
            2,
            11,
            1000,
            91,
            4,
            4321.5,
            9,
            12,
            5,
            41.7,
            1,
            3,
            1,
            1,
            0,
            61.7,
        ],
    ]


def test_the_sales_as_xlsx_neutralise_formulas(head, sales_rows):
    job = job_of(head, "sales", "xlsx")
    run_export(job.pk)
    job.refresh_from_db()
    sheet = load_workbook(io.BytesIO(bytes(job.content))).active
    assert [cell.value for cell in sheet[1]] == SALES_HEADER
    assert sheet["D2"].value == '=HYPERLINK("http://x")'
    assert sheet["D2"].data_type == "s"  # stored as text: it never runs
    assert [cell.value for cell in sheet[3]][:8] == [
        datetime(2026, 11, 20),
        "Wholesale sales",
        "Olga Smirnova",
        "Oleg Ivanov",
        3,
        1,
        2,
        1000.1,
    ]
    assert sheet.max_row == 4


def test_progress_moves_chunk_by_chunk_while_the_file_is_written(head, monkeypatch):
    for n in range(5):
        SalesDay.objects.create(day=DAY, department=department("wholesale"), orders=n)
    monkeypatch.setattr(exports, "CHUNK", 2)
    job = job_of(head, "sales", "csv")
    seen = []

    def writer(fmt, header, rows, *, title):
        for _row in rows:
            seen.append(ExportJob.objects.values_list("status", "rows_total", "rows_done").get(pk=job.pk))
        return b"file"

    monkeypatch.setattr(exports, "table_bytes", writer)
    assert run_export(job.pk) == "done"
    assert seen == [
        ("running", 5, 0),
        ("running", 5, 0),
        ("running", 5, 2),
        ("running", 5, 2),
        ("running", 5, 4),
    ]
    job.refresh_from_db()
    assert (job.status, job.rows_done, bytes(job.content)) == ("done", 5, b"file")
    assert job.finished_at is not None


def test_a_done_job_is_left_alone(head, sales_rows):
    job = job_of(head, "sales", "csv")
    assert run_export(job.pk) == "done"
    job.refresh_from_db()
    first = (bytes(job.content), job.finished_at, job.rows_done)
    SalesDay.objects.filter(day=DAY).delete()  # a re-run would now write another file
    assert run_export(job.pk) == "done"
    job.refresh_from_db()
    assert (bytes(job.content), job.finished_at, job.rows_done) == first


def test_a_failure_is_recorded_and_a_failed_job_may_run_again(head, sales_rows):
    job = job_of(head, "sales", "csv", department="nowhere")
    assert run_export(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "Department matching query does not exist."
    assert job.finished_at is not None and job.content is None
    ExportJob.objects.filter(pk=job.pk).update(params={**job.params, "department": "wholesale"})
    assert run_export(job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.error, job.rows_done) == ("done", "", 3)


def test_a_running_job_is_not_run_twice(head, sales_rows):
    job = job_of(head, "sales", "csv")
    ExportJob.objects.filter(pk=job.pk).update(status="running", rows_done=1)
    assert run_export(job.pk) == "running"
    job.refresh_from_db()
    assert (job.rows_done, job.content) == (1, None)


# --- Progress and download ------------------------------------------------------------------------


def progress(client, user, job) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(reverse("reports:export-progress", args=[job.pk]), headers={"HX-Request": "true"})
    return response.status_code, response.content.decode()


def test_the_progress_bar_of_a_running_job(client, head):
    job = job_of(head, "sales", "csv")
    ExportJob.objects.filter(pk=job.pk).update(status="running", rows_total=1000, rows_done=250)
    status, html = progress(client, head, job)
    assert status == 200
    assert "<html" not in html
    assert (
        f'<progress id="export-bar-{job.pk}" class="export-bar" max="100" value="25">25 %</progress>' in html
    )
    assert '<span class="export-rows" id="export-rows">250 of 1000 rows</span>' in html
    assert 'hx-trigger="sse:export-progress, live:poll" data-live-poll="1"' in html
    assert 'id="export-download"' not in html


def test_a_done_job_stops_polling_and_offers_the_file(client, head, sales_rows):
    job = job_of(head, "sales", "csv")
    run_export(job.pk)
    status, html = progress(client, head, job)
    assert status == 200
    assert 'data-status="done"' in html
    assert 'value="100"' in html and "3 of 3 rows" in html
    assert "hx-trigger" not in html
    assert f'href="/reports/exports/{job.pk}/download/"' in html


def test_a_failed_job_stops_polling_and_says_why(client, head):
    job = job_of(head, "sales", "csv", department="nowhere")
    run_export(job.pk)
    _, html = progress(client, head, job)
    assert "The export failed." in html
    assert '<p class="error" id="export-error">Department matching query does not exist.</p>' in html
    assert "hx-trigger" not in html


def test_the_file_goes_to_whoever_asked_or_an_admin(client, head, staff_of, sales_rows):
    job = job_of(head, "sales", "xlsx")
    run_export(job.pk)
    url = reverse("reports:export-download", args=[job.pk])
    client.force_login(head)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="sales.xlsx"'
    assert response.content == bytes(ExportJob.objects.get(pk=job.pk).content)
    client.force_login(staff_of(Role.ADMIN, department_code=None))
    assert client.get(url).status_code == 200
    client.force_login(staff_of(Role.HEAD, username="other-head"))  # the same department, not theirs
    assert client.get(url).status_code == 404
    assert progress(client, staff_of(Role.HEAD, department_code="retail"), job)[0] == 404
    client.force_login(staff_of(Role.OPERATOR, department_code="call_center"))
    assert client.get(url).status_code == 403


def test_a_csv_download_and_a_file_not_ready(client, head, sales_rows):
    job = job_of(head, "sales", "csv")
    client.force_login(head)
    url = reverse("reports:export-download", args=[job.pk])
    assert client.get(url).status_code == 404  # not written yet
    run_export(job.pk)
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeffDay,Department,".encode())


def test_a_head_exports_the_sales_as_a_csv_russian_excel_opens_in_columns(
    client, head, sales_rows, django_capture_on_commit_callbacks
):
    job = started(client, head, django_capture_on_commit_callbacks, format="csv-excel")
    assert (job.format, job.status, job.file_name) == (
        "csv-excel",
        "done",
        "sales-wholesale-2026-11-16_2026-11-22.csv",
    )
    response = client.get(reverse("reports:export-download", args=[job.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="sales-wholesale-2026-11-16_2026-11-22.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbfDay;Department;Taken by;")
    rows = response.content.decode("utf-8-sig").split("\r\n")
    assert (
        rows[2] == "20.11.2026;Wholesale sales;Olga Smirnova;Oleg Ivanov;3;1;2;1000,10;5;8;3;37,5;1;0;1;2;0"
    )
    assert next(csv.reader([rows[1]], delimiter=";"))[:4] == [
        "17.11.2026",
        "Wholesale sales",
        "Anna Belova",
        '\'=HYPERLINK("http://x")',
    ]


def test_the_dashboard_offers_every_export_format(client, head):
    client.force_login(head)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert (
        '<option value="csv">CSV</option><option value="csv-excel">CSV for Excel (semicolons, decimal commas)'
        '</option><option value="xlsx">XLSX</option>'
    ) in html


def test_the_sweep_writes_what_a_down_broker_left_and_fails_what_a_dead_worker_left(head, sales_rows):
    """Nothing is lost: a job queued while the broker was down is written by the minute's sweep;
    one left "running" by a worker that died is marked failed, to be asked for again."""
    from datetime import timedelta

    from django.utils import timezone

    from reports.exports import sweep_exports

    now = timezone.now()
    waiting = job_of(head, "sales", "csv")
    fresh = job_of(head, "sales", "csv")
    orphan = job_of(head, "sales", "xlsx")
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(minutes=2))
    ExportJob.objects.filter(pk=orphan.pk).update(status="running", created_at=now - timedelta(minutes=31))
    assert sweep_exports(now=now) == [waiting.pk]
    statuses = dict(ExportJob.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: "done", fresh.pk: "queued", orphan.pk: "failed"}
    assert ExportJob.objects.get(pk=orphan.pk).error == "The export was interrupted; start it again."
    assert sweep_exports(now=now) == []  # nothing twice
