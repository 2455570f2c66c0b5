"""Who hears about an event, decided at delivery time from the grants and memberships that hold then."""

import operator
from dataclasses import dataclass
from functools import cached_property, reduce

from django.db.models import Q, QuerySet

from access.audience import active_members, agency_may_view, viewing_agencies
from access.exercises import exercise_participant_ids, overdue_action_recipients, upcoming_exercise_agencies
from access.facilities import agencies_reading_document, agencies_seeing_facility_plans
from access.reading import reading_supervisor_ids
from agencies.models import Membership, Role
from buildings.models import BuildingDocument
from notifications.models import EventType, OutboxEvent
from plans.selectors import plan_shared_with
from reviews.selectors import thread_participants

LIAISON_ROLES = (Role.ADMIN, Role.LIAISON)
OWNER_REVIEW_ROLES = (Role.ADMIN, Role.PLANNER)


@dataclass(frozen=True)
class Audience:
    """The memberships to alert (one row per person and agency) and the agencies whose webhooks fire.

    `agencies` may be a subquery (of agency ids), so that the fan-out's statements embed it instead of
    running it first; `agency_ids` evaluates it.
    """

    memberships: QuerySet[Membership]
    agencies: frozenset[int] | QuerySet

    @cached_property
    def agency_ids(self) -> frozenset[int]:
        if isinstance(self.agencies, frozenset):
            return self.agencies
        return frozenset(a for a in self.agencies if a is not None)


def _nobody() -> Audience:
    return Audience(memberships=Membership.objects.none(), agencies=frozenset())


def _agencies_that_may_view(plan_id: int) -> set[int]:
    return set(viewing_agencies(plan_id=plan_id))


def _members(agency_ids: set[int] | QuerySet, roles: tuple[str, ...] | None = None) -> QuerySet[Membership]:
    return active_members(agency_ids=agency_ids, roles=roles)


def _thread_participants(event: OutboxEvent, *, whole_thread: bool = False) -> QuerySet[Membership]:
    """Authors of the earlier comments in the thread (of all of it, once resolved), through the agency they
    spoke for, while it may still read comments (the owner, or a partner that still holds a share)."""
    payload = event.payload
    thread, comment = payload.get("thread"), payload.get("comment")
    if thread is None or comment is None or event.plan_id is None:
        return Membership.objects.none()
    pairs = thread_participants(thread_id=thread, upto_comment_id=comment, whole_thread=whole_thread)
    readers = _agencies_that_may_view(event.plan_id)
    wanted = [Q(user_id=user, agency_id=agency) for user, agency in pairs if agency in readers]
    if not wanted:
        return Membership.objects.none()
    return Membership.objects.filter(reduce(operator.or_, wanted), user__is_active=True)


def _escalation_recipient(payload: dict) -> QuerySet[Membership]:
    """The supervisor or admin an escalation is addressed to, while they still supervise a group of the agency
    (or are still its admin); never the people it lists."""
    agency, recipient = payload.get("agency"), payload.get("recipient")
    if not isinstance(agency, int) or not isinstance(recipient, int):
        return Membership.objects.none()
    if payload.get("route") == "supervisor":
        members = _members({agency}).filter(user_id__in=reading_supervisor_ids(agency_id=agency))
    else:
        members = _members({agency}, (Role.ADMIN,))
    return members.filter(user_id=recipient)


