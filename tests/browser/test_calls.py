"""Three calls from the screen pop to a complete call record, with the keyboard (III.1, III.4, III.14): an
ordinary client's order taken and wrapped up, a key client passed with one key to the other
key-account manager, an unknown caller registered and passed to the head who assigns a manager."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from calls.services import register_call
from clients.models import Client
from orders.models import Order
from staff.models import Department, Role, User
from tests.browser.test_operator_journey import log_in
from tests.browser.test_order_journey import stock_the_catalog
from tests.factories import ClientFactory, ClientPhoneFactory, client_type, make_staff
from warehouse.calendar import next_working_day

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def second_page(browser: Browser, live_server, username: str, home: str) -> tuple[Page, list[str]]:
    """Another member of staff, logged in in their own browser context, on their home page."""
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, username)
    expect(page).to_have_url(f"{live_server.url}{home}")
    return page, errors


def test_an_ordinary_clients_order_is_taken_from_the_screen_pop_and_wrapped_up(
    page: Page, live_server, console_errors
):
    # given: the exchange pops a call from a retail client the operator serves (III.3)
    today = timezone.localdate()
    olga = make_staff(
        Role.OPERATOR, department_code="call_center", username="olga", full_name="Olga Smirnova"
    )
    manager = make_staff(Role.MANAGER, department_code="retail", full_name="Tatiana Pavlova")
    shop = ClientFactory(name="Zarya minimarket", type=client_type("retail"), manager=manager)
    ClientPhoneFactory(client=shop, number="+74957654321")
    stock_the_catalog(today)
    call = register_call(actor=olga, direction="inbound", phone="+74957654321")
    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")

    # the screen pop: the card, the route, and "Take the order" as the main action
    page.goto(f"{live_server.url}/desk/calls/{call.pk}/")
    expect(page.locator("#call-title")).to_contain_text("Zarya minimarket")
    expect(page.locator("#client-card")).to_contain_text("Tatiana Pavlova Available")
    expect(page.locator("#route")).to_contain_text("Take the order. (III.3)")
    expect(page.locator("#take-order")).to_be_focused()
    page.keyboard.press("Alt+g")
    expect(page).to_have_url(re.compile(r"/orders/\d+/$"))
    expect(page.locator("#order-title")).to_contain_text("Draft order: Zarya minimarket")

    # the order, as on the order screen: a line, three offers, delivery, confirmation
    page.keyboard.press("F2")
    page.keyboard.type("COLA")
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    expect(page.locator("#order-lines tbody tr")).to_have_count(1)
    expect(page.locator("#product-search")).to_be_focused()
    # After each redraw htmx moves the focus to the panel's autofocus when the swap settles: wait
    # for it to land (the product box, then the next suggestion) before typing on.
    first = page.locator(".suggestion").first
    for made, reason in enumerate(["not this week", "too new for us", "buys it elsewhere"], start=1):
        page.keyboard.press("Alt+s")
        expect(first.locator("input[name=quantity]")).to_be_focused()
        page.keyboard.press("Tab")  # Accept
        page.keyboard.press("Tab")  # why not?
        expect(first.locator("input[name=reason]")).to_be_focused()
        page.keyboard.type(reason)
        page.keyboard.press("Enter")
        expect(page.locator("#offers-made")).to_have_text(f"{made} of 3 offers made")
        expect(page.locator("#offers-list li")).to_have_count(made)
        if first.count():
            expect(first.locator("input[name=quantity]")).to_be_focused()
    page.keyboard.press("Alt+t")
    page.keyboard.type(next_working_day(today).isoformat())
    page.keyboard.press("Tab")
    page.keyboard.type("10:00-14:00")
    page.keyboard.press("Tab")
    page.keyboard.type("Ivan Popov")
    page.keyboard.press("Tab")
    page.keyboard.type("8 916 555-44-33")
    page.keyboard.press("Enter")
    expect(page.locator("#order-ready")).to_be_visible()
    page.keyboard.press("Alt+c")
    expect(page.locator("#order-title")).to_contain_text(re.compile(r"Order \d{4}-\d{6}: Zarya minimarket"))
    order = Order.objects.get(client=shop)

    # back to the call: the desk lists it among the open calls (Alt+W), the wrap-up offers the order
    page.keyboard.press("Alt+d")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.locator(f"#open-call-{call.pk}")).to_contain_text("Zarya minimarket")
    page.keyboard.press("Alt+w")
    expect(page).to_have_url(f"{live_server.url}/desk/calls/{call.pk}/")
    outcome = page.locator("#wrap-up-outcome")
    expect(outcome).to_be_focused()
    expect(outcome).to_have_value("order_taken")
    expect(page.locator("#wrap-up-purpose")).to_have_value("order")
    expect(page.locator("#wrap-up-order")).to_have_value(str(order.pk))
    page.keyboard.press("Alt+w")
    page.keyboard.press("Enter")

    # closed: outcome, handle time, and the next call one key away
    expect(page.locator("#call-outcome")).to_have_text("Order taken")
    expect(page.locator("#handle-time")).to_have_text(re.compile(r"^\d+:\d\d$"))
    call.refresh_from_db()
    assert (call.outcome, call.purpose, call.order, call.transferred_to) == (
        "order_taken",
        "order",
        order,
        None,
    )
    assert call.ended_at is not None and call.ended_at >= call.started_at
    assert call.operator == olga
    # wait for the closed call's "Next call" link (swapped in by htmx) before its key
    expect(page.locator('[data-shortcut="Alt+x"]')).to_be_focused()  # htmx settled
    page.keyboard.press("Alt+x")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.locator("#open-calls")).to_contain_text("No open calls")
    assert console_errors == []


def test_a_key_client_whose_manager_is_absent_goes_to_the_other_key_account_manager(
    page: Page, browser: Browser, live_server, console_errors
):
    # given: a key client whose manager is absent today (III.4)
    olga = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    irina = make_staff(
        Role.MANAGER,
        department_code="wholesale",
        username="irina",
        full_name="Irina Petrova",
        key_account=True,
        presence="absent",
    )
    elena = make_staff(
        Role.MANAGER,
        department_code="wholesale",
        username="elena",
        full_name="Elena Vasilyeva",
        key_account=True,
    )
    chain = ClientFactory(name="Big chain", type=client_type("key"), manager=irina)
    ClientPhoneFactory(client=chain, number="+74950000001")
    call = register_call(actor=olga, direction="inbound", phone="+74950000001")

    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    page.goto(f"{live_server.url}/desk/calls/{call.pk}/")
    expect(page.locator("#client-card")).to_contain_text("Irina Petrova Absent")
    expect(page.locator("#route")).to_contain_text("Key client: pass to Elena Vasilyeva")
    expect(page.locator("#transfer")).to_have_text("Transfer to Elena Vasilyeva Alt+G")
    page.keyboard.press("Alt+g")
    expect(page.locator("#call-closed")).to_be_visible()
    expect(page.locator("#call-outcome")).to_have_text("Transferred")
    expect(page.locator("#call-transferred-to")).to_have_text("Elena Vasilyeva")
    call.refresh_from_db()
    assert (call.outcome, call.purpose, call.transferred_to, call.order) == (
        "transferred",
        "order",
        elena,
        None,
    )
    assert call.ended_at is not None
    assert call.transfer_reason.startswith("Key client: pass to Elena Vasilyeva")
    assert console_errors == []

    # Elena has it in her inbox, with a link to the call
    inbox, errors = second_page(browser, live_server, "elena", "/orders/mine/")
    inbox.keyboard.press("Alt+i")
    expect(inbox).to_have_url(f"{live_server.url}/inbox/")
    expect(inbox.locator("#inbox h1")).to_have_text("Inbox: 1 unread")
    message = inbox.get_by_role("link", name="Call transferred to you: Big chain (+74950000001)")
    expect(message).to_be_visible()
    message.focus()
    inbox.keyboard.press("Enter")
    expect(inbox).to_have_url(f"{live_server.url}/desk/calls/{call.pk}/")
    expect(inbox.locator("#call-transferred-to")).to_have_text("Elena Vasilyeva")
    inbox.context.close()
    assert errors == []


def test_an_unknown_caller_is_registered_and_passed_to_the_head_of_its_department(
    page: Page, browser: Browser, live_server, console_errors
):
    # given: nobody has this number yet; the retail head assigns managers there (III.15)
    olga = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    head = make_staff(Role.HEAD, department_code="retail", username="bogdanov", full_name="Boris Bogdanov")
    Department.objects.filter(code="retail").update(head=head)
    make_staff(Role.HEAD, department_code="wholesale", username="volkov", full_name="Sergey Volkov")
    call = register_call(actor=olga, direction="inbound", phone="8 499 111-22-33")

    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    page.goto(f"{live_server.url}/desk/calls/{call.pk}/")
    expect(page.locator("#call-title")).to_contain_text("Unknown caller · 8 (499) 111-22-33")
    expect(page.locator("#route")).to_contain_text("New client: register the client")
    # not a client we know: the search (it has the focus) finds nobody
    expect(page.locator("#attach-search")).to_be_focused()
    page.keyboard.type("Fresh kiosk")
    expect(page.locator("#attach-results")).to_contain_text("No client matches “Fresh kiosk”.")
    # the quick form: name, tax id, type; the phone is the call's
    page.keyboard.press("Alt+u")
    expect(page.locator("#new-client-name")).to_be_focused()
    page.keyboard.type("Fresh kiosk")
    page.keyboard.press("Tab")
    page.keyboard.type("7712345678")
    page.keyboard.press("Tab")
    expect(page.locator("#new-client-type")).to_be_focused()
    page.keyboard.type("Retail")
    expect(page.locator("#new-client-type")).to_have_value("retail")
    page.keyboard.press("Enter")

    # registered: the route is now the retail head, one key away
    expect(page.locator(".messages")).to_contain_text("Fresh kiosk is registered.")
    expect(page.locator("#call-title")).to_contain_text("Fresh kiosk")
    expect(page.locator("#route")).to_contain_text("pass to Boris Bogdanov (head of Retail sales)")
    expect(page.locator("#transfer")).to_have_text("Transfer to Boris Bogdanov Alt+G")
    page.keyboard.press("Alt+g")
    expect(page.locator("#call-transferred-to")).to_have_text("Boris Bogdanov")
    kiosk = Client.objects.get(name="Fresh kiosk")
    assert (kiosk.tax_id, kiosk.type.code, kiosk.manager) == ("7712345678", "retail", None)
    assert list(kiosk.phones.values_list("number", flat=True)) == ["+74991112233"]
    call.refresh_from_db()
    assert (call.client, call.outcome, call.purpose, call.transferred_to) == (
        kiosk,
        "transferred",
        "order",
        head,
    )
    assert (call.route_clause, call.ended_at is not None) == ("III.15", True)
    assert console_errors == []

    # the head finds the new client in the queue, waiting for a manager, and the call in the inbox
    queue, errors = second_page(browser, live_server, "bogdanov", "/reports/dashboard/")
    queue.keyboard.press("Alt+q")
    expect(queue).to_have_url(f"{live_server.url}/clients/queue/")
    expect(queue.locator("#client-queue")).to_contain_text("Waiting for a manager (1)")
    expect(queue.locator(f"#client-{kiosk.pk}")).to_contain_text("Fresh kiosk")
    queue.keyboard.press("Alt+i")
    expect(queue.locator("#inbox")).to_contain_text("Call transferred to you: Fresh kiosk (+74991112233)")
    queue.context.close()
    assert errors == []
    assert not User.objects.filter(username="volkov", calls_received__isnull=False).exists()
    assert timezone.now() - call.ended_at < timedelta(minutes=5)


def test_the_head_answers_while_the_list_refreshes_and_the_operator_sees_the_answer(
    page: Page, browser: Browser, live_server, console_errors
):
    # given: a call from a wholesale client; the operator needs the head's decision (III.11)
    olga = make_staff(Role.OPERATOR, department_code="call_center", username="olga")
    head = make_staff(Role.HEAD, department_code="wholesale", username="volkov", full_name="Sergey Volkov")
    Department.objects.filter(code="wholesale").update(head=head)
    manager = make_staff(Role.MANAGER, department_code="wholesale", full_name="Oleg Ivanov")
    shop = ClientFactory(name="Kolos grocery", manager=manager)
    ClientPhoneFactory(client=shop, number="+74951234567")
    call = register_call(actor=olga, direction="inbound", phone="+74951234567")
    log_in(page, live_server.url, "olga")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    page.goto(f"{live_server.url}/desk/calls/{call.pk}/")
    page.keyboard.press("Alt+h")
    expect(page.locator("#consult-question")).to_be_focused()
    page.keyboard.type("May we deliver on Sunday?")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#consult-notice")).to_have_text("Asked Sergey Volkov: the answer will appear here.")
    expect(page.locator("#call-answers")).to_contain_text("Waiting for the head's answer…")

    # the head's list refreshes itself; what the head is typing survives the refresh
    questions, errors = second_page(browser, live_server, "volkov", "/reports/dashboard/")
    questions.goto(f"{live_server.url}/desk/consultations/")
    expect(questions.locator("#open-questions")).to_contain_text("May we deliver on Sunday?")
    questions.keyboard.press("Alt+a")
    questions.keyboard.type("Yes, with ")
    refreshed = questions.locator("#open-questions").element_handle()
    with questions.expect_response(lambda r: r.url.endswith("/desk/consultations/"), timeout=8000):
        pass  # the next refresh: wait until it is swapped in and settled
    refreshed.wait_for_element_state("hidden")
    expect(questions.locator("#open-questions")).not_to_have_class(re.compile(r"htmx-"))
    expect(questions.locator("textarea[name=answer]")).to_be_focused()
    questions.keyboard.type("a 10% surcharge.")
    questions.keyboard.press("Control+Enter")
    expect(questions.locator("#answer-notice")).to_have_text("Answer sent.")
    expect(questions.locator("#open-questions")).to_contain_text("No open questions.")
    questions.context.close()
    assert errors == []

    # the operator's screen shows the answer within seconds, with nothing pressed
    expect(page.locator("#call-answers")).to_contain_text(
        "Sergey Volkov: Yes, with a 10% surcharge.", timeout=8000
    )
    page.keyboard.press("Alt+w")
    page.keyboard.type("Consulted")  # the outcome, by its first letters
    page.keyboard.press("Enter")
    expect(page.locator("#call-outcome")).to_have_text("Consulted the head")
    call.refresh_from_db()
    assert (call.outcome, call.purpose, call.ended_at is not None) == ("consulted_head", "order", True)
    assert call.consultations.get().answer == "Yes, with a 10% surcharge."
    # wait for the closed call's "Next call" link (swapped in by htmx) before its key
    expect(page.locator('[data-shortcut="Alt+x"]')).to_be_focused()  # htmx settled
    page.keyboard.press("Alt+x")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.locator("#open-calls")).to_contain_text("No open calls")
    assert console_errors == []
