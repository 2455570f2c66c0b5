"""What every page needs from agencies: the signed-in person's agencies and the one they work for now."""

from typing import Any

from django.http import HttpRequest

from agencies.active_agency import active_membership, memberships_for
from portal.types import is_signed_in


def active_agency(request: HttpRequest) -> dict[str, Any]:
    """The header's agency switcher (several agencies) or agency line (one)."""
    if not hasattr(request, "user") or not is_signed_in(request):
        return {}
    return {"my_memberships": memberships_for(request), "active_membership": active_membership(request)}
