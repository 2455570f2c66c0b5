"""Reads about plans; every function takes the asking user, so what they may not see never leaves here."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchQuery
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from access.plans import RELEASED_STATES, PlanAccess, plans_visible_to, visible_plan_filter, visible_plan_ids
from agencies.models import Agency, Facility
from plans.models import (
    Acknowledgement,
    AgencyAcknowledgement,
    Attachment,
    Plan,
    PlanReview,
    PlanShare,
    PlanVersion,
    Section,
    VersionState,
)
from plans.search_text import substring_filter
from plans.section_html import sections_html_attach
from plans.visible_versions import acknowledgement_latest
from portal.compiled_queries import CompiledQuery
from reading.models import ReadingObligation

# A plan is "review due" this many days before its next review date.
REVIEW_DUE_WINDOW_DAYS = 30


def plan_facility_ids(*, plans: list[Plan]) -> dict[int, list[int]]:
    """The ids of the buildings each plan covers, in the buildings' name order (one query, no model objects)."""
    rows = (
        Plan.facilities.through.objects.filter(plan_id__in=[plan.pk for plan in plans])
        .order_by("facility__name", "facility_id")
        .values_list("plan_id", "facility_id")
    )
    ids: dict[int, list[int]] = {plan.pk: [] for plan in plans}
    for plan_id, facility_id in rows:
        ids[plan_id].append(facility_id)
    return ids


def plans_search(*, plans: QuerySet[Plan], text: str) -> QuerySet[Plan]:
    """Search over titles and current section bodies: PostgreSQL full text; elsewhere (the embedded SQLite
    default) the same query language over substrings, so every word must appear but not side by side."""
    text = text.strip()
    if not text:
        return plans
    if connections[plans.db].vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="english")
        return plans.filter(search_vector=query)
    condition = substring_filter(text)
    return plans.none() if condition is None else plans.filter(condition)


def plans_review_due(*, plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Plans whose next review date is within the window or past."""
    horizon = timezone.localdate() + timedelta(days=REVIEW_DUE_WINDOW_DAYS)
    return plans.filter(next_review_due__lte=horizon)


def plan_last_review(*, plan: Plan) -> PlanReview | None:
    """The newest "reviewed — no changes" of the plan's current version, with its reviewer (None: not reviewed
    since it was published, or no current version). Anyone who may see the plan may see this."""
    if plan.current_version_id is None:
        return None
    found = _LAST_REVIEW(plan_id=plan.pk, version_id=plan.current_version_id)
    return found[0] if found else None


_LAST_REVIEW = CompiledQuery(
    lambda plan_id, version_id: (
        PlanReview.objects.filter(plan_id=plan_id, version_id=version_id)
        .select_related("reviewed_by")
        .order_by("-reviewed_at", "-id")[:1]
    ),
    "plan_id",
    "version_id",
)


def plan_reviews(*, plan: Plan) -> QuerySet[PlanReview]:
    """Every "reviewed — no changes" of the plan, newest first, with the version and the reviewer."""
    return PlanReview.objects.filter(plan=plan).select_related("version", "reviewed_by").order_by("-reviewed_at", "-id")


def version_sections(*, version: PlanVersion) -> list[Section]:
    return list(version.sections.order_by("position"))


_SECTIONS_SHOWN = CompiledQuery(
    lambda version_id: Section.objects.filter(version_id=version_id).select_related("stored_html").order_by("position"),
    "version_id",
)


def version_sections_shown(*, version: PlanVersion) -> list[Section]:
    """A version's sections in order, each with its `html` as pages show it: stored once the version is released
    (one query either way), rendered for a draft."""
    sections = _SECTIONS_SHOWN(version_id=version.pk)
    for section in sections:  # as `version.sections` would have them
        Section.version.field.set_cached_value(section, version)
    sections_html_attach(sections, released={version.pk: not version.is_draft})
    return sections


def latest_released_number(*, plan: Plan) -> int | None:
    """The highest number that ever left draft (published, superseded or withdrawn)."""
    return (
        PlanVersion.objects.filter(plan=plan, state__in=RELEASED_STATES)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )


def draft_open(*, plan: Plan) -> PlanVersion | None:
    """The draft "Start a draft" continues: the newest open one started from the latest released version."""
    latest = latest_released_number(plan=plan)
    return (
        PlanVersion.objects.filter(plan=plan, state=VersionState.DRAFT, based_on_number=latest)
        .order_by("-number")
        .first()
    )


# Which of the given versions the person acknowledged, and which one of the given agencies did, in one round
# trip (two ORM queries cost four times as much in Python as this reads).
_ACKNOWLEDGED_SQL = f"""
SELECT a.version_id, TRUE FROM {Acknowledgement._meta.db_table} a WHERE a.user_id = %s AND a.version_id = ANY(%s)
UNION ALL
SELECT g.version_id, FALSE FROM {AgencyAcknowledgement._meta.db_table} g
 WHERE g.agency_id = ANY(%s) AND g.version_id = ANY(%s)
