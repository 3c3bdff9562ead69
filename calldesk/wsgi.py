import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calldesk.settings.base")

application = get_wsgi_application()
# Import every view and build the API's schemas now (once, in gunicorn's master with --preload),
# not during the first call a new worker serves while a client waits on the line.
get_resolver().url_patterns  # noqa: B018
