"""Test settings: the unit and view layer runs on SQLite in memory with eager tasks; the
integration layer sets DATABASE_URL and REDIS_URL to the servers `make test` starts."""

import os

os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from calldesk.settings.base import *  # noqa: F403
from calldesk.settings.base import DATABASES, REDIS_URL

DEBUG = False
SECRET_KEY = "calldesk-test-key"  # nosec B105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Live-server browser tests share the in-memory database between threads.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
if REDIS_URL:
    # Integration layer: results come back through Redis so tests can wait for a real worker.
    CELERY_RESULT_BACKEND = REDIS_URL
