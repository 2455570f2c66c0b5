"""Web pages for sources: declaring and removing a plan's sources, a source change's review (the source's diff
since the version the plan built on, with the two decisions) and an agency's picture of its plans' sources."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from access.http import record_sensitive_read, require, visible_plan
from access.plans import plan_access
from access.sources import can_declare_sources, can_review_source_changes, can_see_source_reviews
from agencies.active_agency import active_membership
from plans.changes import version_changes
from plans.changes_shown import changed_sections_shown
from plans.models import Classification, Plan
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest
from sources import services
from sources.context import section_choices
from sources.forms import NoChangeForm, SourceForm
from sources.models import PlanSource, SourceChange
from sources.selectors import agency_source_picture, source_candidates, source_change_of_plan

DECLARE_REFUSED = "Only admins and planners of the owner agency may change this plan's sources."
REVIEW_REFUSED = "Only admins and planners of the owner agency may review a source's change."


def _panel(plan_id: int) -> str:
    return reverse("plans:detail", kwargs={"plan_id": plan_id}) + "#sources"


@login_required
@require_POST
def source_add(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Declare a plan the current one builds on (as a whole or for one section)."""
    plan, access = visible_plan(request, plan_id)
    require(can_declare_sources(access), DECLARE_REFUSED)
    form = SourceForm(
        request.POST, candidates=source_candidates(user=request.user, plan=plan), sections=section_choices(access)
    )
    if not form.is_valid():
        messages.error(request, "Choose a plan you can see, and one of this plan's sections or the whole plan.")
        return redirect(_panel(plan.pk))
    try:
        _, created = services.plan_source_add(
            plan=plan,
            source_plan=form.cleaned_data["source_plan"],
            section_key=form.cleaned_data["section_key"] or "",
            actor=request.user,
            ip_address=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_panel(plan.pk))
    title = form.cleaned_data["source_plan"].title
    messages.success(
        request,
        f"{plan.title} now builds on {title}; its next version records the version it is written against."
        if created
        else f"{plan.title} already builds on {title}.",
    )
    return redirect(_panel(plan.pk))


@login_required
@require_POST
def source_remove(request: AuthenticatedHttpRequest, plan_id: int, link_id: int) -> HttpResponse:
    """The plan no longer builds on a source."""
    plan, access = visible_plan(request, plan_id)
    require(can_declare_sources(access), DECLARE_REFUSED)
    link = get_object_or_404(PlanSource, plan=plan, pk=link_id)
    services.plan_source_remove(link=link, actor=request.user, ip_address=client_ip(request))
    messages.success(request, "Source removed; earlier versions keep what they were written against.")
    return redirect(_panel(plan.pk))


def _change(request: AuthenticatedHttpRequest, plan: Plan, change_id: int) -> SourceChange:
    change = source_change_of_plan(user=request.user, plan=plan, change_id=change_id)
    if change is None:
        raise Http404("No such source change.")
    return change


def _change_page(
    request: AuthenticatedHttpRequest, plan: Plan, change: SourceChange, form: NoChangeForm, status: int = 200
) -> HttpResponse:
    source = change.source_plan
    source_access = plan_access(user=request.user, plan=source)
    old, new = change.built_on, change.source_version
    if not source_access.can_read_version(new) or (old is not None and not source_access.can_read_version(old)):
        raise Http404("No such source change.")
    changes = version_changes(old=old, new=new)
    record_sensitive_read(request, source, "diff", obj=new)
    diff_url = reverse("plans:diff", kwargs={"plan_id": source.pk}) + (
        f"?from={old.number}&to={new.number}" if old is not None else f"?to={new.number}"
    )
    context: dict[str, Any] = {
        "nav": "plans",
        "plan": plan,
        "change": change,
        "source": source,
        "old": old,
        "new": new,
        "changes": changes,
        "section_changes": changed_sections_shown(changes),
        "diff_url": diff_url,
        "sensitive": source.classification == Classification.LAW_ENFORCEMENT_SENSITIVE,
        "can_decide": change.is_open and can_review_source_changes(plan_access(user=request.user, plan=plan)),
        "form": form,
    }
    return render(request, "sources/change.html", context, status=status)


@login_required
@require_safe
def source_change(request: AuthenticatedHttpRequest, plan_id: int, change_id: int) -> HttpResponse:
    """What a source changed since the version the plan was written against, and the two decisions."""
    plan, access = visible_plan(request, plan_id)
    require(can_see_source_reviews(access), "Only members of the owner agency see this plan's source reviews.")
    return _change_page(request, plan, _change(request, plan, change_id), NoChangeForm())


@login_required
@require_POST
def source_change_draft(request: AuthenticatedHttpRequest, plan_id: int, change_id: int) -> HttpResponse:
    """Start (or continue) the plan's draft to fold the change in: to the editor, the change beside its section."""
    plan, access = visible_plan(request, plan_id)
    require(can_review_source_changes(access), REVIEW_REFUSED)
    change = _change(request, plan, change_id)
    try:
        draft = services.source_change_draft_start(change=change, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_panel(plan.pk))
    anchor = next((key for key in change.section_keys if key), "")
    url = reverse("plans:draft-edit", kwargs={"plan_id": plan.pk, "number": draft.number})
    return redirect(url + (f"#section-{anchor}" if anchor else ""))


@login_required
@require_POST
def source_change_no_change(request: AuthenticatedHttpRequest, plan_id: int, change_id: int) -> HttpResponse:
    """Record that the change needs no change to the plan, with the reason."""
    plan, access = visible_plan(request, plan_id)
    require(can_review_source_changes(access), REVIEW_REFUSED)
    change = _change(request, plan, change_id)
    form = NoChangeForm(request.POST)
    if not form.is_valid():
        return _change_page(request, plan, change, form, status=400)
    try:
        services.source_change_no_change(
            change=change, actor=request.user, reason=form.cleaned_data["reason"], ip_address=client_ip(request)
        )
    except DomainError as exc:
        form.add_error("reason" if exc.field == "reason" else None, exc.message)
        return _change_page(request, plan, change, form, status=400 if exc.field else 409)
    messages.success(request, f"Recorded: {change.source_plan.title} v{change.source_version.number} needs no change.")
    return redirect(_panel(plan.pk))


@login_required
@require_safe
def agency_sources(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The active agency's plans that build on others: which sources moved on, the oldest pending first."""
    membership = active_membership(request)
    pictures = agency_source_picture(user=request.user, agency=membership.agency) if membership else []
    return render(
        request,
        "sources/agency_sources.html",
        {"nav": "plans", "agency": membership.agency if membership else None, "pictures": pictures},
    )
