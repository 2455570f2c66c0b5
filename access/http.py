"""How web pages and API views ask the gate: a plan the user may not see is 404 (as if it did not exist),
a forbidden action on a visible plan is 403 with the reason, and reads of sensitive content are audited (for
the API in one place: `ContentReadsAudited.finalize_response`)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.agencies import can_create_users
from access.plans import PlanAccess, plan_access, versions_visible
from access.second_factor import content_withheld, may_read_content, require_second_factor
from access.sensitive_reads import sensitive_read_record, sensitive_reads_record
from agencies.models import Facility
from plans.models import Plan, PlanVersion
from portal.api.request_info import client_ip
from portal.compiled_queries import CompiledQuery
from portal.errors import SecondFactorRequiredError


def require(allowed: bool, message: str) -> None:
    """A visible object, a forbidden action: 403 with the reason (web pages and API views alike)."""
    if not allowed:
        raise PermissionDenied(message)


# --- Web pages ---------------------------------------------------------------------------------------


# What plans_visible_to fetches of a plan, without its visibility subquery; compiled once per process.
_PLAN_BY_ID = CompiledQuery(
    lambda plan_id: (
        Plan.objects.select_related("owner_agency", "current_version")
        .defer("search_document", "search_vector")
        .filter(pk=plan_id)
        .order_by()[:1]
    ),
    "plan_id",
)

# What `prefetch_related_objects([plan], "facilities")` reads, by SQL compiled once per process.
_FACILITIES_OF_PLAN = CompiledQuery(lambda plan_id: Facility.objects.filter(plans__id=plan_id), "plan_id")


def _facilities_prefetched(plan: Plan) -> None:
    """Leave the plan's buildings where the ORM's prefetch leaves them: `plan.facilities.all()` reads no more,
    and a narrower query on them (`plan.facilities.filter(...)`) still asks the database, as after a prefetch."""
    facilities = plan.facilities.all()
    facilities._result_cache = _FACILITIES_OF_PLAN(plan_id=plan.pk)
    facilities._prefetch_done = True  # type: ignore[attr-defined]  # the ORM's own mark, set as its prefetch does
    cache = getattr(plan, "_prefetched_objects_cache", {})
    plan._prefetched_objects_cache = {**cache, "facilities": facilities}  # type: ignore[attr-defined]  # as above


def visible_plan(request: HttpRequest, plan_id: int, *, facilities: bool = True) -> tuple[Plan, PlanAccess]:
    """The plan among those the user may see (else 404), and what the user may do with it; with its buildings
    unless a page that never shows them says `facilities=False`.

    The one-plan form of the rule: `plan_access` reads the user's grants on this plan anyway, and its `can_view`
    is `plans_visible_to` for one plan (tests/access/test_one_rule.py), so the plan is fetched by its key
    rather than through the many-plans subquery, which cost more to build than to run (docs/benchmarks.md)."""
    found = _PLAN_BY_ID(plan_id=plan_id) if request.user.is_authenticated else []
    plan = found[0] if found else None
    access = plan_access(user=request.user, plan=plan) if plan is not None else None
    if plan is None or access is None or not access.can_view:
        raise Http404("No Plan matches the given query.")  # the same answer whether it exists or not
    if facilities:
        _facilities_prefetched(plan)  # as plans_visible_to prefetches them, once it is visible
    return plan, access


def visible_version(access: PlanAccess, number: int) -> PlanVersion:
    """A version the user may read: drafts only for the owner's admins, planners and liaisons; else 404."""
    return get_object_or_404(versions_visible(access=access), number=number)


def record_sensitive_read(request: HttpRequest, plan: Plan, what: str, obj: Any = None) -> None:
    """Audit the read of a law-enforcement-sensitive plan, with the client's address."""
    sensitive_read_record(plan=plan, actor=request.user, ip_address=client_ip(request), what=what, obj=obj)


def record_sensitive_reads(request: HttpRequest, plan_ids: Iterable[int], what: str) -> None:
    """Audit a page that shows content of several plans at once (e.g. both sides of conflicts)."""
    sensitive_reads_record(plan_ids=plan_ids, actor=request.user, ip_address=client_ip(request), what=what)


