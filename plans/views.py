"""Web pages that show plans: the list, a plan, a version, what changed, a print copy and attachment downloads,
plus the Acknowledge button and the share panel on them. Editing lives in plans/views_edit.py."""

from collections import defaultdict
from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import ModelChoiceField
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from agencies.models import Agency
from agencies.permissions import EDITOR_ROLES
from agencies.selectors import agencies_visible_to
from consistency.conflict_selectors import conflicts_visible_to
from consistency.fact_selectors import version_facts_by_facility
from plans import selectors, services
from plans.diff import sections_diff
from plans.forms_read import AcknowledgeForm, DiffForm, PlanFilterForm, ShareForm, UnshareForm
from plans.models import Classification, Plan, PlanVersion, ShareLevel, VersionState
from plans.permissions import PlanAccess, plan_access
from portal.agency_context import memberships_for
from portal.api.request_info import client_ip
from portal.errors import DomainError
from reviews.concurrence_pages import concurrence_panel_context
from reviews.context import review_context
from reviews.selectors import open_change_request_counts

PAGE_SIZE = 25


# --- helpers -------------------------------------------------------------------------------------------------


def _visible_plan(request: HttpRequest, plan_id: int) -> tuple[Plan, PlanAccess]:
    """The plan among those the user may see (else 404), and what the user may do with it."""
    plan = get_object_or_404(selectors.plans_visible_to(user=request.user), pk=plan_id)
    return plan, plan_access(user=request.user, plan=plan)


def _visible_version(access: PlanAccess, number: int) -> PlanVersion:
    """A version the user may read (partners never see drafts), else 404."""
    return get_object_or_404(selectors.plan_versions_visible(access=access), number=number)


def _record_read(request: HttpRequest, plan: Plan, what: str, obj: Any = None) -> None:
    """Audit the read of a law-enforcement-sensitive plan, exactly as the API does."""
    services.plan_sensitive_read_record(
        plan=plan, actor=request.user, ip_address=client_ip(request), what=what, obj=obj
    )


def _plan_url(plan_id: int, anchor: str = "") -> str:
    return reverse("plans:detail", kwargs={"plan_id": plan_id}) + (f"#{anchor}" if anchor else "")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after a POST: the `next` field when it points back into this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _acknowledge_context(request: HttpRequest, access: PlanAccess, current: PlanVersion | None) -> dict[str, Any]:
    """What the Acknowledge panel shows: the person's and their agencies' acknowledgements, and the button."""
    latest = selectors.acknowledgement_latest_of_user(user=request.user, access=access)
    if current is None:
        return {"ack_current": None, "ack_latest": latest}
    personal = latest if latest is not None and latest.version_id == current.pk else None
    agency_acks = selectors.agency_acknowledgements_of_user(user=request.user, version=current)
    names = {m.agency_id: m.agency.name for m in memberships_for(request)}
    eligible = access.agencies_acknowledging()
    acked_agencies = {a.agency_id for a in agency_acks}
    pending_agencies = [
        names.get(agency_id, "your agency") for agency_id in eligible if agency_id not in acked_agencies
    ]
    return {
        "ack_current": current,
        "ack_latest": latest,
        "ack_personal": personal,
        "ack_agencies": agency_acks,
        "ack_pending_agencies": pending_agencies,
        "ack_can": personal is None or bool(pending_agencies),
        "show_changes_link": latest is not None and latest.version.number < current.number,
        "ack_form": AcknowledgeForm(initial={"version": current.number}),
    }


def _status_rows(plan: Plan, current: PlanVersion | None) -> list[dict[str, Any]]:
    """Every partner agency with its acknowledgement and its people's, for the owner's status table."""
    status = selectors.acknowledgement_status(plan=plan)
    current_number = current.number if current else None
    people: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for person in status["people"]:
        person["is_current"] = current_number is not None and person["version"] == current_number
        people[person["agency"]].append(person)
    rows = []
    for agency in status["agencies"]:
        members = people.get(agency["agency"], [])
        rows.append(
            {
                **agency,
                "is_current": current_number is not None and agency["version"] == current_number,
                "people": members,
                "people_current": sum(1 for p in members if p["is_current"]),
            }
        )
    return rows


