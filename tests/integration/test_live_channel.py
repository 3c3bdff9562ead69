"""The push channel across processes (calldesk.live, III.1): two web processes (`manage.py serve`,
uvicorn) on the test database behind the layer's real Redis. The exchange registers a call
through one; the operator's stream, open on the other, is sent the screen pop; a stream
reconnecting with Last-Event-ID is sent the pop it missed while it was away."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import Client as BrowserSession

from staff.models import Role, User
from staff.services import issue_api_token
from tests.factories import ClientFactory, ClientPhoneFactory, client_type, make_staff
from tests.integration.conftest import ROOT, worker_env

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int) -> list[str]:
    return [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--noreload"]


def gunicorn(port: int, workers: int) -> list[str]:
    """Production's command (Dockerfile), on loopback."""
    return [
        *(sys.executable, "-m", "gunicorn", "calldesk.asgi:application"),
        *("--worker-class", "uvicorn_worker.UvicornWorker", f"--workers={workers}", "--preload"),
        *("--bind", f"127.0.0.1:{port}"),
    ]


@contextmanager
def web_processes(tmp_path, *commands, env=None):
    """One web server per command (a function of its free port), stopped afterwards; their ports."""
    servers = []
    for number, command in enumerate(commands):
        port = free_port()
        log_path = tmp_path / f"web-{number}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                command(port), cwd=ROOT, env=env or worker_env(), stdout=log, stderr=subprocess.STDOUT
            )
        servers.append((process, port, log_path))
    try:
        for process, port, log_path in servers:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, f"the web process stopped:\n{log_path.read_text()}"
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    assert time.monotonic() < deadline, f"not serving:\n{log_path.read_text()}"
                    time.sleep(0.2)
        yield [port for _, port, _ in servers]
    finally:
        for process, _, _ in servers:
            process.send_signal(signal.SIGTERM)
        for process, _, _ in servers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for _, _, log_path in servers:
            log = log_path.read_text()
            for fault in ("Task was destroyed", "already running", "There is no current event loop"):
                assert fault not in log, log


@pytest.fixture
def two_web_processes(tmp_path):
    """Two `manage.py serve` processes on free ports; both stopped afterwards."""
    with web_processes(tmp_path, serve, serve) as ports:
        yield ports


class Stream:
    """A browser's EventSource, by hand: GET /live/ with the session cookie, read event by event."""

    def __init__(self, port: int, session: str, last_event_id: str = "") -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Cookie": f"sessionid={session}", "Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", "/live/", headers=headers)
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.read()[:500]
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_event(self, wanted: str) -> dict[str, str]:
        """The next event called `wanted` ({"event", "id", "data"}), others read past."""
        fields: dict[str, str] = {}
        while True:
            line = self.response.readline().decode().rstrip("\n")
            if line:
                if not line.startswith(":"):
                    key, _, value = line.partition(": ")
                    fields[key] = value
                continue
            if fields.get("event") == wanted:
                return fields
            fields = {}

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def olga_and_the_exchange():
    """Olga's session and the exchange's API token; «Заря» and Kolos ring from their numbers."""
    olga = make_staff(
        Role.OPERATOR, department_code="call_center", username="olga", full_name="Ольга Смирнова"
    )
    exchange = make_staff(Role.COMMERCIAL, username="exchange", full_name="АТС")
    exchange.user_permissions.add(Permission.objects.get(codename="set_any_presence"))
    token = issue_api_token(user=User.objects.get(pk=exchange.pk), name="exchange").raw
    zarya = ClientFactory(name="Минимаркет «Заря»", type=client_type("retail"))
    ClientPhoneFactory(client=zarya, number="+74957654321")
    kolos = ClientFactory(name="Kolos Bakery", type=client_type("market"))
    ClientPhoneFactory(client=kolos, number="+74951234567")
    browser = BrowserSession()
    browser.force_login(olga)
    return browser.cookies["sessionid"].value, token


