"""Where a webhook may be sent (SSRF protection), and the one HTTP request that sends it.

A URL is parsed, its host resolved once, and every address it resolves to checked; the request then
connects to an address that was checked (never resolving again, so DNS rebinding cannot swap in an
internal address) while sending the URL's host name in `Host` and, for https, in SNI and the
certificate check. Redirects are never followed and no proxy from the environment is used.

Connections are kept alive and reused by later deliveries to the same host in this worker process
(webhook_pools.py), but only after that delivery's own resolution and checks chose the same address; a
short answer's body is read to its end (within `DRAIN_SECONDS`) so its connection can be reused, anything
longer or slower closes the connection. `WEBHOOK_CONNECTION_REUSE=false` opens a fresh connection per
delivery (as before connections were reused; the alert-throughput benchmark's "before").

Policy (`settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES`, false by default):
- false (production): https only; refused are private, loopback, link-local, shared (CGNAT), reserved,
  multicast, unspecified and documentation addresses, IPv4 embedded in IPv6 (mapped, NAT64, 6to4)
  when the IPv4 address is one of those, and the cloud metadata services;
- true (on-premise installations, the test suite): http is allowed too and so are internal addresses;
  the cloud metadata services stay refused, since no receiver ever lives there.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

from notifications.channels.webhook_pools import POOLS, PoolKey

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance metadata services (AWS, GCP, Azure, Oracle: 169.254.169.254; AWS ECS; Alibaba; AWS IPv6;
# Azure's wire server, which is a public address).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254", "168.63.129.16")
)
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
CONNECT_TIMEOUT_SECONDS = 5.0
TOTAL_TIMEOUT_SECONDS = 10.0
MAX_ADDRESSES_TRIED = 3
USER_AGENT = "Concord-Webhooks/1.0"
# A receiver's answer body is read (and its connection kept) only if it is this short and arrives this fast.
DRAIN_MAX_BYTES = 16 * 1024
DRAIN_SECONDS = 1.0
# Failures that mean a kept-alive connection was closed by the receiver before it answered (not a new one's).
STALE_CONNECTION_ERRORS = (urllib3.exceptions.ProtocolError, urllib3.exceptions.ClosedPoolError)


class WebhookTargetRefused(Exception):
    """The URL may not be called: wrong scheme, unresolvable host, or a forbidden address."""


@dataclass(frozen=True)
class WebhookTarget:
    """A checked URL: what to send in `Host`/SNI, and the vetted addresses to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default_port = 443 if self.scheme == "https" else 80
        return host if self.port == default_port else f"{host}:{self.port}"


@dataclass(frozen=True)
class WebhookResponse:
    """What the receiver answered: the status and the `Retry-After` header, if any."""

    status: int
    retry_after: str | None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv4-mapped, NAT64 or 6to4 IPv6 address."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def webhook_address_allowed(address: IPAddress, *, allow_private: bool = False) -> bool:
    """Whether a receiver may live at this address (see the module docstring for the policy)."""
    address = _embedded_ipv4(address) or address
    if address in METADATA_ADDRESSES:
        return False
    if allow_private:
        return True
    forbidden = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )
    return address.is_global and not forbidden


