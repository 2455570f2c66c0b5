"""Web pages for agencies and facilities (the REST API lives in agencies/api/urls.py)."""

from django.urls import path

from agencies import (
    views,
    views_facility_people,
    views_member_access,
    views_mfa,
    views_settings,
    views_webhooks,
)

app_name = "agencies"

agency = "agencies/<int:agency_id>/"
member = f"{agency}members/<int:membership_id>/"
webhook = f"{agency}webhooks/<int:webhook_id>/"
facility = "facilities/<int:facility_id>/"
contact = f"{facility}contacts/<int:contact_id>/"

urlpatterns = [
    path("facilities/", views.facility_list, name="facility-list"),
    path("facilities/<int:facility_id>/", views.facility_detail, name="facility-detail"),
    path(f"{facility}contacts/add/", views_facility_people.contact_add, name="facility-contact-add"),
    path(f"{contact}edit/", views_facility_people.contact_edit, name="facility-contact-edit"),
    path(f"{contact}delete/", views_facility_people.contact_delete, name="facility-contact-delete"),
    path(f"{facility}assignments/add/", views_facility_people.assignment_add, name="facility-assignment-add"),
    path(
        f"{facility}assignments/<int:assignment_id>/end/",
        views_facility_people.assignment_end,
        name="facility-assignment-end",
    ),
    path("agencies/", views.agency_list, name="list"),
    path(agency, views.agency_detail, name="detail"),
    path(f"{agency}settings/", views_settings.agency_settings, name="settings"),
    path(f"{agency}settings/offline/", views_settings.agency_offline_copies, name="settings-offline"),
    path(f"{agency}members/invite/", views.member_invite, name="member-invite"),
    path(f"{agency}members/add/", views.member_add, name="member-add"),
    path(f"{member}role/", views.member_role, name="member-role"),
    path(f"{member}remove/", views.member_remove, name="member-remove"),
    path(f"{agency}mfa/", views_mfa.agency_mfa, name="mfa"),
    path(f"{member}resend-invitation/", views_member_access.member_invitation_resend, name="member-invitation-resend"),
    path(f"{member}end-sessions/", views_member_access.member_sessions_end, name="member-sessions-end"),
    path(f"{agency}webhooks/", views_webhooks.webhooks, name="webhooks"),
    path(f"{webhook}delete/", views_webhooks.webhook_delete, name="webhook-delete"),
    path(f"{webhook}enable/", views_webhooks.webhook_enable, name="webhook-enable"),
    path(f"{webhook}deliveries/", views_webhooks.webhook_deliveries, name="webhook-deliveries"),
    path(
        f"{webhook}deliveries/<int:delivery_id>/redeliver/", views_webhooks.webhook_redeliver, name="webhook-redeliver"
    ),
]
