"""The operator's admin for agencies, members, buildings and assignments; every write goes through a service."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from agencies import services
from agencies.models import Agency, Facility, Membership, PersonnelAssignment, Role
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import signed_in_user

User = get_user_model()

# For the type checker the mixin is a ModelAdmin (super()'s views, message_user, opts); at run time it adds no base.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


class ServiceErrorsAsMessages(_ModelAdmin):
    """Turn a service's refusal (raised after the form validated, e.g. a lost race) into a message, not a 500.

    The admin runs each save and delete in one transaction, so nothing of the refused change is kept.
    """

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))


def _adopt(target: Model, saved: Model) -> None:
    """Make the admin's unsaved instance the row a service just created, so the admin's redirect and log work."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class MembershipInline(admin.TabularInline):
    """An agency's members, read-only here: adding, re-roling and removing go through the Membership admin."""

    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user", "agency")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """Agencies are created by agency_create (which makes their Group) and never deleted (they carry history)."""

    list_display = ("name", "slug", "kind", "jurisdiction", "created_at")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("name", "slug", "jurisdiction")
    ordering = ("name",)
    inlines = (MembershipInline,)

    def get_fields(self, request: HttpRequest, obj: Agency | None = None) -> tuple[str, ...]:
        fields: tuple[str, ...] = (
            "name",
            "slug",
            "kind",
            "jurisdiction",
            "phone",
            "email",
            "require_mfa",
            "les_read_requires_mfa",
            "les_offline_copies",
        )
        if obj is not None:
            fields += ("group", "created_at", "members")
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Agency | None = None) -> tuple[str, ...]:
        return ("group", "created_at", "members") if obj is not None else ()

    def get_inlines(self, request: HttpRequest, obj: Agency | None) -> tuple[type[admin.TabularInline], ...]:
        return self.inlines if obj is not None else ()

    @admin.display(description="Members")
    def members(self, obj: Agency) -> str:
        add_url = reverse("admin:agencies_membership_add")
        list_url = reverse("admin:agencies_membership_changelist")
        return format_html(
            '<a href="{}?agency={}">Add a member</a> · <a href="{}?agency__id__exact={}">All members</a>',
            add_url,
            obj.pk,
            list_url,
            obj.pk,
        )

    def save_model(self, request: HttpRequest, obj: Agency, form: forms.ModelForm, change: bool) -> None:
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            services.agency_update(agency=obj, actor=request.user, ip_address=client_ip(request), **changed)
            return
        created = services.agency_create(
            actor=request.user,
            ip_address=client_ip(request),
            name=obj.name,
            slug=obj.slug,
            kind=obj.kind,
            jurisdiction=obj.jurisdiction,
            phone=obj.phone,
            require_mfa=obj.require_mfa,
            les_read_requires_mfa=obj.les_read_requires_mfa,
            les_offline_copies=obj.les_offline_copies,
            email=obj.email,
        )
        _adopt(obj, created)

    def has_delete_permission(self, request: HttpRequest, obj: Agency | None = None) -> bool:
        # Audit events protect agencies with any history, and no service removes an agency's group and grants.
        return False


class MembershipAdminForm(forms.ModelForm):
    """Refuses, before saving, a role change that would leave an agency without an admin."""

    class Meta:
        model = Membership
        fields = ("user", "agency", "role")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        membership = self.instance
        demoted = self.initial.get("role") == Role.ADMIN and cleaned.get("role") not in (None, Role.ADMIN)
        if membership.pk is not None and demoted:
            others = Membership.objects.filter(agency_id=membership.agency_id, role=Role.ADMIN).exclude(
                pk=membership.pk
            )
            if not others.exists():
                self.add_error(
                    "role", f"{membership.agency} must keep at least one admin; make someone else admin first."
                )
        return cleaned


@admin.register(Membership)
class MembershipAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """Adds, re-roles and removes members through the services, so the audit trail stays right."""

    form = MembershipAdminForm
    list_display = ("user", "agency", "role", "created_at")
    list_filter = ("role", "agency__kind")
    search_fields = ("user__username", "user__email", "agency__name", "agency__slug")
    list_select_related = ("user", "agency")
    autocomplete_fields = ("user", "agency")

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> tuple[str, ...]:
        # A membership belongs to one person in one agency; only the role changes.
        return ("user", "agency", "created_at") if obj is not None else ()

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk delete would bypass membership_remove; remove members one at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool) -> None:
        if change:
            if "role" in form.changed_data:
                services.membership_change_role(
                    membership=obj, role=obj.role, actor=signed_in_user(request), ip_address=client_ip(request)
                )
            return
        created = services.membership_add(
            agency=obj.agency,
            user=obj.user,
            role=obj.role,
            actor=signed_in_user(request),
            ip_address=client_ip(request),
        )
        _adopt(obj, created)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_remove(membership=obj, actor=signed_in_user(request), ip_address=client_ip(request))

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        """Also list the building assignments that membership_remove takes away."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for membership in objs:
            assignments = PersonnelAssignment.objects.filter(
                user_id=membership.user_id, agency_id=membership.agency_id
            ).select_related("user", "facility")
            for assignment in assignments:
                deleted.append(f"Personnel assignment: {assignment}")
                label = str(PersonnelAssignment._meta.verbose_name_plural)
                counts[label] = counts.get(label, 0) + 1
        return deleted, counts, perms_needed, protected


