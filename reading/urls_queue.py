"""Web pages of required reading: the person's "To read" queue (see docs/reading.md)."""

from django.urls import URLPattern, path

from reading import views_queue

urlpatterns: list[URLPattern] = [
    path("to-read/", views_queue.to_read, name="to-read"),
    path("to-read/<int:plan_id>/", views_queue.to_read_item, name="to-read-item"),
]
