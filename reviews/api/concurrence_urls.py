from django.urls import path

from reviews.api import concurrence_views as views

urlpatterns = [
    path(
        "plans/<int:plan_id>/versions/<int:number>/concurrences/",
        views.ConcurrenceListView.as_view(),
        name="concurrence-list",
    ),
    path("plans/<int:plan_id>/concurrence-record/", views.ConcurrenceRecordView.as_view(), name="concurrence-record"),
]
