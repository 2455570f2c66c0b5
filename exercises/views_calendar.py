"""The exercise calendar of a building and of an agency: one month, listed by day (it reads the same on a phone
and a desk), with links to the previous and next month. Only exercises the person sees (access/exercises.py)
are listed; an agency's calendar is for its members (anyone else: 404)."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from access.agencies import agency_roles
from access.exercises import exercises_visible_to
from agencies.models import Agency
from agencies.selectors import facilities_visible_to
from exercises.models import Exercise
from portal.types import AuthenticatedHttpRequest


@dataclass(frozen=True)
class Day:
    day: date
    exercises: list[Exercise]


def _month(request: AuthenticatedHttpRequest) -> date:
    """The month asked for (?month=2026-05), this month when absent or not a month."""
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _shift(month: date, by: int) -> date:
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


def _calendar(request: AuthenticatedHttpRequest, rows, heading: str, back_url: str, back_label: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    month = _month(request)
    start = timezone.make_aware(datetime.combine(month, time.min))
    end = timezone.make_aware(datetime.combine(_shift(month, 1), time.min))
    exercises = list(
        rows.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("lead_agency")
        .prefetch_related("facilities")
        .order_by("starts_at", "id")
        .distinct()
    )
    days: dict[date, list[Exercise]] = {}
    for exercise in exercises:
        days.setdefault(timezone.localtime(exercise.starts_at).date(), []).append(exercise)
    context = {
        "nav": "exercises",
        "heading": heading,
        "month": month,
        "previous": _shift(month, -1),
        "next": _shift(month, 1),
        "days": [Day(day=d, exercises=items) for d, items in sorted(days.items())],
        "today": timezone.localdate(),
        "back_url": back_url,
        "back_label": back_label,
    }
    return render(request, "exercises/calendar.html", context)


@login_required
@require_safe
def facility_calendar(request: AuthenticatedHttpRequest, facility_id: int) -> HttpResponse:
    """The exercises at a building that the person sees, one month at a time."""
    facility = get_object_or_404(facilities_visible_to(user=request.user), pk=facility_id)
    rows = exercises_visible_to(user=request.user).filter(facilities=facility)
    url = reverse("agencies:facility-detail", kwargs={"facility_id": facility.pk})
    return _calendar(request, rows, f"Exercises at {facility.name}", url, facility.name)


@login_required
@require_safe
def agency_calendar(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """The exercises an agency leads or takes part in, for its members."""
    agency = get_object_or_404(Agency, pk=agency_id)
    if agency.pk not in agency_roles(user=request.user):
        raise Http404("No agency matches the given query.")
    rows = exercises_visible_to(user=request.user).filter(participants__agency_id=agency.pk)
    url = reverse("agencies:detail", kwargs={"agency_id": agency.pk})
    return _calendar(request, rows, f"Exercises of {agency.name}", url, agency.name)
