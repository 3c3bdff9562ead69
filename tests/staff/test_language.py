"""The person's language ("Around the job": the interface in English, Russian, Romanian): their
own choice (staff.User.language, from the header's switcher, admin or PATCH /me), else the
language cookie, else the browser's Accept-Language, else LANGUAGE_CODE."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from staff.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def olga(staff_of):
    return staff_of(
        Role.OPERATOR, department_code="call_center", username="o.smirnova", full_name="Ольга Смирнова"
    )


@pytest.fixture
def ion(staff_of):
    return staff_of(Role.MANAGER, username="i.popescu", full_name="Ion Popescu")


def signed_in(user: User, **headers) -> HttpClient:
    http = HttpClient(headers=headers)
    http.force_login(user)
    return http


def html_lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


# --- The API: GET /me, PATCH /me ------------------------------------------------------------------


def test_me_shows_the_language_and_patch_me_chooses_it(api, olga):
    http = api(olga)
    assert http.get("/api/v1/me").json()["language"] is None

    response = http.patch("/api/v1/me", {"language": "ru"}, content_type="application/json")

    assert response.status_code == 200
    assert response.json() == {
        "username": "o.smirnova",
        "full_name": "Ольга Смирнова",
        "role": "operator",
        "department": "call_center",
        "language": "ru",
        "opens_calls_at_once": False,
    }
    assert User.objects.get(pk=olga.pk).language == "ru"
    assert http.get("/api/v1/me").json()["language"] == "ru"


def test_patch_me_with_null_follows_the_browser_again(api, ion):
    User.objects.filter(pk=ion.pk).update(language="ro")
    response = api(ion).patch("/api/v1/me", {"language": None}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["language"] is None
    assert User.objects.get(pk=ion.pk).language == ""


def test_patch_me_without_a_language_changes_nothing(api, ion):
    User.objects.filter(pk=ion.pk).update(language="ro")
    response = api(ion).patch("/api/v1/me", {}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["language"] == "ro"


@pytest.mark.parametrize("code", ["de", "русский", "RU", "en-gb"])
def test_patch_me_refuses_a_language_the_desk_does_not_speak(api, olga, code):
    response = api(olga).patch("/api/v1/me", {"language": code}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "validation_error",
        "detail": "The desk speaks these languages: en, ru, ro.",
        "errors": [{"field": "language", "detail": f"Unknown language {code}; one of: en, ru, ro."}],
    }
    assert User.objects.get(pk=olga.pk).language == ""


def test_patch_me_refuses_a_language_that_is_not_text(api, olga):
    response = api(olga).patch("/api/v1/me", {"language": 7}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert response.json()["errors"][0]["field"] == "language"


# --- Which language a page speaks -----------------------------------------------------------------


def test_an_anonymous_page_speaks_the_browsers_language(client):
    russian = HttpClient(headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).get("/login/")
    assert html_lang(russian) == "ru"
    assert russian["Content-Language"] == "ru"
    assert html_lang(HttpClient(headers={"Accept-Language": "ro"}).get("/login/")) == "ro"
    assert html_lang(client.get("/login/")) == settings.LANGUAGE_CODE == "en"


def test_a_person_without_a_choice_gets_the_browsers_language(olga):
    response = signed_in(olga, **{"Accept-Language": "ru"}).get("/inbox/")
    assert response.status_code == 200
    assert html_lang(response) == "ru"
    assert '<option value="" selected>' in response.content.decode()


def test_a_persons_own_language_wins_over_the_browser_and_the_cookie(ion):
    User.objects.filter(pk=ion.pk).update(language="ro")
    http = signed_in(User.objects.get(pk=ion.pk), **{"Accept-Language": "ru"})
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = http.get("/inbox/")
    assert html_lang(response) == "ro"
    assert response["Content-Language"] == "ro"
    assert '<option value="ro" lang="ro" selected>Română</option>' in response.content.decode()


def test_the_persons_language_costs_no_query(olga):
    http = signed_in(olga)
    with CaptureQueriesContext(connection) as browser_language:
        http.get("/inbox/")
    User.objects.filter(pk=olga.pk).update(language="ru")
    with CaptureQueriesContext(connection) as own_language:
        response = http.get("/inbox/")
    assert html_lang(response) == "ru"
    assert len(own_language.captured_queries) == len(browser_language.captured_queries)


# --- The header's switcher ------------------------------------------------------------------------


def test_the_switcher_is_on_the_login_page_for_anyone(client):
    html = client.get("/login/").content.decode()
    assert '<form method="post" action="/i18n/setlang/" class="inline language" id="language-form">' in html
    assert '<input type="hidden" name="next" value="/login/">' in html
    assert '<option value="ru" lang="ru">Русский</option>' in html
    assert '<option value="ro" lang="ro">Română</option>' in html
    assert '<option value="en" lang="en">English</option>' in html


def test_an_anonymous_choice_is_kept_in_the_language_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    page = client.get("/login/")
    assert html_lang(page) == "ru"
    assert '<option value="ru" lang="ru" selected>Русский</option>' in page.content.decode()


def test_a_signed_in_choice_is_kept_on_the_person(olga):
    http = signed_in(olga, **{"Accept-Language": "en"})
    response = http.post("/i18n/setlang/", {"language": "ru", "next": "/inbox/"})
    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    assert User.objects.get(pk=olga.pk).language == "ru"
    # Another computer, no cookie: the choice follows the person.
    elsewhere = signed_in(User.objects.get(pk=olga.pk), **{"Accept-Language": "en"})
    assert html_lang(elsewhere.get("/inbox/")) == "ru"


def test_the_browsers_language_forgets_the_choice_and_the_cookie(olga):
    User.objects.filter(pk=olga.pk).update(language="ru")
    http = signed_in(User.objects.get(pk=olga.pk), **{"Accept-Language": "ro"})
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = http.post("/i18n/setlang/", {"language": "", "next": "/inbox/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == 0
    assert User.objects.get(pk=olga.pk).language == ""
    assert html_lang(http.get("/inbox/")) == "ro"


def test_a_language_the_desk_does_not_speak_changes_nothing(olga):
    User.objects.filter(pk=olga.pk).update(language="ro")
    http = signed_in(User.objects.get(pk=olga.pk))
    response = http.post("/i18n/setlang/", {"language": "de", "next": "/inbox/"})
    assert response.status_code == 302
    assert User.objects.get(pk=olga.pk).language == "ro"


def test_the_switcher_needs_the_csrf_token(olga):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(olga)
    assert http.post("/i18n/setlang/", {"language": "ru"}).status_code == 403
    assert User.objects.get(pk=olga.pk).language == ""


def test_a_get_of_the_switcher_changes_nothing(olga):
    response = signed_in(olga).get("/i18n/setlang/", {"language": "ru", "next": "/inbox/"})
    assert response.status_code == 302
    assert User.objects.get(pk=olga.pk).language == ""


# --- Admin ------------------------------------------------------------------------------------------


def test_admin_edits_a_persons_language(staff_of, olga):
    admin = staff_of(Role.ADMIN, department_code=None, username="a.kuznetsov", full_name="Андрей Кузнецов")
    http = signed_in(admin)
    page = http.get(f"/admin/staff/user/{olga.pk}/change/").content.decode()
    assert '<select name="language" aria-describedby="id_language_helptext" id="id_language">' in page
    assert '<option value="ro">Romanian</option>' in page
