"""A web process's warm-up (calldesk.warmup), run before it serves: in gunicorn's master with
--preload, so it must open no connection a forked worker would share, and it must leave nothing
for the first screen pop (III.1) to build."""

import subprocess
import sys
from pathlib import Path

from django.urls import get_resolver

from calldesk import prepared
from calldesk.warmup import warm_up

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import django
django.setup()
from django.db import connections
from calldesk.warmup import warm_up
warm_up()
opened = [alias for alias in connections if connections[alias].connection is not None]
print("opened:", opened)
"""


def test_the_warm_up_opens_no_database_connection_a_forked_worker_would_share():
    done = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "opened: []"


def test_after_the_warm_up_every_language_s_url_names_and_every_prepared_query_are_ready(settings):
    warm_up()
    resolver = get_resolver()
    assert {code for code, _ in settings.LANGUAGES} <= set(resolver._reverse_dict)
    made = list(prepared._EVERY)
    assert len(made) >= 7  # the session's user, the exchange's token, the caller, the debt, the products...
    assert all(query._compiled for query in made)
