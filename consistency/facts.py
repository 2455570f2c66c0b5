"""The kinds of facility key facts and the rules each value must follow.

Every writer (the API, the editor's form, the demo data) passes raw values through `facts_clean`, so a fact
is stored only in its one canonical form: places as words plus an optional coordinate pair, phones in E.164,
radio channels in a radio's character set.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import phonenumbers

from consistency.models import FactKey
from portal.errors import InvalidInputError

# Facts that name a place: words (required) and, optionally, where it is on a map.
PLACE_KEYS: tuple[str, ...] = tuple(
    key.value
    for key in (
        FactKey.COMMAND_POST,
        FactKey.STAGING_AREA,
        FactKey.REUNIFICATION_SITE,
        FactKey.EVACUATION_PRIMARY,
        FactKey.EVACUATION_SECONDARY,
        FactKey.SHELTER_IN_PLACE,
        FactKey.MAIN_ENTRY,
        FactKey.KNOX_BOX,
    )
)
# The order facts are shown and asked in: places first, then how to reach people on site.
FACT_KEYS: tuple[str, ...] = (
    *PLACE_KEYS,
    FactKey.RADIO_CHANNEL.value,
    FactKey.ONSITE_CONTACT_ROLE.value,
    FactKey.ONSITE_CONTACT_PHONE.value,
)

PLACE_TEXT_MAX = 300
RADIO_CHANNEL_MAX = 60
CONTACT_ROLE_MAX = 120
PHONE_REGION = "US"
PHONE_MESSAGE = "Enter a phone number such as (217) 555-0142 or +1 217 555 0142."
RADIO_CHANNEL_RE = re.compile(r"^[A-Za-z0-9 ./#-]+$")
COORDINATE_STEP = Decimal("0.000001")  # the model keeps six decimals (about 11 cm)


@dataclass(frozen=True)
class FactValue:
    """One cleaned fact: the text as stored and, for places, an optional coordinate pair."""

    text: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class FactsInvalidError(InvalidInputError):
    """Some facts break their rules; `errors` maps each fact key to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first_key, messages = next(iter(errors.items()))
        super().__init__(f"{label_of(first_key)}: {messages[0]}", field="facts")
        self.errors = errors


def degrees_text(value: Decimal | None) -> str:
    """A stored coordinate as people write it: 41.880100 → “41.8801”."""
    return "" if value is None else format(value.normalize(), "f")


def label_of(key: str) -> str:
    return FactKey(key).label if key in FactKey.values else key


def is_place(key: str) -> bool:
    return key in PLACE_KEYS


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("Give this as text.")
    return " ".join(value.split())


