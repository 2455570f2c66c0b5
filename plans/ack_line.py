"""The acknowledge panel's status as one line: what the person and their agencies acknowledged of the current
version, each said once ("You acknowledged v2 on 3 Dec 2026, and your agency, Ridgeford Police, on 3 Dec 2026
(by Pat Smith).")."""

from datetime import datetime

from django.contrib.auth.models import User
from django.utils.formats import date_format
from django.utils.timezone import localtime

from plans.models import Acknowledgement, AgencyAcknowledgement


def person_name(user: User) -> str:
    """People are shown by name, falling back to the username."""
    return user.get_full_name() or user.get_username()


def _day(moment: datetime) -> str:
    return date_format(localtime(moment), "j M Y")


def _agencies(acks: list[AgencyAcknowledgement], reader: User) -> tuple[str, str]:
    """("your agency, Ridgeford Police," or "your agencies, A and B,", " on 3 Dec 2026 (by Pat Smith)")."""
    names = [a.agency.name for a in acks]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    whom = f"your agency, {listed}," if len(names) == 1 else f"your agencies, {listed},"
    by = sorted(
        {
            "you" if a.acknowledged_by_id == reader.pk else person_name(a.acknowledged_by)
            for a in acks
            if a.acknowledged_by
        }
    )
    return whom, f" on {_day(acks[0].acknowledged_at)}" + (f" (by {' and '.join(by)})" if by else "")


def acknowledgement_line(
    *, reader: User, number: int, personal: Acknowledgement | None, agency_acks: list[AgencyAcknowledgement]
) -> str:
    """One sentence for the person's and their agencies' acknowledgements of version `number` ("" for none)."""
    if personal is not None and agency_acks:
        whom, when = _agencies(agency_acks, reader)
        return f"You acknowledged v{number} on {_day(personal.acknowledged_at)}, and {whom}{when}."
    if personal is not None:
        return f"You acknowledged v{number} on {_day(personal.acknowledged_at)}."
    if agency_acks:
        whom, when = _agencies(agency_acks, reader)
        return f"{whom[0].upper()}{whom[1:]} acknowledged v{number}{when}; you have not yet."
    return ""
