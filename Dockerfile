# calldesk: the production image. One image serves every role of docker-compose.yml: the web
# server (the default command, gunicorn), the migrations, the Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=calldesk.settings.production

# The desk runs as an unprivileged user; it writes nothing under /app at run time.
RUN groupadd --system --gid 10001 calldesk \
    && useradd --system --uid 10001 --gid calldesk --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin calldesk

WORKDIR /app

# The exact runtime pins first, so that a change of code alone reuses this layer.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Static files are collected into the image (WhiteNoise serves them) with the production
# settings, because those use the manifest storage: files collected with the base settings
# have no staticfiles.json and every page would fail with "Missing staticfiles manifest entry".
# The production settings insist on these variables; collectstatic uses none of them (it signs
# nothing and connects to nothing), and they are set for this one command only, not in the image.
RUN SECRET_KEY=build-time-placeholder-for-collectstatic-only-not-used-at-run-time \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    SITE_URL=https://localhost \
    python manage.py collectstatic --noinput

USER calldesk

EXPOSE 8000

# gunicorn runs three uvicorn (ASGI) workers, which suit a small server (2 x CPUs + 1 for one
# CPU): pages and the API as before, and the push channel's streams (calldesk.live) held open
# without a thread each; Redis (REDIS_URL) carries each event to every worker's streams. The
# heartbeat files live in memory (/dev/shm), as gunicorn advises for containers.
CMD ["gunicorn", "calldesk.asgi:application", "--worker-class", "uvicorn_worker.UvicornWorker", "--bind", "0.0.0.0:8000", "--workers", "3", "--preload", "--timeout", "60", "--graceful-timeout", "10", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
