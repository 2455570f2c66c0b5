"""Web pages that show plans: the list, a plan, a version, what changed, a print copy and attachment downloads,
plus the Acknowledge button and the share panel on them. Editing lives in plans/views_edit.py."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from access.agencies import EDITOR_ROLES
from access.http import record_sensitive_read, record_sensitive_reads, visible_plan, visible_version, withheld_plan_ids
from access.plans import PlanAccess, versions_visible
from access.reading import acknowledgement_asked
from agencies.active_agency import memberships_for
from consistency.conflict_selectors import conflicts_visible_to
from consistency.fact_selectors import version_facts_by_facility
from plans import selectors
from plans.ack_line import acknowledgement_line
from plans.changes import version_changes
from plans.changes_shown import changed_sections_shown
from plans.forms_filters import DiffForm, PlanFilterForm
from plans.forms_partners import ShareForm
from plans.list_choices import plan_list_choices
from plans.list_rows import PlanListFilters, PlanListPages
from plans.models import Classification, Plan, PlanVersion, ShareLevel, VersionState
from plans.visible_versions import versions_visible_list
from portal.api.pagination import KeysFirstPaginator
from portal.types import AuthenticatedHttpRequest
from reviews.concurrence_context import concurrence_panel_context
from reviews.context import review_context
from sources.context import source_panel_context

PAGE_SIZE = 25


# --- helpers -------------------------------------------------------------------------------------------------


def _acknowledge_context(
    request: AuthenticatedHttpRequest, access: PlanAccess, current: PlanVersion | None
) -> dict[str, Any]:
    """What the Acknowledge panel shows: the person's and their agencies' acknowledgements, and the button."""
    latest = selectors.acknowledgement_latest_of_user(user=request.user, access=access)
    if current is None or not acknowledgement_asked(user=request.user, access=access):
        return {"ack_current": None, "ack_latest": latest}
    personal = latest if latest is not None and latest.version_id == current.pk else None
    agency_acks = selectors.agency_acknowledgements_of_user(user=request.user, version=current)
    acked_agencies = {a.agency_id for a in agency_acks}
    pending = [agency_id for agency_id in access.agencies_acknowledging() if agency_id not in acked_agencies]
    # The agencies' names only when some are pending: most readers acknowledge for no agency.
    names = {m.agency_id: m.agency.name for m in memberships_for(request)} if pending else {}
    pending_agencies = [names.get(agency_id, "your agency") for agency_id in pending]
    return {
        "ack_current": current,
        "ack_latest": latest,
        "ack_personal": personal,
        "ack_agencies": agency_acks,
        "ack_line": acknowledgement_line(
            reader=request.user, number=current.number, personal=personal, agency_acks=agency_acks
        ),
        "ack_pending_agencies": pending_agencies,
        "ack_can": personal is None or bool(pending_agencies),
        "show_changes_link": latest is not None and latest.version.number < current.number,
    }


def _status_rows(plan: Plan, current: PlanVersion | None) -> list[dict[str, Any]]:
    """Every partner agency with its acknowledgement, for the owner's status table (agency level only)."""
    current_number = current.number if current else None
    return [
        {**agency, "is_current": current_number is not None and agency["version"] == current_number}
        for agency in selectors.acknowledgement_status(plan=plan)["agencies"]
    ]


