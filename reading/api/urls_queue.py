"""API of required reading: the person's queue (see docs/reading.md)."""

from django.urls import URLPattern, path

from reading.api import views_queue

urlpatterns: list[URLPattern] = [
    path("me/to-read/", views_queue.ToReadListView.as_view(), name="me-to-read"),
]
