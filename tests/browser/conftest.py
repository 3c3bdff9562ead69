"""Browser layer: Debian's Chromium driven by Playwright (never a downloaded browser)."""

import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which(CHROMIUM) or CHROMIUM
    assert os.access(executable, os.X_OK), f"no Chromium at {CHROMIUM}: apt-get install chromium"
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def console_errors(page):
    """Errors the page logs (a blocked inline script, a missing asset): a test asserts none."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@dataclass
class AsgiLiveServer:
    url: str


@pytest.fixture
def asgi_live_server(transactional_db):
    """The desk over ASGI (uvicorn, as `make run` and production serve it) in a thread of the test
    process, on the test database: pages, the API and the push channel's streams, which the WSGI
    `live_server` cannot hold open. Every request's thread uses the test's in-memory SQLite
    connection, as Django's live server does (connected when the request starts)."""
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application
    from django.core.signals import request_started
    from django.db import connections

    shared = {
        conn.alias: conn for conn in connections.all() if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }

    def share_test_database(**kwargs):
        for alias, conn in shared.items():
            connections[alias] = conn

    for conn in shared.values():
        conn.inc_thread_sharing()
    request_started.connect(share_test_database, dispatch_uid="asgi-live-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        ASGIStaticFilesHandler(get_asgi_application()),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield AsgiLiveServer(url=f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        request_started.disconnect(dispatch_uid="asgi-live-server")
        for conn in shared.values():
            conn.dec_thread_sharing()
