"""The push channel (calldesk.live, III.1, section VI): who reads which channel, events sent only
after the commit and never raising into the caller, the stream a page opens, and the replay of
what a reconnecting browser missed (Last-Event-ID)."""

import asyncio
import json
import logging

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import transaction
from django_eventstream.models import Event

from calldesk import live
from staff.models import Role
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def stored(channel: str) -> list[tuple[str, object]]:
    """The events kept for replay on a channel, as (event, data) in order."""
    return [
        (event.type, json.loads(json.loads(event.data)))
        for event in Event.objects.filter(channel=channel, eid__gt=0).order_by("eid")
    ]


def read(response, chunks: int = 1) -> str:
    """The first `chunks` pieces of a stream, as text; the stream is closed after."""

    async def take() -> str:
        body = response.streaming_content
        try:
            return "".join([(await anext(body)).decode() for _ in range(chunks)])
        finally:
            await body.aclose()

    return async_to_sync(take)()


def events_in(text: str) -> list[tuple[str, str, str]]:
    """(event, id, data) of each event in a piece of stream, the library's own ones left out."""
    found = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if fields.get("event") not in {None, "stream-open", "keep-alive"}:
            found.append((fields["event"], fields.get("id", ""), fields.get("data", "")))
    return found


@pytest.fixture
def olga(db):
    return make_staff(
        Role.OPERATOR, department_code="call_center", username="olga", full_name="Ольга Смирнова"
    )


@pytest.fixture
def ivan(db):
    return make_staff(Role.OPERATOR, department_code="call_center", username="ivan", full_name="Ivan Petrov")


# --- Who reads which channel ------------------------------------------------------------------------


def test_each_reader_gets_their_own_channel_and_the_shared_ones_their_role_reads(staff_of, olga):
    head = staff_of(Role.HEAD, username="head", full_name="Сергей Волков")
    manager = staff_of(Role.MANAGER, username="manager")
    finance = staff_of(Role.FINANCE, username="finance")
    commercial = staff_of(Role.COMMERCIAL, department_code=None, username="commercial")
    admin = staff_of(Role.ADMIN, department_code=None, username="admin")
    assert live.channels_for(olga) == [f"user-{olga.pk}", "desk"]
    assert live.channels_for(manager) == [f"user-{manager.pk}", "desk"]
    assert live.channels_for(head) == [f"user-{head.pk}", "desk", "board"]
    assert live.channels_for(finance) == [f"user-{finance.pk}"]
    assert live.channels_for(commercial) == [f"user-{commercial.pk}"]
    assert live.channels_for(admin) == [f"user-{admin.pk}", "desk", "board"]
    assert live.channels_for(None) == []


# --- Publishing --------------------------------------------------------------------------------------


