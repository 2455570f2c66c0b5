"""The page an invitation e-mail links to: a new person chooses their first password; an expired link says so."""

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.invitations import LinkState, invitation_tokens, invited_user


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Choose a password (GET shows the form, POST sets it); 410 for an expired link, 404 for a wrong or used one."""
    user = invited_user(uidb64)
    state, expires = invitation_tokens.state(user, token) if user is not None else (LinkState.INVALID, None)
    if user is None or state is not LinkState.VALID:
        status = 410 if state is LinkState.EXPIRED else 404
        closed = {"state": state.value, "expires": expires}
        return _no_referrer(render(request, "accounts/invitation_closed.html", closed, status=status))
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()  # a new password hash: the link stops working
        messages.success(request, "Your password is set. Sign in with your username and new password.")
        return redirect("login")
    context = {"form": form, "username": user.get_username(), "expires": expires}
    return _no_referrer(render(request, "accounts/invitation_accept.html", context))


def _no_referrer(response: HttpResponse) -> HttpResponse:
    # The token is in this page's address: never send it on to another site.
    response["Referrer-Policy"] = "no-referrer"
    return response
