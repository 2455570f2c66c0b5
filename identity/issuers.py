"""The issuer URL an agency admin types: an https origin (and path) Concord may call for its discovery document."""

from urllib.parse import urlsplit

from notifications.channels.webhook_targets import WebhookTargetRefused, webhook_target_resolve
from portal.errors import InvalidInputError

WELL_KNOWN = "/.well-known/openid-configuration"


def issuer_parse(raw: str) -> str:
    """The issuer without a trailing slash or discovery suffix; refused (400) when Concord may not call it.

    The same address rules as webhooks apply (https on a public address; http and internal addresses only
    where WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on), since Concord's server fetches the discovery document."""
    issuer = raw.strip()
    if issuer.endswith(WELL_KNOWN):
        issuer = issuer[: -len(WELL_KNOWN)]
    issuer = issuer.rstrip("/")
    parts = urlsplit(issuer)
    if not parts.scheme or not parts.hostname:
        raise InvalidInputError(
            "Enter the issuer URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0.", field="issuer"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidInputError("The issuer URL has no query, fragment or credentials.", field="issuer")
    try:
        webhook_target_resolve(f"{issuer}{WELL_KNOWN}")
    except WebhookTargetRefused as exc:
        raise InvalidInputError(f"Concord may not call this issuer: {exc}", field="issuer") from exc
    return issuer
