"""The person's "Calendar feed" page: make a secret link (shown once), see when it was last used, revoke it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from feeds import selectors, services
from portal.api.request_info import client_ip
from portal.types import AuthenticatedHttpRequest


@login_required
def calendar_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET shows the link's state; POST `action=create` makes a new link (replacing the old), `revoke` ends it."""
    created_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _, plaintext = services.feed_token_create(
                user=request.user, actor=request.user, ip_address=client_ip(request)
            )
            created_url = request.build_absolute_uri(reverse("calendar-feed", args=[plaintext]))
        elif action == "revoke":
            if services.feed_token_revoke(user=request.user, actor=request.user, ip_address=client_ip(request)):
                messages.success(request, "Your calendar-feed link was revoked; calendars using it stop updating.")
            return redirect("feeds:calendar-feed")
        else:
            messages.error(request, "Choose to create or to revoke the link.")
            return redirect("feeds:calendar-feed")
    context = {"token": selectors.feed_token_of(user=request.user), "created_url": created_url}
    response = render(request, "feeds/calendar_feed.html", context)
    # The page may hold the secret link: no browser or proxy cache keeps it.
    add_never_cache_headers(response)
    return response
