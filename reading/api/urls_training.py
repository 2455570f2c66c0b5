"""API of training records (see docs/exercises.md, "Training records")."""

from django.urls import URLPattern, path

from reading.api import views_training as views

agency = "agencies/<int:agency_id>/"

urlpatterns: list[URLPattern] = [
    path(f"{agency}training-sessions/", views.TrainingSessionListView.as_view(), name="agency-training-sessions"),
    path(
        f"{agency}training-sessions/<int:session_id>/",
        views.TrainingSessionDetailView.as_view(),
        name="agency-training-session",
    ),
    path(
        f"{agency}training-requirements/",
        views.TrainingRequirementListView.as_view(),
        name="agency-training-requirements",
    ),
    path(
        f"{agency}training-requirements/<int:requirement_id>/",
        views.TrainingRequirementDetailView.as_view(),
        name="agency-training-requirement",
    ),
    path(f"{agency}training-compliance/", views.TrainingComplianceView.as_view(), name="agency-training-compliance"),
    path(
        f"{agency}training-compliance/people/",
        views.TrainingCompliancePeopleView.as_view(),
        name="agency-training-compliance-people",
    ),
    path(
        f"{agency}training-compliance/people/<int:user_id>/",
        views.TrainingCompliancePersonView.as_view(),
        name="agency-training-compliance-person",
    ),
    path(
        "exercises/<int:exercise_id>/training/",
        views.TrainingFromExerciseView.as_view(),
        name="exercise-training-record",
    ),
]
