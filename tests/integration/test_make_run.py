"""`make run` on a fresh clone serves Russian to a browser that asks for it ("Around the job": a
translatable interface; the demo data set in Russian by default).

The clone is the repository's committed files copied to a new folder (no database, no compiled
file that is not committed), with this test run's virtualenv in place of the one `make` would
build; `make run` then migrates a new SQLite database, seeds the demo data and serves it, as a
user's first `make run` does. Requests carry Accept-Language: ru, as a Russian browser's do."""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
# Settings a user's fresh clone does not have: the layer's servers and the test settings.
NOT_IN_A_FRESH_SHELL = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "LANGUAGE_CODE")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_clone(into: Path) -> Path:
    """The committed files of the repository, copied to `into` (what `git clone` gives)."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    for name in filter(None, tracked):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = into / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    # The virtualenv `make` would build: this run's, with its packages already installed.
    (into / ".venv").symlink_to(sys.prefix)
    return into


def open_loopback(request: urllib.request.Request | str, opener=None, timeout: float = 30):
    """Open an http:// address of the server started here (never a file: or another scheme)."""
    url = request if isinstance(request, str) else request.full_url
    assert url.startswith("http://127.0.0.1:"), url
    return (opener or urllib.request.build_opener()).open(request, timeout=timeout)


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags gone, entities read, spaces folded."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


class Browser:
    """A browser that asks for Russian and keeps its cookies."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, str]:
        return self._send(urllib.request.Request(self.base + path, headers=RUSSIAN))  # noqa: S310

    def post(self, path: str, fields: dict[str, str], *, referer: str) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(fields).encode()
        headers = {**RUSSIAN, "Referer": self.base + referer}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with open_loopback(request, self.opener) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()


@pytest.fixture
def make_run(tmp_path):
    """`make run` in a fresh clone, on a free port; stopped (with its reloader) afterwards."""
    clone = fresh_clone(tmp_path / "calldesk")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in NOT_IN_A_FRESH_SHELL}
    log_path = tmp_path / "make-run.log"
    with open(log_path, "w") as log:
        # -o: the virtualenv's "installed" stamp counts as made (no pip run on the shared venv).
        server = subprocess.Popen(
            ["make", "-o", ".venv/.runtime-installed", "run", f"PORT={port}", "DEMO_CLIENTS=120"],
            cwd=clone,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            assert server.poll() is None, f"make run stopped:\n{log_path.read_text()}"
            try:
                with open_loopback(f"{base}/login/", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, f"make run did not serve:\n{log_path.read_text()}"
                time.sleep(1)
        yield base, clone, log_path
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.integration
def test_make_run_on_a_fresh_clone_serves_russian(make_run):
    base, clone, log_path = make_run
    log = log_path.read_text()
    assert "Demo data loaded: 120 clients" in log
    assert "operator     operator    Ольга Смирнова" in log
    assert not (clone / "db.sqlite3").is_symlink()
    browser = Browser(base)

    # the login page, before anyone signs in: in the browser's language
    status, _, html = browser.get("/login/")
    assert status == 200
    assert '<html lang="ru">' in html
    page = text_of(html)
    assert "Вход в calldesk" in page
    assert "Имя пользователя" in page
    assert "Пароль" in page

    # the demo operator signs in, on the desk in Russian, and finds the Russian demo data by a
    # lower-case part of a name
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, url, html = browser.post(
        "/login/",
        {"username": "operator", "password": "calldesk-demo", "csrfmiddlewaretoken": token, "next": ""},
        referer="/login/",
    )
    assert (status, url) == (200, f"{base}/desk/")
    page = text_of(html)
    assert '<html lang="ru">' in html
    assert "Кто звонит?" in page
    assert "Телефон, ИНН или название" in page
    assert "Ольга Смирнова" in page
    status, _, html = browser.get("/desk/?q=" + urllib.parse.quote("ромаш"))
    assert status == 200
    page = text_of(html)
    found = re.findall(r"<td>([^<]*«Ромашка»[^<]*)</td>", html)
    assert sorted(unescape(name) for name in found) == [
        "Киоск «Ромашка» №24",
        "Магазин «Ромашка» №39",
        "ООО «Ромашка»",
        "ООО «Ромашка»",
        "Продукты «Ромашка» №100",
    ]
    assert "Принять заказ" in page

    # the push channel is served as it is on the embedded default (ASGI, no Redis): the desk's
    # page connects to it, and the signed-in operator's stream opens
    assert 'hx-ext="sse" sse-connect="/live/"' in html
    with open_loopback(base + "/live/", browser.opener, timeout=10) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        lines = [stream.readline().decode() for _ in range(4)]
    assert lines[-2:] == ["event: stream-open\n", "data:\n"]