def audience_for(event: OutboxEvent) -> Audience:
    """The people and agencies to tell about `event`, computed now (a share revoked since means no alert)."""
    payload = event.payload
    actor = payload.get("actor")
    kind, plan_id = event.event_type, event.plan_id
    if kind == EventType.WEBHOOK_DISABLED:
        agencies = {payload["agency"]}
        members = _members(agencies, (Role.ADMIN,))
    elif kind in (EventType.READING_DUE_SOON, EventType.READING_OVERDUE):
        # The person alone, while a member of an agency that asked them to read (no webhooks: personal).
        members = _members(set(payload.get("agencies", []))).filter(user_id=payload.get("user"))
        return Audience(memberships=members, agencies=frozenset())
    elif kind == EventType.READING_ESCALATION:
        return Audience(memberships=_escalation_recipient(payload), agencies=frozenset())
    elif kind == EventType.MEMBER_INVITED:
        # The invited person alone, through the membership the invitation made (none if removed since).
        agencies = {payload["agency"]}
        members = _members(agencies).filter(user_id=payload.get("user"))
    elif kind == EventType.BUILDING_DOCUMENT_CHANGED:
        # The agencies that may read the document now (a share revoked since, or a stricter level, means none).
        document = BuildingDocument.objects.select_related("facility").filter(pk=payload.get("document")).first()
        agencies = agencies_reading_document(document) if document is not None else set()
        members = _members(agencies)
    elif kind == EventType.FACILITY_SRO_CHANGED:
        # Everyone in the agencies that see the building's plans now: the officer is who they will meet there.
        viewers = agencies_seeing_facility_plans(facility_id=payload["facility"])
        members = _members(viewers)
        if actor is not None:
            members = members.exclude(user_id=actor)
        return Audience(memberships=members, agencies=viewers)
    elif kind == EventType.EXERCISE_UPCOMING:
        # Everyone of the agencies taking part now, while the exercise is still scheduled at the time reminded of.
        agencies = upcoming_exercise_agencies(
            exercise_id=payload.get("exercise", 0), starts_at=payload.get("starts_at")
        )
        members = _members(agencies)
    elif kind == EventType.CORRECTIVE_ACTION_OVERDUE:
        # The owning agency's admins and the person responsible (while a member of it), while the action is open.
        agencies, members = overdue_action_recipients(action_id=payload.get("action", 0))
        return Audience(memberships=members, agencies=frozenset(agencies))
    elif kind in (EventType.EXERCISE_SCHEDULED, EventType.CORRECTIVE_ACTION_CLOSED):
        # The agencies taking part now (one taken off the exercise since hears nothing).
        agencies = set(
            exercise_participant_ids(exercise_id=payload.get("exercise", 0)).values_list("agency_id", flat=True)
        )
        if kind == EventType.EXERCISE_SCHEDULED:
            agencies &= set(payload.get("agencies") or [])
        members = _members(agencies)
    elif plan_id is None:
        return _nobody()
    elif kind in (EventType.VERSION_PUBLISHED, EventType.VERSION_WITHDRAWN):
        # A subquery, not a set: the audience query and the webhook lookup each embed it.
        viewers = viewing_agencies(plan_id=plan_id)
        members = _members(viewers)
        if actor is not None:
            members = members.exclude(user_id=actor)
        return Audience(memberships=members, agencies=viewers)
    elif kind == EventType.PLAN_SHARED:
        partner = payload.get("partner")
        still_shared = plan_shared_with(plan_id=plan_id, agency_id=partner)
        agencies = {partner} if still_shared else set()
        members = _members(agencies)
    elif kind == EventType.PLAN_UNSHARED:
        partner = payload.get("partner")
        reshared = plan_shared_with(plan_id=plan_id, agency_id=partner)
        agencies = set() if reshared else {partner}
        members = _members(agencies, LIAISON_ROLES)
    elif kind == EventType.PLAN_REVIEW_DUE:
        agencies = {payload["owner_agency"]}
        members = _members(agencies, OWNER_REVIEW_ROLES)
    elif kind == EventType.ACKNOWLEDGEMENT_REMINDER:
        agencies = set(payload.get("agencies", [])) & _agencies_that_may_view(plan_id)
        members = _members(agencies, LIAISON_ROLES)
    elif kind == EventType.FACILITY_CONFLICT:
        # Only the side's own owners (the other agency hears through its own event), and only while they may
        # still read the other plan: the alert says how its fact compares with theirs.
        owner, other_plan = payload["owner_agency"], payload.get("other_plan")
        readable = other_plan is not None and agency_may_view(plan_id=other_plan, agency_id=owner)
        agencies = {owner} if readable else set()
        members = _members(agencies, OWNER_REVIEW_ROLES)
    elif kind == EventType.COMMENT_CREATED:
        agencies = {payload["owner_agency"]} & _agencies_that_may_view(plan_id)
        members = _members(agencies, OWNER_REVIEW_ROLES) | _thread_participants(event)
    elif kind == EventType.COMMENT_RESOLVED:
        members = _thread_participants(event, whole_thread=True)
        agencies = set(members.values_list("agency_id", flat=True))
    elif kind == EventType.SOURCE_CHANGED:
        # The plan's writers, while their agency may still read the source: a revoked share tells them nothing.
        owner, source = payload["owner_agency"], payload.get("source_plan")
        readable = source is not None and agency_may_view(plan_id=source, agency_id=owner)
        agencies = {owner} if readable else set()
        members = _members(agencies, OWNER_REVIEW_ROLES)
    elif kind == EventType.CONCURRENCE_RECORDED:
        agencies = {payload["owner_agency"]}
        members = _members(agencies, OWNER_REVIEW_ROLES)
    elif kind == EventType.PLAN_CLASSIFICATION_LOWERED:
        # Every admin of the owner, the one who made the change included: if their account was misused,
        # the alert in their own inbox is how they find out.
        agencies = {payload["owner_agency"]}
        return Audience(memberships=_members(agencies, (Role.ADMIN,)), agencies=frozenset(agencies))
    else:
        return _nobody()
    if actor is not None:
        members = members.exclude(user_id=actor)
    return Audience(memberships=members, agencies=frozenset(a for a in agencies if a is not None))
