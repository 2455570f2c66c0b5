"""The dashboard (to be built): the active agency's plans, partner plans, reviews due, latest alerts."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/dashboard.html", {"nav": "dashboard"})
