"""The push channel's transport: django-eventstream set up for the desk (see `calldesk.live` for
the API services call).

- `stream` (`GET /live/`): one Server-Sent Events stream per page of a signed-in person, with the
  channels `calldesk.live.channels_for` gives them. It takes no parameters: the library's own
  (`channel`, `es-meta`, `lastEventId`, ...) are ignored, so nobody picks a channel. A missing or
  malformed Last-Event-ID starts from each channel's latest event, never an error half-way
  through a stream.
- `ReaderChannels`: the library's channel manager, asking `channels_for` (staff.permissions' rules).
- `RecentEventsStorage`: the library's table of events, kept for LIVE_REPLAY_SECONDS: a browser
  that reconnects with Last-Event-ID is sent what it missed in that time (III.1: a blip loses no
  screen pop). One statement stores an event; a DELETE now and then keeps the table short.
- `send`: what `calldesk.live` publishes through. The event is stored, handed at once to this
  process's streams, and with REDIS_URL published on Redis for the other processes.
- `RedisFanOut`: with REDIS_URL, every other process's events come through Redis pub/sub to this
  process's streams. It replaces the library's listener, which stops for good at the first Redis
  error; this one subscribes again, backing off up to 10 s. It is started once per process, on
  the running loop, by the first stream (`fan_out_ready`), which waits for the subscription
  before it reports stream-open (III.1: a pop published right after is not lost).
- A stream holds no database connection while it waits: the request's thread returns its
  connections to the pool after each chunk (`_returning_connections`), so hundreds of open pages
  do not take the pool from ordinary requests.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import logging
import os
import re
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_eventstream.channelmanager import ChannelManagerBase
from django_eventstream.storage import DjangoModelStorage

from calldesk.live import channels_for

logger = logging.getLogger("calldesk.live")

# What the library writes as an id: "channel:number" for each channel, comma-separated.
LAST_EVENT_ID = re.compile(r"^[\w%.-]{1,100}:\d{1,18}(,[\w%.-]{1,100}:\d{1,18}){0,9}$")
FANOUT = "events_channel"  # the library publishes every event here when EVENTSTREAM_REDIS is set


class ReaderChannels(ChannelManagerBase):
    """Each reader gets exactly their channels (calldesk.live.channels_for)."""

    def get_channels_for_request(self, request, view_kwargs):
        return set(channels_for(request.user))

    def can_read_channel(self, user, channel):
        return channel in channels_for(user)

    def is_channel_reliable(self, channel):
        return True


class RecentEventsStorage(DjangoModelStorage):
    """The library's event table, written in one statement per event and trimmed to the last
    LIVE_REPLAY_SECONDS at most once every LIVE_TRIM_SECONDS per process.

    The library's own `append_event` takes nine round trips per event (the channel's counter read,
    locked, the event inserted, the counter written, and a DELETE of old events, each in its own
    transaction): three events of a registered call cost the exchange's request 27 statements.
    Here, on PostgreSQL, the channel's counter is raised and the event inserted by one statement
    (the counter's row stays locked only for that statement, so two processes never hand out one
    id twice); elsewhere by two in one transaction. The rows are the library's, as it writes
    them: its `get_events` reads them back for a reconnect (Last-Event-ID)."""

    _trimmed_at = 0.0  # monotonic seconds of this process's last trim

    def append_event(self, channel, event_type, data):
        from django_eventstream.event import Event as Pushed
        from django_eventstream.models import Event

        stored = json.dumps(data, cls=DjangoJSONEncoder)  # the library's encoding of `data`
        now = timezone.now()
        raise_counter, insert, raise_and_insert = _event_statements()
        db = connections[router.db_for_write(Event)]
        if db.vendor == "postgresql":  # one statement, atomic by itself
            with db.cursor() as cursor:
                cursor.execute(raise_and_insert, [channel, now, channel, event_type, stored, now])
                eid = cursor.fetchone()[0]
        else:
            with transaction.atomic(using=db.alias), db.cursor() as cursor:
                cursor.execute(raise_counter, [channel, now])
                eid = cursor.fetchone()[0]
                cursor.execute(insert, [channel, event_type, stored, eid, now])
        if eid == 1:
            # A channel's first event: the library's placeholder at 0, so that a page that
            # connected before it ("channel:0") is sent it rather than reset.
            with db.cursor() as cursor:
                cursor.execute(insert, [channel, "", "", 0, now])
        self.trim_now_and_then()
        return Pushed(channel, event_type, data, id=eid)

    def trim_now_and_then(self) -> None:
        now = time.monotonic()
        if now - RecentEventsStorage._trimmed_at >= settings.LIVE_TRIM_SECONDS:
            RecentEventsStorage._trimmed_at = now
            self.trim_event_log()

    def trim_event_log(self):
        from django_eventstream.models import Event

        cutoff = timezone.now() - timedelta(seconds=settings.LIVE_REPLAY_SECONDS)
        Event.objects.filter(created__lt=cutoff).delete()


@functools.cache
def _event_statements() -> tuple[str, str, str]:
    """The SQL of RecentEventsStorage.append_event: raise a channel's counter (made at 1 for a new
    channel) returning its value; insert an event; both in one statement (PostgreSQL). Only the
    library's table names are written into them; every value is bound."""
    from django_eventstream.models import Event, EventCounter

    counters, events = EventCounter._meta.db_table, Event._meta.db_table
    raise_counter = (
        f"INSERT INTO {counters} (name, value, updated) VALUES (%s, 1, %s)"  # noqa: S608  # nosec B608
        f" ON CONFLICT (name) DO UPDATE SET value = {counters}.value + 1, updated = excluded.updated"
        " RETURNING value"
    )
    insert = f"INSERT INTO {events} (channel, type, data, eid, created) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608  # nosec B608
    raise_and_insert = (
        f"WITH counter AS ({raise_counter}) INSERT INTO {events} (channel, type, data, eid, created)"  # noqa: S608  # nosec B608
        " SELECT %s, %s, %s, value, %s FROM counter RETURNING eid"
    )
    return raise_counter, insert, raise_and_insert


