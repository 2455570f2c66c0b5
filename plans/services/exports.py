"""Exporting a version as PDF or Word: the reader is checked by the gate like any read, the copy is rendered,
and the export is audited (and, for a law-enforcement-sensitive plan, recorded as a read of its content)."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from access.plans import plan_access
from access.second_factor import require_second_factor
from access.sensitive_reads import sensitive_read_record
from audit.models import AuditAction
from audit.services import audit_event_record
from plans.export import pdf, word
from plans.export.document import ExportDocument, export_document
from plans.models import PlanVersion


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"


RENDERERS: dict[str, tuple[Callable[[ExportDocument], bytes], str]] = {
    ExportFormat.PDF: (pdf.render_pdf, pdf.CONTENT_TYPE),
    ExportFormat.DOCX: (word.render_docx, word.CONTENT_TYPE),
}


@dataclass(frozen=True)
class ExportFile:
    """A rendered copy: its bytes, media type and download name (`<title-slug>-v<N>.<ext>`)."""

    content: bytes
    content_type: str
    filename: str


def plan_version_export(
    *, version: PlanVersion, actor: User | AnonymousUser, fmt: str, ip_address: str | None = None
) -> ExportFile:
    """A copy of `version` for `actor`, who must be allowed to read that very version (drafts only for those
    who may see drafts); anyone else gets 404, as if it did not exist. Audited as `plan.export`."""
    if fmt not in RENDERERS:
        raise ValueError(f"Unknown export format {fmt!r}.")
    # Fresh, with what the copy shows about the plan; the search columns are large and never shown.
    version = (
        PlanVersion.objects.select_related("plan__owner_agency", "published_by")
        .defer("plan__search_document", "plan__search_vector")
        .get(pk=version.pk)
    )
    access = plan_access(user=actor, plan=version.plan)
    if not isinstance(actor, User) or not access.can_read_version(version):
        raise Http404("No PlanVersion matches the given query.")
    # Refused before rendering when the content needs a second factor this request did not pass.
    require_second_factor(plan=version.plan, user=actor)
    now = timezone.now()
    document = export_document(
        version=version, access=access, reader_name=actor.get_full_name() or actor.get_username(), now=now
    )
    render, content_type = RENDERERS[fmt]
    content = render(document)
    # Rendering reads only; the two audit rows are one short transaction once the copy exists.
    with transaction.atomic():
        plan_export_record(
            version=version,
            actor=actor,
            ip_address=ip_address,
            fmt=fmt,
            file_sha256=hashlib.sha256(content).hexdigest(),
        )
    return ExportFile(content=content, content_type=content_type, filename=document.filename(fmt))


def plan_export_record(
    *,
    version: PlanVersion,
    actor: User,
    ip_address: str | None,
    fmt: str,
    file_sha256: str,
    what: str = "export",
    **details: object,
) -> None:
    """Audit a version leaving Concord in a file: a read of it if it is law-enforcement sensitive, and the
    export (in the owner's trail, with the version's and the file's digests). The caller holds the transaction."""
    plan = version.plan
    sensitive_read_record(plan=plan, actor=actor, ip_address=ip_address, what=what, obj=version)
    audit_event_record(
        actor=actor,
        action=AuditAction.PLAN_EXPORT,
        obj=version,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={
            "plan": plan.pk,
            "number": version.number,
            "format": fmt,
            **details,
            "content_sha256": version.content_sha256,
            "file_sha256": file_sha256,
        },
    )
