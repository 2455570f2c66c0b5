"""Showing stored key facts to people: coordinates without padding zeros, phones as they are dialled locally."""

from decimal import Decimal

import phonenumbers
from django import template

from consistency.facts import PHONE_REGION, degrees_text

register = template.Library()


@register.filter
def degrees(value: Decimal | None) -> str:
    return degrees_text(value)


@register.filter
def phone_display(e164: str) -> str:
    """+12175550142 → “(217) 555-0142”; numbers of other countries in international form."""
    try:
        number = phonenumbers.parse(e164, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return e164
    local = phonenumbers.region_code_for_number(number) == PHONE_REGION
    style = phonenumbers.PhoneNumberFormat.NATIONAL if local else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)
