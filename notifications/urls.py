"""Web pages for alerts and preferences (the REST API lives in notifications/api/)."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("alerts/", views.alert_list, name="list"),
    path("alerts/badge/", views.alert_badge, name="badge"),
]
