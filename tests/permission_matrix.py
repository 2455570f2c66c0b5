"""The actors of the tenant-isolation permission matrix, and a helper that insists every one of them is listed."""

import pytest
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
