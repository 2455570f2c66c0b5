from django.urls import path

from dashboard import views

# No app_name: the names "dashboard" and "agency-switch" are used unqualified across the templates.
urlpatterns = [
    path("", views.home, name="dashboard"),
    path("dashboard/<int:agency_id>/panels/<slug:panel>/", views.dashboard_panel, name="dashboard-panel"),
    path("agency/switch/", views.agency_switch, name="agency-switch"),
]
