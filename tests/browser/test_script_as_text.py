"""Script-like text typed anywhere is shown as text (III.26, hostile input): entered through the real
screens (a new client's name from a call, a client's comment, the order's receiver and address),
then read on every page that shows it (the call screen, the head's queue, the inbox, the
department's comments, the order screen). The text appears literally, no element is made from it
and nothing it holds runs."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from calls.services import register_call
from clients.models import Client
from orders.models import Order
from orders.services import start_order
from staff.models import Department, Role
from tests.browser.test_calls import second_page
from tests.browser.test_operator_journey import log_in
from tests.factories import ClientFactory, ClientPhoneFactory, client_type, make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'


def assert_shown_as_text(page: Page, *texts: str) -> None:
    """Each text is on the page as text; no <img>/<script> was made from it; nothing ran."""
    for text in texts:
        expect(page.get_by_text(text).first).to_be_visible()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    assert not page.evaluate("[...document.scripts].some(s => s.textContent.includes('__pwned'))")
    assert not page.evaluate("[...document.querySelectorAll('[onerror]')].length")


def test_a_new_clients_name_and_a_comment_are_text_on_every_page(
    page: Page, browser: Browser, live_server, console_errors
):
    olga = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    head = make_staff(Role.HEAD, department_code="retail", username="bogdanov", full_name="Boris Bogdanov")
    Department.objects.filter(code="retail").update(head=head)
    call = register_call(actor=olga, direction="inbound", phone="8 499 111-22-33")

    # the operator registers the unknown caller under a script-like name
    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    page.goto(f"{live_server.url}/desk/calls/{call.pk}/")
    page.keyboard.press("Alt+u")
    expect(page.locator("#new-client-name")).to_be_focused()
    page.locator("#new-client-name").fill(IMG)
    page.locator("#new-client-tax_id").fill("7712345678")
    page.locator("#new-client-type").select_option("retail")
    page.locator("#new-client-name").press("Enter")
    expect(page.locator("#call-title")).to_contain_text(IMG)
    assert Client.objects.filter(name=IMG).exists()
    assert_shown_as_text(page, IMG)

    # and passes on the client's comment, script and all, to Retail sales
    page.keyboard.press("Alt+m")
    expect(page.locator("#feedback-text")).to_be_focused()
    page.locator("#feedback-text").fill(f"They wrote {SCRIPT} on the invoice")
    page.locator("#feedback-panel").get_by_label("Retail sales").check()
    page.locator("#feedback-panel").get_by_role("button").last.click()
    expect(page.locator("#feedback-notice")).to_contain_text("Passed to Retail sales")
    page.reload()
    assert_shown_as_text(page, IMG)
    page.keyboard.press("Alt+g")
    expect(page.locator("#call-transferred-to")).to_have_text("Boris Bogdanov")
    assert console_errors == []

    # the head reads the name in the queue and the inbox, and the comment in the department's list
    head_page, errors = second_page(browser, live_server, "bogdanov", "/reports/dashboard/")
    head_page.goto(f"{live_server.url}/clients/queue/")
    assert_shown_as_text(head_page, IMG)
    head_page.goto(f"{live_server.url}/inbox/")
    assert_shown_as_text(head_page, IMG)
    head_page.goto(f"{live_server.url}/desk/feedback/")
    assert_shown_as_text(head_page, f"They wrote {SCRIPT} on the invoice", IMG)
    head_page.context.close()
    assert errors == []


def test_the_orders_receiver_and_address_are_text_on_the_order_screen_and_the_managers_page(
    page: Page, browser: Browser, live_server, console_errors
):
    olga = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    manager = make_staff(Role.MANAGER, department_code="retail", username="tpavlova")
    client = ClientFactory(name=f"Shop {SCRIPT}", type=client_type("retail"), manager=manager)
    ClientPhoneFactory(client=client, number="+74957654321")
    order = start_order(actor=olga, client_id=client.pk, on=timezone.localdate())

    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    terms = page.locator("#order-terms")
    terms.locator("#id_receiver_name").fill(SCRIPT)
    terms.locator("#id_delivery_address").fill(IMG)
    terms.get_by_role("button", name="Save terms").click()
    expect(page.locator("#terms-notice")).to_be_visible()
    order.refresh_from_db()
    assert (order.receiver_name, order.delivery_address) == (SCRIPT, IMG)
    # the form shows them back as values, and the page again after a reload
    expect(terms.locator("#id_receiver_name")).to_have_value(SCRIPT)
    page.reload()
    expect(page.locator("#id_delivery_address")).to_have_value(IMG)
    assert_shown_as_text(page, f"Shop {SCRIPT}")
    assert Order.objects.filter(pk=order.pk, receiver_name=SCRIPT).exists()
    assert console_errors == []

    # the client's manager reads the same name on their page of orders
    manager_page, errors = second_page(browser, live_server, "tpavlova", "/orders/mine/")
    assert_shown_as_text(manager_page, f"Shop {SCRIPT}")
    manager_page.context.close()
    assert errors == []
