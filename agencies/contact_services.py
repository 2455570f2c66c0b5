"""Changes to a building's contacts (the people to call, in order); the owner agency's admins and planners make them.

Each call is one transaction with its audit row; numbers are checked (agencies/phones.py).
"""

from typing import Any

from django.db import transaction
from django.db.models import Max

from access.actors import SystemActor, actor_allowed
from access.agencies import Actor
from access.facilities import can_edit_facility_contacts
from agencies.models import Facility, FacilityContact
from agencies.phones import phone_clean
from audit.models import AuditAction
from audit.services import audit_event_record
from portal.errors import InvalidInputError, NotAllowedError
from portal.unset import UNSET, Unset

REFUSED = "Only admins and planners of the building's owner agency may change its contacts."
TEXT_LIMITS = {"label": 100, "name": 200, "notes": 300}


def _refuse_unless_editor(actor: Actor | SystemActor, facility: Facility) -> None:
    if not actor_allowed(actor, lambda person: can_edit_facility_contacts(person, facility)):
        raise NotAllowedError(REFUSED)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """The given fields checked: a label, numbers that are numbers, texts within their lengths."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("phone", "alt_phone"):
            cleaned[name] = phone_clean(str(value or ""), field=name, required=name == "phone")
        elif name == "position":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 999:
                raise InvalidInputError("Give the order as a whole number from 0 to 999.", field="position")
            cleaned[name] = value
        else:
            text = " ".join(str(value or "").split())
            if name == "label" and not text:
                raise InvalidInputError("Say whom this number reaches, e.g. Principal or 24/7 line.", field=name)
            if len(text) > TEXT_LIMITS[name]:
                raise InvalidInputError(f"Keep this under {TEXT_LIMITS[name]} characters.", field=name)
            cleaned[name] = text
    return cleaned


@transaction.atomic
def facility_contact_create(
    *,
    facility: Facility,
    label: str,
    phone: str,
    name: str = "",
    alt_phone: str = "",
    notes: str = "",
    position: int | None = None,
    actor: Actor | SystemActor,
    ip_address: str | None = None,
) -> FacilityContact:
    """Add someone to call about a building; without a position, after the others."""
    _refuse_unless_editor(actor, facility)
    fields = _clean({"label": label, "name": name, "phone": phone, "alt_phone": alt_phone, "notes": notes})
    if position is None:
        last = FacilityContact.objects.filter(facility=facility).aggregate(last=Max("position"))["last"]
        position = 0 if last is None else min(last + 1, 999)
    fields.update(_clean({"position": position}))
    contact = FacilityContact.objects.create(facility=facility, **fields)
    audit_event_record(
        actor=actor,
        action=AuditAction.FACILITY_CONTACT_ADD,
        obj=contact,
        agency=facility.owner_agency,
        ip_address=ip_address,
        details={"facility": facility.pk, "label": contact.label, "phone": contact.phone},
    )
    return contact


@transaction.atomic
def facility_contact_update(
    *,
    contact: FacilityContact,
    actor: Actor | SystemActor,
    ip_address: str | None = None,
    label: str | Unset = UNSET,
    name: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    alt_phone: str | Unset = UNSET,
    notes: str | Unset = UNSET,
    position: int | Unset = UNSET,
) -> FacilityContact:
    """Change a contact's details or place in the order."""
    _refuse_unless_editor(actor, contact.facility)
    given = {
        key: value
        for key, value in {
            "label": label,
            "name": name,
            "phone": phone,
            "alt_phone": alt_phone,
            "notes": notes,
            "position": position,
        }.items()
        if value is not UNSET
    }
    cleaned = _clean(given)
    stored = FacilityContact.objects.select_for_update().get(pk=contact.pk)
    changes = {key: [getattr(stored, key), value] for key, value in cleaned.items() if getattr(stored, key) != value}
    for key, value in cleaned.items():
        setattr(contact, key, value)
    contact.save()
    if changes:
        audit_event_record(
            actor=actor,
            action=AuditAction.FACILITY_CONTACT_CHANGE,
            obj=contact,
            agency=contact.facility.owner_agency,
            ip_address=ip_address,
            details={"facility": contact.facility_id, "changes": changes},
        )
    return contact


@transaction.atomic
def facility_contact_delete(
    *, contact: FacilityContact, actor: Actor | SystemActor, ip_address: str | None = None
) -> None:
    """Remove a contact from a building's list."""
    _refuse_unless_editor(actor, contact.facility)
    audit_event_record(
        actor=actor,
        action=AuditAction.FACILITY_CONTACT_REMOVE,
        obj=contact,
        agency=contact.facility.owner_agency,
        ip_address=ip_address,
        details={"facility": contact.facility_id, "label": contact.label, "phone": contact.phone},
    )
    contact.delete()
