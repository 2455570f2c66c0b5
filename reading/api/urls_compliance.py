"""API of required reading: compliance and evidence (see docs/reading.md)."""

from django.urls import URLPattern, path

from reading.api import views_compliance as views

urlpatterns: list[URLPattern] = [
    path(
        "agencies/<int:agency_id>/reading-compliance/",
        views.AgencyReadingComplianceView.as_view(),
        name="agency-reading-compliance",
    ),
    path(
        "agencies/<int:agency_id>/reading-compliance/people/",
        views.AgencyReadingCompliancePeopleView.as_view(),
        name="agency-reading-compliance-people",
    ),
    path(
        "agencies/<int:agency_id>/reading-evidence/",
        views.AgencyReadingEvidenceView.as_view(),
        name="agency-reading-evidence",
    ),
]
