"""The web page of "Reviewed — no changes": confirm that a periodic review found nothing to change."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods

from access.http import require, visible_plan
from access.plans import PlanAccess
from plans import services
from plans.forms_reviews import MarkReviewedForm
from plans.models import Plan
from portal.api.request_info import client_ip
from portal.errors import ConflictError
from portal.types import AuthenticatedHttpRequest

TEMPLATE = "plans/edit/review_confirm.html"


def _page(
    request: AuthenticatedHttpRequest,
    plan: Plan,
    access: PlanAccess,
    form: MarkReviewedForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The confirmation: what stays as it is, when the next review falls due, and that nobody is alerted."""
    current = plan.current_version
    context = {
        "nav": "plans",
        "plan": plan,
        "access": access,
        "current": current,
        "form": form,
        "error": error,
        "today": timezone.localdate(),
        "next_review": timezone.localdate() + timedelta(days=plan.review_interval_days),
    }
    return render(request, TEMPLATE, context, status=409 if current is None else status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_mark_reviewed(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Confirm, then record that the current version was reviewed and needs no change: the review clock restarts,
    and no partner is alerted (nothing they hold changed)."""
    plan, access = visible_plan(request, plan_id)
    require(access.can_mark_reviewed, "Only admins of the owner agency may mark this plan reviewed.")
    current = plan.current_version
    if request.method == "GET":
        form = MarkReviewedForm(initial={"version": current.number if current else None})
        return _page(request, plan, access, form)
    form = MarkReviewedForm(request.POST)
    if not form.is_valid():
        return _page(request, plan, access, form, status=400)
    try:
        review = services.plan_mark_reviewed(
            plan=plan,
            actor=request.user,
            note=form.cleaned_data["note"],
            version_number=form.cleaned_data["version"],
            ip_address=client_ip(request),
        )
    except ConflictError as exc:
        # Another version was published (or this one withdrawn) meanwhile: show the plan as it is now.
        plan.refresh_from_db()
        current = plan.current_version
        fresh = MarkReviewedForm(initial={**form.cleaned_data, "version": current.number if current else None})
        return _page(request, plan, access, fresh, error=exc.message, status=409)
    messages.success(
        request,
        f"Marked v{review.version.number} reviewed — no changes. The next review falls due on "
        f"{dateformat.format(review.next_review_due, 'j M Y')}; no partner was alerted.",
    )
    return redirect("plans:detail", plan_id=plan.pk)
