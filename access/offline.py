"""What the installable app may keep on a person's device for use without a connection (offline/).

Only the person's own buildings ("My buildings") and, of those, what they may read right now: the current plans
they see there and the buildings' documents they see, less the law-enforcement-sensitive ones whose agency does
not allow offline copies, and less any whose content this request may not be shown (second factor). The device
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
from plans.models import Classification, Plan


@dataclass(frozen=True)
class OfflineSet:
    """The buildings, plans and documents the person's device may keep."""

    facilities: list[Facility]
    plans: list[Plan]
    documents: list[BuildingDocument]


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
        return OfflineSet(facilities=[], plans=[], documents=[])
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
    return OfflineSet(
        facilities=facilities, plans=[plan for plan in plans if plan.pk not in withheld], documents=documents
    )
