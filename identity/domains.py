"""The e-mail domains an agency vouches for: parsed from what an admin types, and matched against an address."""

import re

from portal.errors import InvalidInputError

_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
# Also the API schema's pattern for a domain (any case: it is stored lower-case).
DOMAIN_PATTERN = rf"^(?:{_LABEL}\.)+[a-zA-Z]{{2,63}}$"
DOMAIN = re.compile(DOMAIN_PATTERN)


def domains_parse(raw: str | list[str]) -> list[str]:
    """Lower-case, unique, sorted domains from a list or text split on commas, spaces or lines; 400 if one is bad."""
    items = raw if isinstance(raw, list) else re.split(r"[\s,;]+", raw)
    domains = sorted({item.strip().lower().lstrip("@") for item in items if item and item.strip()})
    if not domains:
        raise InvalidInputError("Name at least one e-mail domain of your agency, e.g. county.gov.", field="domains")
    bad = [domain for domain in domains if not DOMAIN.match(domain)]
    if bad:
        raise InvalidInputError(f"Not an e-mail domain: {', '.join(bad)}.", field="domains")
    return domains


def email_domain(email: str) -> str:
    """The part after the last @, lower-case ('' when there is none)."""
    _, at, domain = email.strip().rpartition("@")
    return domain.lower() if at else ""
