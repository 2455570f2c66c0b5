import django_filters
from django import forms
from django.db.models import QuerySet

from plans import selectors
from plans.models import Plan, PlanKind


class IdFilter(django_filters.NumberFilter):
    """A whole-number id (NumberFilter's decimal form field takes 0.5, which names no object)."""

    field_class = forms.IntegerField  # type: ignore[assignment]  # the stubs pin DecimalField; any number field works


class PlanFilter(django_filters.FilterSet):
    """`owner_agency`, `facility`, `kind`, `q` (full text) and `review_due=true`."""

    facility = IdFilter(field_name="facilities", label="Facility id")
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices)
    q = django_filters.CharFilter(method="filter_q", label="Full-text search over titles and sections")
    review_due = django_filters.BooleanFilter(method="filter_review_due", label="Due for review within 30 days")

    class Meta:
        model = Plan
        fields = ["owner_agency", "facility", "kind", "classification"]

    def filter_q(self, queryset: QuerySet[Plan], name: str, value: str) -> QuerySet[Plan]:
        return selectors.plans_search(plans=queryset, text=value)

    def filter_review_due(self, queryset: QuerySet[Plan], name: str, value: bool | None) -> QuerySet[Plan]:
        if value is None:
            return queryset
        due = selectors.plans_review_due(plans=queryset)
        return due if value else queryset.exclude(pk__in=due.values("pk"))
