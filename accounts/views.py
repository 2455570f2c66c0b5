"""The signed-in person's "API tokens" page: create (the token shown once), list, revoke with a confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from knox.settings import knox_settings

from accounts import selectors, services
from accounts.forms import ApiTokenCreateForm
from accounts.mfa_policy import has_mfa, session_used_mfa
from portal.api.request_info import client_ip
from portal.types import AuthenticatedHttpRequest


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your tokens and the form to create one; a new token is shown in this response only, never stored.

    A token is issued only after a full sign-in: a person who has MFA confirms it in this session first.
    """
    form = ApiTokenCreateForm(request.POST if request.method == "POST" else None)
    created = None
    mfa_confirm_url = None
    if not session_used_mfa(request) and has_mfa(request.user):
        mfa_confirm_url = f"{reverse('mfa_reauthenticate')}?next={reverse('accounts:api-tokens')}"
    if request.method == "POST" and form.is_valid() and mfa_confirm_url:
        form.add_error(None, "Confirm your second factor first (the link above), then create the token.")
    elif request.method == "POST" and form.is_valid():
        token, plaintext = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            second_factor=session_used_mfa(request),
            ip_address=client_ip(request),
        )
        created = {"token": token, "plaintext": plaintext}
        form = ApiTokenCreateForm()
    context = {
        "tokens": selectors.api_tokens_of(user=request.user),
        "form": form,
        "created": created,
        "idle_days": knox_settings.TOKEN_TTL.days,
        "mfa_confirm_url": mfa_confirm_url,
    }
    response = render(request, "accounts/api_tokens.html", context)
    # The page may hold a token: no browser or proxy cache keeps it.
    add_never_cache_headers(response)
    return response


@login_required
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    """Ask for confirmation (GET), then revoke (POST); another person's token is a 404."""
    token = get_object_or_404(selectors.api_tokens_of(user=request.user), pk=token_id)
    if request.method != "POST":
        return render(request, "accounts/api_token_revoke.html", {"token": token})
    services.api_token_revoke(token=token, actor=request.user, ip_address=client_ip(request))
    messages.success(request, f"The token “{token.name or 'unnamed'}” was revoked; it no longer works.")
    return redirect("accounts:api-tokens")
