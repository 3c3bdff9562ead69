"""The desk as an ASGI application: what `make run` (uvicorn) and production (gunicorn with
uvicorn workers) serve, so that the push channel's streams (calldesk.live) stay open without a
thread each. Pages and the API are the same Django views as under WSGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calldesk.settings.base")

application = get_asgi_application()

from calldesk.warmup import warm_up  # noqa: E402  (after Django is set up)

warm_up()
