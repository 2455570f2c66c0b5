"""Requests known to carry a signed-in user, typed as django-stubs advises, so views hand services a User."""

from typing import TypeGuard

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request


class HtmxHttpRequest(HttpRequest):
    """Every web request: django-htmx's middleware (in MIDDLEWARE) tells whether htmx sent it."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A web request behind login_required: its user is the project's user model, never AnonymousUser."""

    user: User


class AuthenticatedRequest(Request):
    """An API request behind IsAuthenticated (the default permission class): its user is never AnonymousUser."""

    user: User


def is_signed_in(request: HttpRequest) -> TypeGuard[AuthenticatedHttpRequest]:
    """`request.user.is_authenticated`, said so that the type checker knows the request's user from then on."""
    return request.user.is_authenticated


def signed_in_user(request: HttpRequest | Request) -> User:
    """The user of a request that a check the type checker cannot see has let in: the admin site's staff check,
    or IsAuthenticated in a DRF method whose `request` parameter type the base class fixes."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied  # unreachable behind that check; refusing beats acting as nobody
    return user