def plan_page_context(
    request: AuthenticatedHttpRequest, plan: Plan, access: PlanAccess, share_form: ShareForm | None = None
) -> dict[str, Any]:
    """Everything the plan page shows, in a fixed number of queries whatever the number of rows."""
    current = plan.current_version
    versions = versions_visible_list(access=access)
    sections = selectors.version_sections_shown(version=current) if current else []
    conflicts = conflicts_visible_to(user=request.user, plan=plan) if current else []
    withheld = withheld_plan_ids(request, {pid for row in conflicts for pid in row.plan_ids})
    conflicts = [row for row in conflicts if not row.plan_ids & withheld]
    record_sensitive_reads(request, {pid for row in conflicts for pid in row.plan_ids}, "conflicts")
    context: dict[str, Any] = {
        "nav": "plans",
        "plan": plan,
        "access": access,
        "current": current,
        "sensitive": plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE,
        "facilities": list(plan.facilities.all()),
        "sections": sections,
        "fact_groups": version_facts_by_facility(version=current) if current else [],
        "attachments": selectors.attachments_of_version_list(version=current) if current else [],
        "versions": list(reversed(versions)),
        "has_drafts": any(v.is_draft for v in versions),
        "released": [v for v in versions if not v.is_draft],
        "conflicts": conflicts,
        "last_review": selectors.plan_last_review(plan=plan),
        **_acknowledge_context(request, access, current),
        **review_context(access=access, version=current, section_keys=[s.key for s in sections]),
        **concurrence_panel_context(user=request.user, access=access, current=current, session=request.session),
        **source_panel_context(user=request.user, access=access),
    }
    if access.is_owner_member:
        context["status_rows"] = rows = _status_rows(plan, current)
        context["status_current_count"] = sum(1 for row in rows if row["is_current"])
        context["shares"] = list(selectors.plan_shares(plan=plan))
    if access.is_owner_admin:
        context["share_form"] = share_form or ShareForm(agencies=selectors.share_candidates(plan=plan))
        context["share_levels"] = ShareLevel.choices
    return context


# --- pages -----------------------------------------------------------------------------------------------------


@login_required
@require_safe
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every plan the person may see, with full-text search, filters and pages."""
    memberships = memberships_for(request)
    choices = plan_list_choices(user=request.user, agency_ids=[m.agency_id for m in memberships])
    form = PlanFilterForm(request.GET or None, owners=choices.owners, facilities=choices.facilities)
    filters = PlanListFilters()
    if form.is_bound:
        form.is_valid()  # a bad value shows its error by its field; the valid filters still apply
        data = form.cleaned_data
        filters = PlanListFilters(
            text=data.get("q") or "",
            owner_agency_id=data.get("owner"),
            facility_id=data.get("facility"),
            kind=data.get("kind") or "",
            review_due=bool(data.get("review_due")),
        )
    plans = PlanListPages(user=request.user, filters=filters)
    # KeysFirstPaginator also pages a PageSource; Django's stubs know only querysets and sequences.
    page = KeysFirstPaginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    return render(
        request,
        "plans/plan_list.html",
        {
            "nav": "plans",
            "form": form,
            "page": page,
            "filtered": filters.any(),
            "more_filters": filters.more(),
            "query": query.urlencode(),
            "can_create": any(m.role in EDITOR_ROLES for m in memberships),
            "my_agency_ids": {m.agency_id for m in memberships},
            "today": today,
            "review_horizon": today + timedelta(days=selectors.REVIEW_DUE_WINDOW_DAYS),
        },
    )


# Kept offline by the installable app (offline/): the service worker holds the one copy, the HTTP cache none.
@never_cache
@login_required
@require_safe
def plan_detail(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """A plan: its current version's sections, attachments, versions, acknowledgements and sharing."""
    plan, access = visible_plan(request, plan_id)
    record_sensitive_read(request, plan, "plan")
    return render(request, "plans/plan_detail.html", plan_page_context(request, plan, access))