def _parse(url: str, allow_private: bool) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookTargetRefused("Enter a valid URL.") from exc
    scheme = parts.scheme.lower()
    schemes = ("http", "https") if allow_private else ("https",)
    if scheme not in schemes:
        raise WebhookTargetRefused("The URL must start with https://." if not allow_private else "Use http or https.")
    if parts.username is not None or parts.password is not None:
        raise WebhookTargetRefused("The URL must not contain a user name or password; requests are signed instead.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise WebhookTargetRefused("The URL has no host name.")
    try:
        host.encode("idna")
    except UnicodeError as exc:
        raise WebhookTargetRefused("The URL's host name is not valid.") from exc
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def webhook_target_resolve(url: str) -> WebhookTarget:
    """Parse and check `url`, resolve its host once, and check every address; raises WebhookTargetRefused."""
    allow_private = bool(settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES)
    scheme, host, port, path = _parse(url, allow_private)
    try:
        return _resolve(scheme, host, port, path, allow_private)
    except WebhookTargetRefused:
        # A host that now resolves to a refused address (DNS rebinding) keeps no connection to its old one.
        POOLS.retain(scheme=scheme, host=host, port=port, addresses=())
        raise


def _resolve(scheme: str, host: str, port: int, path: str, allow_private: bool) -> WebhookTarget:
    try:
        infos = socket.getaddrinfo(host.encode("idna").decode("ascii"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise WebhookTargetRefused(f"The host name {host} could not be resolved.") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canonical, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if not webhook_address_allowed(address, allow_private=allow_private):
            # One bad address refuses the host: a resolver may answer with either on the next lookup.
            where = f"{host} is" if text == host else f"{host} resolves to {address}, which is"
            raise WebhookTargetRefused(
                f"{where} a private, internal or reserved address; webhooks are only sent to public addresses."
            )
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise WebhookTargetRefused(f"The host name {host} could not be resolved.")
    return WebhookTarget(scheme=scheme, host=host, port=port, path=path, addresses=tuple(addresses))


def _pool(target: WebhookTarget, address: str, maxsize: int = 1) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(total=TOTAL_TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
    if target.scheme == "https":
        # Connect to the vetted address, but present and verify the URL's own host name.
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=maxsize,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False, maxsize=maxsize)


def _key(target: WebhookTarget, address: str) -> PoolKey:
    tls = ("CERT_REQUIRED", target.host, target.host) if target.scheme == "https" else ()
    return PoolKey(scheme=target.scheme, host=target.host, address=address, port=target.port, tls=tls)


def _drained(response: urllib3.BaseHTTPResponse) -> bool:
    """Read a short answer's body to its end, within DRAIN_SECONDS in all, so its connection can be reused."""
    remaining = response.length_remaining if isinstance(response, urllib3.HTTPResponse) else None
    if remaining is None or remaining > DRAIN_MAX_BYTES or response.headers.get("Connection", "").lower() == "close":
        return False
    if not remaining:
        return _ended(response)
    sock = getattr(response.connection, "sock", None)
    if sock is None:
        return False
    deadline = time.monotonic() + DRAIN_SECONDS
    previous = sock.gettimeout()
    try:
        while response.length_remaining:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            sock.settimeout(left)  # one read below is at most one recv: the deadline bounds the whole body
            if not response.read1(response.length_remaining, decode_content=False):
                return False
    except (urllib3.exceptions.HTTPError, OSError):
        return False
    finally:
        sock.settimeout(previous)
    return _ended(response)


def _ended(response: urllib3.BaseHTTPResponse) -> bool:
    """End a fully read answer. http.client ends a response when a read finds nothing left (`read1` never does,
    and an empty body is never read), else only when Python frees the response object. A connection given back
    with its answer not ended fails its next request with ResponseNotReady after sending it: that POST went out
    twice (tests/notifications/test_webhook_pools.py failed so about once in a hundred). Nothing is left to
    read, so this read returns at once."""
    try:
        return response.read(decode_content=False) == b""
    except (urllib3.exceptions.HTTPError, OSError):
        return False


def _answer(response: urllib3.BaseHTTPResponse, *, keep: bool) -> WebhookResponse:
    """The status and Retry-After; the connection goes back to its pool only if `keep` and the body was read."""
    answer = WebhookResponse(status=response.status, retry_after=response.headers.get("Retry-After"))
    if keep and _drained(response):
        response.release_conn()
    else:
        # A long or slow body is never read: only the status matters, and it must not hold a worker. The
        # connection is closed and not given back; its pool opens a new one when one is needed.
        response.close()
    return answer


def _urlopen(
    pool: urllib3.HTTPConnectionPool, target: WebhookTarget, body: bytes, headers: dict[str, str]
) -> urllib3.BaseHTTPResponse:
    return pool.urlopen(
        "POST",
        target.path,
        body=body,
        headers=headers,
        redirect=False,
        retries=False,
        assert_same_host=False,
        preload_content=False,
        release_conn=False,
    )


def _post_fresh(target: WebhookTarget, address: str, body: bytes, headers: dict[str, str]) -> WebhookResponse:
    """One POST over a connection of its own, closed afterwards."""
    pool = _pool(target, address)
    try:
        response = _urlopen(pool, target, body, headers)
        return _answer(response, keep=False)
    finally:
        pool.close()


def _post_pooled(target: WebhookTarget, address: str, body: bytes, headers: dict[str, str]) -> WebhookResponse:
    """One POST over a kept-alive connection to this vetted address, if there is one.

    A kept connection the receiver closed while it sat idle fails before any answer; then (only then) the POST
    is sent once more over a new connection. Receivers dedupe by `webhook-id`, which both carry.
    """
    key = _key(target, address)
    for _ in range(2):
        pool = POOLS.get(key, lambda: _pool(target, address, maxsize=max(1, settings.WEBHOOK_POOL_CONNECTIONS)))
        opened_before = pool.num_connections
        try:
            response = _urlopen(pool, target, body, headers)
        except STALE_CONNECTION_ERRORS:
            POOLS.discard(key, pool)
            if pool.num_connections != opened_before:
                raise  # it failed on a new connection: a real failure
            continue
        return _answer(response, keep=True)
    raise urllib3.exceptions.ProtocolError("The receiver closed the connection twice without answering.")


def webhook_post(*, target: WebhookTarget, body: bytes, headers: dict[str, str]) -> WebhookResponse:
    """POST `body` to a resolved target, without redirects; raises urllib3/OS errors when no answer came."""
    all_headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **headers,
    }
    reuse = bool(settings.WEBHOOK_CONNECTION_REUSE)
    if reuse:
        POOLS.retain(scheme=target.scheme, host=target.host, port=target.port, addresses=target.addresses)
    post = _post_pooled if reuse else _post_fresh
    last_error: Exception | None = None
    for address in target.addresses[:MAX_ADDRESSES_TRIED]:
        try:
            return post(target, address, body, all_headers)
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as exc:
            last_error = exc  # try the host's next vetted address
    raise last_error or WebhookTargetRefused(f"The host name {target.host} has no address to connect to.")
