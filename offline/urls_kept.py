"""The URLs of what a device may keep offline, as the worker caches them (the pages' own paths)."""

from django.urls import reverse

from access.offline import OfflineSet


def offline_urls_of(kept: OfflineSet) -> list[str]:
    """Each building's page, each current plan's page, each building document's current file and each field
    packet's file."""
    urls = [reverse("agencies:facility-detail", kwargs={"facility_id": facility.pk}) for facility in kept.facilities]
    urls += [reverse("plans:detail", kwargs={"plan_id": plan.pk}) for plan in kept.plans]
    for document in kept.documents:
        if document.current_version is None:  # offline_set lists documents with a current file only
            continue
        urls.append(
            reverse(
                "buildings:document-file",
                kwargs={
                    "facility_id": document.facility_id,
                    "document_id": document.pk,
                    "number": document.current_version.number,
                },
            )
        )
    urls += [reverse("packets:file", kwargs={"packet_id": packet.pk}) for packet in kept.packets]
    return urls
