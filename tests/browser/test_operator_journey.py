"""Whole journeys in real headless Chromium, with the keyboard, as an operator works."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reports.build import build_day
from staff.models import Role
from tests.factories import ClientFactory, ClientPhoneFactory, OrderFactory, make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    # The username field has focus on arrival: wait for it, or the first keys go nowhere.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("secret-pass-123")
    page.keyboard.press("Enter")


def test_operator_logs_in_and_finds_a_caller_by_phone(page: Page, live_server, console_errors):
    # given
    make_staff(Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova")
    manager = make_staff(Role.MANAGER, department_code="wholesale", full_name="Oleg Ivanov")
    kolos = ClientFactory(name="Kolos grocery", manager=manager)
    ClientPhoneFactory(client=kolos, number="+74951234567")
    ClientFactory(name="Another shop")
    # when
    log_in(page, live_server.url, "olga")
    # then: the operator's home is the desk
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.get_by_role("heading", name="Who is calling?")).to_be_visible()
    # "/" focuses the search box from anywhere on the page
    page.locator("body").click()
    page.keyboard.press("/")
    expect(page.locator("#client-search")).to_be_focused()
    page.keyboard.type("8 (495) 123-45-67")
    results = page.locator("#client-results")
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results).to_contain_text("Kolos grocery")
    expect(results).to_contain_text("Oleg Ivanov")
    expect(results).not_to_contain_text("Another shop")
    assert "q=8" in page.url  # the search is in the address: a reload shows the same
    # "?" lists the page's shortcuts
    page.locator("body").click()
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    expect(page.locator("#shortcut-list")).to_contain_text("/")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcut-help")).to_be_hidden()
    assert console_errors == []


def test_head_logs_in_to_the_dashboard(page: Page, live_server, console_errors):
    make_staff(Role.HEAD, department_code="wholesale", username="volkov")
    manager = make_staff(Role.MANAGER, department_code="wholesale", full_name="Oleg Ivanov")
    OrderFactory(client=ClientFactory(manager=manager), total=Decimal("1234.50"))
    ClientFactory(manager=None)
    build_day(timezone.localdate())  # what the beat task does every five minutes
    log_in(page, live_server.url, "volkov")
    expect(page).to_have_url(f"{live_server.url}/reports/dashboard/")
    expect(page.locator("#total-orders")).to_have_text("1")
    expect(page.locator("#total-value")).to_contain_text("RUB\xa01,234.50")
    expect(page.locator("#without-manager")).to_have_text("1")
    expect(page.get_by_role("cell", name="Oleg Ivanov")).to_be_visible()
    assert console_errors == []


def test_wrong_password_keeps_the_user_on_the_login_page(page: Page, live_server):
    make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", "not-the-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("didn't match")
    expect(page).to_have_url(f"{live_server.url}/login/")
