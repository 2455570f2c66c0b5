"""Web downloads of a version as PDF or Word: the page's visibility rule (404), then the export service, which
checks the reader again, renders the copy and audits it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from access.http import visible_plan, visible_version
from plans.export.download import export_response
from plans.export.pdf import PdfUnavailableError
from plans.services import plan_version_export
from portal.api.request_info import client_ip


@login_required
@require_safe
def version_export(request: HttpRequest, plan_id: int, number: int, fmt: str) -> HttpResponse:
    """`/plans/<id>/versions/<n>/export.pdf` and `export.docx`."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    try:
        export = plan_version_export(version=version, actor=request.user, fmt=fmt, ip_address=client_ip(request))
    except PdfUnavailableError as error:
        return render(request, "plans/export/unavailable.html", {"message": error.message, "plan": plan}, status=503)
    return export_response(export)
