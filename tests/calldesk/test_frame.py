"""The base page: local assets only, no inline script, CSRF for htmx, a Content Security Policy."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from staff.models import Role

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


class ScriptCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.body: dict = {}
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append({**dict(attrs), "_text": ""})
            self._in_script = True
        if tag == "body":
            self.body = dict(attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1]["_text"] += data


PAGES = [
    (None, "/login/"),
    (Role.OPERATOR, "/desk/?q=zz"),
    (Role.MANAGER, "/orders/mine/"),
    (Role.HEAD, "/reports/dashboard/"),
    (Role.FINANCE, "/clients/debtors/"),
    (Role.COMMERCIAL, "/orders/price-list/"),
]
# htmx with its SSE extension (django-htmx ships both), the shortcuts and the push channel's
# page side (calldesk.live).
FRAME_SCRIPTS = [
    "/static/django_htmx/htmx-2.min.js",
    "/static/django_htmx/ext/hx-sse-2.min.js",
    "/static/js/shortcuts.js",
    "/static/js/live.js",
]
# Pages that draw charts add the locally served Chart.js and their own file, and hand them
# their figures as JSON data blocks (type="application/json": never executed, CSP or not).
PAGE_SCRIPTS = {"/reports/dashboard/": ["/static/vendor/chartjs/chart.umd.min.js", "/static/js/dashboard.js"]}


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_pages_load_scripts_from_the_desk_only_and_none_inline(client, staff_of, role, url):
    if role:
        client.force_login(staff_of(role))
    response = client.get(url)
    assert response.status_code == 200
    parser = ScriptCollector()
    parser.feed(response.content.decode())
    executable = [script for script in parser.scripts if script.get("type") != "application/json"]
    sources = [script.get("src") for script in executable]
    assert sorted(sources) == sorted(FRAME_SCRIPTS + PAGE_SCRIPTS.get(url, []))
    assert all(script["_text"].strip() == "" for script in executable)
    # htmx sends the CSRF token with every request it makes.
    assert re.fullmatch(r'\{"x-csrftoken": "[A-Za-z0-9]{64}"\}', parser.body["hx-headers"])
    # a signed-in person's page opens its one stream of pushed events (calldesk.live)
    if role:
        assert (parser.body["hx-ext"], parser.body["sse-connect"]) == ("sse", "/live/")
    else:
        assert "sse-connect" not in parser.body


def test_content_security_policy_forbids_inline_and_foreign_scripts(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_every_static_asset_the_frame_names_is_served_locally():
    for path in [
        "django_htmx/htmx-2.min.js",
        "django_htmx/ext/hx-sse-2.min.js",
        "js/shortcuts.js",
        "js/live.js",
        "css/desk.css",
        "ninja/swagger-ui-bundle.js",
        "vendor/chartjs/chart.umd.min.js",
        "js/dashboard.js",
    ]:
        assert finders.find(path), path


def test_no_template_or_asset_of_ours_loads_anything_from_the_internet():
    pattern = re.compile(
        r"""(src|href)\s*=\s*["']\s*(https?:)?//|url\(\s*["']?(https?:)?//|@import\s+["']?https?:"""
    )
    offenders = []
    for folder in ["templates", "static"]:
        for path in (ROOT / folder).rglob("*"):
            if (
                path.is_file()
                and path.suffix in {".html", ".css", ".js"}
                and pattern.search(path.read_text())
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_desk_page_exposes_keyboard_shortcuts(client, operator):
    client.force_login(operator)
    html = client.get(reverse("calls:desk")).content.decode()
    assert 'id="client-search"' in html
    assert 'data-shortcut="/"' in html
    assert 'id="shortcut-help"' in html
