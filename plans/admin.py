"""The operator's admin for plans and versions: published content is read-only, writes go through services."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from access.sensitive_reads import sensitive_read_record
from agencies.admin import ServiceErrorsAsMessages
from plans import services
from plans.models import Attachment, Plan, PlanShare, PlanVersion, Section
from portal.api.request_info import client_ip
from portal.types import signed_in_user


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows rows and offers no way to add, change or delete them."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlanShareInline(ReadOnlyInline):
    """Partners the plan is shared with; plan_share / plan_unshare change this, with their grants and audit."""

    model = PlanShare
    fields = ("agency", "level", "shared_at", "shared_by")
    readonly_fields = fields
    verbose_name_plural = "shares (read-only: the owner agency shares and unshares in Concord)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlanShare]:
        return super().get_queryset(request).select_related("plan", "agency", "shared_by")


def _record_sensitive_read(request: HttpRequest, response: HttpResponse, plan: Plan, what: str, obj: Any) -> None:
    """An operator opening a law-enforcement-sensitive plan is a read like any other: audit it."""
    if request.method == "GET" and response.status_code == 200:
        sensitive_read_record(plan=plan, actor=request.user, ip_address=client_ip(request), what=what, obj=obj)


@admin.register(Plan)
class PlanAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """Plans are created and deleted by their owner agency; the operator may correct metadata via plan_update."""

    list_display = (
        "title",
        "owner_agency",
        "kind",
        "classification",
        "current_version_number",
        "next_review_due",
        "updated_at",
    )
    list_filter = (("owner_agency", admin.RelatedOnlyFieldListFilter), "kind", "classification")
    search_fields = ("title",)
    list_select_related = ("owner_agency", "current_version")
    autocomplete_fields = ("facilities",)
    fields = (
        "title",
        "kind",
        "classification",
        "owner_agency",
        "facilities",
        "hazards",
        "review_interval_days",
        "next_review_due",
        "current_version_link",
        "created_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "owner_agency",
        "next_review_due",
        "current_version_link",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = (PlanShareInline,)

    @admin.display(description="current version", ordering="current_version__number")
    def current_version_number(self, obj: Plan) -> str:
        return f"v{obj.current_version.number}" if obj.current_version else "—"

    @admin.display(description="current version")
    def current_version_link(self, obj: Plan) -> str:
        if obj.current_version is None:
            return "—"
        url = reverse("admin:plans_planversion_change", args=[obj.current_version_id])
        return format_html('<a href="{}">v{}</a>', url, obj.current_version.number)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        # plan_delete belongs to the owner agency's admins; published plans are withdrawn, never deleted.
        return False

    def save_model(self, request: HttpRequest, obj: Plan, form: forms.ModelForm, change: bool) -> None:
        # The form's editable fields are plan_update's keyword fields; only the changed ones are passed.
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.plan_update(plan=obj, actor=signed_in_user(request), **changes, ip_address=client_ip(request))

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        # plan_update already set the facilities; the inlines are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        plan = self.get_object(request, unquote(object_id))
        if plan is not None:
            _record_sensitive_read(request, response, plan, "admin:plan", plan)
        return response


class SectionInline(admin.StackedInline):
    """A version's sections: editable while it is a draft (through the service), read-only afterwards."""

    model = Section
    fields = ("position", "key", "title", "body")
    extra = 0

    def _draft(self, obj: PlanVersion | None) -> bool:
        return obj is not None and obj.is_draft

    def has_add_permission(self, request: HttpRequest, obj: PlanVersion | None = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: PlanVersion | None = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PlanVersion | None = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


class AttachmentInline(ReadOnlyInline):
    """A version's files, described but not linked: downloads go through the permission-checked view."""

    model = Attachment
    fields = ("filename", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attachment]:
        return super().get_queryset(request).select_related("uploaded_by")


VERSION_FIELDS = (
    "plan",
    "number",
    "state",
    "change_summary",
    "based_on_number",
    "created_by",
    "created_at",
    "updated_at",
    "published_at",
    "published_by",
    "superseded_at",
    "withdrawn_at",
    "withdrawn_by",
    "content_sha256",
)


@admin.register(PlanVersion)
class PlanVersionAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """Versions: a draft's summary and sections change through plan_version_update_draft; others are frozen."""

    list_display = ("plan", "number", "state", "owner_agency", "published_at", "updated_at")
    list_filter = ("state",)
    search_fields = ("plan__title",)
    list_select_related = ("plan", "plan__owner_agency")
    fields = VERSION_FIELDS
    readonly_fields = tuple(name for name in VERSION_FIELDS if name != "change_summary")
    inlines = (SectionInline, AttachmentInline)

    @admin.display(description="owner agency", ordering="plan__owner_agency__name")
    def owner_agency(self, obj: PlanVersion) -> str:
        return str(obj.plan.owner_agency)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlanVersion]:
        return super().get_queryset(request).select_related("plan", "plan__owner_agency")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Drafts are numbered and seeded by plan_version_create_draft.
        return False

    def has_change_permission(self, request: HttpRequest, obj: PlanVersion | None = None) -> bool:
        if obj is not None and not obj.is_draft:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PlanVersion | None = None) -> bool:
        # Only a single draft may be deleted (no bulk action: a queryset delete would skip the model's check).
        return obj is not None and obj.is_draft and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: PlanVersion, form: forms.ModelForm, change: bool) -> None:
        if "change_summary" in form.changed_data:
            services.plan_version_update_draft(
                version=obj,
                actor=signed_in_user(request),
                change_summary=obj.change_summary,
                ip_address=client_ip(request),
            )

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Section:
            super().save_formset(request, form, formset, change)
            return
        # The service replaces the draft's sections as a whole; record what changed for the admin's history.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return
        kept: list[tuple[int, int, dict[str, str]]] = []
        for index, section_form in enumerate(formset.forms):
            section = section_form.instance
            if section_form in formset.deleted_forms:
                if section.pk is not None:
                    formset.deleted_objects.append(section)
                continue
            data = section_form.cleaned_data
            if not data:  # an untouched blank row
                continue
            if section.pk is None:
                formset.new_objects.append(section)
            elif section_form.has_changed():
                formset.changed_objects.append((section, section_form.changed_data))
            kept.append((data["position"], index, {"key": data["key"], "title": data["title"], "body": data["body"]}))
        kept.sort(key=lambda item: (item[0], item[1]))
        services.plan_version_update_draft(
            version=form.instance,
            actor=signed_in_user(request),
            sections=[section for _, _, section in kept],
            ip_address=client_ip(request),
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        version = self.get_object(request, unquote(object_id))
        if version is not None:
            _record_sensitive_read(request, response, version.plan, "admin:version", version)
        return response


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Attachment metadata only: no file link, since files are served solely after a permission check."""

    list_display = ("filename", "version", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("content_type",)
    search_fields = ("filename", "version__plan__title")
    list_select_related = ("version", "version__plan", "uploaded_by")
    fields = ("filename", "version", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Attachment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Attachment | None = None) -> bool:
        return False
