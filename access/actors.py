"""Who acts on a service call: a person from a request, or SYSTEM (seeding, data generators, test fixtures).

A service's gate lets SYSTEM through and asks the access layer about everyone else; anything that is neither
(None passed by mistake, at run time) is refused like a person without the right, never let through.
"""

from collections.abc import Callable
from typing import Final, Literal

from django.contrib.auth.models import AnonymousUser, User


class SystemActor:
    """The system itself — seeding, data generators and test fixtures — never a request."""

    # Literal, as django-stubs types the users' own: `if actor.is_authenticated` narrows to a User.
    is_authenticated: Literal[False] = False  # audit rows and event payloads record no person for it
    is_staff: Literal[False] = False
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()

Person = User | AnonymousUser


def actor_allowed(actor: Person | SystemActor, allowed: Callable[[Person], bool]) -> bool:
    """SYSTEM is allowed; a person as `allowed` says; anything else (None by mistake) is not."""
    if actor is SYSTEM:
        return True
    return isinstance(actor, Person) and allowed(actor)
