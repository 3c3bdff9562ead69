"""The people's report screens in real headless Chromium (section VI): an operator's own results
("around the job": their completed orders and average score) and the heads' live board, which
follows the desk without a page reload."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from calls.models import Call
from reports.models import OperatorDay
from staff.models import Role, User
from tests.browser.test_operator_journey import log_in
from tests.factories import ClientFactory, make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_operator_opens_their_results_with_the_keyboard(page: Page, live_server, console_errors):
    olga = make_staff(
        Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova"
    )
    marina = make_staff(Role.OPERATOR, department_code="call_center", username="marina")
    today = timezone.localdate()
    OperatorDay.objects.create(
        operator=olga,
        day=today,
        calls_in=6,
        calls_ended=6,
        talk_seconds=900,
        orders=4,
        order_value=Decimal("1234.50"),
        lines=9,
        offers_made=10,
        offers_accepted=5,
        errors=1,
        score=Decimal("65.0"),  # 60 * 3/4 + 40 * 5/10 (section VI)
    )
    OperatorDay.objects.create(operator=marina, day=today, orders=8, order_value=Decimal("999.00"))
    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.locator("#open-calls")).to_be_visible()  # the desk has settled: its queue is in
    page.keyboard.press("Alt+y")
    expect(page).to_have_url(f"{live_server.url}/reports/me/")
    expect(page.get_by_role("heading", name="My results")).to_be_visible()
    expect(page.locator("#day-orders")).to_have_text("4")
    expect(page.locator("#day-value")).to_have_text("RUB\xa01,234.50")
    expect(page.locator("#day-score")).to_have_text("65.0")
    expect(page.locator("#day-conversion")).to_have_text("50.0 %")
    expect(page.locator("#day-handle")).to_have_text("2:30")
    expect(page.locator("#week-orders")).to_have_text("4")
    expect(page.locator("#month-value")).to_have_text("RUB\xa01,234.50")
    expect(page.locator("#month-score")).to_have_text("65.0")
    expect(page.locator("#score-rule")).to_contain_text("60 for the share of your orders")
    expect(page.locator("#month-days-table tbody tr")).to_have_count(1)
    assert console_errors == []


def test_the_live_board_follows_the_desk_without_a_reload(page: Page, live_server, console_errors):
    make_staff(Role.HEAD, department_code="wholesale", username="volkov")
    anna = make_staff(
        Role.OPERATOR,
        department_code="call_center",
        username="anna",
        full_name="Anna Belova",
        presence=User.Presence.BUSY,
    )
    make_staff(Role.OPERATOR, department_code="call_center", username="vera", full_name="Vera Sokolova")
    call = Call.objects.create(
        direction=Call.Direction.INBOUND,
        phone="+74951234567",
        client=ClientFactory(name="Kolos grocery"),
        operator=anna,
        started_at=timezone.now() - timedelta(minutes=3),
    )
    log_in(page, live_server.url, "volkov")
    expect(page).to_have_url(f"{live_server.url}/reports/dashboard/")
    expect(page.get_by_role("link", name="Live board")).to_be_visible()
    page.wait_for_load_state("load")  # the page has settled before the shortcut
    page.keyboard.press("Alt+v")
    expect(page).to_have_url(f"{live_server.url}/reports/live/")
    anna_state = page.locator("#operator-anna [data-cell=state]")
    expect(anna_state).to_have_text("On a call")
    expect(page.locator("#operator-anna [data-cell=caller]")).to_have_text("Kolos grocery")
    expect(page.locator("#operator-vera [data-cell=state]")).to_have_text("Free")
    expect(page.locator("#count-on_call")).to_have_text("1")
    page.evaluate("window.liveBoardMarker = 'still here'")

    # the operator wraps the call up on the desk; she is busy writing her notes
    Call.objects.filter(pk=call.pk).update(ended_at=timezone.now(), outcome=Call.Outcome.ORDER_TAKEN)
    expect(anna_state).to_have_text("Wrap-up", timeout=12_000)
    expect(page.locator("#operator-anna [data-cell=caller]")).to_have_text("")
    expect(page.locator("#count-on_call")).to_have_text("0")
    expect(page.locator("#count-wrap_up")).to_have_text("1")
    assert page.evaluate("window.liveBoardMarker") == "still here"  # the page was never reloaded
    assert console_errors == []
