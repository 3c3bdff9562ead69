"""`manage.py serve [HOST:PORT] [--noreload]`: the desk over ASGI (uvicorn), as `make run` serves
it: pages, the API and the push channel's streams (calldesk.live), which Django's WSGI
runserver cannot hold open. Like runserver it restarts when a module of the project changes
(Django's own autoreloader); production runs gunicorn with uvicorn workers instead."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import autoreload


class Command(BaseCommand):
    help = "Serve the desk over ASGI (uvicorn), with the push channel."

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="HOST:PORT or PORT")
        parser.add_argument("--noreload", action="store_false", dest="use_reloader", help="no autoreload")

    def handle(self, *args, addrport: str, use_reloader: bool, **options) -> None:
        host, _, port = addrport.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"{addrport!r} is not HOST:PORT or PORT")

        def serve() -> None:
            import uvicorn

            uvicorn.run(
                "calldesk.asgi:application",
                host=host or "127.0.0.1",
                port=int(port),
                lifespan="off",
                timeout_graceful_shutdown=2,
            )

        if use_reloader:
            autoreload.run_with_reloader(serve)
        else:
            serve()
