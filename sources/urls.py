"""Web pages for sources (the REST API lives in sources/api/urls.py)."""

from django.urls import path

from sources import views

app_name = "sources"

change = "plans/<int:plan_id>/source-changes/<int:change_id>/"

urlpatterns = [
    path("sources/", views.agency_sources, name="agency"),
    path("plans/<int:plan_id>/sources/add/", views.source_add, name="add"),
    path("plans/<int:plan_id>/sources/<int:link_id>/remove/", views.source_remove, name="remove"),
    path(change, views.source_change, name="change"),
    path(f"{change}draft/", views.source_change_draft, name="change-draft"),
    path(f"{change}no-change/", views.source_change_no_change, name="change-no-change"),
]