def _plan_page_context(
    request: HttpRequest, plan: Plan, access: PlanAccess, share_form: ShareForm | None = None
) -> dict[str, Any]:
    """Everything the plan page shows, in a fixed number of queries whatever the number of rows."""
    current = plan.current_version
    versions = list(selectors.plan_versions_visible(access=access))
    sections = selectors.version_sections(version=current) if current else []
    context: dict[str, Any] = {
        "nav": "plans",
        "plan": plan,
        "access": access,
        "current": current,
        "sensitive": plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE,
        "facilities": list(plan.facilities.all()),
        "sections": sections,
        "fact_groups": version_facts_by_facility(version=current) if current else [],
        "attachments": list(selectors.attachments_of_version(version=current)) if current else [],
        "versions": list(reversed(versions)),
        "has_drafts": any(v.is_draft for v in versions),
        "released": [v for v in versions if not v.is_draft],
        "conflicts": conflicts_visible_to(user=request.user, plan=plan) if current else [],
        **_acknowledge_context(request, access, current),
        **review_context(access=access, version=current, section_keys=[s.key for s in sections]),
        **concurrence_panel_context(user=request.user, access=access, current=current),
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
def plan_list(request: HttpRequest) -> HttpResponse:
    """Every plan the person may see, with full-text search, filters and pages."""
    owners, facilities = selectors.plan_list_choices(user=request.user)
    form = PlanFilterForm(request.GET or None, owners=owners, facilities=facilities)
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # a bad value shows its error by its field; the valid filters still apply
        data = form.cleaned_data
        owner, facility = data.get("owner"), data.get("facility")
        filters = {
            "text": data.get("q") or "",
            "owner_agency_id": owner.pk if owner else None,
            "facility_id": facility.pk if facility else None,
            "kind": data.get("kind") or "",
            "review_due": bool(data.get("review_due")),
        }
    plans = selectors.plans_listed(user=request.user, **filters)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    open_counts = open_change_request_counts(user=request.user, plan_ids=[plan.pk for plan in page])
    for plan in page:
        plan.open_change_requests = open_counts.get(plan.pk, 0)  # type: ignore[attr-defined]
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
            "filtered": any(filters.values()),
            "more_filters": sum(1 for key, value in filters.items() if key != "text" and value),
            "query": query.urlencode(),
            "can_create": any(m.role in EDITOR_ROLES for m in memberships_for(request)),
            "today": today,
            "review_horizon": today + timedelta(days=selectors.REVIEW_DUE_WINDOW_DAYS),
        },
    )


@login_required
@require_safe
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan: its current version's sections, attachments, versions, acknowledgements and sharing."""
    plan, access = _visible_plan(request, plan_id)
    _record_read(request, plan, "plan")
    return render(request, "plans/plan_detail.html", _plan_page_context(request, plan, access))


@login_required
@require_safe
def version_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """One version of a plan as it was published (or the draft, for the owner's editors and liaisons)."""
    plan, access = _visible_plan(request, plan_id)
    version = _visible_version(access, number)
    _record_read(request, plan, "version", obj=version)
    released = list(selectors.plan_versions_visible(access=access).exclude(state=VersionState.DRAFT))
    sections = selectors.version_sections(version=version)
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


def _diff_lines(diff: str) -> list[dict[str, str]]:
    """A unified diff as lines marked added, removed, context, a jump ("near line 12") or a note."""
    lines = []
    for line in diff.splitlines():
        if line.startswith(("--- ", "+++ ")):
            continue
        if line.startswith("@@"):
            # "@@ -3,4 +3,5 @@": where the change sits in the newer text.
            new_part = line.split("+", 1)[-1].split(" ", 1)[0]
            start = new_part.split(",", 1)[0]
            lines.append({"kind": "hunk", "text": f"Near line {start}" if start.isdigit() and start != "0" else ""})
        elif line.startswith("+"):
            lines.append({"kind": "add", "text": line[1:]})
        elif line.startswith("-"):
            lines.append({"kind": "del", "text": line[1:]})
        elif line.startswith("title: "):
            lines.append({"kind": "note", "text": "Title changed: " + line[len("title: ") :].replace(" -> ", " → ")})
        else:
            lines.append({"kind": "ctx", "text": line[1:] if line.startswith(" ") else line})
    return lines


