"""Actions between an owner and its partners on the plan page: acknowledge a version, share, revoke (after a
confirmation that names the agency and what it loses)."""

from typing import cast
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import ModelChoiceField
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from access.http import record_sensitive_read, visible_plan, visible_version
from agencies.active_agency import memberships_for
from agencies.models import Agency
from agencies.selectors import agencies_visible_to
from plans import selectors, services
from plans.forms_partners import AcknowledgeForm, ShareForm, UnshareForm
from plans.models import ShareLevel
from plans.unshare_preview import unshare_preview
from plans.views import plan_page_context
from plans.views_common import plan_url, safe_next
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.place_messages import message_at
from portal.types import AuthenticatedHttpRequest


@login_required
@require_POST
def acknowledge(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Acknowledge the version the person read (for their agency too, as its admin or liaison)."""
    plan, access = visible_plan(request, plan_id)
    back = safe_next(request, plan_url(plan.pk, "acknowledge"))
    # Shown in the Acknowledge panel the page opens at (plans/_acknowledge.html), which a plan with a current
    # version always has; anywhere else, at the top of the page.
    place = "acknowledge" if urlsplit(back).fragment == "acknowledge" and plan.current_version_id else ""
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        message_at(
            request,
            messages.ERROR,
            "Reload the page and press Acknowledge again: the version was missing.",
            place=place,
        )
        return redirect(back)
    version = visible_version(access, form.cleaned_data["version"])
    if version.pk != plan.current_version_id and plan.current_version is not None:
        message_at(
            request,
            messages.ERROR,
            f"v{plan.current_version.number} was published while you were reading v{version.number}. "
            "Read what changed, then acknowledge the current version.",
            place=place,
        )
        return redirect(back)
    try:
        result = services.plan_version_acknowledge(version=version, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        message_at(request, messages.ERROR, exc.message, place=place)
        return redirect(back)
    names = {m.agency_id: m.agency.name for m in memberships_for(request)}
    agencies = [names[a] for a in result["agencies"] if a in names]
    text = f"You acknowledged v{version.number} of {plan.title}."
    if agencies:
        text += " Recorded for " + ", ".join(agencies) + " too."
    message_at(request, messages.SUCCESS, text, place=place)
    return redirect(back)


@login_required
@require_POST
def share(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Share the plan with an agency at a level, or change a partner's level (owner admins)."""
    plan, access = visible_plan(request, plan_id)
    if not access.is_owner_admin:
        raise PermissionDenied("Only admins of the owner agency may share this plan.")
    form = ShareForm(request.POST, agencies=agencies_visible_to(user=request.user).exclude(pk=plan.owner_agency_id))
    if not form.is_valid():
        # Shown again with its errors, offering (as before) only the agencies not yet partners.
        cast(ModelChoiceField, form.fields["agency"]).queryset = selectors.share_candidates(plan=plan)
        record_sensitive_read(request, plan, "plan")
        context = plan_page_context(request, plan, access, share_form=form)
        return render(request, "plans/plan_detail.html", context, status=400)
    agency: Agency = form.cleaned_data["agency"]
    level = form.cleaned_data["level"]
    before = next((s for s in selectors.plan_shares(plan=plan) if s.agency_id == agency.pk), None)
    try:
        services.plan_share(plan=plan, agency=agency, level=level, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        message_at(request, messages.ERROR, exc.message, place="sharing")
        return redirect(plan_url(plan.pk, "sharing"))
    label = ShareLevel(level).label.lower()
    if before is None:
        text, level_of_message = f"Shared with {agency.name} ({label}). Its people are alerted.", messages.SUCCESS
    elif before.level == level:
        text, level_of_message = f"{agency.name} already had {label} access; nothing changed.", messages.INFO
    else:
        text, level_of_message = f"{agency.name} now has {label} access.", messages.SUCCESS
    message_at(request, level_of_message, text, place="sharing")
    return HttpResponseRedirect(plan_url(plan.pk, "sharing"))


@login_required
@require_http_methods(["GET", "POST"])
def unshare(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Revoke a partner's access (owner admins): GET names the agency and what it loses, its form POSTs here."""
    plan, access = visible_plan(request, plan_id)
    if not access.is_owner_admin:
        raise PermissionDenied("Only admins of the owner agency may revoke a share.")
    form = UnshareForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        if request.method == "GET":
            context = {"nav": "plans", "plan": plan, "form": form}
            return render(request, "plans/unshare_confirm.html", context, status=400)
        message_at(request, messages.ERROR, "Choose the partner whose access to revoke.", place="sharing")
        return redirect(plan_url(plan.pk, "sharing"))
    share_row = get_object_or_404(selectors.plan_shares(plan=plan), agency_id=form.cleaned_data["agency"])
    if request.method == "GET":
        preview = unshare_preview(access=access, share=share_row)
        return render(request, "plans/unshare_confirm.html", {"nav": "plans", "plan": plan, "preview": preview})
    try:
        services.plan_unshare(plan=plan, agency=share_row.agency, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        message_at(request, messages.ERROR, exc.message, place="sharing")
    else:
        message_at(
            request,
            messages.SUCCESS,
            f"Revoked {share_row.agency.name}'s access. Its people can no longer open this plan; share again to undo.",
            place="sharing",
        )
    return redirect(plan_url(plan.pk, "sharing"))
