"""III.17: a head starts a campaign, an operator works it with the keyboard, and the head's
results page follows on its own."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from staff.models import Role
from tests.browser.test_operator_journey import log_in
from tests.factories import ClientFactory, ClientPhoneFactory, client_type, make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUESTIONS = ["Which drinks sell best?", "How often should we deliver?"]


def test_head_starts_a_campaign_and_sees_the_operators_results(
    page: Page, browser: Browser, live_server, console_errors
):
    # given
    make_staff(Role.HEAD, department_code="wholesale", username="volkov", full_name="Sergey Volkov")
    make_staff(Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova")
    kolos = ClientFactory(name="Kolos market stall")
    ClientPhoneFactory(client=kolos)
    ClientFactory(name="Niva market stall")
    ClientFactory(name="Big chain", type=client_type("key"))  # not a market client

    # when: the head starts a campaign with two questions, for market clients
    log_in(page, live_server.url, "volkov")
    expect(page).to_have_url(f"{live_server.url}/reports/dashboard/")
    page.keyboard.press("Alt+e")
    expect(page.get_by_role("heading", name="New campaign")).to_be_visible()
    expect(page.locator("#campaign-name")).to_be_focused()
    page.keyboard.type("Summer drinks")
    page.fill("#campaign-goal", "Sell the summer drinks range")
    page.fill("#campaign-script", "Good afternoon! This summer all drinks are 5% off.")
    page.fill("#campaign-questions", "\n".join(QUESTIONS))
    page.fill("#campaign-due_on", (timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_label("Market").check()
    page.get_by_role("button", name="Start the campaign").click()
    expect(page.get_by_role("status")).to_contain_text("2 clients to call")
    expect(page.get_by_role("heading", name="Summer drinks")).to_be_visible()
    expect(page.locator("#figure-tasks")).to_have_text("2")
    expect(page.locator("#figure-reached")).to_have_text("0")

    # and: the operator, in another browser, works the queue with the keyboard
    context = browser.new_context()
    desk = context.new_page()
    operator_errors: list[str] = []
    desk.on("console", lambda m: operator_errors.append(m.text) if m.type == "error" else None)
    desk.on("pageerror", lambda error: operator_errors.append(str(error)))
    log_in(desk, live_server.url, "olga")
    expect(desk).to_have_url(f"{live_server.url}/desk/")
    desk.keyboard.press("Alt+j")
    expect(desk.get_by_role("heading", name="My call tasks")).to_be_visible()
    expect(desk.locator("#call-queue")).to_contain_text("campaign “Summer drinks”")
    desk.keyboard.press("Enter")  # the first task's link has the focus
    expect(desk.get_by_role("heading", name="Kolos market stall")).to_be_visible()
    expect(desk.locator(".script")).to_contain_text("5% off")
    expect(desk.get_by_label(QUESTIONS[0])).to_be_focused()
    desk.keyboard.type("Lemonade")
    desk.keyboard.press("Tab")
    desk.keyboard.type("Weekly")
    desk.keyboard.press("Alt+1")  # agreed
    expect(desk.get_by_role("status")).to_contain_text("Kolos market stall: result recorded.")
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", name="Niva market stall")).to_be_visible()
    desk.keyboard.press("Tab")
    desk.keyboard.press("Tab")
    expect(desk.get_by_label("Refusal reason")).to_be_focused()
    desk.keyboard.type("Has a supplier already")
    desk.keyboard.press("Alt+2")  # refused
    expect(desk.get_by_role("status")).to_contain_text("Niva market stall: result recorded.")
    expect(desk.locator("#call-queue")).to_contain_text("No tasks.")

    # then: the head's page, left open, refreshes itself with the results
    expect(page.locator("#figure-reached")).to_have_text("2", timeout=12_000)
    expect(page.locator("#figure-agreed")).to_have_text("1")
    expect(page.locator("#figure-refused")).to_have_text("1")
    expect(page.locator("#refusal-reasons")).to_contain_text("Has a supplier already")
    expect(page.locator("#answers-1")).to_contain_text("Lemonade")
    expect(page.locator("#answers-2")).to_contain_text("Weekly")
    context.close()
    assert console_errors == []
    assert operator_errors == []
