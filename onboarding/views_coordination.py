"""The state coordinator's list of agencies and how complete each is (counts only: no plan is named or opened)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from onboarding.selectors import agencies_with_completeness
from portal.types import AuthenticatedHttpRequest

PAGE_SIZE = 50


@login_required
def agencies_completeness(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every agency's completeness (state coordinators and platform operators; 403 for anyone else)."""
    agencies = agencies_with_completeness(user=request.user)
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "onboarding/coordination.html", {"nav": "agencies", "page_obj": page})
