"""Reads for the alerting pipeline; every function takes the asking user."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from access.audience import active_members, viewing_agencies
from access.plans import visible_plan_exists
from agencies.models import Agency, Membership, Role
from notifications.models import EmailChoice, EventType, Notification, NotificationPreference, WebhookEndpoint
from notifications.preferences import ROLE_PRIORITY, default_preference, effective_in_app
from plans.models import Plan
from plans.selectors import share_level_subquery

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class PlanVisible(TypedDict):
    plan_visible: bool


class PreferenceDefaults(TypedDict):
    role: str
    defaults: dict[str, tuple[bool, str]]  # event type -> (in_app, email)


def notifications_of(
    *, user: User, unread_only: bool = False
) -> "QuerySet[WithAnnotations[Notification, PlanVisible]]":
    """The user's own notifications, newest first, each marked with whether its plan is visible now.

    A share revoked since the alert keeps the alert but drops its link to the plan.
    """
    notifications = Notification.objects.filter(user=user).annotate(
        plan_visible=visible_plan_exists(user=user, plan_ref="plan_id")
    )
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def default_role_of(*, user: User) -> str:
    """The role whose defaults apply to the user: their strongest one, member when they have none."""
    roles = list(Membership.objects.filter(user=user).values_list("role", flat=True))
    return min(roles, key=ROLE_PRIORITY.__getitem__) if roles else Role.MEMBER


def preference_defaults_of(*, user: User) -> PreferenceDefaults:
    """The role the defaults come from and, per event type, its default (in_app, email)."""
    role = default_role_of(user=user)
    return {
        "role": role,
        "defaults": {
            event_type: default_preference(event_type=event_type, role=role) for event_type in EventType.values
        },
    }


def preferences_of(*, user: User) -> list[dict[str, object]]:
    """The user's effective setting for every event type: their choice, else their role's default."""
    role = default_role_of(user=user)
    chosen = {row.event_type: (row.in_app, row.email) for row in NotificationPreference.objects.filter(user=user)}
    result = []
    for event_type in EventType.values:
        in_app, email = chosen.get(event_type) or default_preference(event_type=event_type, role=role)
        result.append(
            {
                "event_type": event_type,
                "in_app": effective_in_app(event_type=event_type, in_app=in_app),
                "email": email,
                "is_default": event_type not in chosen,
            }
        )
    return result


@dataclass(frozen=True)
class AgencyAlertAudience:
    """One agency that would hear about a plan's change: how many of its members, how many by e-mail."""

    agency: Agency
    is_owner: bool
    share_level: str | None
    members: int
    emailed: int
    webhooks: int


@dataclass(frozen=True)
class AlertAudience:
    """Who a publish or withdraw would alert, per agency and in total (distinct people)."""

    agencies: list[AgencyAlertAudience]
    people: int
    emailed: int
    email_roles: list[str]


def plan_alert_audience(*, user: User, plan: Plan, event_type: str) -> AlertAudience:
    """Preview of notifications.recipients.audience_for for a publish or withdraw by `user`, now.

    Every agency holding view_plan, its active members except `user`, and how many of them get an
    e-mail (their own choice for this event type, else their role's default). Five queries, any size.
    """
    viewer_agencies = viewing_agencies(plan_id=plan.pk)
    agencies = list(
        Agency.objects.filter(pk__in=viewer_agencies)
        .annotate(share_level=share_level_subquery(plan=plan))
        .order_by("name")
    )
    email_roles = [
        role for role in Role.values if default_preference(event_type=event_type, role=role)[1] != EmailChoice.OFF
    ]
    choice = NotificationPreference.objects.filter(user_id=OuterRef("user_id"), event_type=event_type)
    members = (
        active_members(agency_ids=viewer_agencies)
        .exclude(user_id=user.pk)
        .annotate(has_choice=Exists(choice), chose_email=Exists(choice.exclude(email=EmailChoice.OFF)))
    )
    emailed = Q(chose_email=True) | Q(has_choice=False, role__in=email_roles)
    per_agency = {
        row["agency_id"]: row
        for row in members.values("agency_id")
        .annotate(members=Count("id"), emailed=Count("id", filter=emailed))
        .order_by()
    }
    totals = members.aggregate(
        people=Count("user_id", distinct=True), emailed=Count("user_id", distinct=True, filter=emailed)
    )
    webhooks: dict[int, int] = {}
    for agency_id, events in WebhookEndpoint.objects.filter(agency_id__in=viewer_agencies, is_active=True).values_list(
        "agency_id", "events"
    ):
        if event_type in (events or []):
            webhooks[agency_id] = webhooks.get(agency_id, 0) + 1
    rows = [
        AgencyAlertAudience(
            agency=agency,
            is_owner=agency.pk == plan.owner_agency_id,
            share_level=agency.share_level,
            members=per_agency[agency.pk]["members"] if agency.pk in per_agency else 0,
            emailed=per_agency[agency.pk]["emailed"] if agency.pk in per_agency else 0,
            webhooks=webhooks.get(agency.pk, 0),
        )
        for agency in agencies
    ]
    rows.sort(key=lambda row: not row.is_owner)  # the owner first, then partners by name
    return AlertAudience(agencies=rows, people=totals["people"], emailed=totals["emailed"], email_roles=email_roles)
