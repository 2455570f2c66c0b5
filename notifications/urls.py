"""Web pages for alerts and preferences (the REST API lives in notifications/api/)."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("alerts/", views.alert_list, name="list"),
    path("alerts/badge/", views.alert_badge, name="badge"),
    path("alerts/latest/", views.alert_latest, name="latest"),
    path("alerts/read-all/", views.alert_read_all, name="read-all"),
    path("alerts/preferences/", views.alert_preferences, name="preferences"),
    path("alerts/<int:notification_id>/read/", views.alert_read, name="read"),
]
