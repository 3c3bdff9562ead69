"""Settings shared by every environment. Values come from the environment, with embedded
defaults that let `make run` serve the desk on SQLite with tasks run in-process."""

from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from calldesk.settings.environment import database_from_url, env_bool, env_list, env_str, site_url_from

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "calldesk-insecure-development-key-never-use-in-production")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "ninja",
    "django_eventstream",
    "calldesk",
    "staff",
    "messaging",
    "clients",
    "orders",
    "calls",
    "outbound",
    "reports",
    "warehouse",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "calldesk.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's own language over the cookie and Accept-Language LocaleMiddleware read.
    "calldesk.middleware.UserLanguageMiddleware",
    "calldesk.middleware.AccessMatrixMiddleware",
    # A NUL byte in a screen's parameters: 400, never a PostgreSQL error (calldesk/validation.py).
    "calldesk.validation.RefuseUnstorableInput",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "calldesk.middleware.HtmxLoginRedirectMiddleware",
    "calldesk.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lock-out response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "calldesk.urls"
WSGI_APPLICATION = "calldesk.wsgi.application"
# The desk is served by an ASGI server (uvicorn; gunicorn with uvicorn workers in production), so
# that the push channel's streams (calldesk.live) are held open without a thread each.
ASGI_APPLICATION = "calldesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "calldesk.context_processors.desk",
                "messaging.context_processors.notices",
            ],
            # `|money` and `|typed_date` on every page without a {% load %} (calldesk.money).
            "builtins": ["calldesk.templatetags.desk_formats"],
        },
    }
]

# How PostgreSQL statements are prepared: calldesk.settings.environment.PREPARE_PATHS.
DB_PREPARE = env_str("DB_PREPARE", "manual")
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "sqlite:///db.sqlite3"),
        base_dir=BASE_DIR,
        pool_max=int(env_str("DATABASE_POOL_MAX", "10")),
        prepare=DB_PREPARE,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "staff.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading the signed-in person with their role in one query (staff.backends).
    "staff.backends.StaffBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# An operator's shift is eight hours; a session left idle for one hour ends.
SESSION_COOKIE_AGE = 60 * 60
# ... counted from the last request: calldesk.middleware.SlidingSessionMiddleware writes the
# session again (and so moves its expiry) at most once a SESSION_REFRESH_SECONDS.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; kept default-safe

# django-axes: five wrong passwords for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The interface speaks English, Russian and Romanian: a person's own choice (staff.User.language),
# else what their browser asks for (Accept-Language), else LANGUAGE_CODE.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("ro", _("Romanian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as 02.12.2026 and 24-hour times in Russian and Romanian (calldesk/formats/).
FORMAT_MODULE_PATH = ["calldesk.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")

# The distributor's name, as clients read it in e-mails and documents.
COMPANY_NAME = env_str("COMPANY_NAME", "calldesk")
# Where the desk is reached from outside: e-mails carry absolute links built on it (the in-app
# inbox keeps relative ones). The embedded default is `make run`'s address.
SITE_URL = site_url_from(env_str("SITE_URL") or "http://127.0.0.1:8000")
# Money is one configurable currency (ISO 4217 code); amounts are exact decimals.
CURRENCY = env_str("CURRENCY", "RUB")
# Phones are stored in E.164; numbers typed without a country code are read in this region.
PHONE_REGION = env_str("PHONE_REGION", "RU")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "var" / "media"

