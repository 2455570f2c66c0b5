"""Web pages for agencies and facilities (to be built)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    return render(request, "agencies/agency_list.html", {"nav": "agencies"})


@login_required
def facility_list(request: HttpRequest) -> HttpResponse:
    return render(request, "agencies/facility_list.html", {"nav": "facilities"})