@login_required
@require_safe
def plan_diff(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Section-by-section changes between two visible versions; by default since the one you last acknowledged."""
    plan, access = _visible_plan(request, plan_id)
    visible = list(selectors.plan_versions_visible(access=access))
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
        last, last_reason = selectors.version_last_acknowledged_by(user=request.user, access=access)
        if last is not None and last.number < new.number:
            old, reason = last, last_reason
        else:
            old = next((v for v in reversed(released) if v.number < new.number), None)
            reason = "previous"
            if last is not None and last.number == new.number:
                reason = "acknowledged_current" if last_reason == "last_acknowledged" else "agency_acknowledged_current"
    old_sections = selectors.version_sections(version=old) if old else []
    new_sections = selectors.version_sections(version=new)
    changes = sections_diff(
        old=old_sections, new=new_sections, old_number=old.number if old else 0, new_number=new.number
    )
    new_by_key = {s.key: s for s in new_sections}
    for change in changes:
        change["lines"] = _diff_lines(change["diff"])
        change["section"] = new_by_key.get(change["key"])
    _record_read(request, plan, "diff", obj=new)
    counts = {kind: sum(1 for c in changes if c["change"] == kind) for kind in ("changed", "added", "removed")}
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
        "changed": [c for c in changes if c["change"] != "unchanged"],
        "unchanged": [c for c in changes if c["change"] == "unchanged"],
        "counts": counts,
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
    plan, _ = _visible_plan(request, plan_id)
    current = plan.current_version
    _record_read(request, plan, "print", obj=current)
    return render(
        request,
        "plans/plan_print.html",
        {
            "plan": plan,
            "current": current,
            "sensitive": plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE,
            "facilities": list(plan.facilities.all()),
            "sections": selectors.version_sections(version=current) if current else [],
            "fact_groups": version_facts_by_facility(version=current) if current else [],
            "attachments": list(selectors.attachments_of_version(version=current)) if current else [],
        },
    )


@login_required
@require_safe
def attachment_download(request: HttpRequest, plan_id: int, number: int, attachment_id: int) -> FileResponse:
    """An attachment's file, after the same checks (and the same audit) as the API's download."""
    plan, access = _visible_plan(request, plan_id)
    version = _visible_version(access, number)
    attachment = get_object_or_404(selectors.attachments_of_version(version=version), pk=attachment_id)
    _record_read(request, plan, "download", obj=attachment)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- actions (POST) --------------------------------------------------------------------------------------------


@login_required
@require_POST
def acknowledge(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Acknowledge the version the person read (for their agency too, as its admin or liaison)."""
    plan, access = _visible_plan(request, plan_id)
    back = _safe_next(request, _plan_url(plan.pk, "acknowledge"))
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and press Acknowledge again: the version was missing.")
        return redirect(back)
    version = _visible_version(access, form.cleaned_data["version"])
    if version.pk != plan.current_version_id and plan.current_version_id is not None:
        messages.error(
            request,
            f"v{plan.current_version.number} was published while you were reading v{version.number}. "
            "Read what changed, then acknowledge the current version.",
        )
        return redirect(back)
    try:
        result = services.plan_version_acknowledge(version=version, user=request.user, access=access)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    names = {m.agency_id: m.agency.name for m in memberships_for(request)}
    agencies = [names[a] for a in result["agencies"] if a in names]
    text = f"You acknowledged v{version.number} of {plan.title}."
    if agencies:
        text += " Recorded for " + ", ".join(agencies) + " too."
    messages.success(request, text)
    return redirect(back)


@login_required
@require_POST
def share(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Share the plan with an agency at a level, or change a partner's level (owner admins)."""
    plan, access = _visible_plan(request, plan_id)
    if not access.is_owner_admin:
        raise PermissionDenied("Only admins of the owner agency may share this plan.")
    form = ShareForm(request.POST, agencies=agencies_visible_to(user=request.user).exclude(pk=plan.owner_agency_id))
    if not form.is_valid():
        # Shown again with its errors, offering (as before) only the agencies not yet partners.
        cast(ModelChoiceField, form.fields["agency"]).queryset = selectors.share_candidates(plan=plan)
        _record_read(request, plan, "plan")
        context = _plan_page_context(request, plan, access, share_form=form)
        return render(request, "plans/plan_detail.html", context, status=400)
    agency: Agency = form.cleaned_data["agency"]
    level = form.cleaned_data["level"]
    before = next((s for s in selectors.plan_shares(plan=plan) if s.agency_id == agency.pk), None)
    try:
        services.plan_share(plan=plan, agency=agency, level=level, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_plan_url(plan.pk, "sharing"))
    label = ShareLevel(level).label.lower()
    if before is None:
        messages.success(request, f"Shared with {agency.name} ({label}). Its people are alerted.")
    elif before.level == level:
        messages.info(request, f"{agency.name} already had {label} access; nothing changed.")
    else:
        messages.success(request, f"{agency.name} now has {label} access.")
    return HttpResponseRedirect(_plan_url(plan.pk, "sharing"))


@login_required
@require_POST
def unshare(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Revoke a partner's access at once (owner admins)."""
    plan, access = _visible_plan(request, plan_id)
    if not access.is_owner_admin:
        raise PermissionDenied("Only admins of the owner agency may revoke a share.")
    form = UnshareForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the partner whose access to revoke.")
        return redirect(_plan_url(plan.pk, "sharing"))
    share_row = get_object_or_404(selectors.plan_shares(plan=plan), agency_id=form.cleaned_data["agency"])
    try:
        services.plan_unshare(plan=plan, agency=share_row.agency, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Revoked {share_row.agency.name}'s access. Its people can no longer open this plan; share again to undo.",
        )
    return redirect(_plan_url(plan.pk, "sharing"))
