"""Taking an agency's required-reading evidence out of Concord: checked by the gate, rendered, and audited."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from access.reading import reading_evidence_refusal
from agencies.models import Agency
from audit.models import AuditAction
from audit.services import audit_event_record
from portal.errors import InvalidInputError, NotAllowedError
from reading.evidence import EvidencePeriod, evidence_csv_lines, evidence_row_count, evidence_rows
from reading.evidence_pdf import CONTENT_TYPE as PDF_CONTENT_TYPE
from reading.evidence_pdf import evidence_html, render_evidence_pdf

FORMATS = ("csv", "pdf")
# Laying out a table of more rows than this takes WeasyPrint minutes; the CSV has no limit.
PDF_MAX_ROWS = 5000


@dataclass(frozen=True)
class EvidenceFile:
    """The export: its bytes (PDF) or lines (CSV, streamed), media type and download name."""

    content_type: str
    filename: str
    content: bytes = b""
    lines: Iterator[str] | None = None


def evidence_agency(*, actor: User | AnonymousUser, agency_id: int) -> Agency:
    """The agency whose evidence the person asks for: 404 outside it, 403 for a member who is not a manager."""
    refusal = reading_evidence_refusal(actor, agency_id)
    if refusal == 404:
        raise Http404("No such agency.")
    if refusal == 403:
        raise NotAllowedError("Only this agency's admins and liaisons may export its required-reading evidence.")
    return Agency.objects.get(pk=agency_id)


def reading_evidence_export(
    *, agency: Agency, actor: User | AnonymousUser, period: EvidencePeriod, fmt: str, ip_address: str | None = None
) -> EvidenceFile:
    """The evidence of `agency` for `period` as CSV or PDF, for its admins and liaisons only; audited as
    `reading.evidence_export` with the period and format (and, for a PDF, the file's digest)."""
    if fmt not in FORMATS:
        raise InvalidInputError(f"Choose one of {', '.join(FORMATS)}.", field="format")
    agency = evidence_agency(actor=actor, agency_id=agency.pk)
    if not isinstance(actor, User):  # evidence_agency refused anyone signed out; this says so to the type checker
        raise Http404("No such agency.")
    now = timezone.now()
    name = f"reading-evidence-{agency.slug}-{period.since.isoformat()}-{period.until.isoformat()}.{fmt}"
    details: dict[str, object] = {"since": period.since.isoformat(), "until": period.until.isoformat(), "format": fmt}
    if fmt == "pdf":
        if evidence_row_count(agency=agency, period=period) > PDF_MAX_ROWS:
            raise InvalidInputError(
                f"The evidence for this period has more than {PDF_MAX_ROWS} rows: download the CSV, or a shorter "
                "period.",
                field="format",
            )
        generated_by = f"{actor.get_full_name() or actor.get_username()} ({actor.get_username()})"
        rows = list(evidence_rows(agency=agency, period=period, now=now))
        content = render_evidence_pdf(
            evidence_html(agency=agency, period=period, rows=rows, generated_by=generated_by, now=now)
        )
        details.update(rows=len(rows), file_sha256=hashlib.sha256(content).hexdigest())
        _record(agency=agency, actor=actor, ip_address=ip_address, details=details)
        return EvidenceFile(content_type=PDF_CONTENT_TYPE, filename=name, content=content)
    _record(agency=agency, actor=actor, ip_address=ip_address, details=details)
    lines = evidence_csv_lines(evidence_rows(agency=agency, period=period, now=now))
    return EvidenceFile(content_type="text/csv; charset=utf-8", filename=name, lines=lines)


def _record(*, agency: Agency, actor: User, ip_address: str | None, details: dict[str, object]) -> None:
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action=AuditAction.READING_EVIDENCE_EXPORT,
            obj=agency,
            agency=agency,
            ip_address=ip_address,
            details=details,
        )
