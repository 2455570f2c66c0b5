"""Platform operators set up an agency's single sign-on in the Django admin too, through the same service."""

from typing import Any

from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from agencies.admin import ServiceErrorsAsMessages
from identity import services
from identity.domains import domains_parse
from identity.issuers import issuer_parse
from identity.models import AgencySSO
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import signed_in_user
from portal.unset import UNSET

# Provider settings change only through AgencySSO (audited); tokens are not kept (SOCIALACCOUNT_STORE_TOKENS off).
for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class AgencySSOAdminForm(forms.ModelForm):
    issuer = forms.CharField(max_length=500, help_text="e.g. https://login.microsoftonline.com/<tenant>/v2.0")
    client_id = forms.CharField(max_length=191)
    client_secret = forms.CharField(
        max_length=191, required=False, widget=forms.PasswordInput, help_text="Never shown. Empty keeps the stored one."
    )
    domains = forms.CharField(help_text="E-mail domains of the agency's people, separated by commas.")

    class Meta:
        model = AgencySSO
        fields = ["agency", "enabled", "sso_only"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["agency"].disabled = True
            self.initial.update(
                issuer=self.instance.app.settings.get("server_url", ""),
                client_id=self.instance.app.client_id,
                domains=", ".join(self.instance.allowed_domains),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, parse in (("issuer", issuer_parse), ("domains", domains_parse)):
            if field in data:
                try:
                    data[field] = parse(data[field])
                except DomainError as exc:
                    self.add_error(field, exc.message)
        if not self.instance.pk and not data.get("client_secret"):
            self.add_error("client_secret", "Enter the client secret your identity provider gave Concord.")
        return data


@admin.register(AgencySSO)
class AgencySSOAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    form = AgencySSOAdminForm
    list_display = ["agency", "enabled", "sso_only", "updated_at"]
    list_select_related = ["agency"]
    search_fields = ["agency__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgencySSO]:
        return super().get_queryset(request).select_related("app", "agency").prefetch_related("domains")

    def save_model(self, request: HttpRequest, obj: AgencySSO, form: Any, change: bool) -> None:
        data = form.cleaned_data
        sso = services.agency_sso_configure(
            agency=data.get("agency") or obj.agency,
            actor=signed_in_user(request),
            issuer=data["issuer"],
            client_id=data["client_id"],
            client_secret=data["client_secret"] or UNSET,
            domains=data["domains"],
            sso_only=data["sso_only"],
            enabled=data["enabled"],
            ip_address=client_ip(request),
        )
        obj.pk = sso.pk

    def delete_model(self, request: HttpRequest, obj: AgencySSO) -> None:
        services.agency_sso_remove(agency=obj.agency, actor=signed_in_user(request), ip_address=client_ip(request))

    def has_delete_permission(self, request: HttpRequest, obj: AgencySSO | None = None) -> bool:
        return obj is not None and super().has_delete_permission(request, obj)  # one at a time, through the service
