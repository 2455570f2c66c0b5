"""The agency a person is working for right now (people in several agencies switch between them)."""

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import QuerySet

from agencies.models import Membership, Role
from portal.compiled_queries import CompiledQuery
from portal.header_cache import cached_for_person
from portal.types import AuthenticatedHttpRequest

ACTIVE_AGENCY_KEY = "concord_active_agency"


_M = TypeVar("_M", Membership, "HeaderMembership")


def _memberships_of(user_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user_id).select_related("agency").order_by("agency__name")


_MEMBERSHIPS_OF = CompiledQuery(_memberships_of, "user_id")


def memberships_for(request: AuthenticatedHttpRequest) -> list[Membership]:
    """The signed-in person's memberships with their agencies, by agency name; read once per request, by SQL
    compiled once per process."""
    if not hasattr(request, "_concord_memberships"):
        memberships = _MEMBERSHIPS_OF(user_id=request.user.pk)
        request._concord_memberships = memberships  # type: ignore[attr-defined]  # a per-request cache
    return request._concord_memberships  # type: ignore[attr-defined]  # a per-request cache


def _chosen(request: AuthenticatedHttpRequest, memberships: list[_M]) -> _M | None:
    """The membership chosen with the agency switcher, else the first one."""
    chosen = request.session.get(ACTIVE_AGENCY_KEY)
    return next((m for m in memberships if m.agency_id == chosen), memberships[0] if memberships else None)


def active_membership(request: AuthenticatedHttpRequest) -> Membership | None:
    """The membership chosen with the agency switcher, else the first one."""
    return _chosen(request, memberships_for(request))


def active_membership_set(request: AuthenticatedHttpRequest, agency_id: int) -> bool:
    """Switch to another of the person's agencies; False when they do not belong to it."""
    if any(m.agency_id == agency_id for m in memberships_for(request)):
        request.session[ACTIVE_AGENCY_KEY] = agency_id
        return True
    return False


@dataclass(frozen=True)
class HeaderAgency:
    pk: int
    name: str


@dataclass(frozen=True)
class HeaderMembership:
    """What the page header shows of one membership (the agency switcher): read from the per-person cache, so
    only for display — what a person may do is decided from `memberships_for` and `access/`, read fresh."""

    agency_id: int
    agency: HeaderAgency
    role: str

    def get_role_display(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


def header_memberships(request: AuthenticatedHttpRequest) -> list[HeaderMembership]:
    """The person's memberships for the header, kept between requests with the header's counts
    (`portal.header_cache`; the membership services and an agency's rename give the people a new version)."""
    if not hasattr(request, "_concord_header_memberships"):
        rows = cached_for_person(
            user_id=request.user.pk,
            name="memberships",
            compute=lambda: [(m.agency_id, m.agency.name, m.role) for m in memberships_for(request)],
        )
        request._concord_header_memberships = [  # type: ignore[attr-defined]  # a per-request cache
            HeaderMembership(agency_id=agency_id, agency=HeaderAgency(pk=agency_id, name=name), role=role)
            for agency_id, name, role in rows
        ]
    return request._concord_header_memberships  # type: ignore[attr-defined]  # a per-request cache


def header_active_membership(request: AuthenticatedHttpRequest) -> HeaderMembership | None:
    """`active_membership` among `header_memberships`."""
    return _chosen(request, header_memberships(request))
