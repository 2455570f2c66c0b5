"""Web pages for alerts (to be built)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/alert_list.html", {"nav": "alerts"})


@login_required
def alert_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the header, refreshed by htmx polling."""
    return render(request, "notifications/_badge.html")
