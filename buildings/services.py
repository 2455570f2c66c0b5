"""Writes of building documents: add one (its version 1) and replace its file (a new version), each audited and
alerted to the agencies that may read it, in one transaction."""

import secrets

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from access.facilities import can_replace_building_document, document_adding_agency
from agencies.models import Agency, Facility
from audit.models import AuditAction
from audit.services import audit_event_record
from buildings.models import BuildingDocument, BuildingDocumentVersion
from buildings.upload_checks import checked_upload
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.models import Classification
from portal.errors import NotAllowedError


def _version_save(
    *, document: BuildingDocument, number: int, upload: UploadedFile, max_bytes: int, actor: User, change_note: str
) -> BuildingDocumentVersion:
    checked = checked_upload(upload=upload, max_bytes=max_bytes)
    version = BuildingDocumentVersion(
        document=document,
        number=number,
        token=secrets.token_hex(16),
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        change_note=change_note.strip(),
        uploaded_by=actor,
    )
    # Should the transaction roll back, the file stays on disk unreferenced (an opaque name no URL serves).
    version.file.save(version.token, upload, save=False)
    version.save()
    document.current_version = version
    document.save(update_fields=["current_version"])
    return version


def _record(
    *,
    document: BuildingDocument,
    version: BuildingDocumentVersion,
    previous: BuildingDocumentVersion | None,
    actor: User,
    action: AuditAction,
    ip_address: str | None,
) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        obj=document,
        agency=document.owner_agency,
        ip_address=ip_address,
        details={
            "facility": document.facility_id,
            "version": version.number,
            "filename": version.filename,
            "sha256": version.sha256,
        },
    )
    sensitive = document.classification == Classification.LAW_ENFORCEMENT_SENSITIVE
    outbox_event_record(
        event_type=EventType.BUILDING_DOCUMENT_CHANGED,
        plan=None,
        payload={
            "actor": actor.pk,
            "document": document.pk,
            "facility": document.facility_id,
            "facility_name": document.facility.name,
            "title": document.title,
            "kind": document.kind,
            "owner_agency": document.owner_agency_id,
            "version": version.number,
            "previous_version": previous.number if previous else None,
            # What changed, in the uploader's words; kept out of alerts about sensitive documents (e-mail, webhooks).
            "change_note": "" if sensitive else version.change_note,
            "sha256": version.sha256,
        },
    )


@transaction.atomic
def building_document_add(
    *,
    facility: Facility,
    actor: User,
    kind: str,
    title: str,
    classification: str,
    upload: UploadedFile,
    max_bytes: int,
    change_note: str = "",
    ip_address: str | None = None,
) -> BuildingDocument:
    """A new document of a building: the owner's admins and planners, or a partner's (its own annotation)."""
    agency_id = document_adding_agency(actor, facility)
    if agency_id is None:
        raise NotAllowedError(
            "Only admins and planners of the building's owner, or of an agency that sees its plans, add documents."
        )
    document = BuildingDocument.objects.create(
        facility=facility,
        owner_agency=Agency.objects.get(pk=agency_id),
        kind=kind,
        title=title.strip(),
        classification=classification,
    )
    version = _version_save(
        document=document, number=1, upload=upload, max_bytes=max_bytes, actor=actor, change_note=change_note
    )
    _record(
        document=document,
        version=version,
        previous=None,
        actor=actor,
        action=AuditAction.BUILDING_DOCUMENT_ADD,
        ip_address=ip_address,
    )
    return document


@transaction.atomic
def building_document_replace(
    *,
    document: BuildingDocument,
    actor: User,
    upload: UploadedFile,
    max_bytes: int,
    change_note: str,
    ip_address: str | None = None,
) -> BuildingDocumentVersion:
    """A new file for a document (its next version); the earlier files stay on record."""
    document = (
        BuildingDocument.objects.select_for_update(of=("self",))
        .select_related("facility", "owner_agency", "current_version")
        .get(pk=document.pk)
    )
    if not can_replace_building_document(actor, document):
        raise NotAllowedError("Only admins and planners of the agency that added this document replace it.")
    previous = document.current_version
    number = (previous.number if previous else 0) + 1
    version = _version_save(
        document=document, number=number, upload=upload, max_bytes=max_bytes, actor=actor, change_note=change_note
    )
    _record(
        document=document,
        version=version,
        previous=previous,
        actor=actor,
        action=AuditAction.BUILDING_DOCUMENT_REPLACE,
        ip_address=ip_address,
    )
    return version
