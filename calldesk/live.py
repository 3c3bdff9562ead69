"""The push channel to the browser: the one small API every service calls to tell a page that
something happened (the screen pop of III.1, a notice for a manager of III.14, the live board of
section VI), instead of the page asking every few seconds.

    from calldesk import live

    live.publish_to_users([operator.pk], live.CALLS_CHANGED)            # their own channels
    live.publish(live.DESK, live.CALLBACKS_CHANGED, {"callback": 7})     # a channel roles read
    live.publish(live.user_channel(user.pk), live.CALL_POP, {...})       # one person, own data

- `publish(channel, event, data=None)` and `publish_to_users(user_ids, event, data=None)` send
  after the surrounding transaction commits (`transaction.on_commit`; at once outside one), so a
  page never hears of a row it cannot read yet and a rolled-back change is never announced.
- They never raise into the caller: a broker that is down (Redis) or any other failure is logged
  (logger `calldesk.live`) and the caller's work stands. An event is a nudge, not a record: what
  must not be lost is written by the service itself (the call, the outbox's notice).
- `data`: a mapping is sent as JSON; a string is sent as it is; None sends `{}`. Keep it to what
  the page needs to refresh itself or to show at once: the reader's page fetches the rest through
  its own views, which check access as always.

Channels. Each member of staff's page opens one stream (`GET /live/`, `live-stream`) and reads
exactly `channels_for(user)`: their own `user-<id>` channel, plus each shared channel whose rule
in `staff.permissions` lets their role read it (`SHARED_CHANNELS`). Nobody can ask for another
channel: the stream takes no parameters.

Events carry an id; a browser that reconnects with Last-Event-ID is sent what it missed in the
last `LIVE_REPLAY_SECONDS` (settings), and an older gap is answered with a `stream-reset` event,
on which the page refreshes its panels (static/js/live.js).

A template subscribes with htmx's SSE extension, which `base.html` connects once on `<body>` for
a signed-in person: `hx-trigger="sse:calls-changed, live:poll" data-live-poll="10"` refreshes an
element on the event; `live:poll` is fired every `data-live-poll` seconds only while the stream is
down (a buffering proxy, a server without the stream), so pages still work without it.

The transport (django-eventstream: SSE on ASGI, the stored events, Redis pub/sub between web
processes) is set up in `calldesk.live_stream` and the settings (EVENTSTREAM_*).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from functools import partial

from django.db import transaction

from staff.permissions import Person, actor_of, may_take_calls, may_watch_live_board

logger = logging.getLogger("calldesk.live")

# --- Channels ------------------------------------------------------------------------------------
DESK = "desk"  # the desk's shared queue of callbacks (III.22): who answers calls
BOARD = "board"  # the live board (section VI): who may open it

# A shared channel -> the rule that lets a reader's role read it (staff.permissions).
SHARED_CHANNELS: dict[str, Callable[[Person], bool]] = {
    DESK: may_take_calls,
    BOARD: may_watch_live_board,
}

# --- Events (kebab-case; the page's hx-trigger names them as sse:<event>) ------------------------
CALL_POP = "call-pop"  # to an operator: a call for them is on the line (III.1); data: the caller
CALLS_CHANGED = "calls-changed"  # to an operator: their open calls changed (registered, ended)
CALLBACKS_CHANGED = "callbacks-changed"  # on DESK: a callback was queued or taken (III.22)
BOARD_CHANGED = "board-changed"  # on BOARD: a call, a presence, a callback or an order changed
CAMPAIGN_CHANGED = "campaign-changed"  # on BOARD: a campaign's task has a result (III.17)
CONSULTATIONS_CHANGED = "consultations-changed"  # on BOARD: a question asked or answered (III.11)
ANSWERS_CHANGED = "answers-changed"  # to an operator: the head answered their question (III.11)
EXPORT_PROGRESS = "export-progress"  # to who asked for an export: it moved on (III.25)
INBOX_CHANGED = "inbox-changed"  # to a person: their inbox changed (a notice came, III.14; one was read)


def user_channel(user_id: int) -> str:
    """A person's own channel: only their own pages read it."""
    return f"user-{int(user_id)}"


def channels_for(user) -> list[str]:
    """Every channel a member of staff's pages read: their own and the shared ones their role may
    read. No query; an anonymous visitor reads none."""
    actor = actor_of(user)
    if actor.pk is None:
        return []
    return [user_channel(actor.pk)] + [name for name, may_read in SHARED_CHANNELS.items() if may_read(actor)]


def publish(channel: str, event: str, data: Mapping | str | None = None) -> None:
    """Send `event` with `data` on `channel` once the current transaction commits. Never raises."""
    transaction.on_commit(partial(_send, channel, event, data))


def publish_to_users(user_ids: Iterable[int | None], event: str, data: Mapping | str | None = None) -> None:
    """Send `event` on each person's own channel (None and repeats skipped), after the commit."""
    for user_id in dict.fromkeys(user_id for user_id in user_ids if user_id is not None):
        publish(user_channel(user_id), event, data)


def _send(channel: str, event: str, data: Mapping | str | None) -> None:
    from django.core.serializers.json import DjangoJSONEncoder

    from calldesk.live_stream import send

    try:
        text = data if isinstance(data, str) else json.dumps(dict(data or {}), cls=DjangoJSONEncoder)
        send(channel, event, text)
    except Exception:  # the broker down, the event table locked: the caller's work stands
        logger.warning("live: %s on %s was not published", event, channel, exc_info=True)
