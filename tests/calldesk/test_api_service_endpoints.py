"""/api/v1/me, Bearer tokens and the API's error body (API.md)."""

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from staff.models import ApiToken, Role
from staff.services import hash_token, issue_api_token, revoke_api_token

pytestmark = pytest.mark.django_db


def test_me_answers_the_tokens_user_and_role(api, staff_of):
    user = staff_of(Role.MANAGER, department_code="retail", username="tpavlova", full_name="Tatiana Pavlova")
    response = api(user).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": "tpavlova",
        "full_name": "Tatiana Pavlova",
        "role": "manager",
        "department": "retail",
        "language": None,
        "opens_calls_at_once": False,
    }


def test_me_without_a_token_is_401_in_the_error_shape(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Send a valid API token: Authorization: Bearer <token>.",
        "errors": [],
    }


@pytest.mark.parametrize(
    "header", ["Bearer cd_not-a-real-token", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz"]
)
def test_a_bad_token_is_401(db, header):
    response = HttpClient(headers={"Authorization": header}).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_revoked_token_is_401(operator):
    issued = issue_api_token(user=operator)
    revoke_api_token(token_id=issued.token.pk)
    response = HttpClient(headers={"Authorization": f"Bearer {issued.raw}"}).get("/api/v1/me")
    assert response.status_code == 401


def test_a_deactivated_users_token_is_401(operator):
    issued = issue_api_token(user=operator)
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    response = HttpClient(headers={"Authorization": f"Bearer {issued.raw}"}).get("/api/v1/me")
    assert response.status_code == 401


def test_only_the_hash_is_stored_and_last_use_is_recorded(operator):
    issued = issue_api_token(user=operator, name="exchange")
    stored = ApiToken.objects.get()
    assert stored.key_hash == hash_token(issued.raw)
    assert issued.raw not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.prefix == issued.raw[:10]
    assert stored.last_used_at is None
    HttpClient(headers={"Authorization": f"Bearer {issued.raw}"}).get("/api/v1/me")
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_issue_api_token_command_prints_a_working_token(operator, capsys):
    call_command("issue_api_token", "op", "--name", "exchange")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("cd_")
    assert ApiToken.objects.get().name == "exchange"
    response = HttpClient(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me")
    assert response.json()["username"] == "op"


def test_issue_api_token_for_unknown_user_fails_clearly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No active user ghost"):
        call_command("issue_api_token", "ghost")


def test_unknown_api_route_is_404_in_the_error_shape(api, operator):
    response = api(operator).get("/api/v1/no-such-thing")
    assert response.status_code == 404


def test_openapi_schema_and_docs_are_served_with_local_assets(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "calldesk API"
    assert "/api/v1/me" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html
