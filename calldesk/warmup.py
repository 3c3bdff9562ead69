"""What a web server process does once, before it serves (in gunicorn's master with --preload,
before the workers fork): import every view and build the API's schemas, load each language's
translations and the URL names in it, compile the prepared queries, and make Celery ready to
publish. None of it opens a database or a broker connection, so forked workers share nothing
live. Shared by calldesk.wsgi and calldesk.asgi."""

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation

from calldesk.prepared import compile_all


def warm_up() -> None:
    # Import every view and build the API's schemas now, not during the first call a new worker
    # serves while a client waits on the line.
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018
    for code, _ in settings.LANGUAGES:
        # Each language's catalogues, and the URL names as reverse() reads them in it (Django
        # builds that table per language on first use: a third of a second of the first screen
        # pop, III.1, in each language).
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018
    compile_all()
    _load_broker_client()


def _load_broker_client() -> None:
    """Make Celery ready to publish now, as the URLconf above: a confirmation publishes the
    manager's notice after its commit (III.14), and a worker's first publish would otherwise
    register the tasks, load the result backend and import the broker's client (kombu's transport,
    redis-py), about a second, while the operator waits. No connection is opened here, before
    gunicorn forks: each worker connects on its first publish."""
    from calldesk.celery import app

    app.finalize(auto=True)
    app.backend  # noqa: B018
    with app.connection_for_write() as connection:
        connection.transport  # noqa: B018
