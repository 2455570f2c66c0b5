"""The landing page: where to sign in and where the API and its documentation live."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """A plain starting page until the web portal lands: links to the API, its docs and the admin."""
    return render(request, "portal/home.html")
