"""`manage.py healthcheck web|worker|beat`: docker-compose's healthchecks; exit 0 when healthy, 1 otherwise."""

import os
import socket
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from portal.celery import app


def _host() -> str:
    # The request must name a host the web accepts; "*" or a ".domain" wildcard become a name inside it.
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
    return "localhost" if host == "*" else host.lstrip(".")


class Command(BaseCommand):
    help = "Exit 0 if this container's web process is ready, its Celery worker answers, or its beat is ticking."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("process", choices=["web", "worker", "beat"])
        parser.add_argument("--url", help="web: the server to ask (default http://127.0.0.1:$PORT, PORT 8000)")
        parser.add_argument("--node", help="worker: its node name (default celery@<this host name>)")
        parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for an answer")

    def handle(self, *args: Any, **options: Any) -> None:
        check = {"web": self._web, "worker": self._worker, "beat": self._beat}[options["process"]]
        self.stdout.write(check(options))

    def _web(self, options: dict[str, Any]) -> str:
        base = options["url"] or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        request = urllib.request.Request(  # noqa: S310 - a URL the operator configured, http(s) only
            base.rstrip("/") + reverse("operations:ready"), headers={"Host": _host(), "Accept": "application/json"}
        )
        if not request.full_url.startswith(("http://", "https://")):
            raise CommandError("--url must be an http(s) URL")
        try:
            with urllib.request.urlopen(request, timeout=options["timeout"]) as response:  # noqa: S310
                return f"web ready ({response.status})"
        except urllib.error.HTTPError as error:
            raise CommandError(f"web not ready: {error.code} {error.read().decode(errors='replace')}") from error
        except OSError as error:
            raise CommandError(f"web not answering: {error}") from error

    def _worker(self, options: dict[str, Any]) -> str:
        node = options["node"] or f"celery@{socket.gethostname()}"
        try:
            replies = app.control.ping(destination=[node], timeout=options["timeout"])
        except OSError as error:
            raise CommandError(f"broker unreachable: {error}") from error
        if not any(node in reply for reply in replies or []):
            raise CommandError(f"worker {node} did not answer within {options['timeout']:g} s")
        return f"worker {node} answers"

    def _beat(self, options: dict[str, Any]) -> str:
        heartbeat = settings.BEAT_HEARTBEAT_FILE
        try:
            age = time.time() - heartbeat.stat().st_mtime
        except OSError as error:
            raise CommandError(f"no beat heartbeat at {heartbeat}") from error
        if age > settings.BEAT_HEARTBEAT_MAX_AGE_SECONDS:
            raise CommandError(
                f"beat last ticked {age:.0f} s ago (more than {settings.BEAT_HEARTBEAT_MAX_AGE_SECONDS})"
            )
        return f"beat ticked {age:.0f} s ago"
