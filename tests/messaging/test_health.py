"""/api/v1/health: the database, the broker and the workers that deliver messages."""

from unittest import mock

import pytest

from messaging import selectors

pytestmark = pytest.mark.django_db


def test_health_needs_no_token_and_reports_eager_tasks(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager", "worker": "eager"}


def test_health_is_degraded_when_the_database_is_down(client):
    with mock.patch.object(selectors, "check_database", return_value="down"):
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["database"] == "down"
