"""Login, logout, django-axes lock-out, and the per-role home page (each role lands on its own work)."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from staff.models import Role

pytestmark = pytest.mark.django_db


def test_role_groups_are_seeded_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


@pytest.mark.parametrize(
    ("role", "department", "home"),
    [
        (Role.OPERATOR, "call_center", "/desk/"),
        (Role.MANAGER, "wholesale", "/orders/mine/"),
        (Role.HEAD, "wholesale", "/reports/dashboard/"),
        (Role.FINANCE, "finance", "/clients/debtors/"),
        (Role.COMMERCIAL, "wholesale", "/orders/price-list/"),
        (Role.ADMIN, None, "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, staff_of, role, department, home):
    user = staff_of(role, department_code=department)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(home).status_code == 200


def test_anonymous_home_goes_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_login_page_renders_with_its_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_logging_in_with_the_form_reaches_the_desk(client, staff_of):
    staff_of(Role.OPERATOR, department_code="call_center", username="olga")
    response = client.post(reverse("login"), {"username": "olga", "password": "secret-pass-123"}, follow=True)
    assert response.redirect_chain == [("/", 302), ("/desk/", 302)]
    assert b"Who is calling?" in response.content


def test_wrong_password_is_refused(client, staff_of):
    staff_of(Role.OPERATOR, department_code="call_center", username="olga")
    response = client.post(reverse("login"), {"username": "olga", "password": "wrong"})
    assert response.status_code == 200
    assert b"didn't match" in response.content
    assert "_auth_user_id" not in client.session


def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, staff_of):
    staff_of(Role.OPERATOR, department_code="call_center", username="olga")
    for _ in range(5):
        client.post(reverse("login"), {"username": "olga", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "olga", "password": "secret-pass-123"})
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, operator):
    client.force_login(operator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (Role.FINANCE, "/desk/", 403),
        (Role.OPERATOR, "/reports/dashboard/", 403),
        (Role.OPERATOR, "/clients/debtors/", 403),
        (Role.COMMERCIAL, "/orders/mine/", 403),
        (Role.OPERATOR, "/admin/", 302),  # not staff: admin sends it to its own login
    ],
)
def test_screens_refuse_roles_they_are_not_for(client, staff_of, role, url, status):
    client.force_login(staff_of(role))
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    "url", ["/desk/", "/orders/mine/", "/orders/price-list/", "/reports/dashboard/", "/clients/debtors/"]
)
def test_screens_send_anonymous_users_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_an_idle_hour_ends_the_session_and_a_request_starts_the_hour_again(client, operator, monkeypatch):
    """The idle hour counts from the last request, to the minute: a request writes the session
    (and a new expiry) once SESSION_REFRESH_SECONDS have passed since the last write, and a
    request within them writes nothing (calldesk.middleware.SlidingSessionMiddleware)."""
    import time
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(operator)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    # just signed in: the session was written then, so this request leaves it as it is
    assert client.get("/desk/").status_code == 200
    left = Session.objects.get().expire_date - timezone.now()
    assert timedelta(minutes=4) < left <= timedelta(minutes=5)
    # a minute later the next request writes it again: a full hour from now
    later = time.time() + settings.SESSION_REFRESH_SECONDS
    monkeypatch.setattr("calldesk.middleware.time.time", lambda: later)
    assert client.get("/desk/").status_code == 200
    left = Session.objects.get().expire_date - timezone.now()
    assert timedelta(minutes=59) < left <= timedelta(hours=1)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("target", ["مرحبا", "home", "https://evil.example/", "//evil.example/x", ""])
def test_next_must_be_a_path_of_this_desk(target):
    """A `next` that is not a path of this desk falls back to the default, never an error or an
    open redirect (calldesk.access.next_url)."""
    from django.test import RequestFactory

    from calldesk.access import next_url

    request = RequestFactory().post("/x/", {"next": target})
    assert next_url(request, "/inbox/") == "/inbox/"
    assert (
        next_url(RequestFactory().post("/x/", {"next": "/orders/mine/?page=2"}), "/inbox/")
        == "/orders/mine/?page=2"
    )
