"""The screen pop pushed to the operator's browser (III.1), on the desk as it is served (ASGI): the
operator sits on the desk; the exchange posts the call through the API; within one second the
caller is on her screen without a reload, her open calls list it, and one key (Alt+R) opens the
call screen. On another page, with "open calls at once" chosen, the call screen opens by itself."""

import json
import re
import time
import urllib.request

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from calls.models import Call
from staff.models import Role, User
from staff.services import issue_api_token
from tests.browser.test_operator_journey import log_in
from tests.factories import ClientFactory, ClientPhoneFactory, client_type, make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def exchange_token() -> str:
    """The telephone exchange's account and its API token."""
    exchange = make_staff(Role.COMMERCIAL, username="exchange", full_name="АТС")
    exchange.user_permissions.add(Permission.objects.get(codename="set_any_presence"))
    return issue_api_token(user=User.objects.get(pk=exchange.pk), name="exchange").raw


def exchange_posts_call(base_url: str, token: str, phone: str, operator: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (the test's own server on loopback)
        f"{base_url}/api/v1/calls",
        data=json.dumps({"direction": "inbound", "phone": phone, "operator": operator}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    assert request.full_url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 201
        return json.loads(response.read())["id"]


@pytest.fixture
def zarya(db):
    manager = make_staff(
        Role.MANAGER, department_code="retail", username="pavlova", full_name="Татьяна Павлова"
    )
    shop = ClientFactory(name="Минимаркет «Заря»", type=client_type("retail"), manager=manager)
    ClientPhoneFactory(client=shop, number="+74957654321")
    return shop


def test_the_caller_pops_on_the_desk_within_a_second_and_one_key_opens_the_call(
    page: Page, asgi_live_server, zarya, console_errors
):
    # given: the operator on the desk, her page's stream open
    make_staff(Role.OPERATOR, department_code="call_center", username="olga", full_name="Ольга Смирнова")
    token = exchange_token()
    base = asgi_live_server.url
    log_in(page, base, "olga")
    expect(page).to_have_url(f"{base}/desk/")
    expect(page.locator("body")).to_have_attribute("data-live", "up")
    expect(page.locator("#screen-pop")).to_be_hidden()
    expect(page.locator("#open-calls")).to_contain_text("No open calls")

    # when: the exchange registers the call for her
    sent = time.monotonic()
    call_id = exchange_posts_call(base, token, "+7 495 765-43-21", "olga")

    # then: the caller, the type and the route are on her screen within a second, no reload
    expect(page.locator("#screen-pop-caller")).to_have_text("Минимаркет «Заря»", timeout=1000)
    shown = time.monotonic() - sent
    assert shown < 1.0, f"the pop took {shown:.3f} s"
    expect(page.locator("#screen-pop")).to_be_visible()
    expect(page.locator("#screen-pop-type")).to_have_text("Retail")
    expect(page.locator("#screen-pop-route")).to_have_text("Take the order.")
    expect(page.locator("#screen-pop-open")).to_contain_text("Open the call Alt+R")
    # her open calls list it too, refreshed by the same push
    expect(page.locator(f"#open-call-{call_id}")).to_contain_text("Минимаркет «Заря»")

    # one key opens the call screen
    page.keyboard.press("Alt+r")
    expect(page).to_have_url(f"{base}/desk/calls/{call_id}/")
    expect(page.locator("#call-title")).to_contain_text("Минимаркет «Заря»")
    assert console_errors == []


def test_with_open_at_once_chosen_the_call_screen_opens_by_itself_on_any_page(
    page: Page, asgi_live_server, zarya, console_errors
):
    make_staff(
        Role.OPERATOR,
        department_code="call_center",
        username="ivan",
        full_name="Ivan Petrov",
        opens_calls_at_once=True,
    )
    token = exchange_token()
    base = asgi_live_server.url
    log_in(page, base, "ivan")
    expect(page).to_have_url(f"{base}/desk/")
    page.keyboard.press("Alt+y")  # "My results": not the desk
    expect(page).to_have_url(f"{base}/reports/me/")
    expect(page.locator("body")).to_have_attribute("data-live", "up")

    call_id = exchange_posts_call(base, token, "+74957654321", "ivan")

    expect(page).to_have_url(re.compile(rf"/desk/calls/{call_id}/$"), timeout=2000)
    expect(page.locator("#call-title")).to_contain_text("Минимаркет «Заря»")
    assert Call.objects.get(pk=call_id).operator.username == "ivan"
    assert console_errors == []
