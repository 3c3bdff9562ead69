"""Production settings: everything of base, hardened. Required: SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL (PostgreSQL), REDIS_URL and SITE_URL. `manage.py check --deploy` passes with no warnings."""

from django.core.exceptions import ImproperlyConfigured

from calldesk.settings.base import *  # noqa: F403
from calldesk.settings.base import DATABASES, REDIS_URL, SECRET_KEY
from calldesk.settings.environment import env_bool, env_list, env_str

DEBUG = False

if SECRET_KEY.startswith("calldesk-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the desk's host names, comma-separated.")
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("Set DATABASE_URL to a PostgreSQL database (postgres://...).")
if not REDIS_URL:
    raise ImproperlyConfigured("Set REDIS_URL: production runs tasks on Celery workers, not in-process.")
if not env_str("SITE_URL"):
    # the embedded default (make run's address) would send e-mails whose links lead nowhere
    raise ImproperlyConfigured("Set SITE_URL to the desk's address (https://...), for the links in e-mails.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS end to end (the proxy in front terminates TLS and says so in X-Forwarded-Proto).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