def post_call(port: int, token: str, phone: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps({"direction": "inbound", "phone": phone, "operator": "olga"})
    connection.request(
        "POST",
        "/api/v1/calls",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    assert response.status == 201, answer
    return answer["id"]


def test_a_pop_raised_by_one_process_reaches_a_stream_on_the_other_and_a_reconnect_replays_a_missed_one(
    two_web_processes, olga_and_the_exchange
):
    a, b = two_web_processes
    session, token = olga_and_the_exchange

    # olga's page is open on process B; the exchange posts the call to process A
    stream = Stream(b, session)
    stream.next_event("stream-open")  # B is subscribed to Redis before it says so
    first = post_call(a, token, "+7 495 765-43-21")
    pop = stream.next_event("call-pop")
    data = json.loads(pop["data"])
    assert (data["call"], data["caller"], data["type"], data["url"]) == (
        first,
        "Минимаркет «Заря»",
        "Retail",
        f"/desk/calls/{first}/",
    )
    stream.close()

    # a blip: the next call comes while her browser is away, and it reconnects with the last id
    second = post_call(a, token, "+74951234567")
    again = Stream(b, session, last_event_id=pop["id"])
    replayed = json.loads(again.next_event("call-pop")["data"])
    again.close()
    assert (replayed["call"], replayed["caller"], replayed["type"]) == (second, "Kolos Bakery", "Market")
    assert Path(ROOT / "manage.py").exists() and os.environ["REDIS_URL"].startswith("redis://")


def get(port: int, path: str, session: str = "") -> tuple[int, float]:
    """GET `path`: its status and how long it took, in seconds."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"sessionid={session}"} if session else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.monotonic() - started


def test_in_one_process_with_redis_a_stream_hears_the_pop_posted_right_after_it_opened(
    tmp_path, olga_and_the_exchange
):
    """III.1: one web process, Redis on, the exchange's POST in the same process as the stream,
    sent as soon as the stream is open, and again after a pause."""
    session, token = olga_and_the_exchange
    with web_processes(tmp_path, serve) as (port,):
        stream = Stream(port, session)
        stream.next_event("stream-open")
        first = post_call(port, token, "+7 495 765-43-21")
        assert json.loads(stream.next_event("call-pop")["data"])["call"] == first
        time.sleep(2)
        second = post_call(port, token, "+74951234567")
        data = json.loads(stream.next_event("call-pop")["data"])
        stream.close()
    assert (data["call"], data["caller"], data["type"]) == (second, "Kolos Bakery", "Market")


def test_open_streams_hold_no_database_connection_from_the_pool(tmp_path, olga_and_the_exchange):
    """Seven pages open on a process whose pool has two connections: an ordinary request and
    olga's desk still answer at once, and every stream still hears her pop (III.1)."""
    session, token = olga_and_the_exchange
    with web_processes(tmp_path, serve, env=worker_env(DATABASE_POOL_MAX="2")) as (port,):
        streams = [Stream(port, session) for _ in range(7)]
        for stream in streams:
            stream.next_event("stream-open")
        health, health_took = get(port, "/api/v1/health")
        desk, desk_took = get(port, "/desk/", session)
        call = post_call(port, token, "+7 495 765-43-21")
        pops = [json.loads(stream.next_event("call-pop")["data"])["call"] for stream in streams]
        for stream in streams:
            stream.close()
    assert (health, desk, pops) == (200, 200, [call] * 7)
    assert health_took < 3 and desk_took < 3, (health_took, desk_took)


def test_under_gunicorn_every_worker_s_streams_hear_a_pop_posted_to_any_worker(
    tmp_path, olga_and_the_exchange
):
    """Production's server, two uvicorn workers behind one socket: eight streams spread over
    both, and each of two pops, posted to whichever worker accepts it, reaches all eight."""
    session, token = olga_and_the_exchange
    with web_processes(tmp_path, lambda port: gunicorn(port, 2)) as (port,):
        streams = [Stream(port, session) for _ in range(8)]
        for stream in streams:
            stream.next_event("stream-open")
        first = post_call(port, token, "+7 495 765-43-21")
        second = post_call(port, token, "+74951234567")
        pops = [[json.loads(s.next_event("call-pop")["data"])["call"] for _ in range(2)] for s in streams]
        for stream in streams:
            stream.close()
    assert pops == [[first, second]] * 8


def test_on_postgres_an_event_is_one_statement_and_concurrent_publishers_never_share_an_id(
    django_assert_num_queries,
):
    """Eight web threads at once publish on the desk's shared channel (III.1, III.22): each event
    is stored by one statement, the ids run 1..200 with none given twice, and the library reads
    them back in order for a reconnect."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections
    from django_eventstream.models import Event
    from django_eventstream.storage import EventDoesNotExist

    from calldesk.live_stream import RecentEventsStorage

    storage = RecentEventsStorage()
    storage.append_event("desk", "callbacks-changed", '{"callback": 0}')  # the channel exists now
    with django_assert_num_queries(1):
        storage.append_event("desk", "callbacks-changed", '{"callback": 1}')

    def publish(worker: int) -> list[int]:
        try:
            return [
                storage.append_event("desk", "callbacks-changed", json.dumps({"worker": worker, "n": n})).id
                for n in range(25)
            ]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        ids = [eid for found in pool.map(publish, range(8)) for eid in found]
    assert sorted(ids) == list(range(3, 203))
    assert list(Event.objects.filter(channel="desk").order_by("eid").values_list("eid", flat=True)) == list(
        range(0, 203)
    )
    assert connection.vendor == "postgresql"
    replayed = storage.get_events("desk", 200)
    assert [(event.id, event.type) for event in replayed] == [
        (201, "callbacks-changed"),
        (202, "callbacks-changed"),
    ]
    assert storage.get_current_id("desk") == 202
    with pytest.raises(EventDoesNotExist):
        storage.get_events("desk", 999)