"""  # noqa: S608 — table names from the models, values as parameters


def version_last_acknowledged_by(
    *, user: User, access: PlanAccess, visible: Iterable[PlanVersion]
) -> tuple[PlanVersion | None, str]:
    """The baseline for 'what changed since': the newest visible version this user acknowledged, else the
    newest one one of their agencies acknowledged; with the reason ("last_acknowledged" or
    "agency_acknowledged"). `visible`: versions_visible's rows; only the acknowledged versions' ids are read."""
    by_id = {version.pk: version for version in visible}
    if not by_id:
        return None, "previous"
    with connections[Acknowledgement.objects.db].cursor() as cursor:
        cursor.execute(_ACKNOWLEDGED_SQL, [user.pk, list(by_id), list(access.roles), list(by_id)])
        rows = cursor.fetchall()
    for own, reason in ((True, "last_acknowledged"), (False, "agency_acknowledged")):
        newest = max((by_id[pk] for pk, mine in rows if mine is own), key=lambda v: v.number, default=None)
        if newest is not None:
            return newest, reason
    return None, "previous"


@dataclass(frozen=True)
class DiffBaseline:
    """The version another is compared with when the reader names none, and why."""

    version: PlanVersion | None
    # "last_acknowledged" (by the reader), "agency_acknowledged" (by one of their agencies) or "previous".
    reason: str
    # Set when the previous version is the baseline because the reader (or their agency) already acknowledged
    # the compared version itself: then "last_acknowledged" or "agency_acknowledged".
    acknowledged_this: str | None = None


def version_diff_baseline(
    *, user: User, access: PlanAccess, version: PlanVersion, visible: Iterable[PlanVersion]
) -> DiffBaseline:
    """What `version` is compared with by default, on the web page and in the API alike: the version the reader,
    else one of their agencies, last acknowledged when it is older than `version`; otherwise the released
    version just before it (a draft is never a baseline). `visible`: versions_visible's rows."""
    visible = list(visible)
    last, why = version_last_acknowledged_by(user=user, access=access, visible=visible)
    if last is not None and last.number < version.number:
        return DiffBaseline(version=last, reason=why)
    older = (v for v in visible if not v.is_draft and v.number < version.number)
    previous = max(older, key=lambda v: v.number, default=None)
    already = why if last is not None and last.number == version.number else None
    return DiffBaseline(version=previous, reason="previous", acknowledged_this=already)


def attachments_of_version(*, version: PlanVersion) -> QuerySet[Attachment]:
    # `version` too: each row's download URL names its plan and version number.
    return Attachment.objects.filter(version=version).select_related("version", "uploaded_by")


_ATTACHMENTS = CompiledQuery(
    lambda version_id: attachments_of_version(version=PlanVersion(pk=version_id)), "version_id"
)


def attachments_of_version_list(*, version: PlanVersion) -> list[Attachment]:
    """`list(attachments_of_version(version=version))`, by SQL compiled once per process."""
    return _ATTACHMENTS(version_id=version.pk)


def plan_shares(*, plan: Plan) -> QuerySet[PlanShare]:
    return PlanShare.objects.filter(plan=plan).select_related("agency", "shared_by")


