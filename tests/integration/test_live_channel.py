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
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import Client as BrowserSession

from staff.models import Role, User
from staff.services import issue_api_token
from tests.factories import ClientFactory, ClientPhoneFactory, client_type, make_staff
from tests.integration.conftest import ROOT, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_web_processes(tmp_path):
    """Two `manage.py serve` processes on free ports; both stopped afterwards."""
    servers = []
    for name in ("a", "b"):
        port = free_port()
        log_path = tmp_path / f"web-{name}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=worker_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
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
    two_web_processes,
):
    a, b = two_web_processes
    olga = make_staff(
        Role.OPERATOR, department_code="call_center", username="olga", full_name="Ольга Смирнова"
    )
    exchange = make_staff(Role.COMMERCIAL, username="exchange", full_name="АТС")
    exchange.user_permissions.add(
        Permission.objects.get(codename="set_any_presence"), Permission.objects.get(codename="add_call")
    )
    token = issue_api_token(user=User.objects.get(pk=exchange.pk), name="exchange").raw
    zarya = ClientFactory(name="Минимаркет «Заря»", type=client_type("retail"))
    ClientPhoneFactory(client=zarya, number="+74957654321")
    kolos = ClientFactory(name="Kolos Bakery", type=client_type("market"))
    ClientPhoneFactory(client=kolos, number="+74951234567")
    browser = BrowserSession()
    browser.force_login(olga)
    session = browser.cookies["sessionid"].value

    # olga's page is open on process B; the exchange posts the call to process A
    stream = Stream(b, session)
    stream.next_event("stream-open")
    time.sleep(1)  # B's first stream subscribes it to Redis
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
