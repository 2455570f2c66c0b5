"""Whether the request a user object came with passed a second factor, kept on that object.

The session's sign-in records (accounts.second_factor) or the API token used (accounts.authentication) say
so once per request; the gate (access.second_factor) reads it from the actor it is handed, so services that
take only the actor (exports, the admin) see it too. A user loaded any other way (a worker, a script) has
not passed one.
"""

from typing import Any

_MARK = "_concord_second_factor"


def second_factor_mark(user: Any, *, passed: bool) -> None:
    """Record on this request's user object whether its sign-in used a second factor."""
    setattr(user, _MARK, passed)


def second_factor_passed(user: Any) -> bool:
    """Whether the request this user object came with passed a second factor (False when nobody said)."""
    return bool(getattr(user, _MARK, False))
