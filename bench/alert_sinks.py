"""Receivers on 127.0.0.1 for the alert-throughput benchmark that count connections as well as messages.

`CountingReceiver`: HTTP/1.1 with keep-alive (a thread per connection), answers every POST with 200 and an empty
body at once, counts requests and TCP connections accepted. `CountingSmtpSink`: aiosmtpd, counts messages and
SMTP sessions (distinct client addresses).
"""

import threading
from typing import Any

from aiosmtpd.controller import Controller

from bench.sinks import Counter, LoopbackHttpServer, OkHandler, free_port


class CountingReceiver(LoopbackHttpServer):
    """An HTTP server on 127.0.0.1 answering 200 to every POST; `requests` and `connections` count what came."""

    def __init__(self) -> None:
        self.requests, self.connections = Counter(), Counter()
        requests, connections = self.requests, self.connections

        class Handler(OkHandler):
            protocol_version = "HTTP/1.1"  # keep the connection open for the client's next request

            def setup(self) -> None:
                connections.add()
                super().setup()

            def received(self) -> None:
                requests.add()

        super().__init__(Handler, backlog=1024)  # a burst of fresh connections must not overflow the backlog


class _MailHandler:
    def __init__(self, sink: "CountingSmtpSink") -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.sink.messages.add()
        with self.sink.lock:
            self.sink.peers.add(tuple(session.peer))
        return "250 Message accepted"


class CountingSmtpSink:
    """An SMTP server on 127.0.0.1 that accepts every message; `messages` and `sessions` count what came."""

    def __init__(self) -> None:
        self.messages = Counter()
        self.peers: set[tuple[Any, ...]] = set()
        self.lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(_MailHandler(self), hostname="127.0.0.1", port=self.port)

    @property
    def sessions(self) -> int:
        with self.lock:
            return len(self.peers)

    def __enter__(self) -> "CountingSmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
