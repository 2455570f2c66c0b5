"""A person's session policy: the strictest of their agencies' (each unset value is the platform's)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Min, Value
from django.db.models.functions import Coalesce

from agencies.models import Membership
from portal.session_policy import SessionPolicy, platform_policy


def session_policy_for(user: AbstractBaseUser) -> SessionPolicy:
    """The shortest idle timeout and the shortest lifetime among the person's agencies, in one query.

    An agency that sets nothing counts with the platform's value, so a person in no agency, or in agencies that
    set nothing, gets the platform's policy; an agency may set a longer value than the platform's for its people.
    """
    default = platform_policy()
    strictest = Membership.objects.filter(user_id=user.pk).aggregate(
        idle=Min(Coalesce(F("agency__session_idle_minutes") * 60, Value(default.idle_seconds))),
        max=Min(Coalesce(F("agency__session_max_hours") * 3600, Value(default.max_seconds))),
    )
    return SessionPolicy(
        idle_seconds=strictest["idle"] if strictest["idle"] is not None else default.idle_seconds,
        max_seconds=strictest["max"] if strictest["max"] is not None else default.max_seconds,
    )
