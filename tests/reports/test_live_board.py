"""The heads' live board (III.22, section VI): each operator's state now, the callbacks waiting in
the shared queue (III.22) and today's orders so far (III.14), for heads and admins only, in a
fixed number of queries, and refreshed by htmx without a page reload."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, Callback
from orders.models import Order
from reports.live import CALLBACKS_SHOWN, State, live_board, state_of
from staff.models import Role, User
from tests.factories import ClientFactory, OrderFactory, department, make_staff

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
DAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=MSK)
PRESENCE = User.Presence


def at(hour: int, minute: int = 0, *, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


def operator(username: str, full_name: str, presence: str = PRESENCE.AVAILABLE, **kwargs) -> User:
    return make_staff(
        Role.OPERATOR,
        department_code=kwargs.pop("department_code", "call_center"),
        username=username,
        full_name=full_name,
        presence=presence,
        **kwargs,
    )


def open_call(who: User, started: datetime, client=None, phone: str = "+74951234567") -> Call:
    return Call.objects.create(
        direction=Call.Direction.INBOUND, phone=phone, client=client, operator=who, started_at=started
    )


def ended_call(who: User, started: datetime) -> Call:
    return Call.objects.create(
        direction=Call.Direction.INBOUND,
        phone="+74950000001",
        operator=who,
        started_at=started,
        ended_at=started + timedelta(minutes=3),
        outcome=Call.Outcome.ORDER_TAKEN,
    )


def callback(due: datetime, phone: str = "+74957654321", **fields) -> Callback:
    return Callback.objects.create(phone=phone, due_at=due, **fields)


def confirmed(taken_by: User, when: datetime, total: str, **fields) -> Order:
    return OrderFactory(taken_by=taken_by, created_at=when, confirmed_at=when, total=Decimal(total), **fields)


@pytest.fixture
def floor():
    """Four operators, one in each state, with a wrapped-up call and a stale open call that must
    not count as a call in progress."""
    kolos = ClientFactory(name="Kolos grocery")
    anna = operator("anna", "Anna Belova", PRESENCE.BUSY)  # busy with a call open: on a call
    open_call(anna, NOW - timedelta(minutes=7), client=kolos)
    boris = operator("boris", "Boris Orlov", PRESENCE.BUSY)  # busy, call wrapped up: wrap-up
    ended_call(boris, NOW - timedelta(minutes=10))
    vera = operator("vera", "Vera Sokolova")  # available, only a call forgotten 5 hours ago
    open_call(vera, NOW - timedelta(hours=5))
    gleb = operator("gleb", "Gleb Zaitsev", PRESENCE.ABSENT)
    return {"anna": anna, "boris": boris, "vera": vera, "gleb": gleb, "kolos": kolos}


def by_username(board) -> dict[str, object]:
    return {row.operator.username: row for row in board.operators}


# The mapping, in one place ("around the job": the head watches the desk)


@pytest.mark.parametrize(
    ("presence", "on_call", "state"),
    [
        (PRESENCE.ABSENT, False, State.ABSENT),
        (PRESENCE.ABSENT, True, State.ABSENT),  # absent wins: someone else takes over (I.6)
        (PRESENCE.BUSY, True, State.ON_CALL),
        (PRESENCE.AVAILABLE, True, State.ON_CALL),
        (PRESENCE.BUSY, False, State.WRAP_UP),
        (PRESENCE.AVAILABLE, False, State.FREE),
    ],
)
def test_state_of_maps_presence_and_open_call(presence, on_call, state):
    assert state_of(presence=presence, on_call=on_call) == state


def test_each_operator_has_a_state_now(floor):
    board = live_board(now=NOW)
    rows = by_username(board)
    assert [row.operator.username for row in board.operators] == ["anna", "boris", "gleb", "vera"]
    assert {name: row.state for name, row in rows.items()} == {
        "anna": State.ON_CALL,
        "boris": State.WRAP_UP,
        "gleb": State.ABSENT,
        "vera": State.FREE,  # the 5-hour-old open call is a forgotten one, not a call now
    }
    assert rows["anna"].since == NOW - timedelta(minutes=7)
    assert rows["anna"].caller == "Kolos grocery"
    assert rows["boris"].call is None
    assert rows["vera"].call is None
    assert rows["vera"].open_calls == 0
    assert board.states == {"on_call": 1, "wrap_up": 1, "free": 1, "absent": 1}


def test_a_caller_without_a_client_shows_the_phone():
    olga = operator("olga", "Olga Smirnova")
    open_call(olga, NOW - timedelta(minutes=2), phone="+74951112233")
    row = live_board(now=NOW).operators[0]
    assert row.state == State.ON_CALL
    assert row.caller == "+74951112233"


def test_the_newest_open_call_is_the_one_shown():
    olga = operator("olga", "Olga Smirnova")
    open_call(olga, NOW - timedelta(minutes=30), client=ClientFactory(name="Older"))
    open_call(olga, NOW - timedelta(minutes=1), client=ClientFactory(name="Newer"))
    row = live_board(now=NOW).operators[0]
    assert (row.caller, row.since, row.open_calls) == ("Newer", NOW - timedelta(minutes=1), 2)


def test_only_active_operators_are_on_the_board(floor):
    make_staff(Role.MANAGER, department_code="wholesale", username="oleg")
    make_staff(Role.HEAD, department_code="wholesale", username="volkov")
    operator("gone", "Former Operator", is_active=False)
    assert {row.operator.username for row in live_board(now=NOW).operators} == {
        "anna",
        "boris",
        "gleb",
        "vera",
    }


def test_the_callbacks_waiting_with_the_most_overdue_first():
    olga = operator("olga", "Olga Smirnova")
    late = callback(NOW - timedelta(minutes=20), client=ClientFactory(name="Late shop"))
    later = callback(NOW - timedelta(hours=2))
    soon = callback(NOW + timedelta(minutes=30))
    callback(NOW - timedelta(hours=3), taken_by=olga, taken_at=NOW - timedelta(hours=1))  # taken
    board = live_board(now=NOW)
    assert (board.callbacks_waiting, board.callbacks_overdue) == (3, 2)
    assert board.next_callbacks == [later, late, soon]


def test_the_board_shows_the_ten_most_overdue_callbacks():
    for minutes in range(1, 13):
        callback(NOW - timedelta(minutes=minutes))
    board = live_board(now=NOW)
    assert (board.callbacks_waiting, board.callbacks_overdue) == (12, 12)
    assert len(board.next_callbacks) == CALLBACKS_SHOWN == 10
    assert board.next_callbacks[0].due_at == NOW - timedelta(minutes=12)
    assert board.next_callbacks[-1].due_at == NOW - timedelta(minutes=3)


def test_todays_orders_count_and_value_in_the_desks_time_zone():
    olga = operator("olga", "Olga Smirnova")
    marina = operator("marina", "Marina Egorova")
    manager = make_staff(Role.MANAGER, department_code="wholesale")
    confirmed(olga, at(9), "1000.50")
    confirmed(olga, at(0, 30), "234.00")  # 21:30 UTC the day before: today in Moscow
    confirmed(marina, at(11), "500.25")
    confirmed(manager, at(10), "100.00")  # a key client's order, taken by the manager (III.4)
    confirmed(marina, at(8), "70.00", status=Order.Status.CANCELLED)  # confirmed today, then cancelled
    confirmed(olga, at(23, 30, day=DAY - timedelta(days=1)), "999.00")  # yesterday in Moscow
    OrderFactory(taken_by=olga, status=Order.Status.DRAFT, created_at=at(9), confirmed_at=None, total=50)
    board = live_board(now=NOW)
    assert board.orders_today == 5
    assert board.value_today == Decimal("1904.75")
    assert {row.operator.username: row.orders_today for row in board.operators} == {"olga": 2, "marina": 2}


def test_a_department_narrows_the_operators_and_their_orders():
    olga = operator("olga", "Olga Smirnova")
    retail = operator("rita", "Rita Lebedeva", department_code="retail")
    confirmed(olga, at(9), "100.00")
    confirmed(retail, at(9), "40.00")
    callback(NOW - timedelta(minutes=5))
    board = live_board(now=NOW, department=department("retail"))
    assert [row.operator.username for row in board.operators] == ["rita"]
    assert (board.orders_today, board.value_today) == (1, Decimal("40.00"))
    assert board.callbacks_waiting == 1  # the queue is the whole desk's (III.22)


def test_the_board_is_five_queries_whatever_the_size_of_the_desk(django_assert_num_queries):
    def grow(n: int) -> None:
        for k in range(n):
            who = operator(f"op{n}-{k}", f"Operator {n}-{k}", PRESENCE.BUSY)
            open_call(who, NOW - timedelta(minutes=k + 1), client=ClientFactory())
            confirmed(who, at(9), "10.00")
            callback(NOW - timedelta(minutes=k + 1), client=ClientFactory())

    grow(2)
    with django_assert_num_queries(5):
        small = live_board(now=NOW)
    grow(9)
    with django_assert_num_queries(5):
        large = live_board(now=NOW)
    assert (len(small.operators), len(large.operators)) == (2, 11)
    assert large.states["on_call"] == 11
    assert (large.orders_today, large.callbacks_waiting) == (11, 11)


# The page


@pytest.fixture
def head(staff_of):
    return staff_of(Role.HEAD, username="volkov", full_name="Pavel Volkov")


def test_a_head_sees_each_state_in_words(client, head):
    now = timezone.now()
    anna = operator("anna", "Anna Belova", PRESENCE.BUSY)
    open_call(anna, now - timedelta(minutes=4), client=ClientFactory(name="Kolos grocery"))
    operator("boris", "Boris Orlov", PRESENCE.BUSY)
    operator("vera", "Vera Sokolova")
    operator("gleb", "Gleb Zaitsev", PRESENCE.ABSENT)
    callback(now - timedelta(minutes=15), client=ClientFactory(name="Late shop"))
    callback(now + timedelta(hours=1))
    confirmed(anna, now, "1234.50")
    client.force_login(head)
    response = client.get(reverse("reports:live"))
    assert response.status_code == 200
    html = response.content.decode()
    for username, state, label in [
        ("anna", "on_call", "On a call"),
        ("boris", "wrap_up", "Wrap-up"),
        ("vera", "free", "Free"),
        ("gleb", "absent", "Absent"),
    ]:
        row = html.split(f'id="operator-{username}"', 1)[1].split("</tr>", 1)[0]
        assert f'<span class="state state-{state}">{label}</span>' in row
    anna_row = html.split('id="operator-anna"', 1)[1].split("</tr>", 1)[0]
    assert "Kolos grocery" in anna_row
    assert '<dd id="callbacks-waiting">2</dd>' in html
    assert '<dd id="callbacks-overdue" class="overdue">1</dd>' in html
    assert '<dd id="live-orders">1</dd>' in html
    assert '<dd id="live-value">RUB\xa01,234.50</dd>' in html
    assert "Late shop" in html
    trigger = 'hx-trigger="sse:board-changed, live:poll" data-live-poll="5"'
    assert f'hx-get="/reports/live/" {trigger} hx-swap="outerHTML"' in html


def test_an_htmx_request_gets_only_the_board(client, head):
    operator("vera", "Vera Sokolova")
    client.force_login(head)
    response = client.get(reverse("reports:live"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="live-board"')
    assert "<html" not in html
    assert "<h1>" not in html
    assert 'data-state="free"' in html


def test_an_admin_may_open_the_board(client):
    admin = make_staff(Role.ADMIN, username="root")
    client.force_login(admin)
    assert client.get(reverse("reports:live")).status_code == 200


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.MANAGER, Role.FINANCE, Role.COMMERCIAL])
def test_others_may_not_open_the_board(client, role):
    client.force_login(make_staff(role, department_code="call_center"))
    assert client.get(reverse("reports:live")).status_code == 403
    assert client.get(reverse("reports:live"), headers={"HX-Request": "true"}).status_code == 403


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("reports:live"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/reports/live/"


def test_the_page_is_a_fixed_number_of_queries(client, head, django_assert_num_queries):
    now = timezone.now()

    def grow(n: int) -> None:
        for k in range(n):
            who = operator(f"op{n}-{k}", f"Operator {n}-{k}", PRESENCE.BUSY)
            open_call(who, now - timedelta(minutes=k + 1), client=ClientFactory())
            confirmed(who, now, "10.00")
            callback(now - timedelta(minutes=k + 1), client=ClientFactory())

    client.force_login(head)
    grow(1)
    # the session, the user with their role, the board's five (the session is written at most
    # once a minute: calldesk.middleware.SlidingSessionMiddleware)
    with django_assert_num_queries(7):
        small = client.get(reverse("reports:live"), headers={"HX-Request": "true"})
    grow(8)
    with django_assert_num_queries(7):
        large = client.get(reverse("reports:live"), headers={"HX-Request": "true"})
    assert small.content.decode().count('data-state="on_call"') == 1
    assert large.content.decode().count('data-state="on_call"') == 9


def test_a_board_that_outlived_its_session_sends_the_browser_to_the_login_page(client):
    """The board polls every 5 s; once the session is gone, htmx gets told to load the login
    page as a whole page (HX-Redirect) instead of swapping it into the board."""
    response = client.get(reverse("reports:live"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/reports/live/"
    plain = client.get(reverse("reports:live"))
    assert (plain.status_code, plain["Location"]) == (302, "/login/?next=/reports/live/")
