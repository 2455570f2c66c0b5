"""Web pages for agencies and facilities (the REST API lives in agencies/api/urls.py)."""

from django.urls import path

from agencies import views

app_name = "agencies"

urlpatterns = [
    path("agencies/", views.agency_list, name="list"),
    path("facilities/", views.facility_list, name="facility-list"),
]
