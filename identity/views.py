"""Web pages of single sign-on: the sign-in step by work e-mail, and an agency admin's provider settings."""

from allauth.account.utils import get_next_redirect_url
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from identity import selectors, services
from identity.forms import AgencySSOForm, SSOStartForm
from identity.http import allow_forms_to_providers, redirect_uri, sso_managed_agency
from identity.models import AgencySSO
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest
from portal.unset import UNSET


def _to_provider(request: HttpRequest, sso: AgencySSO) -> HttpResponse:
    provider = get_adapter(request).get_provider(request, provider=sso.provider_id)
    return provider.redirect(request, process=AuthProcess.LOGIN, next_url=get_next_redirect_url(request))


@require_http_methods(["GET", "POST"])
def sso_start(request: HttpRequest) -> HttpResponse:
    """ "Sign in with your agency's sign-on": the work e-mail names the agency, whose provider takes over."""
    form = SSOStartForm(request.POST if request.method == "POST" else None)
    choices: list[AgencySSO] = []
    if request.method == "POST" and form.is_valid():
        choices = list(selectors.sso_for_email(form.cleaned_data["email"]))
        chosen = request.POST.get("agency")
        if chosen:
            choices = [sso for sso in choices if sso.agency.slug == chosen]
            if len(choices) == 1:
                return _to_provider(request, choices[0])
        if not choices:
            form.add_error(
                "email",
                "No agency here signs in this address with single sign-on. Sign in with your username and "
                "password, or ask your agency's Concord admin.",
            )
    next_url = get_next_redirect_url(request) or ""
    response = render(request, "identity/sso_start.html", {"form": form, "choices": choices, "next": next_url})
    # The button posts here and is redirected to the provider: the page's CSP must let the form go there.
    return allow_forms_to_providers(response, choices)


@login_required
@require_http_methods(["GET", "POST"])
def agency_sso(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """The agency's identity provider: what to register there, and the issuer, client and domains to use."""
    agency = sso_managed_agency(request, agency_id)
    sso = selectors.agency_sso_of(agency=agency)
    if request.method == "POST":
        form = AgencySSOForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.agency_sso_configure(
                    agency=agency,
                    actor=request.user,
                    issuer=data["issuer"],
                    client_id=data["client_id"],
                    client_secret=data["client_secret"] or UNSET,
                    domains=data["domains"],
                    sso_only=data["sso_only"],
                    enabled=data["enabled"],
                    ip_address=client_ip(request),
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Single sign-on saved.")
                return redirect("identity:agency-sso", agency_id=agency.pk)
    elif sso is not None:
        form = AgencySSOForm(
            initial={
                "issuer": sso.app.settings.get("server_url", ""),
                "client_id": sso.app.client_id,
                "domains": ", ".join(sso.allowed_domains),
                "enabled": sso.enabled,
                "sso_only": sso.sso_only,
            }
        )
    else:
        form = AgencySSOForm()
    uri = redirect_uri(request, agency, sso)
    context = {"nav": "agencies", "agency": agency, "sso": sso, "form": form, "redirect_uri": uri}
    return render(request, "identity/agency_sso.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agency_sso_remove(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Ask for confirmation (GET), then remove the provider (POST): people sign in with passwords again."""
    agency = sso_managed_agency(request, agency_id)
    sso = selectors.agency_sso_of(agency=agency)
    if sso is None:
        return redirect("identity:agency-sso", agency_id=agency.pk)
    if request.method != "POST":
        return render(request, "identity/agency_sso_remove.html", {"nav": "agencies", "agency": agency, "sso": sso})
    services.agency_sso_remove(agency=agency, actor=request.user, ip_address=client_ip(request))
    messages.success(request, "Single sign-on removed: your people sign in with their passwords again.")
    return redirect("identity:agency-sso", agency_id=agency.pk)
