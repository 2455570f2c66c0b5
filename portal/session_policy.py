"""How long a signed-in browser session may last: the policy type and how the kernel asks for a person's.

Who decides is a domain question (agencies set their own; agencies/session_policy.py), so the kernel asks the
callable named by SESSION_POLICY_CALLABLE instead of importing the app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SessionPolicy:
    """A session ends after `idle_seconds` without activity, and `max_seconds` after sign-in in any case."""

    idle_seconds: int
    max_seconds: int


def platform_policy() -> SessionPolicy:
    """The platform's default, for people whose agencies set nothing (and people in no agency)."""
    return SessionPolicy(settings.SESSION_IDLE_TIMEOUT_SECONDS, settings.SESSION_MAX_LIFETIME_SECONDS)


@cache
def _resolver(path: str) -> Callable[[AbstractBaseUser], SessionPolicy]:
    resolver: Callable[[AbstractBaseUser], SessionPolicy] = import_string(path)
    return resolver


def session_policy_for(user: AbstractBaseUser) -> SessionPolicy:
    """The policy that applies to this person now (one query at most)."""
    return _resolver(settings.SESSION_POLICY_CALLABLE)(user)
