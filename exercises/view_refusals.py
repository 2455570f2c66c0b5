"""How the exercise pages show a service's refusal: a conflict or bad input goes on the form (or in a message)
and the page carries on; NotAllowedError is not caught, so it stays Django's 403 as everywhere else."""

from collections.abc import Callable
from enum import Enum
from typing import Any, Literal, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from portal.errors import ConflictError, InvalidInputError

T = TypeVar("T")

# What a person can act on from the page; the other apps' views catch the same two.
REFUSALS = (ConflictError, InvalidInputError)


class Refused(Enum):
    """The service refused (already shown to the person)."""

    REFUSED = "refused"


REFUSED = Refused.REFUSED


def on_form(form: forms.Form, action: Callable[[], T]) -> T | Literal[Refused.REFUSED]:
    """Run the service; a refusal becomes an error of the field it names (or of the whole form)."""
    try:
        return action()
    except REFUSALS as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return REFUSED


def with_message(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run the service and say how it went in a flash message: `success`, or why it was refused."""
    try:
        action()
    except REFUSALS as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True
