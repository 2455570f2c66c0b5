"""Web pages of onboarding (the REST API lives in onboarding/api/urls.py)."""

from django.urls import path

from onboarding import views_coordination, views_operator, views_roster, views_setup

app_name = "onboarding"

agency = "agencies/<int:agency_id>/setup/"

urlpatterns = [
    path("onboarding/agencies/new/", views_operator.agency_new, name="agency-new"),
    path("onboarding/coordinators/add/", views_operator.coordinator_add, name="coordinator-add"),
    path("coordination/agencies/", views_coordination.agencies_completeness, name="completeness"),
    path(agency, views_setup.setup, name="setup"),
    path(f"{agency}buildings/add/", views_setup.building_add, name="building-add"),
    path(f"{agency}sharing/add/", views_setup.sharing_default_add, name="sharing-add"),
    path(f"{agency}sharing/<int:default_id>/remove/", views_setup.sharing_default_remove, name="sharing-remove"),
    path(f"{agency}roster/", views_roster.roster_upload, name="roster"),
    path(f"{agency}roster/confirm/", views_roster.roster_confirm, name="roster-confirm"),
]
