"""Reads about review comments; each takes the asking user's PlanAccess (or the user), so unreadable
comments never leave here."""

from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from access.grants import VIEW
from access.plans import PlanAccess, granted_plan_ids, plans_visible_to
from agencies.models import Agency
from plans.models import Plan, PlanVersion, Section
from portal.compiled_queries import CompiledQuery
from reviews.models import Comment

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

OPEN_CHANGE_REQUEST = Q(is_change_request=True, resolved_at__isnull=True)


class OpenChangeRequests(TypedDict):
    open_change_requests: int


def _with_people(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    return comments.select_related("author", "author_agency", "resolved_by", "version")


def comment_threads(*, access: PlanAccess, version: PlanVersion) -> QuerySet[Comment]:
    """Thread starts on a version, oldest first, each with its replies prefetched (two queries per page)."""
    if not access.can_read_comments:
        return Comment.objects.none()
    replies = _with_people(Comment.objects.all()).order_by("created_at", "id")
    return (
        _with_people(Comment.objects.filter(version=version, parent__isnull=True))
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )


def _thread_starts(version_id: int) -> QuerySet[Comment]:
    return _with_people(Comment.objects.filter(version_id=version_id, parent__isnull=True)).order_by("created_at", "id")


_THREAD_STARTS = CompiledQuery(_thread_starts, "version_id")


def comment_thread_list(*, access: PlanAccess, version: PlanVersion) -> list[Comment]:
    """`comment_threads` as a list, the thread starts read by SQL compiled once per process (two queries)."""
    if not access.can_read_comments:
        return []
    threads = _THREAD_STARTS(version_id=version.pk)
    replies = _with_people(Comment.objects.all()).order_by("created_at", "id")
    prefetch_related_objects(threads, Prefetch("replies", queryset=replies))
    return threads


def comment_of_version(*, access: PlanAccess, version: PlanVersion, comment_id: int) -> Comment | None:
    """One readable comment of a version (thread start or reply), or None."""
    if not access.can_read_comments:
        return None
    return _with_people(Comment.objects.filter(version=version, pk=comment_id)).first()


def comment_of_plan(*, access: PlanAccess, comment_id: int) -> Comment | None:
    """One readable comment of the plan on a version the user may see, or None."""
    if not access.can_read_comments:
        return None
    comments = Comment.objects.filter(plan=access.plan, pk=comment_id)
    if not access.can_see_drafts:
        comments = comments.exclude(version__state="draft")
    return _with_people(comments).first()


def open_change_requests(*, access: PlanAccess) -> list[Comment]:
    """The plan's open change requests across all its versions, oldest first (they are owed until resolved),
    each with `section_title`: the title of its section in the version it was made on."""
    if not access.can_read_comments:
        return []
    return _OPEN_CHANGE_REQUESTS(plan_id=access.plan.pk)


def _open_change_requests(plan_id: int) -> QuerySet[Comment]:
    titles = Section.objects.filter(version_id=OuterRef("version_id"), key=OuterRef("section_key")).values("title")
    comments = Comment.objects.filter(OPEN_CHANGE_REQUEST, plan_id=plan_id).annotate(section_title=Subquery(titles[:1]))
    return _with_people(comments).order_by("created_at", "id")


_OPEN_CHANGE_REQUESTS = CompiledQuery(_open_change_requests, "plan_id")


def _open_count(plan_ref: str = "pk") -> Coalesce:
    counted = (
        Comment.objects.filter(OPEN_CHANGE_REQUEST, plan_id=OuterRef(plan_ref))
        .order_by()
        .values("plan_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def open_change_request_counts(*, user: User | AnonymousUser, plan_ids: list[int]) -> dict[int, int]:
    """Open change requests per plan for a page of plans, in one query (none for an empty page); plans the
    user sees only because they are public count 0, since partner remarks are not public."""
    if not plan_ids or not user.is_authenticated:
        return {}
    rows = (
        Comment.objects.filter(OPEN_CHANGE_REQUEST, plan_id__in=plan_ids)
        .filter(plan_id__in=granted_plan_ids(user=user, codename=VIEW))
        .order_by()
        .values("plan_id")
        .annotate(n=Count("*"))
        .values_list("plan_id", "n")
    )
    return dict(rows)


def plans_with_open_change_request_counts(
    *, plans: QuerySet[Plan], user: User
) -> "QuerySet[WithAnnotations[Plan, OpenChangeRequests]]":
    """Annotate `open_change_requests` in the same query; 0 on plans the user sees only because they are public."""
    readable = granted_plan_ids(user=user, codename=VIEW)
    return plans.annotate(
        open_change_requests=Case(
            When(pk__in=readable, then=_open_count()), default=Value(0), output_field=IntegerField()
        )
    )


def plans_owing_change_requests(
    *, plans: QuerySet[Plan], user: User
) -> "QuerySet[WithAnnotations[Plan, OpenChangeRequests]]":
    """Of `plans`, those with open change requests the user may read, with the count, most owed first."""
    return (
        plans_with_open_change_request_counts(plans=plans, user=user)
        .filter(open_change_requests__gt=0)
        .order_by("-open_change_requests", "title", "id")
    )


def agency_plans_owing_change_requests(
    *, user: User, agency: Agency
) -> "QuerySet[WithAnnotations[Plan, OpenChangeRequests]]":
    """The agency's own plans with open change requests (`open_change_requests`), for its dashboard."""
    plans = plans_visible_to(user=user).filter(owner_agency=agency).prefetch_related(None)
    return plans_owing_change_requests(plans=plans, user=user)


# --- Reads for background work (no asking user): who hears about a comment ------------------------------


def thread_participants(
    *, thread_id: int, upto_comment_id: int, whole_thread: bool = False
) -> set[tuple[int, int | None]]:
    """(person, agency they spoke for) of the authors of the thread's comments before `upto_comment_id`, or of
    all of them (`whole_thread`, once resolved): the people a reply or a resolution is news to."""
    earlier = Comment.objects.filter(Q(pk=thread_id) | Q(parent_id=thread_id), author__isnull=False)
    if not whole_thread:
        earlier = earlier.filter(pk__lt=upto_comment_id)
    return set(earlier.values_list("author_id", "author_agency_id"))