# E-mail: the console on the embedded default; smtp://user:pass@host:port in production.
EMAIL_URL = env_str("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "calldesk@localhost")
if EMAIL_URL.startswith("console:"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    from urllib.parse import unquote, urlsplit

    _email = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"

# Celery. Without REDIS_URL there is no broker: tasks run in-process, at once (the embedded
# default of `make run`). With it, Redis is both broker and result store.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# With acks_late, Redis redelivers a task not acknowledged within this time: keep it above the
# longest task (the nightly jobs) so a slow task is not run twice in parallel.
# A broker that does not answer (paused, a dropped route) must not hold a web request for the
# operating system's two minutes: saved work waits for its sweep instead (messaging.services.publish).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 60 * 60,
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # 00:30 in TIME_ZONE, after the day's orders are in: the day's list of dormant market
    # clients (III.16). The dispatcher passes the date, so a re-run or backfill is the same call.
    # It lives in outbound/tasks.py and keeps the name it was registered under in calls/.
    "dormant-list": {
        "task": "calls.tasks.dispatch_dormant_list_task",
        "schedule": crontab(hour=0, minute=30),
    },
    # 00:20 in TIME_ZONE: what clients of each type bought most in the past year, which the
    # operators' suggestions read (III.7, III.8).
    "type-favourites": {
        "task": "orders.tasks.rebuild_type_favourites_task",
        "schedule": crontab(hour=0, minute=20),
    },
    # 00:10 in TIME_ZONE: the daily operator reports of the day that just ended (III.25,
    # section VI), and any day of the past week a down worker left unbuilt.
    "operator-reports": {
        "task": "reports.tasks.dispatch_operator_reports_task",
        "schedule": crontab(hour=0, minute=10),
    },
    # Every five minutes: today's report rows so far, which the heads' dashboards read.
    "reports-today": {"task": "reports.tasks.refresh_today_reports_task", "schedule": 300.0},
    # Every minute: dashboard exports a down broker left queued, or a dead worker left running.
    "exports-sweep": {"task": "reports.tasks.sweep_exports_task", "schedule": 60.0},
    # The two entries below run messaging/tasks.py, whose tasks keep the names they were first
    # registered under (calldesk.tasks...), so messages already queued run after a deploy.
    # Every minute: the worker records that it is alive, so /api/v1/health can tell a broker
    # that accepts tasks from one that also has a worker running them.
    "worker-heartbeat": {"task": "calldesk.tasks.record_worker_heartbeat_task", "schedule": 60.0},
    # Every minute: deliver outbox messages (managers' order notices, III.14) that a broker down
    # at commit time, or a failed e-mail, left behind. Nothing is lost, only delayed.
    "outbox-sweep": {"task": "calldesk.tasks.deliver_pending_outbox_task", "schedule": 60.0},
    # Every minute: send the documents clients asked for by e-mail (III.18) that a broker down at
    # commit time, or a failed e-mail, left unsent. A client waits a minute more, never forever.
    "reference-sweep": {"task": "calls.tasks.send_pending_references_task", "schedule": 60.0},
    # Every minute: send the order forms clients get on confirmation (DOMAIN.md, "Around the
    # job") that a broker down at commit time, or a failed e-mail, left unsent.
    "order-form-sweep": {"task": "orders.tasks.send_pending_order_forms_task", "schedule": 60.0},
}

# The push channel to the browser (calldesk.live; django-eventstream): Server-Sent Events, one
# stream per page. Events are stored (the library's table) so that a browser reconnecting with
# Last-Event-ID gets what it missed, for LIVE_REPLAY_SECONDS; with REDIS_URL, Redis pub/sub
# carries each event to the streams of every web process, else the one process delivers it.
EVENTSTREAM_STORAGE_CLASS = "calldesk.live_stream.RecentEventsStorage"
EVENTSTREAM_CHANNELMANAGER_CLASS = "calldesk.live_stream.ReaderChannels"
LIVE_REPLAY_SECONDS = 10 * 60
LIVE_TRIM_SECONDS = 30  # how often a process deletes events older than the replay
if REDIS_URL:
    from redis.backoff import NoBackoff
    from redis.connection import parse_url
    from redis.retry import Retry

    # The publishing side (a request's on_commit): a Redis that is down or silent costs at most
    # a second and is logged; the stored event is replayed to a browser that reconnects.
    EVENTSTREAM_REDIS = {
        **parse_url(REDIS_URL),
        "socket_connect_timeout": 1,
        "socket_timeout": 1,
        "retry": Retry(NoBackoff(), 0),
    }

# Reports: an order counts as a dormant client reactivated when it comes within this many days
# of an operator's call from the dormant list (III.16, section VI).
REPORT_REACTIVATION_DAYS = 30

# III.16: a no-answer goes back to the operator's queue this many times, then the task closes.
CALL_TASK_MAX_ATTEMPTS = 3

# III.7: an order is not confirmed before this many extra items were offered.
ORDER_OFFERS_REQUIRED = 3

# III.12: stock. An order line may go beyond what its warehouse has available only when this
# allows backorders; a client's region with no warehouse of its own is served by this one.
CALLDESK_ALLOW_BACKORDERS = False
CALLDESK_DEFAULT_WAREHOUSE = "main"
# VAT (НДС): whether the price list quotes prices with VAT, as Russian wholesale price lists
# usually do (then a line's VAT is the part of its amount at rate/(100 + rate)); False: prices
# are without VAT and each line's VAT is added to it. The rates a product may have, in per cent.
CALLDESK_PRICES_INCLUDE_VAT = env_bool("CALLDESK_PRICES_INCLUDE_VAT", True)
CALLDESK_VAT_RATES = (0, 10, 20)

# How old the last worker heartbeat may be before /health calls the worker stale.
WORKER_HEARTBEAT_STALE_SECONDS = 180

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # django-eventstream logs every stream opened at INFO: one line per page view.
        "django_eventstream": {"level": "WARNING"},
        # fpdf2 subsets the embedded font of every PDF (calls/documents.py) and fontTools logs
        # each step at INFO: thirty lines per document.
        "fontTools": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
