"""What a web server process does once, before it serves (in gunicorn's master with --preload):
import every view and build the API's schemas, and make Celery ready to publish. Shared by
calldesk.wsgi and calldesk.asgi."""

from django.urls import get_resolver


def warm_up() -> None:
    # Import every view and build the API's schemas now, not during the first call a new worker
    # serves while a client waits on the line.
    get_resolver().url_patterns  # noqa: B018
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
