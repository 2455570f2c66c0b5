from django.urls import path

from consistency.api import conflict_views

urlpatterns = [
    path(
        "facilities/<int:facility_id>/conflicts/",
        conflict_views.FacilityConflictsView.as_view(),
        name="facility-conflicts",
    ),
]
