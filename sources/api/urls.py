from django.urls import path

from sources.api import views

urlpatterns = [
    path("plans/<int:plan_id>/sources/", views.SourceListView.as_view(), name="source-list"),
    path("plans/<int:plan_id>/sources/<int:link_id>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("plans/<int:plan_id>/source-changes/", views.SourceChangeListView.as_view(), name="source-change-list"),
    path(
        "plans/<int:plan_id>/source-changes/<int:change_id>/decision/",
        views.SourceChangeDecisionView.as_view(),
        name="source-change-decision",
    ),
    path("plans/<int:plan_id>/dependents/", views.DependentsView.as_view(), name="plan-dependents"),
]
