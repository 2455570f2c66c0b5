"""The audit trail's filters, shared by the web page, its CSV export and the API: person, plan, action, dates."""

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from access.plans import plans_visible_to
from audit.models import AuditAction, AuditEvent
from plans.models import Plan


def _visible_plans(request: HttpRequest | None) -> QuerySet[Plan]:
    if request is None:
        return Plan.objects.none()
    return (
        plans_visible_to(user=request.user)
        .select_related(None)
        .prefetch_related(None)
        .only("id", "title")
        .order_by("title", "pk")
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditEventFilter(django_filters.FilterSet):
    """`person` (username), `plan` (id of a plan you may see), `action`, `since` and `until` (dates, inclusive)."""

    person = django_filters.CharFilter(
        method="filter_person", max_length=150, label="Person", help_text="Username, as written (any case)."
    )
    plan = django_filters.ModelChoiceFilter(
        queryset=_visible_plans,  # type: ignore[arg-type]  # django-filter calls it with the request; the stubs omit that
        method="filter_plan",
        label="Plan",
        help_text="Id of a plan you may see.",
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label="Action")
    since = django_filters.DateFilter(method="filter_since", label="From", help_text="First day (YYYY-MM-DD).")
    until = django_filters.DateFilter(method="filter_until", label="To", help_text="Last day, included (YYYY-MM-DD).")

    class Meta:
        model = AuditEvent
        fields = ["person", "plan", "action", "since", "until"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["person"].widget.attrs.update({"list": "audit-people", "autocomplete": "off"})
        for name in ("since", "until"):
            self.form.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def filter_person(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        return queryset.filter(actor_username__iexact=value.strip()) if value.strip() else queryset

    def filter_plan(self, queryset: QuerySet[AuditEvent], name: str, value: Plan | None) -> QuerySet[AuditEvent]:
        return queryset.filter(plan_id=value.pk) if value is not None else queryset

    def filter_since(self, queryset: QuerySet[AuditEvent], name: str, value: date | None) -> QuerySet[AuditEvent]:
        return queryset.filter(created_at__gte=_start_of(value)) if value else queryset

    def filter_until(self, queryset: QuerySet[AuditEvent], name: str, value: date | None) -> QuerySet[AuditEvent]:
        if not value or value == date.max:  # the last day there is: no upper bound (and no day after it to compute)
            return queryset
        return queryset.filter(created_at__lt=_start_of(value + timedelta(days=1)))

    def is_filtered(self) -> bool:
        return any(self.form.cleaned_data.get(name) for name in self.filters) if self.is_bound else False


class _IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # type: ignore[assignment]  # an id is a whole number, not a decimal


class AuditEventApiFilter(AuditEventFilter):
    """The API's filters: `plan` is any plan id, and one with no events in this trail lists none (a 400 for a plan
    id the web page would not offer is no answer an API client can act on)."""

    plan = _IdFilter(field_name="plan_id", label="Plan", help_text="Id of a plan.")  # type: ignore[assignment]
