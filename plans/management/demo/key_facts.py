"""The demo plans' structured key facts: each school's plan states its own, and the fire district's pre-incident
plan restates them in its own spelling ("Street" for "St", "West" for "W", other punctuation), so they agree,
except for one planted conflict: the fire district still stages at Hawthorne's old staging area."""

import re
from decimal import Decimal

from consistency.models import FactKey
from plans.management.demo.county import SchoolFacts

# The fire district's pre-incident plan was written before Hawthorne moved its fire/EMS staging (its v2).
PLANTED_CONFLICT_SCHOOL = "hawthorne"
# One reunification site is stated with coordinates on both sides, in different words: about 10 m apart,
# so it agrees (coordinates decide when both sides have them).
SURVEYED_SCHOOL = "fairbrook_hs"
SURVEYED_SITE = (Decimal("41.913410"), Decimal("-88.079620"))
SURVEYED_SITE_FIRE = (Decimal("41.913500"), Decimal("-88.079600"))
SURVEYED_SITE_FIRE_WORDS = "Park District Rec Center, main doors on Civic Center Drive"

# (text, latitude, longitude) or just text.
FactInput = str | tuple[str, Decimal, Decimal]

_LONG_FORMS = {
    "St": "Street",
    "Ave": "Avenue",
    "Dr": "Drive",
    "Rd": "Road",
    "Ln": "Lane",
    "Ct": "Court",
    "Pkwy": "Parkway",
    "W": "West",
    "N": "North",
    "E": "East",
    "S": "South",
}
# An abbreviation standing alone; "St." (Saint) and "Mark's" are left as they are.
_ABBREVIATION = re.compile(r"\b(" + "|".join(_LONG_FORMS) + r")\b(?![.'])")


def contact_phone(index: int) -> str:
    """The main office line of the school at position `index` (1-based) of the county table, in E.164."""
    return f"+1630555{100 + index:04d}"


def radio_channel(talkgroup: str) -> str:
    """The talkgroup alone, without the notes in brackets that the plan's text adds."""
    return talkgroup.split(" (", 1)[0].strip()


def school_key_facts(facts: SchoolFacts, *, index: int) -> dict[str, FactInput]:
    """What a school's crisis plan states about its building."""
    stated: dict[str, FactInput] = {
        FactKey.COMMAND_POST: facts.command_post,
        FactKey.STAGING_AREA: facts.fire_staging,
        FactKey.REUNIFICATION_SITE: facts.reunification_site,
        FactKey.EVACUATION_PRIMARY: facts.offsite_evacuation,
        FactKey.RADIO_CHANNEL: radio_channel(facts.talkgroup),
        FactKey.MAIN_ENTRY: facts.main_entrance,
        FactKey.KNOX_BOX: facts.knox_box,
        FactKey.ONSITE_CONTACT_ROLE: "Principal",
        FactKey.ONSITE_CONTACT_PHONE: contact_phone(index),
    }
    if facts.school.short == SURVEYED_SCHOOL:
        stated[FactKey.REUNIFICATION_SITE] = (facts.reunification_site, *SURVEYED_SITE)
    return stated


def fire_spelling(text: str) -> str:
    """The same words as the fire district writes them: long street words, dashes for commas, a capital."""
    text = _ABBREVIATION.sub(lambda match: _LONG_FORMS[match.group(1)], text).replace(", ", " - ")
    return text[:1].upper() + text[1:]


def fire_key_facts(current: SchoolFacts, original: SchoolFacts, *, index: int) -> dict[str, FactInput]:
    """What the fire district's plan states about a school: the school's current facts in the fire district's
    words, except the staging area it never updated at the planted school."""
    school = school_key_facts(current, index=index)
    stated: dict[str, FactInput] = {
        key: fire_spelling(value) if isinstance(value, str) else value
        for key, value in school.items()
        if key not in (FactKey.RADIO_CHANNEL, FactKey.ONSITE_CONTACT_PHONE, FactKey.ONSITE_CONTACT_ROLE)
    }
    talkgroup = str(school[FactKey.RADIO_CHANNEL])
    stated[FactKey.RADIO_CHANNEL] = re.sub(r"\s+(\d+)$", r"-\1", talkgroup.title().replace("Lc ", "LC "))
    stated[FactKey.ONSITE_CONTACT_ROLE] = "the principal"
    stated[FactKey.ONSITE_CONTACT_PHONE] = school[FactKey.ONSITE_CONTACT_PHONE]
    if current.school.short == SURVEYED_SCHOOL:
        stated[FactKey.REUNIFICATION_SITE] = (SURVEYED_SITE_FIRE_WORDS, *SURVEYED_SITE_FIRE)
    if current.school.short == PLANTED_CONFLICT_SCHOOL:
        stated[FactKey.STAGING_AREA] = fire_spelling(original.fire_staging)
    return stated


def fire_preincident_sections() -> list[dict[str, str]]:
    """The fire district's pre-incident plan for the schools it protects."""
    rows = [
        (
            "purpose-scope",
            "Purpose and scope",
            "First-due assignments, staging, command and water supply for every school in the district, so the "
            "first engine officer arrives knowing the building. The key facts of each school (command post, "
            "staging area, reunification and evacuation sites, talkgroup, main entry and Knox box) are kept as "
            "structured facts and compared with each school's own crisis plan.",
        ),
        (
            "first-due",
            "First-due assignments",
            "Station 1 (Main St): center and east schools. Station 2 (Kennicott Ave): north schools. "
            "Station 3 (County Line Rd): west and south schools. Every school alarm: two engines, a truck, "
            "an ambulance and the battalion chief.",
        ),
        (
            "staging-command",
            "Staging and command",
            "Level 1 staging at the school's fire/EMS staging area; the battalion chief joins the school's and the "
            "police department's unified command at the incident command post. Never stage where students "
            "assemble or where families are reunified.",
        ),
        (
            "water-supply",
            "Water supply",
            "Hydrants on the school's street frontage; the truck company checks the fire department connection "
            "beside the Knox box.",
        ),
        (
            "plan-maintenance",
            "Plan maintenance",
            "Reviewed every year with each school district after the districts publish their crisis plans.",
        ),
    ]
    return [{"key": key, "title": title, "body": body} for key, title, body in rows]
