from django.urls import path

from onboarding.api import views

urlpatterns = [
    path("agencies/<int:agency_id>/roster/preview/", views.RosterPreviewView.as_view(), name="roster-preview"),
    path("agencies/<int:agency_id>/roster/", views.RosterImportView.as_view(), name="roster-import"),
    path("coordination/agencies/", views.AgencyCompletenessListView.as_view(), name="coordination-agencies"),
]
