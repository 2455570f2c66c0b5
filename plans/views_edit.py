"""Web pages that change plans: create, edit metadata, drafts and their sections, attachments, publish, withdraw.

The rules are the API's (plans/api/views.py): a plan or version the user may not see is 404, a visible one
with a forbidden action is 403 and nothing changes, and a version that left draft is never edited (409).
"""

from typing import Any
from uuid import uuid4

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from access.http import record_sensitive_read, require, visible_plan, visible_version
from access.plans import EDITOR_ROLES, PlanAccess
from agencies.active_agency import active_membership, memberships_for
from agencies.models import Agency, AgencyKind
from consistency.fact_forms import FacilityFactsForm, facts_forms_for
from exercises.editor_context import editor_actions_context
from plans import selectors, services
from plans.api.serializers import MAX_SECTIONS
from plans.forms import (
    BLANK_SECTION,
    START_TEMPLATE,
    AttachmentForm,
    DraftForm,
    PlanCreateForm,
    PlanEditForm,
    SectionFormSet,
    facility_choices,
    new_section,
)
from plans.models import Plan, PlanKind, PlanVersion
from plans.section_outlines import default_sections
from portal.api.request_info import client_ip
from portal.errors import ConflictError, InvalidInputError, NotAllowedError, PayloadTooLargeError
from portal.request_size import accepts_uploads
from portal.types import AuthenticatedHttpRequest
from reviews.context import review_context
from sources.context import editor_sources_context

SECTIONS_PREFIX = "sections"
EDITOR_ACTIONS = ("save", "add", "remove", "up", "down")


def editor_url(plan: Plan, version: PlanVersion, anchor: str = "") -> str:
    url = reverse("plans:draft-edit", kwargs={"plan_id": plan.pk, "number": version.number})
    return f"{url}#{anchor}" if anchor else url


def _stamp(version: PlanVersion) -> str:
    return version.updated_at.isoformat()


def conflict_page(
    request: HttpRequest, plan: Plan, access: PlanAccess, version: PlanVersion | None, message: str
) -> HttpResponse:
    """The 409 page: the version is not in a state that allows this; say what to do instead."""
    context = {"nav": "plans", "plan": plan, "access": access, "version": version, "message": message}
    return render(request, "plans/edit/conflict.html", context, status=409)


# Creating a plan and editing its metadata