def facility_current_plans(*, user: User | AnonymousUser, facility: Facility) -> QuerySet[Plan]:
    """Every plan covering the building that the user may see and that has a current version."""
    return plans_visible_to(user=user).filter(facilities=facility, current_version__isnull=False)


def _facility_current_plans_by_filter(user_id: int, facility_id: int) -> QuerySet[Plan]:
    # A building has a few plans: the rule as a filter on each (`visible_plan_filter`) halves PostgreSQL's planning
    # and execution time against `plans_visible_to`'s id subquery, which gathers every plan the person may see.
    return (
        Plan.objects.filter(
            visible_plan_filter(user=User(pk=user_id)), facilities=facility_id, current_version__isnull=False
        )
        .select_related("owner_agency", "current_version")
        .defer("search_document", "search_vector")
        .order_by("owner_agency__name", "title", "pk")
    )


_FACILITY_CURRENT_PLANS = CompiledQuery(_facility_current_plans_by_filter, "user_id", "facility_id")


def facility_current_plans_list(*, user: User | AnonymousUser, facility: Facility) -> list[Plan]:
    """`facility_current_plans` by owner agency name and title, with the owner agency and the current version but
    not the buildings each covers, by SQL compiled once per process (the visibility rule bound to the user;
    tests/agencies/test_facility_page_compiled_reads.py holds it equal to `facility_current_plans`)."""
    if not user.is_authenticated:
        return []
    return _FACILITY_CURRENT_PLANS(user_id=user.pk, facility_id=facility.pk)


_HEADING_FIELDS = ("id", "version_id", "position", "key", "title")
# Plain SQL: the versions are a list, which a compiled query cannot bind.
_SECTION_HEADINGS_SQL = f"""
    SELECT {", ".join(_HEADING_FIELDS)} FROM {Section._meta.db_table} WHERE version_id = ANY(%s) ORDER BY position
"""  # noqa: S608 — table and column names from the model, values as parameters


def section_headings_of_versions(*, version_ids: Iterable[int]) -> dict[int, list[Section]]:
    """Each version's sections in order, with only what a list of links needs (the key, the title): what
    `Section.objects.filter(version_id__in=...).order_by("position").only(...)` gives, in one query."""
    headings: dict[int, list[Section]] = {version_id: [] for version_id in version_ids}
    if not headings:
        return headings
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_SECTION_HEADINGS_SQL, [list(headings)])
        rows = cursor.fetchall()
    for row in rows:
        section = Section.from_db(DEFAULT_DB_ALIAS, _HEADING_FIELDS, row)
        headings[section.version_id].append(section)
    return headings


def acknowledgement_status(*, plan: Plan) -> dict[str, list[dict]]:
    """Per partner agency, the latest version it acknowledged and when (one query). Agency level only: a
    partner's per-person detail is its own admins' ("Who has read what"), never the owner's."""
    agency_acks = AgencyAcknowledgement.objects.filter(agency=OuterRef("pk"), version__plan=plan).order_by(
        "-version__number"
    )
    agencies = (
        Agency.objects.filter(plan_shares__plan=plan)
        .annotate(
            ack_version=Subquery(agency_acks.values("version__number")[:1]),
            ack_at=Subquery(agency_acks.values("acknowledged_at")[:1]),
        )
        .order_by("name")
    )
    return {
        "agencies": [
            {"agency": a.pk, "agency_name": a.name, "version": a.ack_version, "acknowledged_at": a.ack_at}
            for a in agencies
        ],
    }


# --- Reads for the web pages that show plans (plans/views.py) ---


def plans_listed(
    *,
    user: User,
    text: str = "",
    owner_agency_id: int | None = None,
    facility_id: int | None = None,
    kind: str = "",
    review_due: bool = False,
) -> QuerySet[Plan]:
    """The plan list: visible plans filtered, each marked whether the user acknowledged its current version."""
    plans = plans_visible_to(user=user)
    if owner_agency_id is not None:
        plans = plans.filter(owner_agency_id=owner_agency_id)
    if facility_id is not None:
        plans = plans.filter(facilities=facility_id)
    if kind:
        plans = plans.filter(kind=kind)
    if review_due:
        plans = plans_review_due(plans=plans)
    plans = plans_search(plans=plans, text=text)
    mine = Acknowledgement.objects.filter(user=user, version_id=OuterRef("current_version_id"))
    # The owner's own people are asked to acknowledge only what their agency requires them to read.
    required = ReadingObligation.objects.filter(user=user, plan_id=OuterRef("pk"))
    return plans.annotate(acknowledged_by_me=Exists(mine), reading_required=Exists(required)).order_by("title", "id")


