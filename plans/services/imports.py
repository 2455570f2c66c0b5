"""Importing a plan from a Word document: a draft (never a published version) holding the document's sections,
its pictures as attachments, and one `plan.import` audit row."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction

from access.agencies import can_create_plans_for
from access.plans import plan_access
from agencies.models import Agency, Facility
from audit.models import AuditAction
from audit.services import audit_event_record
from plans.api.serializers import MAX_SECTION_BODY, MAX_SECTIONS
from plans.docx_import import ImportedDocument, ImportLimits, docx_convert, title_from_filename
from plans.docx_package import readable_size
from plans.models import Classification, Plan, PlanVersion, VersionState
from plans.services.attachments import attachment_add
from plans.services.plan_records import plan_create_once
from plans.services.versions import DraftReuse, plan_draft_start
from plans.upload_checks import safe_filename
from portal.errors import ConflictError, NotAllowedError, PayloadTooLargeError


@dataclass(frozen=True)
class ImportSummary:
    """What the import made of the document, for the person who reviews the draft."""

    filename: str
    sections: int
    tables: int
    images: int  # imported as attachments of the draft
    warnings: tuple[str, ...]

    def sentence(self) -> str:
        """E.g. “24 sections, 3 tables, 2 images imported as attachments.”"""
        parts = [_count(self.sections, "section"), _count(self.tables, "table")]
        images = f"{_count(self.images, 'image')} imported as attachments" if self.images else "no images"
        return f"{', '.join(parts)}, {images}."


@dataclass(frozen=True)
class PlanImported:
    """The plan and the draft an import made; created=False when the same import was sent again (a double submit
    or a retried request) and found the draft it had made."""

    plan: Plan
    version: PlanVersion
    created: bool
    summary: ImportSummary
    other_open_drafts: tuple[int, ...] = ()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def plan_import_create(
    *,
    actor: User,
    upload: UploadedFile,
    owner_agency: Agency,
    kind: str,
    max_bytes: int,
    title: str = "",
    classification: str = Classification.PARTNER,
    facilities: Iterable[Facility] = (),
    creation_key: UUID | None = None,
    ip_address: str | None = None,
) -> PlanImported:
    """A new plan from a Word document (admins and planners of the owner agency, asked before the file is read):
    the plan and its first draft holding the document's sections, with its pictures attached. Titled as given,
    else by the document's Title, else by its file name.

    Once per key, like the New plan page: the same key again returns the plan and draft it made (created=False)."""
    if not can_create_plans_for(actor, owner_agency.pk):
        raise NotAllowedError(f"Only admins and planners of {owner_agency} may create its plans.")
    content, filename = _read(upload, max_bytes=max_bytes)
    document = docx_convert(content, filename=filename, limits=_limits(max_bytes))
    with transaction.atomic():
        result = plan_create_once(
            actor=actor,
            creation_key=creation_key,
            title=title or document.title or title_from_filename(filename),
            kind=kind,
            owner_agency=owner_agency,
            facilities=facilities,
            classification=classification,
            first_draft=document.sections,
            ip_address=ip_address,
        )
        if result.draft is None:  # the key made a plan through POST /plans/, without a draft
            raise ConflictError(
                "This key was already used to create another plan; send a new key for a new plan.",
                field="creation_key",
            )
        summary = _summary(document, filename)
        if result.created:
            _attach_and_audit(
                result.draft, document, summary, content, actor=actor, max_bytes=max_bytes, ip_address=ip_address
            )
        return PlanImported(plan=result.plan, version=result.draft, created=result.created, summary=summary)


def plan_import_draft(
    *,
    plan: Plan,
    actor: User,
    upload: UploadedFile,
    max_bytes: int,
    ip_address: str | None = None,
) -> PlanImported:
    """A new draft of an existing plan from a Word document (owner admins and planners, asked before the file is
    read); an open draft is left as it is. The same document sent again finds the draft it made."""
    if not plan_access(user=actor, plan=plan).can_edit:
        raise NotAllowedError("Only admins and planners of the owner agency may start drafts.")
    content, filename = _read(upload, max_bytes=max_bytes)
    document = docx_convert(content, filename=filename, limits=_limits(max_bytes))
    with transaction.atomic():
        version, created = plan_draft_start(
            plan=plan,
            actor=actor,
            change_summary=f"Imported from “{filename}”.",
            sections=document.sections,
            reuse=DraftReuse.SAME_CONTENT,
            ip_address=ip_address,
        )
        summary = _summary(document, filename)
        if created:
            _attach_and_audit(
                version, document, summary, content, actor=actor, max_bytes=max_bytes, ip_address=ip_address
            )
        others = (
            PlanVersion.objects.filter(plan_id=plan.pk, state=VersionState.DRAFT)
            .exclude(pk=version.pk)
            .order_by("number")
            .values_list("number", flat=True)
        )
        return PlanImported(
            plan=version.plan, version=version, created=created, summary=summary, other_open_drafts=tuple(others)
        )


def _limits(max_bytes: int) -> ImportLimits:
    return ImportLimits(max_sections=MAX_SECTIONS, max_section_chars=MAX_SECTION_BODY, max_image_bytes=max_bytes)


def _read(upload: UploadedFile, *, max_bytes: int) -> tuple[bytes, str]:
    """The uploaded bytes (never more than the limit) and the file's name as it will be shown."""
    limit = readable_size(max_bytes)
    too_large = PayloadTooLargeError(f"The file is larger than {limit}; a document may be at most {limit}.")
    if upload.size is not None and upload.size > max_bytes:
        raise too_large
    upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise too_large
    return content, safe_filename(upload.name or "document.docx")


def _summary(document: ImportedDocument, filename: str) -> ImportSummary:
    return ImportSummary(
        filename=filename,
        sections=len(document.sections),
        tables=document.tables,
        images=len(document.images),
        warnings=tuple(document.warnings),
    )


def _attach_and_audit(
    version: PlanVersion,
    document: ImportedDocument,
    summary: ImportSummary,
    content: bytes,
    *,
    actor: User,
    max_bytes: int,
    ip_address: str | None,
) -> None:
    """The document's pictures through the attachment service (its checks and audit rows), then the import's row."""
    for image in document.images:
        upload = SimpleUploadedFile(image.filename, image.content)
        attachment_add(version=version, actor=actor, upload=upload, max_bytes=max_bytes, ip_address=ip_address)
    plan = version.plan
    audit_event_record(
        actor=actor,
        action=AuditAction.PLAN_IMPORT,
        obj=version,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={
            "plan": plan.pk,
            "number": version.number,
            "filename": summary.filename,
            "sha256": hashlib.sha256(content).hexdigest(),
            "sections": summary.sections,
            "tables": summary.tables,
            "images": summary.images,
            "warnings": len(summary.warnings),
        },
    )
