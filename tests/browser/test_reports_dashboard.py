"""A head reads the department's day and week on the dashboard, with its charts, and exports
the week's rows as XLSX with a progress bar (section VI, III.25, III.26)."""

import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from reports.build import build_day
from reports.models import ExportJob
from staff.models import Department, Role
from tests.browser.test_operator_journey import log_in
from tests.factories import ClientFactory, client_type, make_staff
from tests.reports.test_head_dashboard import offers, order

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MSK = ZoneInfo("Europe/Moscow")
DAY = date(2026, 11, 20)  # a Friday
CHARTS = ["chart-orders", "chart-conversion", "chart-managers"]


def drawn(page: Page) -> list[int | None]:
    """How many labels each chart has, or None where Chart.js drew nothing."""
    return page.evaluate(
        """(ids) => ids.map((id) => {
            const chart = window.Chart && Chart.getChart(document.getElementById(id));
            return chart ? chart.data.labels.length : null;
        })""",
        CHARTS,
    )


def test_head_reads_the_dashboard_and_exports_the_week(page: Page, live_server, console_errors):
    # given: a wholesale day built into report rows
    head = make_staff(Role.HEAD, department_code="wholesale", username="volkov", full_name="Pavel Volkov")
    Department.objects.filter(code="wholesale").update(head=head)
    olga = make_staff(
        Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova"
    )
    oleg = make_staff(Role.MANAGER, department_code="wholesale", username="oleg", full_name="Oleg Ivanov")
    irina = make_staff(Role.MANAGER, department_code="wholesale", username="irina", full_name="Irina Petrova")
    market = ClientFactory(name="Kolos", manager=oleg)
    key = ClientFactory(name="Metro", manager=irina, type=client_type("key"))
    offers(order(olga, market, datetime(2026, 11, 20, 9, tzinfo=MSK), "1000.10", 2), olga, made=4, accepted=1)
    offers(order(olga, key, datetime(2026, 11, 20, 11, tzinfo=MSK), "5000.00", 3), olga, made=4, accepted=3)
    build_day(DAY)

    # when: the head logs in (the dashboard is a head's home) and asks for the day
    log_in(page, live_server.url, "volkov")
    expect(page).to_have_url(f"{live_server.url}/reports/dashboard/")
    page.locator("#filter-on").fill(DAY.isoformat())
    page.get_by_role("button", name="Show").click()

    # then: the day's figures, and the three charts drawn by Chart.js from the static files
    expect(page.locator("#dashboard-title")).to_have_text("Wholesale sales: Nov. 20, 2026")
    expect(page.locator("#total-orders")).to_have_text("2")
    expect(page.locator("#total-value")).to_have_text("RUB\xa06,000.10")
    expect(page.locator("#total-lines")).to_have_text("5")
    expect(page.locator("#conversion")).to_have_text("50.0 %")
    expect(page.locator('#by-manager tr[data-person="irina"] td[data-cell="value"]')).to_have_text(
        "RUB\xa05,000.00"
    )
    expect(page.locator('#by-operator tr[data-person="olga"] td[data-cell="orders"]')).to_have_text("2")
    assert drawn(page) == [1, 1, 2]  # one day; two managers

    # when: the head switches to the week
    page.locator("#filter-period").select_option("week")
    expect(page.locator("#filter-start")).to_be_hidden()  # only a custom period reads from/to
    page.get_by_role("button", name="Show").click()

    # then: the week's figures, a point a day
    expect(page.locator("#dashboard-title")).to_have_text("Wholesale sales: Nov. 16, 2026 to Nov. 22, 2026")
    expect(page).to_have_url(f"{live_server.url}/reports/dashboard/?period=week&on=2026-11-20")
    expect(page.locator("#total-orders")).to_have_text("2")
    expect(page.locator("#days-not-built")).to_contain_text("6 days of this period are not built yet")
    assert drawn(page) == [7, 7, 2]

    # when: the head exports the week's sales as XLSX
    page.locator("#export-format").select_option("xlsx")
    page.get_by_role("button", name="Export").click()

    # then: the progress bar reaches the end and offers the file
    job = page.locator("#export-job")
    expect(job).to_have_attribute("data-status", "done")
    expect(job.locator("progress")).to_have_attribute("value", "100")
    expect(page.locator("#export-rows")).to_have_text("2 of 2 rows")
    link = page.locator("#export-download")
    expect(link).to_have_text("Download sales-wholesale-2026-11-16_2026-11-22.xlsx")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "sales-wholesale-2026-11-16_2026-11-22.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = [row[:8] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [
        (datetime(2026, 11, 20), "Wholesale sales", "Olga Smirnova", "Irina Petrova", 0, 0, 1, 5000),
        (datetime(2026, 11, 20), "Wholesale sales", "Olga Smirnova", "Oleg Ivanov", 0, 0, 1, 1000.1),
    ]
    assert ExportJob.objects.get().requested_by == head
    assert console_errors == []
