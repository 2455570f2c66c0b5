"""Who may read the open-format feeds (GeoJSON, iCal, CAP), and which plans each one may name.

The GeoJSON layer and the calendar answer for one person, so they ask `access.plans`; the CAP feed speaks for
an agency to its alerting system, so it names the plans that agency holds `view_plan` on (grants only, as the
alert fan-out does: a public plan that was never shared with the agency is not its alert).
"""

from django.db.models import QuerySet

from access.agencies import Actor, is_agency_member
from access.grants import VIEW
from access.plans import granted_plan_ids
from agencies.models import Agency
from plans.models import PlanGroupObjectPermission


def calendar_plan_ids(*, user: Actor) -> QuerySet:
    """Plans on a person's calendar: those their agencies own or partner on (grants; public alone is not enough)."""
    if not user.is_authenticated or not user.is_active:
        return PlanGroupObjectPermission.objects.none().values("content_object_id")
    return granted_plan_ids(user=user)


def agency_alert_plan_ids(*, agency_id: int) -> QuerySet:
    """One subquery: ids of the plans an agency holds `view_plan` on, for its CAP feed."""
    group = Agency.objects.filter(pk=agency_id).values("group_id")
    return PlanGroupObjectPermission.objects.filter(
        permission__codename=VIEW, permission__content_type__app_label="plans", group_id__in=group
    ).values("content_object_id")


def can_read_agency_alerts(user: Actor, agency_id: int) -> bool:
    """An agency's CAP feed is read by its own active members (a person, or the alerting system's account)."""
    return bool(user.is_authenticated and user.is_active and is_agency_member(user, agency_id))
