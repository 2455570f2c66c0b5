"""The tel: link of a building contact's number, so a phone dials it with one tap."""

from django import template

from agencies.phones import tel_href

register = template.Library()


@register.filter(name="tel_href")
def tel_href_filter(value: str) -> str:
    return tel_href(str(value or ""))
