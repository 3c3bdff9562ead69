"""A head assigns a manager to a new client from the queue, without a page reload (III.15)."""

import pytest
from playwright.sync_api import Page, expect

from clients.models import Client, ClientChange
from staff.models import Department, Role
from tests.browser.test_operator_journey import log_in
from tests.factories import ClientFactory, make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_head_assigns_a_manager_from_the_queue(page: Page, live_server, console_errors):
    head = make_staff(Role.HEAD, department_code="wholesale", username="volkov")
    Department.objects.filter(code="wholesale").update(head=head)
    make_staff(Role.MANAGER, department_code="wholesale", username="oleg", full_name="Oleg Ivanov")
    ClientFactory(name="New kiosk", manager=None)
    ClientFactory(name="Second newcomer", manager=None)
    log_in(page, live_server.url, "volkov")
    expect(page).to_have_url(f"{live_server.url}/reports/dashboard/")
    page.keyboard.press("Alt+q")
    expect(page).to_have_url(f"{live_server.url}/clients/queue/")
    queue = page.locator("#client-queue")
    expect(queue).to_contain_text("Waiting for a manager (2)")
    row = page.locator("tr", has_text="New kiosk")
    row.get_by_label("Manager").select_option(label="Oleg Ivanov · Available")
    row.get_by_role("button", name="Assign").click()
    expect(queue).to_contain_text("New kiosk: saved.")
    expect(queue).to_contain_text("Waiting for a manager (1)")
    expect(page.locator("tr", has_text="New kiosk")).to_have_count(0)
    assert Client.objects.get(name="New kiosk").manager.username == "oleg"
    assert ClientChange.objects.get().new_value == "oleg"
    assert console_errors == []
