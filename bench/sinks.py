"""Local receivers on 127.0.0.1: an SMTP sink (aiosmtpd) and a webhook receiver that answers 200."""

import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port on the loopback interface that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Counter:
    """A thread-safe count of what a sink received."""

    count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self) -> None:
        with self._lock:
            self.count += 1


class _MailHandler:
    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.counter.add()
        return "250 Message accepted"


class SmtpSink:
    """An SMTP server on 127.0.0.1 that accepts and counts every message (run in a thread of this process)."""

    def __init__(self) -> None:
        self.received = Counter()
        self.port = free_port()
        self._controller = Controller(_MailHandler(self.received), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


class LoopbackHttpServer:
    """A threaded HTTP server on 127.0.0.1 (a thread per connection) serving `handler`; a context manager.

    `url(index)` is a webhook address on it; `backlog` is how many fresh connections may wait to be accepted."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], *, backlog: int | None = None) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        if backlog is not None:
            self._server.request_queue_size = backlog
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{index}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class OkHandler(BaseHTTPRequestHandler):
    """Reads every POST's body and answers 200 with an empty body, then calls `received()`; logs nothing."""

    def received(self) -> None:
        return

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


class WebhookReceiver(LoopbackHttpServer):
    """An HTTP server on 127.0.0.1 that answers 200 to every POST and counts them (threads)."""

    def __init__(self) -> None:
        self.received = Counter()
        received = self.received

        class Handler(OkHandler):
            def received(self) -> None:
                received.add()

        super().__init__(Handler)
