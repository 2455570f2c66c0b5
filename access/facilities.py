"""Who may see and keep what is recorded about a building: its documents (floor plans, site maps), its contacts
and who is assigned to it.

"The agencies that see the building's plans" are its owner and every agency granted view on a plan covering
it (grants only, as alerts go: a public plan does not make every agency a partner of the building).

Documents follow the plans' classification levels: a public document is read by everyone signed in, a
partner one by those agencies (and by the document's own agency, a partner's annotation), and a
law-enforcement-sensitive one only by the owners and by agencies granted view on a law-enforcement-sensitive
plan of the building. The building's owner keeps its own documents; a partner that sees its plans adds and
replaces its own annotations only. Alerts go to the agencies that may read the document.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from access.agencies import can_assign_people_of, can_edit_facilities_of
from access.grants import VIEW
from access.plans import granted_plan_ids
from agencies.models import Agency, Facility, FacilityContact, Membership, Role
from buildings.models import BuildingDocument
from plans.models import Classification, Plan, PlanGroupObjectPermission
from portal.compiled_queries import CompiledQuery
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


def document_adding_agency(user: Actor, facility: Facility, *, roles: dict[int, str] | None = None) -> int | None:
    """The agency the user adds documents for at this building: its owner if they are an admin or planner
    there, else a partner (admin or planner) that sees the building's plans; None if they may not add any.
    `roles` is the person's `agency_roles`, when the caller has already read them."""
    if roles is None:
        editing = _editor_agencies(user)
    else:
        editing = (
            {agency_id for agency_id, role in roles.items() if role in EDITOR_ROLES} if user.is_authenticated else set()
        )
    if facility.owner_agency_id in editing:
        return facility.owner_agency_id
    if not editing:
        return None
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


# --- Contacts and assignments (the responder's building page) ---


def agencies_seeing_facility_plans(*, facility_id: int) -> QuerySet:
    """Ids of the building's owner and of the agencies granted view on a plan covering it (a subquery)."""
    granted_groups = PlanGroupObjectPermission.objects.filter(
        permission__codename=VIEW,
        permission__content_type__app_label="plans",
        content_object__facilities__id=facility_id,
    ).values("group_id")
    # The owner by its own subquery rather than a join to every building: joined, the OR made PostgreSQL read
    # every agency and every building (15 ms at state scale; docs/benchmarks.md).
    owner = Facility.objects.filter(pk=facility_id).values("owner_agency_id")
    return Agency.objects.filter(Q(id__in=owner) | Q(group_id__in=granted_groups)).order_by().values("id")


# `agencies_seeing_facility_plans` for one person, as a yes or no. Plain SQL, as `access.plans._ACCESS_SQL`:
# built through the ORM, this one question cost ten times its database time in Python on the building's page.
_WORKS_WITH_SQL = """
SELECT EXISTS (
    SELECT 1
    FROM agencies_membership m
    JOIN agencies_agency a ON a.id = m.agency_id
    WHERE m.user_id = %s
      AND (
        a.id = (SELECT f.owner_agency_id FROM agencies_facility f WHERE f.id = %s)
        OR EXISTS (
            SELECT 1
            FROM plans_plangroupobjectpermission g
            JOIN plans_plan_facilities pf ON pf.plan_id = g.content_object_id
            JOIN auth_permission p ON p.id = g.permission_id
            JOIN django_content_type ct ON ct.id = p.content_type_id
            WHERE g.group_id = a.group_id AND pf.facility_id = %s AND p.codename = %s AND ct.app_label = 'plans'
        )
      )
)
"""


def works_with_facility(user: Actor, facility: Facility) -> bool:
    """Whether one of the person's agencies owns the building or is granted view on a plan covering it (one
    query): who reads its contacts (with staff), and the same rule as `access.packets.packet_facilities` for one
    building (tests/access/test_facility_rule.py holds them and `agencies_seeing_facility_plans` equal)."""
    if not user.is_authenticated:
        return False
    with connection.cursor() as cursor:
        cursor.execute(_WORKS_WITH_SQL, [user.pk, facility.pk, facility.pk, VIEW])
        (works,) = cursor.fetchone()
    return bool(works)


def can_see_facility_contacts(user: Actor, facility: Facility) -> bool:
    """Staff and the people of the agencies that see the building's plans read its contacts (one query)."""
    if not user.is_authenticated:
        return False
    return user.is_staff or works_with_facility(user, facility)


def facility_contacts_visible(
    *, user: Actor, facility: Facility, works_with: bool | None = None
) -> QuerySet[FacilityContact]:
    """The building's contacts in calling order, or none for someone who may not see them: one query either way
    (the page's query count does not depend on who asks). `works_with`: `works_with_facility`'s answer, when the
    caller has already asked (then the contacts are read only for someone who may see them)."""
    contacts = FacilityContact.objects.filter(facility=facility).order_by("position", "pk")
    if not user.is_authenticated:
        return contacts.none()
    if user.is_staff:
        return contacts
    if works_with is not None:
        return contacts if works_with else contacts.none()
    member = Membership.objects.filter(user=user, agency_id__in=agencies_seeing_facility_plans(facility_id=facility.pk))
    return contacts.filter(Exists(member))


_CONTACTS = CompiledQuery(
    lambda facility_id: FacilityContact.objects.filter(facility_id=facility_id).order_by("position", "pk"),
    "facility_id",
)


def facility_contacts_visible_list(*, user: Actor, facility: Facility, works_with: bool) -> list[FacilityContact]:
    """`list(facility_contacts_visible(user=user, facility=facility, works_with=works_with))` by SQL compiled once
    per process: `works_with` is `works_with_facility`'s answer (no query for someone who may not see them)."""
    if not (user.is_authenticated and (user.is_staff or works_with)):
        return []
    return _CONTACTS(facility_id=facility.pk)


def can_edit_facility_contacts(user: Actor, facility: Facility, *, roles: dict[int, str] | None = None) -> bool:
    """The owner agency keeps the building's contacts: its admins and planners (and staff), as its details.
    `roles` is the person's `agency_roles`, when the caller has already read them."""
    if roles is None:
        return can_edit_facilities_of(user, facility.owner_agency_id)
    return bool(user.is_authenticated and (user.is_staff or roles.get(facility.owner_agency_id) in EDITOR_ROLES))


def agencies_assigning_ids(user: Actor, roles: dict[int, str]) -> set[int]:
    """Of the person's agencies (`roles`: their `agency_roles`), those whose people they may assign to buildings."""
    return {agency_id for agency_id, role in roles.items() if role == Role.ADMIN} if user.is_authenticated else set()


def can_assign_people_to_facility(user: Actor, agency_id: int) -> bool:
    """An agency's admins (and staff) assign its people to buildings and end those assignments."""
    return can_assign_people_of(user, agency_id)


def agencies_assigning_people(user: Actor) -> QuerySet[Agency]:
    """The agencies whose people this person may assign to buildings: those they administer (staff: all)."""
    if not user.is_authenticated:
        return Agency.objects.none()
    if user.is_staff:
        return Agency.objects.order_by("name")
    return Agency.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).order_by("name")
