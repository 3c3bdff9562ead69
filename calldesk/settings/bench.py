"""Settings for `make bench`: production-like (no DEBUG, the real password hasher, the pooled
PostgreSQL connection), on the PostgreSQL and Redis that scripts/bench.sh starts on loopback."""

import warnings

from calldesk.settings.base import *  # noqa: F403

# gunicorn and the timings do not serve static files: no collectstatic, and no warning about it.
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
