"""Reads of building documents; every function takes the asking user and answers only what they may see."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from access.facilities import building_documents_visible_to
from agencies.models import Facility
from buildings.models import BuildingDocument, BuildingDocumentVersion


def facility_documents(*, user: User | AnonymousUser, facility: Facility) -> QuerySet[BuildingDocument]:
    """The building's documents the user may see, the owner's first, then by kind and title (one query)."""
    return (
        building_documents_visible_to(user=user)
        .filter(facility=facility, current_version__isnull=False)
        .select_related("current_version__uploaded_by", "current_version__document")
        .order_by("kind", "title", "pk")
    )


def document_versions(*, document: BuildingDocument) -> QuerySet[BuildingDocumentVersion]:
    """Every version of a document already found visible, newest first."""
    return document.versions.select_related("uploaded_by", "document").order_by("-number")