def plan_list_choices(*, user: User) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Ids and names of the owner agencies and buildings among the plans the user may see (the list's filters).

    Semi-joins on the visible ids rather than DISTINCT over a join: no sort of a row per plan (docs/benchmarks.md).
    """
    visible = visible_plan_ids(user=user)
    owner_ids = Plan.objects.filter(id__in=visible).values("owner_agency_id")
    facility_ids = Plan.facilities.through.objects.filter(plan_id__in=visible).values("facility_id")
    owners = Agency.objects.filter(id__in=owner_ids).order_by("name", "id").values_list("id", "name")
    facilities = Facility.objects.filter(id__in=facility_ids).order_by("name", "id").values_list("id", "name")
    return list(owners), list(facilities)


def acknowledgement_latest_of_user(*, user: User, access: PlanAccess) -> Acknowledgement | None:
    """The user's acknowledgement of the newest visible version they acknowledged (with that version)."""
    return acknowledgement_latest(user=user, access=access)


def agency_acknowledgements_of_user(*, user: User, version: PlanVersion) -> list[AgencyAcknowledgement]:
    """Acknowledgements of a version by the agencies the user belongs to."""
    return _AGENCY_ACKS(version_id=version.pk, user_id=user.pk)


_AGENCY_ACKS = CompiledQuery(
    lambda version_id, user_id: (
        AgencyAcknowledgement.objects.filter(version_id=version_id, agency__memberships__user_id=user_id)
        .exclude(agency_id=F("version__plan__owner_agency_id"))  # an agency does not acknowledge its own plan
        .select_related("agency", "acknowledged_by")
        .order_by("agency__name")
    ),
    "version_id",
    "user_id",
)


def share_candidates(*, plan: Plan) -> QuerySet[Agency]:
    """Agencies a plan could still be shared with: neither its owner nor already a partner."""
    return Agency.objects.exclude(pk=plan.owner_agency_id).exclude(plan_shares__plan=plan).order_by("name")


# --- Reads for background work (no asking user): alerts decided at delivery time, reminders ------------


def plan_shared_with(*, plan_id: int, agency_id: int | None) -> bool:
    """Whether the plan is shared with the agency now (a share alert is sent only if it still holds)."""
    if agency_id is None:  # a payload without its partner: no share holds
        return False
    return PlanShare.objects.filter(plan_id=plan_id, agency_id=agency_id).exists()


def share_level_subquery(*, plan: Plan, agency_ref: str = "pk") -> Subquery:
    """The level of the plan's share with the agency named by the outer query's `agency_ref` (None: no share)."""
    return Subquery(PlanShare.objects.filter(plan=plan, agency=OuterRef(agency_ref)).values("level")[:1])


def plans_review_due_by(*, day: date) -> QuerySet[Plan]:
    """Published plans whose next review is due on or before `day`, with their current version."""
    return Plan.objects.filter(current_version__isnull=False, next_review_due__lte=day).select_related(
        "current_version"
    )


def plans_current_since(*, published_before: datetime) -> QuerySet[Plan]:
    """Plans whose current version was published at or before the moment, with that version."""
    return Plan.objects.filter(
        current_version__isnull=False, current_version__published_at__lte=published_before
    ).select_related("current_version")


def partners_not_acknowledged(*, plan: Plan, version: PlanVersion) -> list[int]:
    """Ids of the partner agencies (shares) that have not acknowledged `version`, in id order."""
    acknowledged = AgencyAcknowledgement.objects.filter(version=version).values("agency_id")
    return list(
        PlanShare.objects.filter(plan=plan)
        .exclude(agency_id__in=acknowledged)
        .order_by("agency_id")
        .values_list("agency_id", flat=True)
    )
