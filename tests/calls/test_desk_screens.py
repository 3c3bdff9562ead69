"""The operator's desk for calls (III.1-III.6, III.14, III.20): the screen pop with its route as the
main action, transfers, wrap-up, an unknown caller registered or found, the callback queue,
comments and wishes, consulting the head and reference information, through the views."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, Callback, Consultation, FeedbackRoute, ReferenceRequest
from calls.services import EndCall, end_call, register_call, schedule_callback
from clients.models import Client, Contact
from messaging.models import InboxMessage
from orders.models import Order
from staff.models import Department, Role, User
from tests.factories import (
    ClientFactory,
    ClientPhoneFactory,
    OrderFactory,
    ProductFactory,
    ReceivableFactory,
    client_type,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(staff_of):
    head = staff_of(Role.HEAD, username="volkov", full_name="Sergey Volkov")
    Department.objects.filter(code="wholesale").update(head=head)
    return {
        "head": head,
        "irina": staff_of(Role.MANAGER, username="irina", full_name="Irina Petrova", key_account=True),
        "elena": staff_of(Role.MANAGER, username="elena", full_name="Elena Vasilyeva", key_account=True),
        "oleg": staff_of(Role.MANAGER, username="oleg", full_name="Oleg Ivanov"),
    }


@pytest.fixture
def desk(client, operator):
    client.force_login(operator)
    return client


def pop(operator, phone: str) -> Call:
    """The exchange registers a call for the operator."""
    return register_call(actor=operator, direction="inbound", phone=phone)


def kolos(people) -> Client:
    shop = ClientFactory(name="Kolos grocery", manager=people["oleg"])
    ClientPhoneFactory(client=shop, number="+74951234567")
    return shop


def html_of(response) -> str:
    return response.content.decode()


def call_url(call: Call, name: str = "call") -> str:
    return reverse(f"calls:{name}", args=[call.pk])


# --- The screen pop -----------------------------------------------------------------------------


def test_screen_pop_shows_the_card_and_take_the_order_for_an_ordinary_client(desk, operator, people):
    shop = kolos(people)
    call = pop(operator, "8 (495) 123-45-67")
    response = desk.get(call_url(call))
    assert response.status_code == 200
    html = html_of(response)
    assert '<h1 id="call-title">Kolos grocery · <span class="phone">8 (495) 123-45-67</span></h1>' in html
    assert '<span class="badge type-market">Market</span>' in html
    assert '<strong>Oleg Ivanov</strong> <span class="presence available">Available</span>' in html
    assert '<p id="route" class="route"><strong>Take the order.</strong> <small>(III.3)</small></p>' in html
    assert 'id="debt-banner"' not in html
    # the main action: a form to the order screen's existing "start" view, one key
    assert '<form method="post" action="/orders/start/" class="inline">' in html
    assert f'<input type="hidden" name="client" value="{shop.pk}">' in html
    assert 'id="take-order" data-shortcut="Alt+g" autofocus>Take the order <kbd>Alt+G</kbd>' in html
    assert 'id="new-client"' not in html


def test_screen_pop_of_a_debtor_shows_the_sentence_to_say_and_transfers_to_the_manager(
    desk, operator, people
):
    shop = kolos(people)
    ReceivableFactory(
        client=shop,
        issued_on=timezone.localdate() - timedelta(days=40),
        due_on=timezone.localdate() - timedelta(days=10),
        amount=Decimal("1500.00"),
    )
    call = pop(operator, "+74951234567")
    html = html_of(desk.get(call_url(call)))
    assert (
        '<p class="message error" role="alert" id="debt-banner"><strong>Say to the client:</strong> '
        "The order cannot be taken: RUB\xa01,500.00 is overdue.</p>"
    ) in html
    assert "Transfer to Oleg Ivanov <kbd>Alt+G</kbd>" in html
    assert f'action="{call_url(call, "transfer")}"' in html
    assert 'action="/orders/start/"' not in html


def test_screen_pop_shows_recent_orders_calls_and_open_comments(desk, operator, people):
    shop = kolos(people)
    OrderFactory(client=shop, number="2026-000777", total=Decimal("2500.00"))
    earlier = pop(operator, "+74951234567")
    end_call(
        actor=operator,
        call_id=earlier.pk,
        wrap_up=EndCall(purpose="other", outcome="feedback", notes="asked about delivery"),
    )
    call = pop(operator, "+74951234567")
    desk.post(call_url(call, "call-feedback"), {"text": "Deliver before 9", "departments": ["wholesale"]})
    html = html_of(desk.get(call_url(call)))
    assert "2026-000777" in html
    assert "RUB\xa02,500.00" in html
    assert "Feedback recorded</td><td>asked about delivery</td>" in html
    assert "Deliver before 9 · Wholesale sales" in html
    assert FeedbackRoute.objects.count() == 1


def test_the_card_shows_placed_orders_whoever_took_them_but_never_a_colleagues_draft(
    desk, operator, staff_of, people
):
    """The card's history is the call's (III.7-III.9): the operator reads the client's placed
    orders taken by a colleague, and a colleague's draft for the same client is not on it."""
    colleague = staff_of(Role.OPERATOR, username="sidorova", full_name="Анна Сидорова")
    shop = kolos(people)
    OrderFactory(client=shop, number="2026-000901", taken_by=colleague, status=Order.Status.CONFIRMED)
    OrderFactory(client=shop, number="2026-000902", taken_by=colleague, status=Order.Status.DRAFT)
    html = html_of(desk.get(call_url(pop(operator, "+74951234567"))))
    assert "2026-000901" in html
    assert "2026-000902" not in html


