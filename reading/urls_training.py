"""Web pages of training records (see docs/exercises.md, "Training records")."""

from django.urls import URLPattern, path

from reading import views_training as views

agency = "agencies/<int:agency_id>/training/"

urlpatterns: list[URLPattern] = [
    path(agency, views.training, name="training"),
    path(f"{agency}sessions/new/", views.training_session_new, name="training-session-new"),
    path(f"{agency}sessions/<int:session_id>/", views.training_session, name="training-session"),
    path(f"{agency}sessions/<int:session_id>/edit/", views.training_session_edit, name="training-session-edit"),
    path(f"{agency}sessions/<int:session_id>/delete/", views.training_session_delete, name="training-session-delete"),
    path(f"{agency}requirements/", views.training_requirement_add, name="training-requirement-add"),
    path(
        f"{agency}requirements/<int:requirement_id>/delete/",
        views.training_requirement_delete,
        name="training-requirement-delete",
    ),
    path(f"{agency}people/", views.training_people, name="training-people"),
    path(f"{agency}people/<int:user_id>/", views.training_person, name="training-person"),
    path("exercises/<int:exercise_id>/training/", views.exercise_training, name="exercise-training"),
]
