"""Who may have a building's field packet, and who may download one already made.

A packet gathers what the building's page shows to the agencies that work with the building: its owner and the
agencies granted view on a plan covering it. Anyone else (another agency, a platform operator) is answered 404
for the building's packet, as if it did not exist. A finished packet is its requester's alone, and only while
they may still see the building and every plan and document it holds (a revoked share makes it unavailable).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from access.facilities import building_documents_visible_to
from access.plans import granted_plan_ids, plans_visible_to
from agencies.models import Facility, Membership
from packets.models import FieldPacket

Actor = User | AnonymousUser


def packet_facilities(*, user: Actor) -> QuerySet[Facility]:
    """The buildings whose field packet the user may ask for: those their agencies own or see plans of."""
    if not user.is_authenticated:
        return Facility.objects.none()
    mine = Membership.objects.filter(user=user).values("agency_id")
    return (
        Facility.objects.filter(Q(owner_agency_id__in=mine) | Q(plans__id__in=granted_plan_ids(user=user)))
        .distinct()
        .select_related("owner_agency")
    )


def packets_of(*, user: Actor) -> QuerySet[FieldPacket]:
    """The packets this person asked for (nobody else's: another person's packet is 404)."""
    if not user.is_authenticated:
        return FieldPacket.objects.none()
    return FieldPacket.objects.filter(requested_by=user).select_related("facility")


def packet_still_readable(*, packet: FieldPacket, user: Actor) -> bool:
    """Whether the person may still see the building and everything the finished packet holds (three queries)."""
    if not packet_facilities(user=user).filter(pk=packet.facility_id).exists():
        return False
    plan_ids = {plan_id for plan_id, _ in packet.plan_versions}
    document_ids = {document_id for document_id, _ in packet.document_versions}
    plans_seen = plans_visible_to(user=user).filter(pk__in=plan_ids).count() if plan_ids else 0
    documents_seen = building_documents_visible_to(user=user).filter(pk__in=document_ids).count() if document_ids else 0
    return plans_seen == len(plan_ids) and documents_seen == len(document_ids)
