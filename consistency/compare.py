"""When two agencies' facts about one building disagree: the same fact stated differently, or one plan's
responders parking where the other plan gathers children. Pure functions over FactValue, no database."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from consistency.facts import PLACE_KEYS
from consistency.models import ConflictKind, FactKey
from consistency.normalize import (
    SAME_PLACE_METRES,
    distance_metres,
    normalize_phone,
    normalize_radio,
    normalize_text,
)

# Where responders park or command ...
RESPONDER_KEYS = (FactKey.STAGING_AREA, FactKey.COMMAND_POST)
# ... must not be where people gather.
GATHERING_KEYS = (
    FactKey.REUNIFICATION_SITE,
    FactKey.EVACUATION_PRIMARY,
    FactKey.EVACUATION_SECONDARY,
    FactKey.SHELTER_IN_PLACE,
)


@dataclass(frozen=True)
class FactValue:
    """One side's statement of a fact, as stored."""

    text: str
    latitude: Decimal | float | None = None
    longitude: Decimal | float | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Finding:
    """A disagreement between a first side's fact and a second side's fact."""

    kind: str
    first_key: str
    second_key: str


def same_place(first: FactValue, second: FactValue) -> bool:
    """Coordinates on both sides decide (within 50 m), even if the words differ; otherwise the normalised words."""
    if first.has_coordinates and second.has_coordinates:
        distance = distance_metres((first.latitude, first.longitude), (second.latitude, second.longitude))  # type: ignore[arg-type]  # has_coordinates: none is None
        return distance <= SAME_PLACE_METRES
    return normalize_text(first.text) == normalize_text(second.text)


def facts_agree(key: str, first: FactValue, second: FactValue) -> bool:
    """Whether two statements of the same fact say the same thing, by the rule of that kind of fact."""
    if key in PLACE_KEYS:
        return same_place(first, second)
    if key == FactKey.ONSITE_CONTACT_PHONE:
        return normalize_phone(first.text) == normalize_phone(second.text)
    if key == FactKey.RADIO_CHANNEL:
        return normalize_radio(first.text) == normalize_radio(second.text)
    return normalize_text(first.text) == normalize_text(second.text)


def differences(first: Mapping[str, FactValue], second: Mapping[str, FactValue]) -> list[Finding]:
    """Facts both sides state, stated differently (a fact only one side states is no conflict)."""
    return [
        Finding(ConflictKind.DIFFERS, key, key)
        for key in sorted(first.keys() & second.keys())
        if not facts_agree(key, first[key], second[key])
    ]


def contradictions(responders: Mapping[str, FactValue], gathering: Mapping[str, FactValue]) -> list[Finding]:
    """The first side's staging area or command post at the same place as the second side's gathering place."""
    return [
        Finding(ConflictKind.CONTRADICTS, responder_key, gathering_key)
        for responder_key in RESPONDER_KEYS
        if responder_key in responders
        for gathering_key in GATHERING_KEYS
        if gathering_key in gathering and same_place(responders[responder_key], gathering[gathering_key])
    ]