def _coordinate(value: Any, *, name: str, limit: int) -> Decimal | None:
    """A latitude or longitude within ±limit degrees, rounded to the six decimals the model keeps."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError(f"{name} must be a number of degrees, such as 41.8781.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{name} must be a number of degrees, such as 41.8781.") from exc
    if not number.is_finite() or not -limit <= number <= limit:
        raise ValueError(f"{name} must be between -{limit} and {limit} degrees.")
    return number.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP)


def place_clean(raw: Any) -> tuple[FactValue | None, dict[str, list[str]]]:
    """A place: `{text, latitude, longitude}` (or just its text). Errors are by part: text, latitude, longitude."""
    if isinstance(raw, FactValue):
        raw = {"text": raw.text, "latitude": raw.latitude, "longitude": raw.longitude}
    elif raw is None or isinstance(raw, str):
        raw = {"text": raw}
    elif not isinstance(raw, dict):
        return None, {"text": ["Give a place as {text, latitude, longitude} or as its text."]}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - {"text", "latitude", "longitude"})
    if unknown:
        errors["text"] = [f"Unknown part {', '.join(unknown)}: a place has text, latitude and longitude."]
    try:
        text = _text(raw.get("text"))
    except ValueError as exc:
        errors.setdefault("text", []).append(str(exc))
        text = ""
    coordinates: dict[str, Decimal | None] = {}
    for part, limit in (("latitude", 90), ("longitude", 180)):
        try:
            coordinates[part] = _coordinate(raw.get(part), name=part.capitalize(), limit=limit)
        except ValueError as exc:
            errors[part] = [str(exc)]
            coordinates[part] = None
    if len(text) > PLACE_TEXT_MAX:
        errors.setdefault("text", []).append(f"Keep the description to {PLACE_TEXT_MAX} characters ({len(text)} now).")
    given = {part for part in ("latitude", "longitude") if raw.get(part) not in (None, "")}
    if len(given) == 1 and not errors.keys() & {"latitude", "longitude"}:
        missing = ({"latitude", "longitude"} - given).pop()
        errors[missing] = [f"Give the {missing} too: coordinates come in pairs (or leave both empty)."]
    if not text and given:
        errors.setdefault("text", []).append("Describe the place in words too; coordinates alone are not enough.")
    if errors:
        return None, errors
    if not text:
        return None, {}
    return FactValue(text=text, latitude=coordinates["latitude"], longitude=coordinates["longitude"]), {}


def phone_clean(raw: Any) -> str:
    """A phone number people can dial, in E.164 (`+12175550142`); US numbers may omit the +1."""
    text = _text(raw)
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(PHONE_MESSAGE) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(PHONE_MESSAGE)
    if number.extension:
        raise ValueError("Give a direct number without an extension, so responders reach the person at once.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def radio_channel_clean(raw: Any) -> str:
    """A channel or talkgroup as written on a radio: letters, digits, spaces and - . / #."""
    text = _text(raw)
    if len(text) > RADIO_CHANNEL_MAX:
        raise ValueError(f"Keep the channel to {RADIO_CHANNEL_MAX} characters ({len(text)} now).")
    if text and not RADIO_CHANNEL_RE.match(text):
        raise ValueError("Use only letters, digits, spaces and - . / # (for example “FD TAC-3” or “CH 12/B”).")
    return text


def contact_role_clean(raw: Any) -> str:
    """Who answers on site, by role (e.g. “Principal” or “Head custodian”), not by name."""
    text = _text(raw)
    if len(text) > CONTACT_ROLE_MAX:
        raise ValueError(f"Keep the role to {CONTACT_ROLE_MAX} characters ({len(text)} now).")
    return text


_TEXT_RULES = {
    FactKey.RADIO_CHANNEL: radio_channel_clean,
    FactKey.ONSITE_CONTACT_ROLE: contact_role_clean,
    FactKey.ONSITE_CONTACT_PHONE: phone_clean,
}


def fact_clean(key: str, raw: Any) -> tuple[FactValue | None, dict[str, list[str]]]:
    """One fact by its key: the cleaned value (None when empty) and its errors by part."""
    if is_place(key):
        return place_clean(raw)
    if isinstance(raw, FactValue):
        raw = raw.text
    try:
        text = _TEXT_RULES[FactKey(key)](raw)
    except ValueError as exc:
        return None, {"text": [str(exc)]}
    return (FactValue(text=text) if text else None), {}


def facts_clean(raw: Any) -> dict[str, FactValue]:
    """Every fact of one facility, cleaned; empty values are dropped. Raises FactsInvalidError by key."""
    if not isinstance(raw, dict):
        raise FactsInvalidError({"facts": ["Give the facts as an object keyed by fact, e.g. {“radio_channel”: …}."]})
    cleaned: dict[str, FactValue] = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        if key not in FactKey.values:
            errors[str(key)] = [f"Not a key fact; use one of: {', '.join(FACT_KEYS)}."]
            continue
        fact, fact_errors = fact_clean(key, value)
        if fact_errors:
            errors[key] = [message for messages in fact_errors.values() for message in messages]
        elif fact is not None:
            cleaned[key] = fact
    if errors:
        raise FactsInvalidError(errors)
    return {key: cleaned[key] for key in FACT_KEYS if key in cleaned}
