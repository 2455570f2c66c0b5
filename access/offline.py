"""What the installable app may keep on a person's device for use without a connection (offline/).

Only the person's own buildings ("My buildings") and, of those, what they may read right now: the current plans
they see there and the buildings' documents they see, less the law-enforcement-sensitive ones whose agency does
not allow offline copies, and less any whose content this request may not be shown (second factor); and the
latest field packet they made of each building, while it holds nothing but those current versions. The device
keeps nothing else: it drops every copy not listed here at each refresh.
"""

from dataclasses import dataclass

from django.db.models import Q

from access.actors import Person
from access.facilities import building_documents_visible_to, may_read_document
from access.plans import plans_visible_to
from access.second_factor import content_withheld
from agencies.models import Facility
from agencies.selectors import my_buildings
from buildings.models import BuildingDocument
from packets.models import FieldPacket, PacketState
from plans.models import Classification, Plan


@dataclass(frozen=True)
class OfflineSet:
    """The buildings, plans and documents the person's device may keep."""

    facilities: list[Facility]
    plans: list[Plan]
    documents: list[BuildingDocument]
    packets: list[FieldPacket]


def _may_keep(owner_field: str) -> Q:
    """Not law-enforcement sensitive, or its agency allows offline copies of such content."""
    return ~Q(classification=Classification.LAW_ENFORCEMENT_SENSITIVE) | Q(
        **{f"{owner_field}__les_offline_copies": True}
    )


def offline_set(*, user: Person) -> OfflineSet:
    """Everything the person's device may keep offline now (a few queries, whatever the number of buildings)."""
    # My buildings: those the person is assigned to now (an SRO's schools), the only ones kept offline.
    facilities = list(my_buildings(user=user))
    if not facilities:
        return OfflineSet(facilities=[], plans=[], documents=[], packets=[])
    ids = [facility.pk for facility in facilities]
    plans = list(
        plans_visible_to(user=user)
        .filter(facilities__in=ids, current_version__isnull=False)
        .filter(_may_keep("owner_agency"))
        .prefetch_related(None)
        .distinct()
        .order_by("title", "pk")
    )
    withheld = content_withheld(plan_ids={plan.pk for plan in plans}, user=user)
    documents = [
        document
        for document in building_documents_visible_to(user=user)
        .filter(facility_id__in=ids, current_version__isnull=False)
        .filter(_may_keep("owner_agency"))
        .order_by("facility_id", "kind", "title", "pk")
        if may_read_document(document=document, user=user)
    ]
    plans = [plan for plan in plans if plan.pk not in withheld]
    return OfflineSet(
        facilities=facilities,
        plans=plans,
        documents=documents,
        packets=_current_packets(user=user, facility_ids=ids, plans=plans, documents=documents),
    )


def _current_packets(
    *, user: Person, facility_ids: list[int], plans: list[Plan], documents: list[BuildingDocument]
) -> list[FieldPacket]:
    """Per building, the person's latest finished packet, if every plan and document version it holds is one the
    device keeps anyway: a packet with last year's plan, or with anything not kept, stays off the device."""
    kept_plans = {(plan.pk, plan.current_version_id) for plan in plans}
    kept_documents = {(document.pk, document.current_version_id) for document in documents}
    latest: dict[int, FieldPacket] = {}
    for packet in FieldPacket.objects.filter(
        requested_by_id=user.pk, facility_id__in=facility_ids, state=PacketState.READY
    ).order_by("-finished_at"):
        latest.setdefault(packet.facility_id, packet)
    return [
        packet
        for packet in latest.values()
        if {tuple(pair) for pair in packet.plan_versions} <= kept_plans
        and {tuple(pair) for pair in packet.document_versions} <= kept_documents
    ]
