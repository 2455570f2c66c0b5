"""Template filters of the review panels."""

from typing import Any

from django import template

register = template.Library()


@register.filter(name="for_key")
def for_key(mapping: dict[str, Any] | None, key: str) -> Any:
    """`mapping[key]`, or an empty list: the threads (or change requests) anchored to one section."""
    return (mapping or {}).get(key, [])