@require_GET
def stream(request: HttpRequest) -> HttpResponse:
    """The signed-in person's stream of events (calldesk.live). Queries on connect: the session,
    the user, and two per channel (its latest id, and what came after it), whatever the number of
    events stored."""
    from django_eventstream import get_current_event_id
    from django_eventstream.views import events

    request.GET = QueryDict()
    last_event_id = request.META.get("HTTP_LAST_EVENT_ID", "")
    if not LAST_EVENT_ID.match(last_event_id) and request.user.is_authenticated:
        # A first connection starts from each channel's latest id, read here: the library would
        # read it again after the first message and lose an event published in between.
        request.META["HTTP_LAST_EVENT_ID"] = get_current_event_id(channels_for(request.user))
    response = events(request)
    if getattr(response, "is_async", False):
        response.streaming_content = _returning_connections(response.streaming_content)
    return response


async def _returning_connections(content: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The library's stream, holding no database connection while it waits (III.1).

    Django runs each ASGI request in its own thread-sensitive context: the view's queries and the
    library's `sync_to_async(get_events)` run on one thread of this request, whose connections
    Django closes only at request_finished, i.e. when the stream ends. `close_all` through
    `sync_to_async` runs on that same thread and gives them back to the pool after each chunk;
    the next read (a reconnect's missed events, an overflow) takes one again for a moment."""
    close_all = sync_to_async(connections.close_all)
    await fan_out_ready()
    try:
        async for chunk in content:
            await close_all()
            yield chunk
    finally:
        await close_all()


def _origin() -> str:
    """This process's mark on what it publishes (set after a fork: gunicorn --preload)."""
    return _ORIGIN.setdefault(os.getpid(), uuid.uuid4().hex)


_ORIGIN: dict[int, str] = {}


def send(channel: str, event_type: str, data: str) -> None:
    """Store an event (`data`: JSON text), hand it to this process's streams at once, and with
    REDIS_URL publish it for the other processes' streams. The library's `send_event` hands
    it over only through Redis, so a slow or lost subscription lost this process's own screen
    pops (III.1). A Redis error is raised after the local streams have the event."""
    from django_eventstream.eventstream import redis_client
    from django_eventstream.utils import get_storage
    from django_eventstream.views import get_listener_manager

    event = get_storage().append_event(channel, event_type, data)
    get_listener_manager().add_to_queues(channel, event)
    if redis_client is not None:
        message = {
            "channel": channel,
            "event_type": event_type,
            "data": data,
            "pub_id": str(event.id),
            "origin": _origin(),
        }
        redis_client.publish(FANOUT, json.dumps(message))


class RedisFanOut:
    """Every event published by another web process, handed to this process's streams."""

    def __init__(self) -> None:
        self.subscribed = asyncio.Event()

    async def start(self) -> None:
        from django_eventstream.event import Event
        from django_eventstream.views import get_listener_manager
        from redis.asyncio import Redis

        delay = 0.5
        while True:
            client = Redis(**_listener_connection())
            try:
                pubsub = client.pubsub()
                await pubsub.subscribe(FANOUT)
                self.subscribed.set()
                delay = 0.5
                async for message in pubsub.listen():
                    if message["type"] != "message":
                        continue
                    item = json.loads(message["data"])
                    if item.get("origin") == _origin():
                        continue  # this process's streams had it when it was sent
                    event = Event(item["channel"], item["event_type"], item["data"], id=item["pub_id"])
                    get_listener_manager().add_to_queues(item["channel"], event)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.subscribed.clear()
                logger.warning("live: Redis fan-out lost; subscribing again in %.1f s", delay, exc_info=True)
            finally:
                await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def _listener_connection() -> dict:
    """The publishing connection's settings without its read timeout: a subscriber waits for
    minutes between events, and Redis's own health checks find a dead connection."""
    options = {key: value for key, value in settings.EVENTSTREAM_REDIS.items() if key != "retry"}
    options.update(socket_timeout=None, health_check_interval=30)
    return options


def install_fan_out() -> None:
    """With REDIS_URL, the library starts no listener of its own: its add_listener would start
    one per process with `asyncio.get_event_loop()` and keep no reference to the task, which the
    garbage collector then destroyed while it waited (events from Redis never delivered, its
    `finally` run in a worker thread). `fan_out_ready` starts ours instead (III.1)."""
    if not hasattr(settings, "EVENTSTREAM_REDIS"):
        return
    from django_eventstream.views import get_listener_manager

    get_listener_manager().redis_listener = None


# This process's fan-out: (the loop it runs on, its task, the RedisFanOut). A strong reference:
# asyncio keeps only a weak one to a task.
_FAN_OUT: dict[str, tuple] = {}
SUBSCRIBE_WAIT_SECONDS = 2.0


async def fan_out_ready() -> None:
    """With REDIS_URL, start this process's RedisFanOut on the running loop if it is not running,
    and wait (at most SUBSCRIBE_WAIT_SECONDS) until it is subscribed. Without, nothing to do."""
    if not hasattr(settings, "EVENTSTREAM_REDIS"):
        return
    loop = asyncio.get_running_loop()
    current = _FAN_OUT.get("running")
    if current is None or current[0] is not loop or current[1].done():
        fan_out = RedisFanOut()
        # A context of its own: not the first stream's request context (its thread, its DB).
        task = loop.create_task(fan_out.start(), context=contextvars.Context())
        current = _FAN_OUT["running"] = (loop, task, fan_out)
    if not current[2].subscribed.is_set():
        waiter = loop.create_task(current[2].subscribed.wait())
        done, _ = await asyncio.wait({waiter}, timeout=SUBSCRIBE_WAIT_SECONDS)
        if waiter not in done:
            waiter.cancel()
            logger.warning("live: not subscribed to Redis yet; other processes' events come later")
