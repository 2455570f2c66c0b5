"""The operator sees every API token (never its value) and may revoke one; nothing else is edited here."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import services
from accounts.models import ApiToken
from portal.admin_readonly import ReadOnlyAdmin
from portal.api.request_info import client_ip


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Read-only token records; deleting one revokes it through the service."""

    list_display = ("user", "name", "created", "last_used", "expiry")
    list_select_related = ("user",)
    search_fields = ("user__username", "name")
    exclude = ("digest", "token_key")

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        return ["user", "name", "created", "last_used", "expiry"]

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        services.api_token_revoke(token=obj, actor=request.user, ip_address=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(token=token, actor=request.user, ip_address=client_ip(request))