def test_an_event_is_sent_only_once_the_transaction_commits(olga, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        live.publish_to_users([olga.pk, None, olga.pk], live.CALLS_CHANGED, {"call": 12})
        assert stored(f"user-{olga.pk}") == []
    assert len(callbacks) == 1  # None skipped, a repeated person told once
    assert stored(f"user-{olga.pk}") == [("calls-changed", {"call": 12})]


def test_a_rolled_back_change_is_never_announced(olga, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        live.publish(live.DESK, live.CALLBACKS_CHANGED, {"callback": 3})
        raise RuntimeError("the service failed")
    assert callbacks == []
    assert stored("desk") == []


def test_a_broker_that_is_down_is_logged_and_never_raised_into_the_caller(
    olga, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:63799. Connection refused.")

    monkeypatch.setattr("calldesk.live_stream.send", down)
    with (
        caplog.at_level(logging.WARNING, logger="calldesk.live"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        live.publish_to_users([olga.pk], live.CALL_POP, {"caller": "ООО «Заря»"})
    assert [record.getMessage() for record in caplog.records] == [
        f"live: call-pop on user-{olga.pk} was not published"
    ]


def test_text_is_sent_as_it_is_and_a_mapping_as_json(olga, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        live.publish(live.user_channel(olga.pk), "note", "Перезвонить «Ромашке»")
        live.publish(live.user_channel(olga.pk), "note", {"text": "Перезвонить"})
        live.publish(live.user_channel(olga.pk), "note")
    assert [json.loads(e.data) for e in Event.objects.filter(channel=f"user-{olga.pk}", eid__gt=0)] == [
        "Перезвонить «Ромашке»",
        '{"text": "\\u041f\\u0435\\u0440\\u0435\\u0437\\u0432\\u043e\\u043d\\u0438\\u0442\\u044c"}',
        "{}",
    ]


# --- The stream --------------------------------------------------------------------------------------


def test_a_signed_in_person_opens_their_stream_and_a_visitor_is_sent_to_log_in(client, olga):
    assert client.get("/live/").status_code == 302
    client.force_login(olga)
    response = client.get("/live/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"  # nginx passes it on at once
    assert read(response).endswith("\n\nevent: stream-open\ndata:\n\n")


def test_connecting_runs_the_same_queries_however_many_events_are_kept(
    client, olga, ivan, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(olga)
    # the session, the user with their role, and for each of the operator's two channels its
    # latest id and what came after it
    with django_assert_num_queries(6):
        read(client.get("/live/"))
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(30):
            live.publish_to_users([olga.pk, ivan.pk], live.CALLS_CHANGED, {"call": number})
            live.publish(live.DESK, live.CALLBACKS_CHANGED, {"callback": number})
    with django_assert_num_queries(6):
        read(client.get("/live/"))


def test_a_reconnect_with_last_event_id_is_sent_what_it_missed_and_nothing_else(
    client, olga, ivan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        live.publish_to_users([olga.pk], live.CALL_POP, {"caller": "ООО «Заря»"})
        live.publish_to_users([ivan.pk], live.CALL_POP, {"caller": "Ivan's caller"})
        live.publish_to_users([olga.pk], live.CALLS_CHANGED, {"call": 7})
        live.publish(live.DESK, live.CALLBACKS_CHANGED, {"callback": 5})
    client.force_login(olga)
    mine, desk = f"user-{olga.pk}", "desk"

    # she saw her first event and nothing of the desk's before the blip
    text = read(client.get("/live/", headers={"Last-Event-ID": f"{mine}:1,{desk}:0"}))
    missed = events_in(text)
    assert sorted((event, data) for event, _, data in missed) == [
        ("callbacks-changed", '{"callback": 5}'),
        ("calls-changed", '{"call": 7}'),
    ]
    # the id of the last one says where each channel is now (the browser sends it back next time)
    assert dict(part.split(":") for part in missed[-1][1].split(",")) == {mine: "2", desk: "1"}
    # caught up: nothing again
    assert events_in(read(client.get("/live/", headers={"Last-Event-ID": f"{mine}:2,{desk}:1"}))) == []


def test_a_gap_older_than_the_replay_is_answered_with_a_reset(
    client, olga, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        live.publish_to_users([olga.pk], live.CALLS_CHANGED, {"call": 1})
    settings.LIVE_REPLAY_SECONDS = -1  # the next event trims every older one
    settings.LIVE_TRIM_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        live.publish_to_users([olga.pk], live.CALLS_CHANGED, {"call": 2})
    client.force_login(olga)
    text = read(client.get("/live/", headers={"Last-Event-ID": f"user-{olga.pk}:1"}))
    assert [(event, json.loads(data)) for event, _, data in events_in(text)] == [
        ("stream-reset", {"channels": [f"user-{olga.pk}"]})
    ]


def test_the_stream_takes_no_channel_from_the_request(client, olga, ivan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        live.publish_to_users([ivan.pk], live.CALL_POP, {"caller": "Ivan's caller"})
    client.force_login(olga)
    theirs = f"user-{ivan.pk}"
    response = client.get(
        f"/live/?channel={theirs}&lastEventId={theirs}:0", headers={"Last-Event-ID": f"{theirs}:0"}
    )
    assert response.status_code == 200
    assert events_in(read(response)) == []


def test_a_malformed_last_event_id_starts_the_stream_afresh(client, olga):
    client.force_login(olga)
    for header in ("error", "user-1:abc", "user-1:" + "9" * 30, "' OR 1=1 --"):
        response = client.get("/live/", headers={"Last-Event-ID": header})
        assert response.status_code == 200
        assert read(response).endswith("event: stream-open\ndata:\n\n")


def test_an_open_stream_hears_its_own_channels_at_once_and_no_one_elses(
    client, olga, ivan, django_capture_on_commit_callbacks
):
    client.force_login(olga)
    response = client.get("/live/")

    def publish() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            live.publish_to_users([ivan.pk], live.CALL_POP, {"caller": "Ivan's caller"})
            live.publish(live.BOARD, "board-changed")  # heads' channel, not an operator's
            live.publish_to_users([olga.pk], live.CALL_POP, {"caller": "Магазин «Ромашка» №39"})

    async def listen() -> str:
        body = response.streaming_content
        try:
            assert "stream-open" in (await anext(body)).decode()
            waiting = asyncio.ensure_future(anext(body))
            await asyncio.sleep(0.2)  # the stream waits for its next event
            await sync_to_async(publish)()
            return (await asyncio.wait_for(waiting, timeout=5)).decode()
        finally:
            await body.aclose()

    text = async_to_sync(listen)()
    assert [(event, json.loads(data)) for event, _, data in events_in(text)] == [
        ("call-pop", {"caller": "Магазин «Ромашка» №39"})
    ]