def _editable_agency_ids(request: AuthenticatedHttpRequest) -> list[int]:
    return [m.agency_id for m in memberships_for(request) if m.role in EDITOR_ROLES]


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new plan owned by one of the person's agencies, and its first draft (standard sections or blank)."""
    agency_ids = _editable_agency_ids(request)
    require(bool(agency_ids), "Only admins and planners of an agency may create plans.")
    owner_agencies = Agency.objects.filter(pk__in=agency_ids).order_by("name")
    facilities = facility_choices(user=request.user, agency_ids=agency_ids)
    if request.method == "POST":
        form = PlanCreateForm(request.POST, owner_agencies=owner_agencies, facilities=facilities)
        if form.is_valid():
            data = form.cleaned_data
            first_draft = (
                default_sections(plan_kind=data["kind"]) if data["start"] == START_TEMPLATE else [dict(BLANK_SECTION)]
            )
            try:
                # The plan and its first draft, or neither; the same form sent twice finds the first one's plan.
                result = services.plan_create_once(
                    creation_key=data["creation_key"] or uuid4(),
                    actor=request.user,
                    title=data["title"],
                    kind=data["kind"],
                    owner_agency=data["owner_agency"],
                    facilities=list(data["facilities"]),
                    classification=data["classification"],
                    review_interval_days=data["review_interval_days"],
                    hazards=data["hazards"],
                    first_draft=first_draft,
                    ip_address=client_ip(request),
                )
            except ConflictError as exc:
                form.add_error(None, f"{exc.message} Reload the page and fill in the form again.")
            else:
                plan, draft = result.plan, result.draft
                if not result.created or draft is None:  # the same form sent twice: the plan of the first submission
                    messages.info(request, f"“{plan.title}” was already created from this form; here it is.")
                    return redirect(editor_url(plan, draft) if draft else reverse("plans:detail", args=[plan.pk]))
                messages.success(
                    request,
                    f"“{plan.title}” created with draft version {draft.number}. Write its sections, then publish it.",
                )
                return redirect(editor_url(plan, draft))
    else:
        active = active_membership(request)
        owner_id = active.agency_id if active is not None and active.agency_id in agency_ids else agency_ids[0]
        owner_kind = next(m.agency.kind for m in memberships_for(request) if m.agency_id == owner_id)
        kind = PlanKind.SCHOOL_EOP if owner_kind == AgencyKind.SCHOOL_DISTRICT else PlanKind.AGENCY_RESPONSE
        form = PlanCreateForm(
            owner_agencies=owner_agencies, facilities=facilities, initial={"owner_agency": owner_id, "kind": kind}
        )
    return render(request, "plans/edit/plan_form.html", {"nav": "plans", "form": form, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Title, kind, buildings, classification, review interval and hazards of a plan (owner admins, planners)."""
    plan, access = visible_plan(request, plan_id)
    require(access.can_edit, "Only admins and planners of the owner agency may change this plan.")
    facilities = facility_choices(user=request.user, agency_ids=_editable_agency_ids(request), plan=plan)
    initial = PlanEditForm.initial_for(plan)
    may_reclassify = access.is_owner_admin
    if request.method == "POST":
        # The field is disabled for them; a value sent anyway is an attempt to widen who may read the plan.
        sent = request.POST.get("classification", plan.classification)
        require(
            may_reclassify or sent == plan.classification,
            "Only admins of the owner agency may change a plan's classification.",
        )
        form = PlanEditForm(request.POST, initial=initial, facilities=facilities, may_reclassify=may_reclassify)
        if form.is_valid():
            changes = form.changes()
            if not changes:
                messages.info(request, "Nothing was changed.")
            else:
                try:
                    services.plan_update(plan=plan, actor=request.user, **changes, ip_address=client_ip(request))
                except (ConflictError, InvalidInputError, NotAllowedError) as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "The plan's details were saved.")
            if not form.errors:
                return redirect("plans:detail", plan_id=plan.pk)
    else:
        form = PlanEditForm(initial=initial, facilities=facilities, may_reclassify=may_reclassify)
    return render(request, "plans/edit/plan_form.html", {"nav": "plans", "form": form, "plan": plan})


# Drafts


@login_required
@require_http_methods(["GET", "POST"])
def draft_create(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Start a draft from the current version (its sections copied); an up-to-date open draft is reused."""
    plan, access = visible_plan(request, plan_id)
    require(access.can_edit, "Only admins and planners of the owner agency may start drafts.")
    if request.method == "GET":
        open_draft = selectors.draft_open(plan=plan)
        context = {"nav": "plans", "plan": plan, "access": access, "open_draft": open_draft}
        return render(request, "plans/edit/draft_new.html", context)
    # Decided again under the plan's lock: a second submit (even at the same moment) finds the first one's draft.
    version, created = services.plan_draft_start(
        plan=plan, actor=request.user, reuse=services.DraftReuse.ANY, ip_address=client_ip(request)
    )
    if not created:
        messages.info(request, f"Draft version {version.number} is already open; continue it here.")
        return redirect(editor_url(plan, version))
    source = f"a copy of version {plan.current_version.number}" if plan.current_version else "the standard sections"
    messages.success(request, f"Draft version {version.number} started from {source}.")
    return redirect(editor_url(plan, version))


def render_editor(
    request: HttpRequest,
    plan: Plan,
    access: PlanAccess,
    version: PlanVersion,
    *,
    formset: Any = None,
    form: DraftForm | None = None,
    upload_form: AttachmentForm | None = None,
    facts_form: FacilityFactsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The draft editor; unbound parts are filled from what is saved."""
    if formset is None or form is None:
        sections = selectors.version_sections(version=version)
        formset = SectionFormSet(
            prefix=SECTIONS_PREFIX, initial=[{"key": s.key, "title": s.title, "body": s.body} for s in sections]
        )
        form = DraftForm(
            initial={"change_summary": version.change_summary, "loaded": _stamp(version)},
            section_titles=[s.title for s in sections],
        )
    latest = selectors.latest_released_number(plan=plan)
    # Saved sections are anchored by key (redirects jump to them); a re-shown form may repeat keys, so by row.
    anchors = (
        [f"row-{i}" for i in range(1, len(formset.forms) + 1)]
        if formset.is_bound
        else [f"section-{f.initial['key']}" for f in formset.forms]
    )
    context = {
        "nav": "plans",
        "plan": plan,
        "access": access,
        "version": version,
        "formset": formset,
        "section_rows": list(zip(formset.forms, anchors, strict=True)),
        "form": form,
        "upload_form": upload_form or AttachmentForm(),
        "attachments": selectors.attachments_of_version(version=version),
        "facts_forms": facts_forms_for(version=version, facilities=plan.facilities.all(), bound=facts_form),
        "latest_number": latest,
        "stale": version.based_on_number != latest,
        # The plan's open change requests, shown beside the section they name: what is still owed.
        **review_context(access=access, version=None, section_keys=[]),
        # Open source changes (issue 20), beside the section they concern.
        **editor_sources_context(user=request.user, access=access),
        # Open corrective actions from exercises (issue 17), beside the section they concern.
        **editor_actions_context(access=access),
        "today": timezone.localdate(),
    }
    return render(request, "plans/edit/draft_edit.html", context, status=status)


def _parse_action(raw: str) -> tuple[str, int | None]:
    """“save”, “add”, or “remove-3” / “up-3” / “down-3” (the index of the section in the submitted form)."""
    name, _, index = raw.partition("-")
    if name not in EDITOR_ACTIONS:
        return "", None
    if name in ("remove", "up", "down"):
        return (name, int(index)) if index.isdigit() else ("", None)
    return name, None


def _draft_save(
    request: AuthenticatedHttpRequest, plan: Plan, access: PlanAccess, version: PlanVersion
) -> HttpResponse:
    """Validate the whole editor, apply the button pressed (add, remove, move, save) and save the draft."""
    formset = SectionFormSet(request.POST, prefix=SECTIONS_PREFIX)
    titles = [" ".join((f["title"].value() or "").split()) or f"Section {i}" for i, f in enumerate(formset.forms, 1)]
    form = DraftForm(request.POST, section_titles=titles)

    def again(status: int = 200) -> HttpResponse:
        return render_editor(request, plan, access, version, formset=formset, form=form, status=status)

    action, index = _parse_action(request.POST.get("action", "save"))
    formset_valid = formset.is_valid()
    if not (form.is_valid() and formset_valid):
        form.add_error(None, "Nothing was saved: correct the fields marked below, then save again.")
        return again()
    loaded = form.cleaned_data["loaded"]
    if loaded and loaded != _stamp(version):
        form.add_error(
            None,
            "Someone saved this draft after you opened it, so nothing was saved (to keep their changes). "
            "Copy what you wrote, reload the editor, and apply it again.",
        )
        return again(409)
    sections = formset.sections()
    count = len(sections)
    if action == "save" and form.cleaned_data["new_title"]:
        action = "add"  # Enter pressed in the new section's title field
    if action in ("remove", "up", "down") and (index is None or index >= count):
        form.add_error(None, "That section is no longer in the draft; reload the editor.")
        return again()
    at = index or 0
    focus = ""
    done = "Draft saved."
    if action == "add":
        title = form.cleaned_data["new_title"]
        if not title:
            form.add_error("new_title", "Give the new section a title, then press “Add section”.")
            return again()
        if count >= MAX_SECTIONS:
            form.add_error("new_title", f"A version may have at most {MAX_SECTIONS} sections.")
            return again()
        section = new_section(title=title, taken={s["key"] for s in sections})
        position = form.cleaned_data["new_position"]
        sections.insert(count if position is None else min(position, count), section)
        focus, done = f"section-{section['key']}", f"Added the section “{title}” and saved the draft."
    elif action == "remove":
        if count == 1:
            form.add_error(None, "A draft needs at least one section: add another one before removing this one.")
            return again()
        removed = sections.pop(at)
        focus, done = "sections", f"Removed the section “{removed['title']}” and saved the draft."
    elif action in ("up", "down"):
        other = at - 1 if action == "up" else at + 1
        focus = f"section-{sections[at]['key']}"
        if 0 <= other < count:  # the first cannot go up nor the last down: then it is just a save
            sections[at], sections[other] = sections[other], sections[at]
            done = f"Moved “{sections[other]['title']}” {action} and saved the draft."
    elif action != "save":
        form.add_error(None, "That button is not known here; reload the editor.")
        return again()
    try:
        services.plan_version_update_draft(
            version=version,
            actor=request.user,
            change_summary=form.cleaned_data["change_summary"],
            sections=sections,
            ip_address=client_ip(request),
        )
    except ConflictError as exc:
        return conflict_page(request, plan, access, version, exc.message)
    except InvalidInputError as exc:
        form.add_error(None, exc.message)
        return again()
    messages.success(request, done)
    return redirect(editor_url(plan, version, focus))


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: AuthenticatedHttpRequest, plan_id: int, number: int) -> HttpResponse:
    """The draft editor: change summary, every section's title and text, add, remove, reorder; attachments."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    require(access.can_edit, "Only admins and planners of the owner agency may edit drafts.")
    if not version.is_draft:
        return conflict_page(
            request,
            plan,
            access,
            version,
            f"Version {version.number} is {version.get_state_display().lower()} and can never be edited; "
            "start a new draft from the current version instead.",
        )
    if request.method == "POST":
        return _draft_save(request, plan, access, version)
    record_sensitive_read(request, plan, "version", version)
    return render_editor(request, plan, access, version)


@login_required
@require_http_methods(["GET"])
def draft_preview(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """A draft as partners will read it once published (owner admins, planners and liaisons)."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    if not version.is_draft:
        return redirect("plans:detail", plan_id=plan.pk)
    record_sensitive_read(request, plan, "version", version)
    context = {
        "nav": "plans",
        "plan": plan,
        "access": access,
        "version": version,
        "sections": selectors.version_sections(version=version),
        "attachments": selectors.attachments_of_version(version=version),
    }
    return render(request, "plans/edit/draft_preview.html", context)


@accepts_uploads
@login_required
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, plan_id: int, number: int) -> HttpResponse:
    """Attach a PDF, PNG, JPEG or DOCX to a draft; its real type is sniffed from its bytes."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    require(access.can_edit, "Only admins and planners of the owner agency may attach files.")
    if not version.is_draft:
        return conflict_page(
            request,
            plan,
            access,
            version,
            f"Version {version.number} is {version.get_state_display().lower()}; attach files to a new draft.",
        )
    upload_form = AttachmentForm(request.POST, request.FILES)
    if upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            attachment = services.attachment_add(
                version=version,
                actor=request.user,
                upload=upload,
                max_bytes=settings.ATTACHMENT_MAX_BYTES,
                ip_address=client_ip(request),
            )
        except ConflictError as exc:
            return conflict_page(request, plan, access, version, exc.message)
        except PayloadTooLargeError as exc:
            upload_form.add_error("file", f"{exc.message} Make it smaller (e.g. export at a lower resolution).")
        except InvalidInputError as exc:
            upload_form.add_error("file", exc.message)
        else:
            messages.success(request, f"Attached “{attachment.filename}”.")
            return redirect(editor_url(plan, version, "attachments"))
    return render_editor(request, plan, access, version, upload_form=upload_form)


@login_required
@require_POST
def attachment_remove(request: AuthenticatedHttpRequest, plan_id: int, number: int, attachment_id: int) -> HttpResponse:
    """Take a file off a draft (a published version's files are part of the record)."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    attachment = get_object_or_404(selectors.attachments_of_version(version=version), pk=attachment_id)
    require(access.can_edit, "Only admins and planners of the owner agency may remove files.")
    try:
        services.attachment_remove(attachment=attachment, actor=request.user, ip_address=client_ip(request))
    except ConflictError as exc:
        return conflict_page(request, plan, access, version, exc.message)
    messages.success(request, f"Removed “{attachment.filename}” from this draft.")
    return redirect(editor_url(plan, version, "attachments"))


# Publishing and withdrawing
