"""GET /api/v1/facilities/{id}/conflicts/: where agencies' current plans disagree about a building."""

from django.shortcuts import get_object_or_404
from rest_framework import generics

from access.http import record_sensitive_reads, withheld_plan_ids
from agencies.models import Facility
from agencies.selectors import facilities_visible_to
from consistency.api.conflict_serializers import ConflictSerializer
from consistency.conflict_selectors import ConflictRow, conflicts_visible_to
from consistency.models import FactConflict


class FacilityConflictsView(generics.ListAPIView):
    """Conflicts at a building that the user may see (at least one side's plan), both sides described; a side
    whose plan the user may not see shows only its agency and contact."""

    serializer_class = ConflictSerializer
    queryset = FactConflict.objects.none()  # for the schema; the rows come from the selector
    filter_backends = []

    # A list view over computed rows, not a queryset: DRF pages any sequence, the stubs expect a QuerySet.
    def get_queryset(self) -> list[ConflictRow]:  # type: ignore[override]
        facility: Facility = get_object_or_404(
            facilities_visible_to(user=self.request.user), pk=self.kwargs["facility_id"]
        )
        conflicts = conflicts_visible_to(user=self.request.user, facility=facility)
        withheld = withheld_plan_ids(self.request, {pid for row in conflicts for pid in row.plan_ids})
        return [row for row in conflicts if not row.plan_ids & withheld]

    def paginate_queryset(self, queryset: list[ConflictRow]) -> list[ConflictRow] | None:  # type: ignore[override]
        page = super().paginate_queryset(queryset)
        shown = page if page is not None else queryset
        record_sensitive_reads(self.request, {pid for row in shown for pid in row.plan_ids}, "conflicts")
        return page
