from django.urls import path

from audit.api import views

urlpatterns = [
    path("agencies/<int:agency_id>/audit-events/", views.AuditEventListView.as_view(), name="audit-event-list"),
    path(
        "agencies/<int:agency_id>/audit-events/export/",
        views.AuditEventExportView.as_view(),
        name="audit-event-export",
    ),
]
