"""Web pages of single sign-on (the API lives in identity/api/urls.py; allauth serves the provider callbacks)."""

from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("accounts/sso/", views.sso_start, name="sso-start"),
    path("agencies/<int:agency_id>/sso/", views.agency_sso, name="agency-sso"),
    path("agencies/<int:agency_id>/sso/remove/", views.agency_sso_remove, name="agency-sso-remove"),
]
