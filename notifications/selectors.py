"""Reads for the alerting pipeline; every function takes the asking user."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.models import Membership, Role
from notifications.models import EventType, Notification, NotificationPreference
from notifications.preferences import ROLE_PRIORITY, default_preference
from plans.models import Classification, Plan
from plans.permissions import plan_ids_granted_to


def notifications_of(*, user: AbstractBaseUser, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first, each marked with whether its plan is visible now.

    A share revoked since the alert keeps the alert but drops its link to the plan.
    """
    visible_plan = Plan.objects.filter(
        Q(classification=Classification.PUBLIC) | Q(id__in=plan_ids_granted_to(user=user)),
        pk=OuterRef("plan_id"),
    )
    notifications = Notification.objects.filter(user=user).annotate(plan_visible=Exists(visible_plan))
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def unread_count(*, user: AbstractBaseUser) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preferences_of(*, user: AbstractBaseUser) -> list[dict[str, object]]:
    """The user's effective setting for every event type: their choice, else their role's default."""
    roles = list(Membership.objects.filter(user=user).values_list("role", flat=True))
    role = min(roles, key=ROLE_PRIORITY.__getitem__) if roles else Role.MEMBER
    chosen = {row.event_type: (row.in_app, row.email) for row in NotificationPreference.objects.filter(user=user)}
    result = []
    for event_type in EventType.values:
        in_app, email = chosen.get(event_type) or default_preference(event_type=event_type, role=role)
        result.append(
            {"event_type": event_type, "in_app": in_app, "email": email, "is_default": event_type not in chosen}
        )
    return result
