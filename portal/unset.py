"""The "not given" value of a service's optional fields, so that None (or "") can still be a value to set."""

import enum


class Unset(enum.Enum):
    """A field the caller did not pass: an update service leaves it as it is."""

    UNSET = "unset"

    def __bool__(self) -> bool:
        return False


UNSET = Unset.UNSET