@login_required
@require_safe
def version_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """One version of a plan as it was published (or the draft, for the owner's editors and liaisons)."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    record_sensitive_read(request, plan, "version", obj=version)
    released = list(versions_visible(access=access).exclude(state=VersionState.DRAFT))
    sections = selectors.version_sections_shown(version=version)
    return render(
        request,
        "plans/version_detail.html",
        {
            "nav": "plans",
            "plan": plan,
            "access": access,
            "version": version,
            "is_current": version.pk == plan.current_version_id,
            "sensitive": plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE,
            "sections": sections,
            "fact_groups": version_facts_by_facility(version=version),
            "attachments": list(selectors.attachments_of_version(version=version)),
            "previous": next((v for v in reversed(released) if v.number < version.number), None),
            **review_context(access=access, version=version, section_keys=[s.key for s in sections]),
        },
    )


@login_required
@require_safe
def plan_diff(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Section-by-section changes between two visible versions; by default since the one you last acknowledged."""
    plan, access = visible_plan(request, plan_id, facilities=False)
    # The page names no version's author, publisher or withdrawer: the versions without their three users.
    visible = list(versions_visible(access=access).select_related(None))
    by_number = {v.number: v for v in visible}
    form = DiffForm(
        request.GET,
        numbers=[(v.number, f"v{v.number} — {v.get_state_display()}") for v in reversed(visible)],
    )
    if not form.is_valid():  # a number that is not a version you may see: as if it did not exist
        raise Http404("No such version.")
    released = [v for v in visible if not v.is_draft]
    new = by_number.get(form.cleaned_data.get("to") or 0)
    if new is None:
        new = plan.current_version or (released[-1] if released else None)
    if new is None:
        return render(
            request,
            "plans/diff.html",
            {"nav": "plans", "plan": plan, "access": access, "form": form, "new": None},
        )
    old = by_number.get(form.cleaned_data.get("from") or 0)
    reason = "requested"
    if old is None:
        baseline = selectors.version_diff_baseline(user=request.user, access=access, version=new, visible=visible)
        old, reason = baseline.version, baseline.reason
        if baseline.acknowledged_this is not None:  # the page says why it shows the previous change
            reason = (
                "acknowledged_current"
                if baseline.acknowledged_this == "last_acknowledged"
                else "agency_acknowledged_current"
            )
    changes = version_changes(old=old, new=new)
    record_sensitive_read(request, plan, "diff", obj=new)
    context: dict[str, Any] = {
        "nav": "plans",
        "plan": plan,
        "access": access,
        "form": form,
        "new": new,
        "old": old,
        "reason": reason,
        "is_current": new.pk == plan.current_version_id,
        "sensitive": plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE,
        "changes": changes,
        "section_changes": changed_sections_shown(changes),
        "counts": {kind: changes.count(kind) for kind in ("changed", "added", "removed", "unchanged")},
        "attachments_added": [a.attachment for a in changes.attachments if a.change == "added"],
        "attachments_removed": [a.attachment for a in changes.attachments if a.change == "removed"],
    }
    if new.pk == plan.current_version_id:
        context.update(_acknowledge_context(request, access, new), show_changes_link=False)
        # Back to this very comparison after acknowledging (the default one moves on once you have).
        query = f"?from={old.number}&to={new.number}" if old else f"?to={new.number}"
        context["ack_next"] = reverse("plans:diff", kwargs={"plan_id": plan.pk}) + query + "#acknowledge"
    return render(request, "plans/diff.html", context)


@login_required
@require_safe
def plan_print(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A clean paper copy of the current version: no navigation, the print stylesheet."""
    plan, _ = visible_plan(request, plan_id)
    current = plan.current_version
    record_sensitive_read(request, plan, "print", obj=current)
    return render(
        request,
        "plans/plan_print.html",
        {
            "plan": plan,
            "current": current,
            "sensitive": plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE,
            "facilities": list(plan.facilities.all()),
            "sections": selectors.version_sections_shown(version=current) if current else [],
            "fact_groups": version_facts_by_facility(version=current) if current else [],
            "attachments": list(selectors.attachments_of_version(version=current)) if current else [],
        },
    )


@login_required
@require_safe
def attachment_download(request: HttpRequest, plan_id: int, number: int, attachment_id: int) -> FileResponse:
    """An attachment's file, after the same checks (and the same audit) as the API's download."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    attachment = get_object_or_404(selectors.attachments_of_version(version=version), pk=attachment_id)
    record_sensitive_read(request, plan, "download", obj=attachment)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
