"""Files attached to draft versions."""

import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from access.plans import plan_access
from audit.models import AuditAction
from audit.services import audit_event_record
from plans.models import (
    Attachment,
    PlanVersion,
)
from plans.upload_checks import attachment_kind_from_content, cleaned_filename, safe_filename
from portal.errors import ConflictError, NotAllowedError, PayloadTooLargeError


@transaction.atomic
def attachment_add(
    *,
    version: PlanVersion,
    actor: User,
    upload: UploadedFile,
    max_bytes: int,
    ip_address: str | None = None,
) -> Attachment:
    """Attach a file to a draft (owner admins and planners) after sniffing its real type and checking its size."""
    version = (
        PlanVersion.objects.select_for_update(of=("self",)).select_related("plan__owner_agency").get(pk=version.pk)
    )
    if not plan_access(user=actor, plan=version.plan).can_edit:
        raise NotAllowedError("Only admins and planners of the owner agency may attach files.")
    if not version.is_draft:
        raise ConflictError(f"Version {version.number} is {version.state}; attach files to a draft.")
    if upload.size is not None and upload.size > max_bytes:
        raise PayloadTooLargeError(
            f"The file is {upload.size} bytes; attachments may be at most {max_bytes // (1024 * 1024)} MB."
        )
    upload.seek(0)
    head = upload.read(8192)
    # The extension is checked on the name as given; the stored name is shortened afterwards, keeping it.
    content_type = attachment_kind_from_content(head=head, filename=cleaned_filename(upload.name or ""))
    filename = safe_filename(upload.name or "")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        version=version,
        token=secrets.token_hex(16),
        filename=filename,
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(attachment.token, upload, save=False)
    attachment.save()
    _audit(attachment, version, actor=actor, action=AuditAction.ATTACHMENT_ADD, ip_address=ip_address)
    return attachment


def _audit(
    attachment: Attachment,
    version: PlanVersion,
    *,
    actor: User,
    action: AuditAction,
    ip_address: str | None,
) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        obj=attachment,
        agency=version.plan.owner_agency,
        ip_address=ip_address,
        details={
            "plan": version.plan_id,
            "number": version.number,
            "filename": attachment.filename,
            "sha256": attachment.sha256,
        },
    )


def attachments_copy(*, source: PlanVersion, target: PlanVersion) -> list[Attachment]:
    """Carry a version's files into a new draft (maps and floor plans rarely change), each as its own copy so
    removing it from the draft never touches the published file."""
    copies = []
    for original in Attachment.objects.filter(version=source).order_by("uploaded_at", "id"):
        copy = Attachment(
            version=target,
            token=secrets.token_hex(16),
            filename=original.filename,
            content_type=original.content_type,
            size=original.size,
            sha256=original.sha256,
            uploaded_by=original.uploaded_by,
        )
        with original.file.open("rb") as content:
            copy.file.save(copy.token, File(content), save=False)
        copies.append(copy)
    # Should the surrounding transaction roll back, the copies stay on disk unreferenced (opaque names, no URL).
    Attachment.objects.bulk_create(copies)
    return copies


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor: User, ip_address: str | None = None) -> None:
    """Take a file off a draft (owner admins and planners); the stored file is deleted once the removal has
    committed."""
    version = (
        PlanVersion.objects.select_for_update(of=("self",))
        .select_related("plan__owner_agency")
        .get(pk=attachment.version_id)
    )
    if not plan_access(user=actor, plan=version.plan).can_edit:
        raise NotAllowedError("Only admins and planners of the owner agency may remove files.")
    if not version.is_draft:
        raise ConflictError(
            f"Version {version.number} is {version.state}; its files are part of the record and cannot be removed."
        )
    storage, name = attachment.file.storage, attachment.file.name
    _audit(attachment, version, actor=actor, action=AuditAction.ATTACHMENT_REMOVE, ip_address=ip_address)
    attachment.delete()
    if name:  # always, for a stored file
        transaction.on_commit(lambda: storage.delete(name))
