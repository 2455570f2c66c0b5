"""A real HTTP receiver on 127.0.0.1 for webhook tests: records every request, answers a scripted sequence."""

import selectors
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the receiver got, and what it answers next (a status, or (status, headers)); 200 once the script ends."""

    port: int = 0
    requests: list[ReceivedRequest] = field(default_factory=list)
    script: list[int | tuple[int, dict[str, str]]] = field(default_factory=list)
    delay_seconds: float = 0.0
    connections: int = 0
    server_names: list[str | None] = field(default_factory=list)  # TLS SNI, when serving https
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def answer(self, *responses: int | tuple[int, dict[str, str]]) -> None:
        with self.lock:
            self.script.extend(responses)

    def next_response(self) -> tuple[int, dict[str, str]]:
        with self.lock:
            response = self.script.pop(0) if self.script else 200
        return response if isinstance(response, tuple) else (response, {})

    @property
    def posts(self) -> list[ReceivedRequest]:
        return [request for request in self.requests if request.method == "POST"]


def _handler(receiver: Receiver, keep_alive: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps the connection open for the client's next request; HTTP/1.0 closes it after each answer.
        protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

        def setup(self) -> None:
            with receiver.lock:
                receiver.connections += 1
            super().setup()

        def handle(self) -> None:
            try:
                if isinstance(self.request, ssl.SSLSocket):
                    self.request.settimeout(5)
                    self.request.do_handshake()
                super().handle()
            except (ssl.SSLError, OSError):
                return  # a client that refused our certificate

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with receiver.lock:
                receiver.requests.append(
                    ReceivedRequest(
                        method=self.command,
                        path=self.path,
                        headers={key.lower(): value for key, value in self.headers.items()},
                        body=body,
                    )
                )
            if receiver.delay_seconds:
                time.sleep(receiver.delay_seconds)
            status, headers = receiver.next_response()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET = do_PUT = _handle

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def running_receiver(
    *, certificate: tuple[str, str] | None = None, keep_alive: bool = False, address: str = "127.0.0.1", port: int = 0
) -> Iterator[Receiver]:
    """Serve a Receiver on `address` (127.0.0.1; a free port unless given) in a thread for the duration of the block.

    With `certificate` (cert file, key file) it serves https and records the SNI name of each handshake; with
    `keep_alive` it answers in HTTP/1.1 and keeps each connection open for the next request.
    """
    receiver = Receiver()
    server = ThreadingHTTPServer((address, port), _handler(receiver, keep_alive))
    receiver.port = server.server_address[1]
    if certificate is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*certificate)
        context.sni_callback = lambda _socket, name, _context: receiver.server_names.append(name)
        # Handshake per connection (in the handler's thread), so a refused client does not stall the server.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class HangingReceivers:
    """Servers on 127.0.0.1 that accept every connection and never answer (a partner's hung gateway)."""

    urls: list[str] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def hanging_receivers(count: int) -> Iterator[HangingReceivers]:
    """`count` listening sockets whose connections are accepted, held open and never read or answered."""
    receivers = HangingReceivers()
    listeners = []
    held: list[socket.socket] = []
    stop = threading.Event()
    selector = selectors.DefaultSelector()
    for _ in range(count):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listener.setblocking(False)
        selector.register(listener, selectors.EVENT_READ)
        listeners.append(listener)
        receivers.urls.append(f"http://127.0.0.1:{listener.getsockname()[1]}/hook")

    def accept_forever() -> None:
        while not stop.is_set():
            for key, _ in selector.select(timeout=0.05):
                try:
                    conn, _ = key.fileobj.accept()
                except OSError:
                    continue
                held.append(conn)  # kept open, never read, never answered
                with receivers.lock:
                    receivers.connections += 1

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield receivers
    finally:
        stop.set()
        thread.join(timeout=5)
        selector.close()
        for sock in [*held, *listeners]:
            sock.close()
