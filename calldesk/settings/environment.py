"""Reading settings from the environment, with the embedded defaults of `make run`.

Every variable the settings read is listed in ENVIRONMENT_VARIABLES, so that a test can check
that docker-compose.yml sets nothing the desk would silently ignore.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

ENVIRONMENT_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "DATABASE_POOL_MAX",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "TIME_ZONE",
    "CURRENCY",
    "COMPANY_NAME",
    "PHONE_REGION",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SECURE_SSL_REDIRECT",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    if name not in ENVIRONMENT_VARIABLES:  # every variable read is listed (and documented)
        raise ImproperlyConfigured(f"{name} is not in ENVIRONMENT_VARIABLES")
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name, "true" if default else "false").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def database_from_url(url: str, *, base_dir: Path, pool_max: int = 10) -> dict:
    """Turn `sqlite:///path` or `postgres://user:pass@host:port/name` into a DATABASES entry.

    PostgreSQL uses Django's psycopg 3 connection pool (Django 5.1+), which requires
    CONN_MAX_AGE=0: the pool, not Django, keeps connections open.
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # As dj-database-url reads it: sqlite:///name is relative (here: to the project),
        # sqlite:////abs/path is absolute, sqlite://:memory: is in memory.
        path = unquote(parts.path)[1:] if parts.path else ""
        if parts.netloc == ":memory:" or path == ":memory:":
            name = ":memory:"
        else:
            name = str(base_dir / (path or "db.sqlite3"))  # an absolute path stays absolute
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # Several operators write at once even on the embedded default: wait, don't fail.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        options: dict = {"pool": {"min_size": 1, "max_size": pool_max, "timeout": 10}}
        options.update(dict(parse_qsl(parts.query)))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 0,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use sqlite or postgres)")
