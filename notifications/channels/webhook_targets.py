"""Where a webhook may be sent (SSRF protection), and the one HTTP request that sends it.

A URL is parsed, its host resolved once, and every address it resolves to checked; the request then
connects to an address that was checked (never resolving again, so DNS rebinding cannot swap in an
internal address) while sending the URL's host name in `Host` and, for https, in SNI and the
certificate check. Redirects are never followed and no proxy from the environment is used.

Policy (`settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES`, false by default):
- false (production): https only; refused are private, loopback, link-local, shared (CGNAT), reserved,
  multicast, unspecified and documentation addresses, IPv4 embedded in IPv6 (mapped, NAT64, 6to4)
  when the IPv4 address is one of those, and the cloud metadata services;
- true (on-premise installations, the test suite): http is allowed too and so are internal addresses;
  the cloud metadata services stay refused, since no receiver ever lives there.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

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


def _pool(target: WebhookTarget, address: str) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(total=TOTAL_TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
    if target.scheme == "https":
        # Connect to the vetted address, but present and verify the URL's own host name.
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False)


def webhook_post(*, target: WebhookTarget, body: bytes, headers: dict[str, str]) -> WebhookResponse:
    """POST `body` to a resolved target, without redirects; raises urllib3/OS errors when no answer came."""
    all_headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **headers,
    }
    last_error: Exception | None = None
    for address in target.addresses[:MAX_ADDRESSES_TRIED]:
        pool = _pool(target, address)
        try:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers=all_headers,
                redirect=False,
                retries=False,
                assert_same_host=False,
                preload_content=False,
            )
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as exc:
            last_error = exc  # try the host's next vetted address
            continue
        finally:
            pool.close()
        try:
            # The body is never read: only the status matters, and a huge or slow body must not hold a worker.
            return WebhookResponse(status=response.status, retry_after=response.headers.get("Retry-After"))
        finally:
            response.close()
    raise last_error or WebhookTargetRefused(f"The host name {target.host} has no address to connect to.")
