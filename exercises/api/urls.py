from django.urls import path

from exercises.api import requirement_views, views, views_pdf

urlpatterns = [
    path("exercises/", views.ExerciseListView.as_view(), name="exercise-list"),
    path("exercises/<int:exercise_id>/", views.ExerciseDetailView.as_view(), name="exercise-detail"),
    path("exercises/<int:exercise_id>/cancel/", views.ExerciseCancelView.as_view(), name="exercise-cancel"),
    path("exercises/<int:exercise_id>/conducted/", views.ExerciseConductedView.as_view(), name="exercise-conducted"),
    path(
        "exercises/<int:exercise_id>/attendance/<int:agency_id>/",
        views.AttendanceView.as_view(),
        name="exercise-attendance",
    ),
    path(
        "exercises/<int:exercise_id>/observations/", views.ObservationListView.as_view(), name="exercise-observations"
    ),
    path("exercises/<int:exercise_id>/report/", views.ReportView.as_view(), name="exercise-report"),
    path("exercises/<int:exercise_id>/report/pdf/", views_pdf.ReportPdfView.as_view(), name="exercise-report-pdf"),
    path("exercises/<int:exercise_id>/report/findings/", views.FindingListView.as_view(), name="exercise-findings"),
    path(
        "exercises/<int:exercise_id>/report/findings/<int:finding_id>/",
        views.FindingDetailView.as_view(),
        name="exercise-finding",
    ),
    path("exercises/<int:exercise_id>/report/finalize/", views.ReportFinalizeView.as_view(), name="exercise-finalize"),
    path(
        "exercises/<int:exercise_id>/corrective-actions/",
        views.ExerciseActionListView.as_view(),
        name="exercise-actions",
    ),
    path("corrective-actions/", views.CorrectiveActionListView.as_view(), name="corrective-action-list"),
    path(
        "corrective-actions/<int:action_id>/close/",
        views.CorrectiveActionCloseView.as_view(),
        name="corrective-action-close",
    ),
    # Drill requirements (exercises/api/requirement_views.py).
    path("drill-requirements/", requirement_views.RequirementSetListView.as_view(), name="requirement-set-list"),
    path(
        "drill-requirements/<int:set_id>/",
        requirement_views.RequirementSetDetailView.as_view(),
        name="requirement-set-detail",
    ),
    path(
        "drill-requirements/<int:set_id>/lines/",
        requirement_views.RequirementLineListView.as_view(),
        name="requirement-line-list",
    ),
    path(
        "drill-requirements/<int:set_id>/lines/<int:line_id>/",
        requirement_views.RequirementLineDetailView.as_view(),
        name="requirement-line-detail",
    ),
    path(
        "facilities/<int:facility_id>/drill-requirements/",
        requirement_views.FacilityRequirementListView.as_view(),
        name="facility-requirements",
    ),
    path(
        "facilities/<int:facility_id>/drill-requirements/<int:set_id>/",
        requirement_views.FacilityRequirementDetailView.as_view(),
        name="facility-requirement",
    ),
    path(
        "facilities/<int:facility_id>/drill-status/",
        requirement_views.FacilityDrillStatusView.as_view(),
        name="facility-drill-status",
    ),
    path(
        "agencies/<int:agency_id>/drill-status/",
        requirement_views.AgencyDrillStatusView.as_view(),
        name="agency-drill-status",
    ),
]
