"""Web pages of building documents: add, replace, and the file itself; what the user may not see is 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from access.facilities import building_documents_visible_to, can_replace_building_document, document_adding_agency
from access.http import require
from access.sensitive_reads import sensitive_document_read_record
from agencies.models import Facility
from agencies.selectors import facilities_visible_to
from buildings import services
from buildings.files import document_file_response
from buildings.forms import DocumentAddForm, DocumentReplaceForm
from buildings.models import BuildingDocument
from buildings.selectors import document_versions
from portal.api.request_info import client_ip
from portal.errors import InvalidInputError, PayloadTooLargeError
from portal.request_size import accepts_uploads
from portal.types import AuthenticatedHttpRequest


def _facility(request: HttpRequest, facility_id: int) -> Facility:
    return get_object_or_404(facilities_visible_to(user=request.user), pk=facility_id)


def _document(request: HttpRequest, facility: Facility, document_id: int) -> BuildingDocument:
    return get_object_or_404(building_documents_visible_to(user=request.user), pk=document_id, facility=facility)


def _facility_url(facility: Facility) -> str:
    return reverse("agencies:facility-detail", kwargs={"facility_id": facility.pk}) + "#documents-heading"


@accepts_uploads
@login_required
def document_add(request: AuthenticatedHttpRequest, facility_id: int) -> HttpResponse:
    """Add a floor plan, site map or other document to a building (its owner's or a partner's editors)."""
    facility = _facility(request, facility_id)
    require(
        document_adding_agency(request.user, facility) is not None,
        "Only admins and planners of the building's owner, or of an agency that sees its plans, add documents.",
    )
    form = DocumentAddForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services.building_document_add(
                    facility=facility,
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    classification=data["classification"],
                    upload=data["file"],
                    max_bytes=settings.ATTACHMENT_MAX_BYTES,
                    change_note=data["change_note"],
                    ip_address=client_ip(request),
                )
            except (PayloadTooLargeError, InvalidInputError) as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(request, f"Added “{document.title}”.")
                return redirect(_facility_url(facility))
        status = 400
    return render(
        request,
        "buildings/document_form.html",
        {"facility": facility, "form": form, "nav": "facilities"},
        status=status,
    )


@accepts_uploads
@login_required
def document_replace(request: AuthenticatedHttpRequest, facility_id: int, document_id: int) -> HttpResponse:
    """Upload a new file for a document: its next version, with what changed."""
    facility = _facility(request, facility_id)
    document = _document(request, facility, document_id)
    require(
        can_replace_building_document(request.user, document),
        "Only admins and planners of the agency that added this document replace it.",
    )
    form = DocumentReplaceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                version = services.building_document_replace(
                    document=document,
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    max_bytes=settings.ATTACHMENT_MAX_BYTES,
                    change_note=form.cleaned_data["change_note"],
                    ip_address=client_ip(request),
                )
            except (PayloadTooLargeError, InvalidInputError) as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(request, f"“{document.title}” is now version {version.number}.")
                return redirect(_facility_url(facility))
        status = 400
    context = {
        "facility": facility,
        "document": document,
        "versions": document_versions(document=document),
        "form": form,
        "nav": "facilities",
    }
    return render(request, "buildings/document_form.html", context, status=status)


@login_required
@require_safe
def document_file(request: HttpRequest, facility_id: int, document_id: int, number: int) -> FileResponse:
    """One version's file, shown in the browser (an image, or a PDF in its viewer); a sensitive one is audited."""
    facility = _facility(request, facility_id)
    document = _document(request, facility, document_id)
    version = get_object_or_404(document_versions(document=document), number=number)
    sensitive_document_read_record(
        document=document, actor=request.user, ip_address=client_ip(request), what="file", obj=version
    )
    return document_file_response(version)
