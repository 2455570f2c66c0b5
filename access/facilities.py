"""Who may see and keep a building's documents (floor plans, site maps): the agencies that see its plans.

A facility is seen by its owner agency and by every agency granted view on a plan that covers it. Its
documents follow the plans' classification levels: a public document is read by everyone signed in, a
partner one by those agencies (and by the document's own agency, a partner's annotation), and a
law-enforcement-sensitive one only by the owners and by agencies granted view on a law-enforcement-sensitive
plan of the building. The building's owner keeps its own documents; a partner that sees its plans adds and
replaces its own annotations only. Alerts go to the agencies that may read the document (grants, as for
plans: a public document's alert goes to the building's agencies, not to everyone).
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet

from access.grants import VIEW
from access.plans import granted_plan_ids
from agencies.models import Agency, Facility, Membership, Role
from buildings.models import BuildingDocument
from plans.models import Classification, Plan, PlanGroupObjectPermission
from portal.second_factor import second_factor_passed

EDITOR_ROLES = frozenset({Role.ADMIN, Role.PLANNER})

Actor = User | AnonymousUser


def _plan_viewer_agencies(*, facility_id: int, sensitive_only: bool = False) -> set[int]:
    """Agencies granted view on a plan covering the facility (only law-enforcement-sensitive plans, if asked)."""
    plans = Plan.objects.filter(facilities=facility_id)
    if sensitive_only:
        plans = plans.filter(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    grants = PlanGroupObjectPermission.objects.filter(
        permission__codename=VIEW, permission__content_type__app_label="plans", content_object_id__in=plans.values("id")
    )
    return set(Agency.objects.filter(group_id__in=grants.values("group_id")).values_list("id", flat=True))


def agencies_seeing_facility(facility_id: int) -> set[int]:
    """The building's owner and every agency granted view on a plan that covers it."""
    owner = Facility.objects.filter(pk=facility_id).values_list("owner_agency_id", flat=True).first()
    agencies = _plan_viewer_agencies(facility_id=facility_id)
    return agencies | ({owner} if owner is not None else set())


def agencies_reading_document(document: BuildingDocument) -> set[int]:
    """The agencies whose people may read the document (and hear that it changed)."""
    owners = {document.owner_agency_id, document.facility.owner_agency_id}
    sensitive = document.classification == Classification.LAW_ENFORCEMENT_SENSITIVE
    return owners | _plan_viewer_agencies(facility_id=document.facility_id, sensitive_only=sensitive)


def _visible_document_filter(*, user: User) -> Q:
    mine = Agency.objects.filter(memberships__user=user).values("id")
    covering = Plan.objects.filter(id__in=granted_plan_ids(user=user), facilities=OuterRef("facility_id"))
    sensitive_covering = covering.filter(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    return (
        Q(classification=Classification.PUBLIC)
        | Q(owner_agency_id__in=mine)
        | Q(facility__owner_agency_id__in=mine)
        | (Q(classification=Classification.PARTNER) & Exists(covering))
        | (Q(classification=Classification.LAW_ENFORCEMENT_SENSITIVE) & Exists(sensitive_covering))
    )


def building_documents_visible_to(*, user: Actor) -> QuerySet[BuildingDocument]:
    """Every building document the user may see (titles and files alike; sensitive content may still need a
    second factor: `document_needs_second_factor`)."""
    if not user.is_authenticated:
        return BuildingDocument.objects.none()
    return BuildingDocument.objects.filter(_visible_document_filter(user=user)).select_related(
        "owner_agency", "facility", "current_version"
    )


def can_view_building_document(user: Actor, document: BuildingDocument) -> bool:
    """Whether the user may see this document (the one-object form of `building_documents_visible_to`)."""
    return building_documents_visible_to(user=user).filter(pk=document.pk).exists()


def _editor_agencies(user: Actor) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, role__in=EDITOR_ROLES).values_list("agency_id", flat=True))


def document_adding_agency(user: Actor, facility: Facility) -> int | None:
    """The agency the user adds documents for at this building: its owner if they are an admin or planner
    there, else a partner (admin or planner) that sees the building's plans; None if they may not add any."""
    editing = _editor_agencies(user)
    if facility.owner_agency_id in editing:
        return facility.owner_agency_id
    partners = sorted(editing & _plan_viewer_agencies(facility_id=facility.pk))
    return partners[0] if partners else None


def can_replace_building_document(user: Actor, document: BuildingDocument) -> bool:
    """The document's own agency's admins and planners, while that agency still sees the building's plans."""
    if document.owner_agency_id not in _editor_agencies(user):
        return False
    return document.owner_agency_id == document.facility.owner_agency_id or document.owner_agency_id in (
        _plan_viewer_agencies(facility_id=document.facility_id)
    )


def document_needs_second_factor(document: BuildingDocument) -> bool:
    """A law-enforcement-sensitive document whose agency (or the platform) requires multi-factor sign-in."""
    if document.classification != Classification.LAW_ENFORCEMENT_SENSITIVE:
        return False
    return bool(settings.REQUIRE_MFA_FOR_SENSITIVE_READS or document.owner_agency.les_read_requires_mfa)


def may_read_document(*, document: BuildingDocument, user: Actor) -> bool:
    """Whether this request may be shown the document's file (its title shows regardless)."""
    return second_factor_passed(user) or not document_needs_second_factor(document)
