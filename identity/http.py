"""How the web page and the API find the agency whose single sign-on is asked for: 404 for anyone outside the
agency (its settings are not theirs to know about), 403 for its members who are not admins."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from rest_framework.request import Request

from access.agencies import can_manage_agency, can_see_agency_settings
from agencies import selectors as agency_selectors
from agencies.models import Agency
from identity.models import AgencySSO
from identity.services import provider_id_for


def sso_managed_agency(request: HttpRequest | Request, agency_id: int) -> Agency:
    agency = get_object_or_404(agency_selectors.agencies_visible_to(user=request.user), pk=agency_id)
    if not can_see_agency_settings(request.user, agency.pk):
        raise Http404("No such agency settings.")
    if not can_manage_agency(request.user, agency.pk):
        raise PermissionDenied("Only this agency's admins may see or change its single sign-on.")
    return agency


def redirect_uri(request: HttpRequest | Request, agency: Agency, sso: AgencySSO | None) -> str:
    """The exact redirect URI the agency registers at its identity provider: the one allauth sends, built
    from this request's host as allauth builds it (behind a proxy, the public address)."""
    provider_id = sso.provider_id if sso else provider_id_for(agency)
    return request.build_absolute_uri(reverse("openid_connect_callback", kwargs={"provider_id": provider_id}))


def allow_forms_to_providers(response: HttpResponse, ssos: Iterable[AgencySSO]) -> HttpResponse:
    """Let this page's forms end at these providers: a form posted to Concord that redirects to the provider's
    sign-in is held to the page's CSP form-action, which is otherwise 'self' only."""
    origins = sorted({origin for sso in ssos if (origin := _origin(sso.app.settings.get("server_url", "")))})
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]  # read by django-csp
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
