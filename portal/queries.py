"""Query building blocks shared by the selectors of several apps."""

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_subquery(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` as an integer annotation (0 when nothing matches)."""
    counted = queryset.order_by().annotate(_group=Value(1)).values("_group").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
