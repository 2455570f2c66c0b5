"""The actors of the tenant-isolation permission matrix, a helper that insists every one of them is listed, and
the `covers` mark through which a matrix test names the URLs it exercises (tests/security/test_url_coverage.py)."""

from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from rest_framework.test import APIClient

from tests.conftest import County, client_for

# Actor name in test ids -> attribute of the `county` fixture (None: not signed in).
ACTORS: dict[str, str | None] = {
    "anonymous": None,
    "owner_admin": "owner_admin",
    "owner_planner": "owner_planner",
    "owner_liaison": "owner_liaison",
    "owner_member": "owner_member",
    "partner_view_liaison": "partner_view_liaison",  # police, plan shared with `view`
    "partner_view_member": "partner_view_member",  # police, plan shared with `view`
    "partner_comment_liaison": "partner_comment_liaison",  # fire, plan shared with `comment`
    "unrelated_admin": "unrelated_admin",  # an agency the plan is not shared with
    "staff": "staff",  # platform operator, member of no agency
}
OWNERS = frozenset({"owner_admin", "owner_planner", "owner_liaison", "owner_member"})
PARTNERS = frozenset({"partner_view_liaison", "partner_view_member", "partner_comment_liaison"})


def matrix(**expected: int) -> list:
    """One pytest param per actor, `<actor>-<status>`; every actor must be given exactly once."""
    missing = set(ACTORS) - set(expected)
    unknown = set(expected) - set(ACTORS)
    if missing or unknown:
        raise ValueError(f"matrix() needs every actor once; missing {sorted(missing)}, unknown {sorted(unknown)}")
    return [pytest.param(actor, expected[actor], id=f"{actor}-{expected[actor]}") for actor in ACTORS]


def user_of(county: County, actor: str):
    attribute = ACTORS[actor]
    return None if attribute is None else getattr(county, attribute)


def client_as(county: County, actor: str) -> APIClient:
    return client_for(user_of(county, actor))


def covers(*routes: str) -> pytest.MarkDecorator:
    """Mark a matrix test with the URL names (`namespace:name`) it requests, so the URL-coverage guard counts them;
    the test fails if one of its cases never requests one of them (tests/conftest.py), so the mark cannot drift."""
    if not routes:
        raise ValueError("covers() needs at least one URL name")
    return pytest.mark.covers(*routes)


class AnyObject:
    """Stands in for every object of a test scene when its URLs are built at import time: each attribute is this
    object again, and it prints as the id 1 (URL patterns check the shape of an id, not that it exists)."""

    def __getattr__(self, name: str) -> "AnyObject":
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __str__(self) -> str:
        return "1"

    def __format__(self, spec: str) -> str:
        return "1"


def route_of(url: str) -> str:
    """The URL name (`namespace:name`) that a request to `url` is routed to."""
    return resolve(urlsplit(url).path).view_name