@pytest.mark.parametrize("history", [1, 20])
def test_screen_pop_runs_a_constant_number_of_queries(
    client, operator, people, history, django_assert_num_queries
):
    shop = kolos(people)
    for n in range(history):
        OrderFactory(client=shop, total=Decimal("100.00"))
        Call.objects.create(
            direction="inbound",
            phone="+74951234567",
            client=shop,
            operator=operator,
            started_at=timezone.now() - timedelta(days=n + 1),
            ended_at=timezone.now() - timedelta(days=n + 1),
            purpose="order",
            outcome="order_taken",
        )
    call = pop(operator, "+74951234567")
    OrderFactory(client=shop, created_at=timezone.now() + timedelta(seconds=1))  # taken in this call
    client.force_login(operator)
    # session, the user with their role; the screen pop (call with people, client card and debt
    # sums, phones, answers, orders, calls, comments); transfer candidates, orders in this call,
    # contact e-mail, departments, references (the route, III.3, names nobody to look up); the
    # session is not written again within a minute of signing in: 13, for any history.
    with django_assert_num_queries(13):
        response = client.get(call_url(call))
    assert response.status_code == 200
    assert html_of(response).count('<tr><td><a href="/orders/') == min(history + 1, 5)


def test_an_unknown_call_is_404_and_other_roles_are_403(desk, client, operator, staff_of):
    assert desk.get(reverse("calls:call", args=[999])).status_code == 404
    call = pop(operator, "+74951234567")
    client.force_login(staff_of(Role.COMMERCIAL, department_code=None))
    assert client.get(call_url(call)).status_code == 403
    assert client.post(call_url(call, "transfer")).status_code == 403


# --- Transfers ----------------------------------------------------------------------------------


def test_a_key_client_is_transferred_with_one_key_and_the_receiver_is_told(
    desk, operator, people, django_capture_on_commit_callbacks
):
    chain = ClientFactory(type=client_type("key"), manager=people["irina"], name="Big chain")
    ClientPhoneFactory(client=chain, number="+74950000001")
    User.objects.filter(pk=people["irina"].pk).update(presence="absent")
    call = pop(operator, "+74950000001")
    html = html_of(desk.get(call_url(call)))
    assert "Transfer to Elena Vasilyeva <kbd>Alt+G</kbd>" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(call_url(call, "transfer"))
    assert response.status_code == 302
    assert response["Location"] == call_url(call)
    call.refresh_from_db()
    assert (call.outcome, call.purpose, call.transferred_to) == ("transferred", "order", people["elena"])
    assert call.ended_at is not None
    assert (
        call.transfer_reason
        == "Key client: pass to Elena Vasilyeva (key-account manager); Irina Petrova is absent."
    )
    message = InboxMessage.objects.get(recipient=people["elena"])
    assert message.subject == "Call transferred to you: Big chain (+74950000001)"
    assert message.link == call_url(call)
    closed = html_of(desk.get(call_url(call)))
    assert "Call transferred to Elena Vasilyeva." in closed
    assert '<dd id="call-transferred-to">Elena Vasilyeva</dd>' in closed
    assert 'id="next-call" data-shortcut="Alt+x" autofocus>Next call <kbd>Alt+X</kbd></a>' in closed
    assert 'id="wrap-up"' not in closed


