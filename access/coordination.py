"""Who may onboard agencies and who may see every agency's completeness (never a plan's content: the plan
rules in access/plans.py give a coordinator nothing, so their plan pages stay 404)."""

from access.agencies import Actor, can_create_agencies, can_manage_agency
from onboarding.models import StateCoordinator


def can_onboard_agencies(user: Actor) -> bool:
    """Platform operators (staff) create agencies and invite their first admin."""
    return can_create_agencies(user)


def is_state_coordinator(user: Actor) -> bool:
    return bool(user.is_authenticated and StateCoordinator.objects.filter(user_id=user.pk).exists())


def can_see_agency_completeness(user: Actor) -> bool:
    """State coordinators and platform operators see the list of agencies and their completeness counts."""
    return bool(user.is_authenticated and (user.is_staff or is_state_coordinator(user)))


def can_set_up_agency(user: Actor, agency_id: int) -> bool:
    """An agency's admins (and staff) set it up: its card, roster, sharing defaults."""
    return can_manage_agency(user, agency_id)
