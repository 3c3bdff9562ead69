"""Settings come from the environment with embedded defaults (`make run` needs none set)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from calldesk.settings.environment import database_from_url, env_bool

BASE = Path("/srv/calldesk")
ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_url_is_relative_to_the_project():
    db = database_from_url("sqlite:///db.sqlite3", base_dir=BASE)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/srv/calldesk/db.sqlite3"


def test_sqlite_url_with_four_slashes_is_absolute():
    assert database_from_url("sqlite:////var/lib/desk.db", base_dir=BASE)["NAME"] == "/var/lib/desk.db"


def test_sqlite_memory_url():
    assert database_from_url("sqlite://:memory:", base_dir=BASE)["NAME"] == ":memory:"


def test_postgres_url_uses_djangos_connection_pool():
    db = database_from_url("postgres://desk:p%40ss@db.local:5433/calldesk", base_dir=BASE, pool_max=7)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "calldesk",
        "desk",
        "p@ss",
        "db.local",
        "5433",
    )
    assert db["CONN_MAX_AGE"] == 0  # required by Django's pool
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 7, "timeout": 10}


def test_postgres_statements_are_prepared_by_psycopg_when_asked():
    db = database_from_url("postgres://desk:pw@db.local/calldesk", base_dir=BASE, prepare="psycopg")
    assert db["OPTIONS"] == {
        "pool": {"min_size": 1, "max_size": 10, "timeout": 10},
        "server_side_binding": True,
        "prepare_threshold": 5,
        "options": "-c plan_cache_mode=force_generic_plan",
    }


@pytest.mark.parametrize("prepare", ["manual", "off"])
def test_other_preparation_paths_keep_djangos_client_side_binding(prepare):
    db = database_from_url("postgres://desk:pw@db.local/calldesk", base_dir=BASE, prepare=prepare)
    assert db["OPTIONS"] == {"pool": {"min_size": 1, "max_size": 10, "timeout": 10}}


def test_an_unknown_preparation_path_is_refused():
    refused = "DB_PREPARE must be one of manual, psycopg, off, not 'auto'"
    with pytest.raises(ImproperlyConfigured, match=refused):
        database_from_url("postgres://desk:pw@db.local/calldesk", base_dir=BASE, prepare="auto")


def test_the_embedded_default_prepares_by_hand():
    assert settings.DB_PREPARE == "manual"


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://x@y/z", base_dir=BASE)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), ("off", False), ("0", False)])
def test_env_bool_reads_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env_bool("DEBUG", not expected) is expected


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG", False)


def test_embedded_defaults():
    assert settings.TIME_ZONE == "Europe/Moscow"
    assert settings.CURRENCY == "RUB"
    assert settings.PHONE_REGION == "RU"
    assert settings.USE_TZ is True


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "calldesk.settings.production",
    "SECRET_KEY": "x" * 20 + "-production-secret-for-the-deploy-check-" + "y" * 20,
    "ALLOWED_HOSTS": "desk.example.com",
    "DATABASE_URL": "postgres://calldesk:secret@127.0.0.1:1/calldesk",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "SITE_URL": "https://desk.example.com",
}


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode == 1
    assert "Set SECRET_KEY" in result.stderr


def test_production_settings_refuse_sqlite():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///db.sqlite3"}
    result = _manage("check", env=env)
    assert result.returncode == 1
    assert "Set DATABASE_URL to a PostgreSQL database" in result.stderr


def test_a_silent_broker_cannot_hold_a_request_for_minutes(settings):
    """Publishing gives up on a broker that does not answer within seconds (the row waits for
    its sweep); without these Redis sockets wait for the operating system, about two minutes."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert (options["socket_connect_timeout"], options["socket_timeout"]) == (2, 10)
    assert (settings.CELERY_REDIS_SOCKET_CONNECT_TIMEOUT, settings.CELERY_REDIS_SOCKET_TIMEOUT) == (2, 10)


def test_production_settings_refuse_to_start_without_a_site_url():
    """E-mails' links are built on SITE_URL: make run's address would lead nowhere."""
    env = {**PRODUCTION_ENV, "SITE_URL": ""}
    result = _manage("check", env=env)
    assert result.returncode == 1
    assert "Set SITE_URL to the desk's address" in result.stderr
