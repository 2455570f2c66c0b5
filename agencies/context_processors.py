"""What every page needs from agencies: the signed-in person's agencies and the one they work for now."""

from typing import Any

from django.http import HttpRequest

from agencies.active_agency import header_active_membership, header_memberships
from portal.types import is_signed_in


def active_agency(request: HttpRequest) -> dict[str, Any]:
    """The header's agency switcher (several agencies) or agency line (one), from the per-person cache."""
    if not hasattr(request, "user") or not is_signed_in(request):
        return {}
    return {"my_memberships": header_memberships(request), "active_membership": header_active_membership(request)}
