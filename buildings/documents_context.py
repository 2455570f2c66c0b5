"""What the building page's documents section (buildings/_documents.html) needs, for agencies.views to add."""

from typing import Any

from django.http import HttpRequest

from access.facilities import document_adding_agency, may_read_document
from agencies.models import Facility
from buildings.models import BuildingDocument
from buildings.selectors import facility_documents
from portal.compiled_queries import CompiledQuery

# The plain look below, compiled once per process.
_ANY_DOCUMENT = CompiledQuery(
    lambda facility_id: (
        BuildingDocument.objects.filter(facility_id=facility_id, current_version__isnull=False)
        .order_by()
        .values_list("pk")[:1]
    ),
    "facility_id",
)


def building_documents_context(
    request: HttpRequest, facility: Facility, *, roles: dict[int, str] | None = None
) -> dict[str, Any]:
    """The documents the reader may see (each marked whether its file may be shown to this request and whether
    they may replace it), and whether they may add one. `roles`: the reader's `agency_roles`, if already read."""
    documents: list[BuildingDocument] = []
    # Most buildings have no document yet: a plain look first spares building and running the visibility rule.
    if _ANY_DOCUMENT(facility_id=facility.pk):
        documents = list(facility_documents(user=request.user, facility=facility))
    adding = document_adding_agency(request.user, facility, roles=roles)
    editing = adding is not None
    for document in documents:
        document.readable = may_read_document(document=document, user=request.user)  # type: ignore[attr-defined]  # for the template
        # Only the agency that added a document replaces it (the owner, or the partner for its annotation).
        document.replaceable = editing and document.owner_agency_id == adding  # type: ignore[attr-defined]
    # The building's owner's documents first, then partners' annotations.
    documents.sort(key=lambda d: d.owner_agency_id != facility.owner_agency_id)
    return {"building_documents": documents, "can_add_building_documents": editing}
