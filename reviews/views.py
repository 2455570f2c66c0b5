"""Web actions of the review panels: post a comment or reply, resolve a thread. Plain POST forms; the pages
that show the panels are the plan, version and draft pages (plans/views.py, plans/views_edit.py)."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from access.http import visible_plan, visible_version
from access.plans import PlanAccess
from plans.models import PlanVersion
from plans.selectors import version_sections
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.place_messages import message_at
from portal.redirects import safe_redirect_target
from portal.types import AuthenticatedHttpRequest
from reviews import selectors, services
from reviews.forms import CommentForm, ResolveForm


def _back(request: HttpRequest, fallback: str, anchor: str) -> str:
    """The page the form was on (`next`, same site only), at the anchor it names, else at `anchor`."""
    target = safe_redirect_target(request, request.POST.get("next", ""), fallback)
    return target if "#" in target else f"{target}#{anchor}"


def _say(request: HttpRequest, level: int, text: str, *, target: str, places: tuple[str, ...]) -> None:
    """The message, shown at the element the redirect lands on when it is one of `places` (ids the review
    templates render with their messages: reviews/_comment.html, _section_comments.html, ...), else at the top."""
    fragment = urlsplit(target).fragment
    message_at(request, level, text, place=fragment if fragment in places else "")


def _form_anchor(request: HttpRequest, access: PlanAccess, version: PlanVersion) -> str:
    """Where the comment form that was sent sits on the page: under its thread (a reply), under its section,
    or the version's comments panel. Only a thread or section that exists counts (the POST may be stale)."""
    parent_id = request.POST.get("parent", "")
    if parent_id.isdigit():
        parent = selectors.comment_of_version(access=access, version=version, comment_id=int(parent_id))
        if parent is not None:
            return f"comment-{parent.parent_id or parent.pk}"
    key = request.POST.get("section_key", "")
    if key and key in {section.key for section in version_sections(version=version)}:
        return f"comments-{key}"
    return "comments"


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
        anchor = _form_anchor(request, access, version)
        back = _back(request, fallback, anchor)
        _say(request, messages.ERROR, f"The comment was not posted: {errors}", target=back, places=(anchor,))
        return redirect(back)
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
        anchor = _form_anchor(request, access, version)
        back = _back(request, fallback, anchor)
        _say(request, messages.ERROR, f"The comment was not posted: {exc.message}", target=back, places=(anchor,))
        return redirect(back)
    if comment.is_change_request:
        text = f"Change request sent to {plan.owner_agency.name}."
    else:
        text = "Reply posted." if parent else "Comment posted."
    back = _back(request, fallback, f"comment-{comment.pk}")
    _say(request, messages.SUCCESS, text, target=back, places=(f"comment-{comment.pk}",))
    return redirect(back)


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
    back = _back(request, fallback, f"comment-{comment.pk}")
    # Resolved from its thread, or from the open change requests (which the resolved one then leaves).
    places = (f"comment-{comment.pk}", "change-requests")
    form = ResolveForm(request.POST)
    if not form.is_valid():
        _say(
            request,
            messages.ERROR,
            "Keep the resolution note shorter; nothing was resolved.",
            target=back,
            places=places,
        )
        return redirect(back)
    try:
        services.comment_resolve(
            comment=comment, actor=request.user, note=form.cleaned_data["note"], ip_address=client_ip(request)
        )
    except DomainError as exc:
        _say(request, messages.ERROR, exc.message, target=back, places=places)
    else:
        what = "Change request" if comment.is_change_request else "Comment"
        _say(
            request, messages.SUCCESS, f"{what} from {comment.author_agency.name} resolved.", target=back, places=places
        )
    return redirect(back)
