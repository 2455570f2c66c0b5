"""Web pages of exercises and their after-action reports (the REST API lives in exercises/api/urls.py)."""

from django.urls import path

from exercises import views, views_calendar, views_report, views_requirements

app_name = "exercises"

urlpatterns = [
    path("exercises/", views.exercise_list, name="list"),
    path("exercises/new/", views.exercise_new, name="new"),
    path("exercises/<int:exercise_id>/", views.exercise_detail, name="detail"),
    path("exercises/<int:exercise_id>/edit/", views.exercise_edit, name="edit"),
    path("exercises/<int:exercise_id>/cancel/", views.exercise_cancel, name="cancel"),
    path("exercises/<int:exercise_id>/conducted/", views.exercise_conducted, name="conducted"),
    path("exercises/<int:exercise_id>/attendance/<int:agency_id>/", views.attendance, name="attendance"),
    path("exercises/<int:exercise_id>/observations/", views.observation, name="observation"),
    path("exercises/<int:exercise_id>/report/", views_report.report, name="report"),
    path("exercises/<int:exercise_id>/report/pdf/", views_report.report_pdf, name="report-pdf"),
    path("exercises/<int:exercise_id>/report/findings/", views_report.finding_add, name="finding-add"),
    path(
        "exercises/<int:exercise_id>/report/sections/",
        views_report.finding_sections_fragment,
        name="finding-sections",
    ),
    path(
        "exercises/<int:exercise_id>/report/findings/<int:finding_id>/remove/",
        views_report.finding_remove,
        name="finding-remove",
    ),
    path("exercises/<int:exercise_id>/report/finalize/", views_report.finalize, name="finalize"),
    path("exercises/<int:exercise_id>/report/actions/", views_report.action_add, name="action-add"),
    path("corrective-actions/", views_report.action_list, name="actions"),
    path("corrective-actions/<int:action_id>/close/", views_report.action_close, name="action-close"),
    # Drill requirements (exercises/views_requirements.py) and calendars (exercises/views_calendar.py).
    path("drill-requirements/", views_requirements.requirement_sets, name="requirement-sets"),
    path("drill-requirements/<int:set_id>/", views_requirements.requirement_set, name="requirement-set"),
    path("drill-requirements/<int:set_id>/lines/", views_requirements.line_add, name="requirement-line-add"),
    path(
        "drill-requirements/<int:set_id>/lines/<int:line_id>/remove/",
        views_requirements.line_remove,
        name="requirement-line-remove",
    ),
    path("facilities/<int:facility_id>/drill-requirements/", views_requirements.facility_assign, name="assign"),
    path(
        "facilities/<int:facility_id>/drill-requirements/<int:set_id>/remove/",
        views_requirements.facility_unassign,
        name="unassign",
    ),
    path("facilities/<int:facility_id>/calendar/", views_calendar.facility_calendar, name="facility-calendar"),
    path("agencies/<int:agency_id>/drills/", views_requirements.agency_drills, name="agency-drills"),
    path("agencies/<int:agency_id>/calendar/", views_calendar.agency_calendar, name="agency-calendar"),
]