def readable_plans(request: HttpRequest, plans: Iterable[Plan]) -> list[Plan]:
    """These visible plans less those whose content needs a second factor this request did not pass (no query
    for plans that are not law-enforcement sensitive, nor once their owner agency is loaded)."""
    return [plan for plan in plans if may_read_content(plan=plan, user=request.user)]


def withheld_plan_ids(request: HttpRequest, plan_ids: Iterable[int]) -> set[int]:
    """Plans among these whose content needs a second factor this request did not pass: a page that shows
    several plans' facts leaves their rows out (one query, none when there are none or the session passed one)."""
    return content_withheld(plan_ids=plan_ids, user=request.user)


# --- API views ---------------------------------------------------------------------------------------


def _plan_by_id(plan_id: int) -> Plan | None:
    # No joins: most nested endpoints never read the owner or the current version, and the ORM's cost of
    # joining them was twice the query's.
    rows = list(Plan.objects.defer("search_document", "search_vector").filter(pk=plan_id).order_by()[:1])
    return rows[0] if rows else None


# For the type checker the mixins are an APIView (its `request`, `kwargs`); at run time they add no base class.
if TYPE_CHECKING:
    _APIView = APIView
else:
    _APIView = object


class ContentReadsAudited(_APIView):
    """API views: a successful response that shows a plan's content records one read of it, here, once the
    response is final, so a refusal, a 404 or an error records none and no view can forget it (a no-op unless
    the plan is law-enforcement sensitive)."""

    # What a successful response to each method shows of the plan, as the audit names it ("plan", "version",
    # "diff"...); a method not listed shows no content (shares, acknowledgement status, a deletion).
    content_reads: ClassVar[dict[str, str]] = {}
    # The version or file the response showed, when it showed one (set by the view).
    shown_object: Any = None

    def shown_plan(self) -> Plan | None:
        """The plan whose content the response showed (None: no plan, e.g. a list)."""
        return None

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        what = self.content_read(request)
        if what is not None and status.is_success(response.status_code):
            plan = self.shown_plan()
            if plan is not None:
                try:
                    sensitive_read_record(
                        plan=plan, actor=request.user, ip_address=client_ip(request), what=what, obj=self.shown_object
                    )
                except SecondFactorRequiredError as exc:
                    # A view that did not ask before answering: its content is withheld all the same.
                    refusal = Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
                    return super().finalize_response(request, refusal, *args, **kwargs)
        return response

    def content_read(self, request: Request) -> str | None:
        """What a successful response to this request shows of the plan (None: no content)."""
        return self.content_reads.get("GET" if request.method == "HEAD" else str(request.method))

    def require_content_readable(self, plan: Plan) -> None:
        """Before a request that shows the plan's content does anything: 403 `mfa_required` when its content
        needs a second factor this request did not pass."""
        if self.content_read(self.request) is not None:
            require_second_factor(plan=plan, user=self.request.user)


class PlanScopedMixin(ContentReadsAudited):
    """Finds the plan (and version) in the URL among what the user may see; anything else is 404."""

    def shown_plan(self) -> Plan | None:
        # Only once the plan was found visible; a 404 never gets this far with a success.
        return self._access.plan if hasattr(self, "_access") else None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # A request that would show the plan's content is refused before it reads or changes anything.
        if self.content_read(request) is not None:
            self.require_content_readable(self.get_access().plan)

    def get_plan(self) -> Plan:
        return self.get_access().plan

    def get_access(self) -> PlanAccess:
        """The plan and what the user may do with it; 404 unless they may see it (plans_visible_to's rule,
        read from the same query as their roles instead of compiling the visibility subquery again)."""
        if not hasattr(self, "_access"):
            plan = _plan_by_id(self.kwargs["plan_id"]) if self.request.user.is_authenticated else None
            access = plan_access(user=self.request.user, plan=plan) if plan is not None else None
            if access is None or not access.can_view:
                raise NotFound("No Plan matches the given query.")
            self._access = access
        return self._access

    def get_version(self) -> PlanVersion:
        return get_object_or_404(versions_visible(access=self.get_access()), number=self.kwargs["number"])

    def require(self, allowed: bool, message: str) -> None:
        require(allowed, message)


class IsStaff(BasePermission):
    message = "Only platform operators (staff) may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class IsStaffOrAgencyAdmin(BasePermission):
    message = "Only platform operators or agency admins may create users."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_create_users(request.user)
