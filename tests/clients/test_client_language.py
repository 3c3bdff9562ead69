"""A client's language: what its documents and e-mails are written in (II.2, III.18). Russian
unless its card says otherwise; kept through the API and admin by the client services."""

import pytest
from django.urls import reverse

from clients.models import Client
from staff.models import Role
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NEW_CLIENT = {
    "name": "Магазин «Ромашка»",
    "tax_id": "7705554433",
    "type": "retail",
    "phones": ["+7 495 555-44-33"],
}


def test_a_new_client_receives_russian_unless_told_otherwise(api, operator):
    # when
    russian = api(operator).post("/api/v1/clients", NEW_CLIENT, content_type="application/json")
    english = api(operator).post(
        "/api/v1/clients",
        {**NEW_CLIENT, "name": "Sunrise Foods", "tax_id": "7705554434", "phones": [], "language": "en"},
        content_type="application/json",
    )
    # then
    assert (russian.status_code, russian.json()["language"]) == (201, "ru")
    assert (english.status_code, english.json()["language"]) == (201, "en")
    assert dict(Client.objects.values_list("name", "language")) == {
        "Магазин «Ромашка»": "ru",
        "Sunrise Foods": "en",
    }
    assert api(operator).get(f"/api/v1/clients/{russian.json()['id']}").json()["language"] == "ru"


def test_an_unknown_language_is_400_and_nothing_is_written(api, operator):
    response = api(operator).post(
        "/api/v1/clients", {**NEW_CLIENT, "language": "de"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"] == "Unknown language de; the desk's languages are: en, ru, ro."
    assert body["errors"] == [{"field": "language", "detail": "Choose one of: en, ru, ro."}]
    assert not Client.objects.exists()


def test_the_clients_manager_changes_its_language_and_an_operator_may_not(api, operator, staff_of):
    oleg = staff_of(Role.MANAGER, username="oleg")
    shop = ClientFactory(name="Лавка у Петровича", manager=oleg)
    url = f"/api/v1/clients/{shop.pk}"
    refused = api(operator).patch(url, {"language": "en"}, content_type="application/json")
    assert refused.status_code == 403
    changed = api(oleg).patch(url, {"language": "ro"}, content_type="application/json")
    assert (changed.status_code, changed.json()["language"]) == (200, "ro")
    bad = api(oleg).patch(url, {"language": "xx"}, content_type="application/json")
    assert bad.status_code == 400
    assert [error["field"] for error in bad.json()["errors"]] == ["language"]
    shop.refresh_from_db()
    assert shop.language == "ro"


def test_admin_sets_a_clients_language(client, staff_of):
    from tests.clients.test_client_admin import form_data

    admin_user = staff_of(Role.ADMIN, department_code=None, username="boss")
    shop = ClientFactory(name="Sunrise Foods")
    assert shop.language == "ru"
    client.force_login(admin_user)
    url = reverse("admin:clients_client_change", args=[shop.pk])
    assert 'name="language"' in client.get(url).content.decode()
    response = client.post(url, form_data(shop, language="en"))
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.language == "en"
