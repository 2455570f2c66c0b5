"""API routes of the open formats (portal/api/urls.py includes them under /api/v1/)."""

from django.urls import path

from feeds.api import views

urlpatterns = [
    # A suffix, not facilities/geojson/: the facility router's detail route would take "geojson" as an id.
    path("facilities.geojson", views.FacilityGeoJsonView.as_view(), name="facility-geojson"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
    path("me/calendar-feed/", views.MyCalendarFeedView.as_view(), name="me-calendar-feed"),
    path("agencies/<int:agency_id>/cap-alerts/", views.AgencyCapFeedView.as_view(), name="agency-cap-alerts"),
]
