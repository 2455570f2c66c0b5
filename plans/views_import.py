"""Web pages that import a plan from a Word document: a new plan, or a new draft of one; never a publish.

The rules are the editor's: a plan the user may not see is 404, a visible one they may not edit is 403, and a file
that is not a usable Word document is a form error saying what to do. The writer lands on the draft's preview with
a summary of what was imported and what to check.
"""

from uuid import uuid4

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from access.http import require, visible_plan
from access.plans import EDITOR_ROLES
from agencies.active_agency import active_membership, memberships_for
from agencies.models import Agency, AgencyKind
from plans.forms_import import DocxUploadForm, PlanImportForm
from plans.models import PlanKind
from plans.services.imports import PlanImported, plan_import_create, plan_import_draft
from portal.api.request_info import client_ip
from portal.errors import ConflictError, DomainError, InvalidInputError, PayloadTooLargeError
from portal.request_size import accepts_uploads
from portal.types import AuthenticatedHttpRequest

TEMPLATE = "plans/edit/import_form.html"


def _file_error(form: DocxUploadForm, exc: DomainError) -> None:
    """A refusal of the document itself goes beside the file field; anything else above the form."""
    if isinstance(exc, PayloadTooLargeError):
        form.add_error("file", f"{exc.message} Compress its pictures in Word or split the document.")
    elif exc.field == "file" or (isinstance(exc, InvalidInputError) and exc.field is None):
        form.add_error("file", exc.message)
    else:
        form.add_error(None, f"{exc.message} Reload the page and try again.")


def _landing(request: HttpRequest, result: PlanImported) -> HttpResponse:
    """The draft's preview, with what was imported and every warning to check."""
    plan, version, summary = result.plan, result.version, result.summary
    if not result.created:
        messages.info(
            request, f"“{summary.filename}” was already imported as draft version {version.number}; here it is."
        )
    else:
        messages.success(
            request,
            f"Imported “{summary.filename}” as draft version {version.number}: {summary.sentence()} "
            "Partners see nothing until it is published; review it here, then correct it in the editor.",
        )
        if summary.warnings:
            count = len(summary.warnings)
            messages.warning(request, f"{count} warning{'s' if count != 1 else ''} to check:")
            for warning in summary.warnings:
                messages.warning(request, warning)
    for number in result.other_open_drafts:
        messages.info(request, f"Draft version {number} is also open; the import did not change it.")
    return redirect(reverse("plans:draft-preview", kwargs={"plan_id": plan.pk, "number": version.number}))


@accepts_uploads
@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new plan from a Word document, owned by one of the person's agencies; it starts as a draft."""
    agency_ids = [m.agency_id for m in memberships_for(request) if m.role in EDITOR_ROLES]
    require(bool(agency_ids), "Only admins and planners of an agency may create plans.")
    owner_agencies = Agency.objects.filter(pk__in=agency_ids).order_by("name")
    if request.method == "POST":
        form = PlanImportForm(request.POST, request.FILES, owner_agencies=owner_agencies)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = plan_import_create(
                    actor=request.user,
                    upload=data["file"],
                    owner_agency=data["owner_agency"],
                    title=data["title"],
                    kind=data["kind"],
                    classification=data["classification"],
                    creation_key=data["creation_key"] or uuid4(),
                    max_bytes=settings.ATTACHMENT_MAX_BYTES,
                    ip_address=client_ip(request),
                )
            except (InvalidInputError, PayloadTooLargeError, ConflictError) as exc:
                _file_error(form, exc)
            else:
                return _landing(request, result)
    else:
        active = active_membership(request)
        owner_id = active.agency_id if active is not None and active.agency_id in agency_ids else agency_ids[0]
        owner_kind = next(m.agency.kind for m in memberships_for(request) if m.agency_id == owner_id)
        kind = PlanKind.SCHOOL_EOP if owner_kind == AgencyKind.SCHOOL_DISTRICT else PlanKind.AGENCY_RESPONSE
        form = PlanImportForm(owner_agencies=owner_agencies, initial={"owner_agency": owner_id, "kind": kind})
    return render(request, TEMPLATE, {"nav": "plans", "form": form, "plan": None})


@accepts_uploads
@login_required
@require_http_methods(["GET", "POST"])
def draft_import(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """A new draft of a plan from a Word document (owner admins and planners); an open draft is left alone."""
    plan, access = visible_plan(request, plan_id)
    require(access.can_edit, "Only admins and planners of the owner agency may start drafts.")
    if request.method == "POST":
        form = DocxUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = plan_import_draft(
                    plan=plan,
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    max_bytes=settings.ATTACHMENT_MAX_BYTES,
                    ip_address=client_ip(request),
                )
            except (InvalidInputError, PayloadTooLargeError, ConflictError) as exc:
                _file_error(form, exc)
            else:
                return _landing(request, result)
    else:
        form = DocxUploadForm()
    return render(request, TEMPLATE, {"nav": "plans", "form": form, "plan": plan, "access": access})
