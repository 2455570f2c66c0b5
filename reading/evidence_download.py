"""How the evidence leaves as an HTTP download (web page and API alike)."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from reading.evidence_services import EvidenceFile


def evidence_download(evidence: EvidenceFile) -> HttpResponse | StreamingHttpResponse:
    """The export as an attachment, never cached by a shared cache or sniffed (web and API alike)."""
    response: HttpResponse | StreamingHttpResponse
    if evidence.lines is not None:
        response = StreamingHttpResponse(evidence.lines, content_type=evidence.content_type)
    else:
        response = HttpResponse(evidence.content, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=evidence.filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