def test_when_the_route_names_nobody_the_operator_chooses_a_reachable_person(
    desk, operator, people, staff_of
):
    busy_head = staff_of(Role.HEAD, department_code="retail", username="busy", presence="busy")
    call = pop(operator, "+74990000000")  # unknown: "pass to the head of its department"
    assert (call.route_handler, call.route_user) == ("department_head", "")
    html = html_of(desk.get(call_url(call)))
    assert '<select name="to" data-shortcut="Alt+g" id="transfer-to">' in html
    assert '<option value="volkov">Sergey Volkov (Wholesale sales)</option>' in html
    assert busy_head.username not in html.split('id="transfer-to"')[1].split("</select>")[0]
    # nobody chosen, or someone not offered: refused, the call stays open
    for data, sentence in (
        ({}, "Choose who takes the call."),
        ({"to": "oleg"}, "Select a valid choice. oleg is not one of the available choices."),
    ):
        response = desk.post(call_url(call, "transfer"), data, follow=True)
        assert sentence in html_of(response)
        assert Call.objects.get(pk=call.pk).ended_at is None
    desk.post(call_url(call, "transfer"), {"to": "volkov"})
    call.refresh_from_db()
    assert (call.outcome, call.transferred_to) == ("transferred", people["head"])


def test_a_transfer_of_a_closed_call_is_refused_with_the_reason(desk, operator, people):
    kolos(people)
    call = pop(operator, "+74951234567")
    end_call(actor=operator, call_id=call.pk, wrap_up=EndCall(purpose="order", outcome="no_answer"))
    response = desk.post(call_url(call, "transfer"), {"to": "oleg"}, follow=True)
    assert "The call has already been closed." in html_of(response)
    assert Call.objects.get(pk=call.pk).outcome == "no_answer"


# --- Wrap-up ------------------------------------------------------------------------------------


def test_wrap_up_is_refused_without_an_outcome(desk, operator, people):
    kolos(people)
    call = pop(operator, "+74951234567")
    response = desk.post(call_url(call, "wrap-up"), {"purpose": "order", "notes": "hm"}, headers=HTMX)
    html = html_of(response)
    assert response.status_code == 200
    assert html.strip().startswith('<section class="card" id="wrap-up">')
    assert "<html" not in html
    assert '<p class="message error" role="alert">Close the call with its purpose and outcome.</p>' in html
    assert (
        '<span class="error" id="wrap-up-outcome_error">order_taken, transferred, info_sent, feedback, '
        "consulted_head, callback, no_answer, declined</span>"
    ) in html
    assert "autofocus" in html.split('id="wrap-up-outcome"')[0].split("<select")[-1]
    assert Call.objects.get(pk=call.pk).ended_at is None
    # without htmx: the whole page, with the same message and what was typed
    page = html_of(desk.post(call_url(call, "wrap-up"), {"purpose": "order", "notes": "hm"}))
    assert "<html" in page
    assert "Close the call with its purpose and outcome." in page
    assert ">\nhm</textarea>" in page


def test_wrap_up_offers_the_order_taken_in_this_call_and_closes_with_it(desk, operator, people):
    shop = kolos(people)
    OrderFactory(client=shop, number="2026-000001", created_at=timezone.now() - timedelta(days=3))
    call = pop(operator, "+74951234567")
    Call.objects.filter(pk=call.pk).update(started_at=timezone.now() - timedelta(seconds=125))
    # the operator took the order through the order screen's own view
    started = desk.post(reverse("orders:start"), {"client": shop.pk})
    order = Order.objects.get(client=shop, status="draft")
    assert started["Location"] == f"/orders/{order.pk}/"
    Order.objects.filter(pk=order.pk).update(
        status="confirmed", number="2026-000002", confirmed_at=timezone.now()
    )
    html = html_of(desk.get(call_url(call)))
    choices = html.split('id="wrap-up-order"')[1].split("</select>")[0]
    assert f'<option value="{order.pk}" selected>2026-000002 · Confirmed · RUB\xa00.00</option>' in choices
    assert "2026-000001" not in choices  # taken before the call
    assert '<option value="order_taken" selected>Order taken</option>' in html
    response = desk.post(
        call_url(call, "wrap-up"),
        {"outcome": "order_taken", "purpose": "order", "order": order.pk, "notes": "usual Friday order"},
    )
    assert response.status_code == 302
    assert response["Location"] == call_url(call)
    call.refresh_from_db()
    assert (call.outcome, call.purpose, call.order, call.notes) == (
        "order_taken",
        "order",
        order,
        "usual Friday order",
    )
    assert 125 <= call.handle_seconds <= 127
    page = html_of(desk.get(call_url(call)))
    assert '<dd id="call-outcome">Order taken</dd>' in page
    assert '<dd id="handle-time">2:0' in page
    assert f'<p id="call-order">Order: <a href="/orders/{order.pk}/">open</a></p>' in page
    assert '<a href="/desk/" class="button primary" id="next-call" data-shortcut="Alt+x" autofocus>' in page


