"""Sources in the admin, read-only: links, recorded versions and review decisions are written only by the
sources services (with their audit), so the operator looks and never edits."""

from django.contrib import admin

from portal.admin_readonly import ReadOnlyAdmin
from sources.models import PlanSource, PlanSourceVersion, SourceChange


@admin.register(PlanSource)
class PlanSourceAdmin(ReadOnlyAdmin):
    list_display = ("plan", "source_plan", "section_key", "added_by", "added_at")
    list_select_related = ("plan", "source_plan", "added_by")
    search_fields = ("plan__title", "source_plan__title")
    ordering = ("-added_at", "-pk")


@admin.register(PlanSourceVersion)
class PlanSourceVersionAdmin(ReadOnlyAdmin):
    list_display = ("version", "source_plan", "source_version", "section_key")
    list_select_related = ("version__plan", "source_plan", "source_version__plan")
    search_fields = ("source_plan__title",)
    ordering = ("-pk",)


@admin.register(SourceChange)
class SourceChangeAdmin(ReadOnlyAdmin):
    list_display = ("plan", "source_plan", "kind", "status", "created_at", "decided_by")
    list_filter = ("status", "kind")
    list_select_related = ("plan", "source_plan", "decided_by")
    search_fields = ("plan__title", "source_plan__title")
    ordering = ("-created_at", "-pk")
