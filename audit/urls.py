"""Web pages of the audit trail (the API is audit/api/urls.py)."""

from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("agencies/<int:agency_id>/audit/", views.agency_audit, name="agency-trail"),
    path("agencies/<int:agency_id>/audit/export.csv", views.agency_audit_csv, name="agency-trail-csv"),
]
