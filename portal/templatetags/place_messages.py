"""Where messages are shown: the page's own at the top (base.html), a form's beside that form
(portal/place_messages.py)."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.contrib.messages.storage.base import Message

from portal.place_messages import place_of

register = template.Library()


@register.filter
def page_messages(messages: Iterable[Message]) -> list[Message]:
    """The messages of the whole page: those no form asked to show beside itself."""
    return [message for message in messages if not place_of(message)]


@register.inclusion_tag("portal/_messages_at.html", takes_context=True)
def messages_at(context: template.Context, *parts: Any) -> dict[str, Any]:
    """The messages for the element whose id the parts make (`"comment" 12` is "comment-12"), if any."""
    place = "-".join(str(part) for part in parts)
    found = [message for message in context.get("messages") or () if place_of(message) == place]
    return {"place": place, "place_messages": found}
