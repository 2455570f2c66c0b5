"""Signing out empties the browser of what Concord kept in it: the installable app's offline copies (offline/)
and the HTTP cache, by `Clear-Site-Data` on the answer that signed the person out."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

CLEAR_SITE_DATA = '"cache", "storage"'


def clears_site_data(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap the sign-out view: a request that signed someone out answers with `Clear-Site-Data`."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = view(request, *args, **kwargs)
        if was_signed_in and not request.user.is_authenticated:
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response

    return wrapped
