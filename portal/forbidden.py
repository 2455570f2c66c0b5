"""The 403 page: a forbidden action says why; content that needs a second factor says how to get one."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.defaults import permission_denied as django_permission_denied

from portal.errors import SecondFactorRequiredError


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 403 page, or for content behind multi-factor sign-in, the way to it and back to this page."""
    if not isinstance(exception, SecondFactorRequiredError):
        return django_permission_denied(request, exception)
    back = urlencode({"next": request.get_full_path()})
    context = {
        "owner": exception.owner,
        "confirm_url": f"{reverse('mfa_reauthenticate')}?{back}",
        "enrol_url": reverse("mfa_index"),
    }
    return render(request, "second_factor_required.html", context, status=403)
