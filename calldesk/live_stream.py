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
  screen pop); one DELETE per event keeps the table short.
- `RedisFanOut`: with REDIS_URL, every event goes through Redis pub/sub to the streams of every
  web process. It replaces the library's listener, which stops for good at the first Redis error;
  this one subscribes again, backing off up to 10 s.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import timedelta

from django.conf import settings
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
    """The library's event table, trimmed to the last LIVE_REPLAY_SECONDS in one statement."""

    def trim_event_log(self):
        from django_eventstream.models import Event

        cutoff = timezone.now() - timedelta(seconds=settings.LIVE_REPLAY_SECONDS)
        Event.objects.filter(created__lt=cutoff).delete()


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
    return events(request)


class RedisFanOut:
    """Every event published by any web process, handed to this process's streams."""

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
                delay = 0.5
                async for message in pubsub.listen():
                    if message["type"] != "message":
                        continue
                    item = json.loads(message["data"])
                    event = Event(item["channel"], item["event_type"], item["data"], id=item["pub_id"])
                    get_listener_manager().add_to_queues(item["channel"], event)
            except asyncio.CancelledError:
                raise
            except Exception:
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
    """With REDIS_URL, this process's streams hear every process's events through RedisFanOut."""
    if not hasattr(settings, "EVENTSTREAM_REDIS"):
        return
    from django_eventstream.views import get_listener_manager

    get_listener_manager().redis_listener = RedisFanOut()
