"""Conflicts between agencies' plans in the admin, read-only: they are recomputed from published versions."""

from django.contrib import admin

from consistency.models import FactConflict
from portal.admin_readonly import ReadOnlyAdmin


@admin.register(FactConflict)
class FactConflictAdmin(ReadOnlyAdmin):
    """Where two agencies' current plans disagree, building by building."""

    list_display = ("facility", "kind", "first_key", "first_agency", "second_key", "second_agency", "detected_at")
    list_filter = ("kind", "first_key")
    search_fields = ("facility__name", "first_agency__name", "second_agency__name")
    list_select_related = ("facility", "first_agency", "second_agency")
