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
    "DB_PREPARE",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "TIME_ZONE",
    "LANGUAGE_CODE",
    "CURRENCY",
    "COMPANY_NAME",
    "SITE_URL",
    "PHONE_REGION",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SECURE_SSL_REDIRECT",
    "CALLDESK_PRICES_INCLUDE_VAT",
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


def site_url_from(raw: str) -> str:
    """SITE_URL as links in e-mails start: scheme and host (and a path prefix, if the desk is
    served under one), without the trailing slash. Refuses anything but an http(s) URL."""
    url = raw.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"SITE_URL must be the desk's http(s) address, e.g. https://desk.example.com, not {raw!r}"
        )
    return url


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# How PostgreSQL statements are prepared (DB_PREPARE; bench/README.md has the figures):
# - "psycopg": Django binds parameters on the server ("server_side_binding") and psycopg
#   prepares a statement once a connection has run it PREPARE_THRESHOLD times; every prepared
#   statement is planned once, for any values (plan_cache_mode=force_generic_plan, per connection).
#   The pool keeps connections, and with them their prepared statements, across requests.
# - "manual": calldesk.prepared PREPAREs the screen pop's queries itself; Django binds on the client.
# - "off": Django's defaults: parameters bound on the client, nothing prepared.
PREPARE_PATHS = ("manual", "psycopg", "off")
PREPARE_THRESHOLD = 5  # psycopg's own default


def database_from_url(url: str, *, base_dir: Path, pool_max: int = 10, prepare: str = "manual") -> dict:
    """Turn `sqlite:///path` or `postgres://user:pass@host:port/name` into a DATABASES entry.

    PostgreSQL uses Django's psycopg 3 connection pool (Django 5.1+), which requires
    CONN_MAX_AGE=0: the pool, not Django, keeps connections open. `prepare` is one of
    PREPARE_PATHS (above).
    """
    if prepare not in PREPARE_PATHS:
        raise ImproperlyConfigured(f"DB_PREPARE must be one of {', '.join(PREPARE_PATHS)}, not {prepare!r}")
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
        if prepare == "psycopg":
            options.update(
                server_side_binding=True,
                prepare_threshold=PREPARE_THRESHOLD,
                options="-c plan_cache_mode=force_generic_plan",
            )
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
