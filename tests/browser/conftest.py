"""Browser layer: Debian's Chromium driven by Playwright (never a downloaded browser)."""

import os
import shutil

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