@admin.register(Facility)
class FacilityAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """Buildings are registered and edited through the services; their owner is fixed once registered."""

    list_display = ("name", "kind", "owner_agency", "address")
    list_filter = ("kind", ("owner_agency", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "address", "owner_agency__name")
    list_select_related = ("owner_agency",)
    autocomplete_fields = ("owner_agency",)
    fields = ("name", "kind", "owner_agency", "address", "latitude", "longitude", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Facility | None = None) -> tuple[str, ...]:
        return ("owner_agency", "created_at") if obj is not None else ("created_at",)

    def save_model(self, request: HttpRequest, obj: Facility, form: forms.ModelForm, change: bool) -> None:
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            services.facility_update(facility=obj, actor=request.user, ip_address=client_ip(request), **changed)
            return
        created = services.facility_create(
            name=obj.name,
            kind=obj.kind,
            owner_agency=obj.owner_agency,
            address=obj.address,
            latitude=obj.latitude,
            longitude=obj.longitude,
            actor=request.user,
            ip_address=client_ip(request),
        )
        _adopt(obj, created)

    def has_delete_permission(self, request: HttpRequest, obj: Facility | None = None) -> bool:
        # Removing a building would silently change the coverage of published plans; no service does it.
        return False


class PersonnelAssignmentAdminForm(forms.ModelForm):
    """Refuses to assign someone who is not a member of the agency they would represent."""

    class Meta:
        model = PersonnelAssignment
        fields = ("user", "agency", "facility", "role")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        user, agency = cleaned.get("user"), cleaned.get("agency")
        if user is not None and agency is not None and not Membership.objects.filter(user=user, agency=agency).exists():
            self.add_error("user", f"{user.get_username()} is not a member of {agency}; add the membership first.")
        return cleaned


@admin.register(PersonnelAssignment)
class PersonnelAssignmentAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """Who is assigned to which building (e.g. each school's SRO); created by the service, removed, not edited."""

    form = PersonnelAssignmentAdminForm
    list_display = ("user", "role", "facility", "agency", "created_at")
    list_filter = ("role", "agency__kind")
    search_fields = ("user__username", "facility__name", "agency__name")
    list_select_related = ("user", "facility", "agency")
    autocomplete_fields = ("user", "agency", "facility")

    def save_model(self, request: HttpRequest, obj: PersonnelAssignment, form: forms.ModelForm, change: bool) -> None:
        created = services.personnel_assignment_create(
            user=obj.user,
            agency=obj.agency,
            facility=obj.facility,
            role=obj.role,
            actor=request.user,
            ip_address=client_ip(request),
        )
        _adopt(obj, created)

    def delete_model(self, request: HttpRequest, obj: PersonnelAssignment) -> None:
        services.personnel_assignment_remove(assignment=obj, actor=request.user, ip_address=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PersonnelAssignment]) -> None:
        # The bulk action too, one audited removal at a time.
        for assignment in queryset.select_related("agency"):
            services.personnel_assignment_remove(
                assignment=assignment, actor=request.user, ip_address=client_ip(request)
            )

    def has_change_permission(self, request: HttpRequest, obj: PersonnelAssignment | None = None) -> bool:
        # No service edits an assignment; remove it and assign again.
        return False


# An agency's Group only holds the agency's grants on plans (written by access/grants.py); people reach
# them through their memberships, never through user.groups. So the admin offers neither the Group pages
# nor the groups/permissions fields, which would edit what nothing reads or grant around the services.
admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(User)
class ConcordUserAdmin(UserAdmin):
    """Accounts without the group and permission editors; agency access comes from memberships."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    list_filter = ("is_staff", "is_superuser", "is_active")
