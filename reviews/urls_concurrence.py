"""Web pages for partner concurrence (the REST API lives in reviews/api/concurrence_urls.py)."""

from django.urls import path

from reviews import concurrence_pages as views

app_name = "concurrence"

urlpatterns = [
    path("plans/<int:plan_id>/concurrence/", views.concurrence_record_page, name="record"),
    path("plans/<int:plan_id>/concurrence/record/", views.concurrence_record_print, name="print"),
    path("plans/<int:plan_id>/concurrence/record.csv", views.concurrence_record_csv, name="csv"),
]
