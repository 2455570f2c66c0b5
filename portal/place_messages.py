"""Messages shown beside the form that produced them, not at the top of a page the redirect scrolled away from.

A POST that sends the person back to `page#place` (the acknowledge panel, a comment, the sharing panel...)
adds its success or error message *at* that place. base.html leaves such messages out of the list at the
top of the page, and the template that renders the element with id `place` shows them inside it with
`{% messages_at "place" %}` (portal/templatetags/place_messages.py), in a status region that
portal/static/portal/place-messages.js focuses, so it is in view and read out.
"""

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest

PLACE_PREFIX = "place:"


def message_at(request: HttpRequest, level: int, text: str, *, place: str) -> None:
    """Add a message shown at `place` (an element id on the next page); with no place, at the top as usual."""
    messages.add_message(request, level, text, extra_tags=f"{PLACE_PREFIX}{place}" if place else "")


def place_of(message: Message) -> str:
    """The place a message belongs to, or "" for a message of the whole page."""
    tags = message.extra_tags or ""
    return tags[len(PLACE_PREFIX) :] if tags.startswith(PLACE_PREFIX) else ""
