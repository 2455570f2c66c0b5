"""The person's calendar-feed page, under /accounts/ with their other account pages."""

from django.urls import path

from feeds import views

app_name = "feeds"

urlpatterns = [
    path("calendar-feed/", views.calendar_feed, name="calendar-feed"),
]
