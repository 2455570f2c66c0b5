from django.urls import path

from consistency.api import fact_views

urlpatterns = [
    path(
        "plans/<int:plan_id>/versions/<int:number>/facts/",
        fact_views.VersionFactsView.as_view(),
        name="version-facts",
    ),
]
