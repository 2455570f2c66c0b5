"""Web actions of the review panels: post a comment or reply, resolve a thread. Plain POST forms; the pages
that show the panels are the plan, version and draft pages (plans/views.py, plans/views_edit.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from access.http import visible_plan, visible_version
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.redirects import safe_redirect_target
from portal.types import AuthenticatedHttpRequest
from reviews import selectors, services
from reviews.forms import CommentForm, ResolveForm


def _back(request: HttpRequest, fallback: str, anchor: str) -> str:
    """The page the form was on (`next`, same site only), at the anchor it names, else at `anchor`."""
    target = safe_redirect_target(request, request.POST.get("next", ""), fallback)
    return target if "#" in target else f"{target}#{anchor}"


@login_required
@require_POST
def comment_post(request: AuthenticatedHttpRequest, plan_id: int, number: int) -> HttpResponse:
    """Post a comment on a version (a section, or the version as a whole), or a reply to a thread."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    if not access.can_comment:
        raise PermissionDenied(
            "Only members of the owner agency, and admins and liaisons of partners invited to comment, may comment."
        )
    fallback = reverse("plans:version", kwargs={"plan_id": plan.pk, "number": version.number})
    form = CommentForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"The comment was not posted: {errors}")
        return redirect(_back(request, fallback, "comments"))
    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = selectors.comment_of_version(access=access, version=version, comment_id=data["parent"])
        if parent is None:
            raise Http404("No such comment.")
    try:
        comment = services.comment_create(
            version=version,
            author=request.user,
            body=data["body"],
            section_key=data["section_key"] or "",
            parent=parent,
            is_change_request=data["is_change_request"],
        )
    except DomainError as exc:
        messages.error(request, f"The comment was not posted: {exc.message}")
        return redirect(_back(request, fallback, "comments"))
    if comment.is_change_request:
        messages.success(request, f"Change request sent to {plan.owner_agency.name}.")
    else:
        messages.success(request, "Reply posted." if parent else "Comment posted.")
    return redirect(_back(request, fallback, f"comment-{comment.pk}"))


@login_required
@require_POST
def comment_resolve(request: AuthenticatedHttpRequest, plan_id: int, comment_id: int) -> HttpResponse:
    """Resolve a thread (owner admins and planners), with an optional note."""
    plan, access = visible_plan(request, plan_id)
    comment = selectors.comment_of_plan(access=access, comment_id=comment_id)
    if comment is None:
        raise Http404("No such comment.")
    if not access.can_resolve_comments:
        raise PermissionDenied("Only admins and planners of the owner agency may resolve comments.")
    fallback = reverse("plans:detail", kwargs={"plan_id": plan.pk})
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the resolution note shorter; nothing was resolved.")
        return redirect(_back(request, fallback, f"comment-{comment.pk}"))
    try:
        services.comment_resolve(
            comment=comment, actor=request.user, note=form.cleaned_data["note"], ip_address=client_ip(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        what = "Change request" if comment.is_change_request else "Comment"
        messages.success(request, f"{what} from {comment.author_agency.name} resolved.")
    return redirect(_back(request, fallback, f"comment-{comment.pk}"))