def test_wrap_up_with_an_htmx_request_redirects_the_browser_to_the_closed_call(desk, operator, people):
    kolos(people)
    call = pop(operator, "+74951234567")
    response = desk.post(
        call_url(call, "wrap-up"), {"outcome": "no_answer", "purpose": "order"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == call_url(call)
    assert Call.objects.get(pk=call.pk).outcome == "no_answer"


def test_a_callback_outcome_queues_the_callback(desk, operator, people):
    shop = kolos(people)
    call = pop(operator, "+74951234567")
    refused = html_of(desk.post(call_url(call, "wrap-up"), {"outcome": "callback", "purpose": "order"}))
    assert "When should the client be called back?" in refused
    assert Call.objects.get(pk=call.pk).ended_at is None
    desk.post(
        call_url(call, "wrap-up"),
        {
            "outcome": "callback",
            "purpose": "order",
            "callback_at": "2030-05-06 10:30",
            "notes": "after lunch",
        },
    )
    call.refresh_from_db()
    assert call.outcome == "callback"
    callback = Callback.objects.get()
    assert (callback.client, callback.phone, callback.origin, callback.note) == (
        shop,
        "+74951234567",
        call,
        "after lunch",
    )
    assert timezone.localtime(callback.due_at).strftime("%Y-%m-%d %H:%M") == "2030-05-06 10:30"


def test_a_decline_needs_its_reason(desk, operator, people):
    kolos(people)
    call = pop(operator, "+74951234567")
    html = html_of(
        desk.post(call_url(call, "wrap-up"), {"outcome": "declined", "purpose": "order"}, headers=HTMX)
    )
    assert '<span class="error" id="wrap-up-declined_reason_error">Why did the client decline?</span>' in html
    desk.post(
        call_url(call, "wrap-up"), {"outcome": "declined", "purpose": "order", "declined_reason": "prices"}
    )
    assert Call.objects.get(pk=call.pk).declined_reason == "prices"


# --- An unknown caller (III.15) -----------------------------------------------------------------


def test_an_unknown_caller_is_found_by_name_and_attached(desk, operator, people):
    shop = kolos(people)
    call = pop(operator, "+74991112233")  # the client calls from another number
    page = html_of(desk.get(call_url(call)))
    assert "Unknown caller" in page
    assert 'data-shortcut="/"\n           autofocus' in page
    response = desk.get(call_url(call), {"q": "kolos"}, headers=HTMX)
    html = html_of(response)
    assert html.strip().startswith('<div id="attach-results"')
    assert "<html" not in html
    assert "Kolos grocery" in html
    assert f'<input type="hidden" name="client" value="{shop.pk}">' in html
    response = desk.post(call_url(call, "attach-client"), {"client": shop.pk}, follow=True)
    assert "The call is now Kolos grocery&#x27;s." in html_of(response)
    call.refresh_from_db()
    assert call.client == shop


def test_an_unknown_caller_is_registered_and_routed_to_the_head(desk, operator, people):
    call = pop(operator, "+74991112233")
    response = desk.post(
        call_url(call, "new-client"), {"name": "Fresh kiosk", "tax_id": "7712345678", "type": "market"}
    )
    assert response.status_code == 302
    kiosk = Client.objects.get(tax_id="7712345678")
    assert (kiosk.name, kiosk.manager, kiosk.department.code) == ("Fresh kiosk", None, "wholesale")
    assert list(kiosk.phones.values_list("number", flat=True)) == ["+74991112233"]
    call.refresh_from_db()
    assert (call.client, call.route_handler, call.route_user, call.route_clause) == (
        kiosk,
        "department_head",
        "volkov",
        "III.15",
    )
    html = html_of(desk.get(call_url(call)))
    assert "Fresh kiosk is registered." in html
    assert "Transfer to Sergey Volkov <kbd>Alt+G</kbd>" in html


def test_a_new_client_with_a_taken_tax_id_is_refused_and_nothing_is_written(desk, operator, people):
    ClientFactory(tax_id="7712345678")
    call = pop(operator, "+74991112233")
    response = desk.post(
        call_url(call, "new-client"),
        {"name": "Fresh kiosk", "tax_id": "7712345678", "type": ""},
        headers=HTMX,
    )
    html = html_of(response)
    assert html.strip().startswith('<section class="card" id="new-client">')
    assert "Choose the client&#x27;s type." in html
    response = desk.post(
        call_url(call, "new-client"),
        {"name": "Fresh kiosk", "tax_id": "7712345678", "type": "market"},
        headers=HTMX,
    )
    html = html_of(response)
    assert "A client with tax id 7712345678 already exists." in html
    assert '<span class="error" id="new-client-tax_id_error">Already registered.</span>' in html
    assert 'value="Fresh kiosk"' in html
    assert Client.objects.count() == 1
    assert Call.objects.get(pk=call.pk).client is None


# --- The desk: call a number, open calls, the callback queue (III.22) ----------------------------


def test_the_desk_registers_a_call_for_a_typed_number(desk, operator, people):
    shop = kolos(people)
    page = html_of(desk.get(reverse("calls:desk")))
    assert 'data-shortcut="Alt+l"' in page
    response = desk.post(reverse("calls:call-register"), {"phone": "8 495 123 45 67"})
    call = Call.objects.get()
    assert response["Location"] == call_url(call)
    assert (call.direction, call.phone, call.client, call.operator) == (
        "inbound",
        "+74951234567",
        shop,
        operator,
    )
    refused = desk.post(reverse("calls:call-register"), {"phone": "not a number"}, follow=True)
    assert "not a number is not a phone number." in html_of(refused)
    assert Call.objects.count() == 1


def test_the_desk_queue_lists_my_open_calls_and_the_waiting_callbacks(desk, operator, people, staff_of):
    shop = kolos(people)
    mine = pop(operator, "+74951234567")
    other = staff_of(Role.OPERATOR, department_code="call_center")
    pop(other, "+74997654321")
    schedule_callback(actor=other, call_id=None, phone="+74951234567", due_at=timezone.now(), note="prices")
    page = html_of(desk.get(reverse("calls:desk")))
    assert 'hx-get="/desk/?panel=queue"\n     hx-trigger="load"' in page
    response = desk.get(reverse("calls:desk"), {"panel": "queue"}, headers=HTMX)
    html = html_of(response)
    assert html.strip().startswith('<div id="desk-queue"')
    assert "<html" not in html
    # refreshed by the push channel's events, polling every 10 s only while the stream is down
    assert 'hx-trigger="sse:call-pop, sse:calls-changed, sse:callbacks-changed, live:poll"' in html
    assert 'data-live-poll="10"' in html
    assert f'<a href="{call_url(mine)}" id="open-call-{mine.pk}" data-shortcut="Alt+w">Kolos grocery' in html
    assert "8 (499) 765-43-21" not in html  # another operator's call
    assert f"{shop.name} · 8 (495) 123-45-67</td>\n            <td>prices</td>" in html
    assert 'data-shortcut="Alt+k">Take <kbd>Alt+K</kbd>' in html
    # without JavaScript the queue comes with the page
    assert 'id="open-calls"' in html_of(desk.get(reverse("calls:desk"), {"panel": "queue"}))


def test_a_callback_is_taken_from_the_queue_once(desk, client, operator, people, staff_of):
    shop = kolos(people)
    callback = schedule_callback(actor=operator, call_id=None, phone="+74951234567", due_at=timezone.now())
    response = desk.post(reverse("calls:callback-take", args=[callback.pk]))
    call = Call.objects.get()
    assert response["Location"] == call_url(call)
    assert (call.direction, call.client, call.operator) == ("outbound", shop, operator)
    callback.refresh_from_db()
    assert (callback.taken_by, callback.done_call) == (operator, call)
    client.force_login(staff_of(Role.OPERATOR, department_code="call_center"))
    again = client.post(reverse("calls:callback-take", args=[callback.pk]), follow=True)
    assert "Another operator has taken this callback." in html_of(again)
    assert Call.objects.count() == 1


# --- Comments and wishes (III.20) ---------------------------------------------------------------


def test_a_comment_lands_in_each_department_chosen_whose_staff_move_it(
    desk, client, operator, people, staff_of
):
    shop = kolos(people)
    call = pop(operator, "+74951234567")
    response = desk.post(
        call_url(call, "call-feedback"),
        {"text": "Please deliver before 9", "departments": ["wholesale", "finance"]},
        headers=HTMX,
    )
    html = html_of(response)
    assert html.strip().startswith('<section class="card" id="feedback-panel">')
    assert "<html" not in html
    assert (
        '<p class="message" role="status" id="feedback-notice">Passed to Finance, Wholesale sales.</p>'
        in html
    )
    routes = FeedbackRoute.objects.select_related("feedback", "department").order_by("department__code")
    assert [(r.department.code, r.status, r.feedback.client, r.feedback.call) for r in routes] == [
        ("finance", "new", shop, call),
        ("wholesale", "new", shop, call),
    ]
    wholesale = routes.get(department__code="wholesale")
    # the wholesale head's inbox lists it as new, and moves it
    client.force_login(people["head"])
    inbox = html_of(client.get(reverse("calls:feedback-inbox")))
    assert "Wholesale sales: Clients' comments and wishes" in inbox
    assert "Please deliver before 9" in inbox
    assert '<span class="badge status-new">New</span>' in inbox
    response = client.post(
        reverse("calls:feedback-status", args=[wholesale.pk]), {"status": "seen"}, headers=HTMX
    )
    html = html_of(response)
    assert html.strip().startswith('<section class="card" id="feedback-list">')
    assert "Marked seen." in html
    assert '<span class="badge status-seen">Seen</span>' in html
    client.post(reverse("calls:feedback-status", args=[wholesale.pk]), {"status": "done"})
    assert FeedbackRoute.objects.get(pk=wholesale.pk).status == "done"
    assert "Please deliver" not in html_of(client.get(reverse("calls:feedback-inbox"), {"status": "new"}))
    # finance's copy is finance's to move: not there for another department (III.26)
    finance_copy = routes.get(department__code="finance")
    refused = client.post(reverse("calls:feedback-status", args=[finance_copy.pk]), {"status": "done"})
    assert refused.status_code == 404
    assert FeedbackRoute.objects.get(pk=finance_copy.pk).status == "new"


def test_a_comment_without_text_or_departments_is_refused(desk, operator, people):
    kolos(people)
    call = pop(operator, "+74951234567")
    html = html_of(desk.post(call_url(call, "call-feedback"), {"text": " "}, headers=HTMX))
    assert "The comment is not complete." in html
    assert '<span class="error" id="feedback-text_error">What did the client say?</span>' in html
    assert "Choose the departments it concerns." in html
    assert not FeedbackRoute.objects.exists()


# --- Consulting the head (III.11) ---------------------------------------------------------------


def test_the_heads_answer_shows_on_the_operators_call_screen(desk, client, operator, people, staff_of):
    kolos(people)
    call = pop(operator, "+74951234567")
    response = desk.post(
        call_url(call, "consult"), {"question": "May we deliver on Sunday?", "department": ""}, headers=HTMX
    )
    html = html_of(response)
    assert html.strip().startswith('<section class="card" id="consult-panel">')
    assert "Asked Sergey Volkov: the answer will appear here." in html
    assert "Waiting for the head's answer…" in html
    answers = call_url(call, "call-answers")
    assert f'hx-get="{answers}" hx-trigger="sse:answers-changed, live:poll" data-live-poll="5"' in html
    question = Consultation.objects.get()
    assert (question.department.code, question.head, question.call) == ("wholesale", people["head"], call)
    # the head's page lists it, refreshes itself, and answers it
    client.force_login(people["head"])
    page = html_of(client.get(reverse("calls:consultations")))
    assert "May we deliver on Sunday?" in page
    assert (
        'hx-get="/desk/consultations/" hx-trigger="sse:consultations-changed, live:poll" data-live-poll="5"'
        in page
    )
    refresh = html_of(client.get(reverse("calls:consultations"), headers=HTMX))
    assert refresh.strip().startswith('<div id="open-questions"')
    assert "<html" not in refresh
    empty = html_of(client.post(reverse("calls:answer", args=[question.pk]), {"answer": ""}, headers=HTMX))
    assert "Write the answer." in empty
    answered = client.post(
        reverse("calls:answer", args=[question.pk]), {"answer": "Yes, with a 10% surcharge."}, headers=HTMX
    )
    assert "Answer sent." in html_of(answered)
    assert "May we deliver on Sunday?" not in html_of(answered)
    # the operator's screen polls the answers and shows it; polling stops
    polled = html_of(desk.get(call_url(call, "call-answers"), headers=HTMX))
    assert polled.strip().startswith('<div id="call-answers"')
    assert "<strong>Sergey Volkov:</strong> Yes, with a 10% surcharge." in polled
    assert "hx-trigger" not in polled
    assert "<strong>Sergey Volkov:</strong> Yes, with a 10% surcharge." in html_of(desk.get(call_url(call)))


def test_only_the_departments_head_answers_and_only_heads_see_the_questions(
    desk, client, operator, people, staff_of
):
    call = pop(operator, "+74951234567")
    desk.post(call_url(call, "consult"), {"question": "Discount?", "department": "wholesale"})
    question = Consultation.objects.get()
    assert desk.get(reverse("calls:consultations")).status_code == 403
    client.force_login(staff_of(Role.HEAD, department_code="retail"))
    assert "Discount?" not in html_of(client.get(reverse("calls:consultations")))
    refused = client.post(reverse("calls:answer", args=[question.pk]), {"answer": "No"})
    assert refused.status_code == 404  # another department's question is not there (III.26)
    assert Consultation.objects.get().answered_at is None


# --- Reference information (III.18) -------------------------------------------------------------


def test_reference_information_is_sent_and_listed_on_the_call(
    desk, operator, people, django_capture_on_commit_callbacks, mailoutbox
):
    shop = kolos(people)
    Contact.objects.create(client=shop, name="Anna", email="anna@kolos.test")
    call = pop(operator, "+74951234567")
    page = html_of(desk.get(call_url(call)))
    assert 'value="anna@kolos.test"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            call_url(call, "reference"),
            {"email": "buyer@kolos.test", "documents": ["assortment", "delivery_terms"]},
            headers=HTMX,
        )
    html = html_of(response)
    assert html.strip().startswith('<section class="card" id="reference-panel">')
    assert "<html" not in html
    assert "The documents go to buyer@kolos.test." in html
    sent = ReferenceRequest.objects.get()
    assert (sent.call, sent.client, sent.email, sent.documents) == (
        call,
        shop,
        "buyer@kolos.test",
        ["assortment", "delivery_terms"],
    )
    assert sent.sent_at is not None
    assert mailoutbox[-1].to == ["buyer@kolos.test"]
    row = html_of(desk.get(call_url(call))).split(f'<tr id="reference-{sent.pk}">')[1].split("</tr>")[0]
    assert "<td>buyer@kolos.test</td>" in row
    assert "<td>Assortment, Delivery terms</td>" in row
    assert '<span class="badge sent">sent</span>' in row


def test_a_waiting_reference_request_and_a_bad_one(desk, operator, people):
    kolos(people)
    ProductFactory(sku="COLA")
    call = pop(operator, "+74951234567")
    desk.post(
        call_url(call, "reference"), {"email": "a@b.test", "documents": ["certificates"], "skus": "COLA"}
    )
    waiting = ReferenceRequest.objects.get()
    assert waiting.skus == ["COLA"]
    row = html_of(desk.get(call_url(call))).split(f'<tr id="reference-{waiting.pk}">')[1].split("</tr>")[0]
    assert "<td>Product certificates (COLA)</td>" in row
    assert '<span class="badge waiting">waiting</span>' in row
    html = html_of(
        desk.post(call_url(call, "reference"), {"email": "nope", "documents": ["certificates"]}, headers=HTMX)
    )
    assert "The reference request is not valid." in html
    assert '<span class="error" id="reference-email_error">Enter a valid e-mail address.</span>' in html
    assert "Name the products whose certificates to send." in html
    assert ReferenceRequest.objects.count() == 1
