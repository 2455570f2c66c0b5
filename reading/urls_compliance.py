"""Web pages of required reading: compliance and evidence (see docs/reading.md)."""

from django.urls import URLPattern, path

from reading import views_compliance as views

urlpatterns: list[URLPattern] = [
    path("agencies/<int:agency_id>/reading/compliance/", views.compliance, name="reading-compliance"),
    path(
        "agencies/<int:agency_id>/reading/compliance/plans/<int:plan_id>/",
        views.compliance_plan,
        name="reading-compliance-plan",
    ),
    path(
        "agencies/<int:agency_id>/reading/compliance/people/<int:user_id>/",
        views.compliance_person,
        name="reading-compliance-person",
    ),
    path("agencies/<int:agency_id>/reading/evidence/", views.evidence, name="reading-evidence"),
]
