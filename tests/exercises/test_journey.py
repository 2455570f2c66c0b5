"""Issue 17's "done means", through the web pages as a person would go: the district admin schedules a lockdown
drill at the school with the police and fire, the police admin adds attendance, the district records the report
with an area for improvement on a section of its plan, the next draft shows the open action beside that section,
and publishing it closes the action and alerts the participants."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Role
from exercises.models import ActionStatus, CorrectiveAction, Exercise
from notifications.models import EventType, Notification
from plans.services import plan_version_publish
from tests.agencies.factories import member
from tests.conftest import web_client
from tests.dashboard import dashboard_html
from tests.exercises.helpers import fan_out_all


def test_a_drill_from_scheduling_to_the_version_that_closes_its_corrective_action(county):
    district = web_client(county.owner_admin)
    start = timezone.localtime() - timedelta(hours=2)
    form = {
        "lead_agency": county.district.pk,
        "title": "Spring lockdown drill",
        "kind": "lockdown",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "facilities": [county.school.pk],
        "participants": [county.police.pk, county.fire.pk],
        "plan_versions": [county.published.pk],
        "objectives": "Lock every classroom within three minutes\nReunify students with parents",
        "description": "",
    }
    response = district.post("/exercises/new/", form)
    exercise = Exercise.objects.get()
    assert response["Location"] == f"/exercises/{exercise.pk}/"
    fan_out_all()
    assert Notification.objects.filter(user=county.partner_view_member, event_type=EventType.EXERCISE_SCHEDULED)

    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    police = web_client(police_admin)
    page = police.get(f"/exercises/{exercise.pk}/").content.decode()
    assert "Record the attendance of Ridgeford Police" in page
    assert "Record the attendance of Maple Valley School District" not in page
    police.post(
        f"/exercises/{exercise.pk}/attendance/{county.police.pk}/",
        {
            f"a{county.police.pk}-attendees": [county.partner_view_member.pk],
            f"a{county.police.pk}-staff_count": 0,
            f"a{county.police.pk}-student_count": 0,
        },
    )
    assert exercise.participants.get(agency=county.police).attendees.get() == county.partner_view_member

    district.post(f"/exercises/{exercise.pk}/conducted/")
    district.post(f"/exercises/{exercise.pk}/report/", {"summary": "Lockdown went well; reunification was slow."})
    objective = exercise.objectives.get(position=2)
    district.post(
        f"/exercises/{exercise.pk}/report/findings/",
        {
            "kind": "improvement",
            "text": "Parents waited an hour.",
            "objective": objective.pk,
            "plan": county.plan.pk,
            "section_key": "section-2",
        },
    )
    # Before the report is final, the police do not see it.
    assert police.get(f"/exercises/{exercise.pk}/report/").status_code == 404
    district.post(f"/exercises/{exercise.pk}/report/finalize/")
    report_page = police.get(f"/exercises/{exercise.pk}/report/").content.decode()
    assert "Parents waited an hour." in report_page
    assert "section “Section 2”" in report_page
    finding = exercise.report.findings.get()
    district.post(
        f"/exercises/{exercise.pk}/report/actions/",
        {
            "finding": finding.pk,
            "description": "Rewrite the reunification steps",
            "owning_agency": county.district.pk,
            "responsible": county.owner_planner.pk,
            "due_on": str(timezone.localdate() - timedelta(days=1)),
        },
    )
    action = CorrectiveAction.objects.get()
    # The district's dashboard lists it, overdue; the editor of the next draft shows it beside section 2.
    dashboard = dashboard_html(web_client(county.owner_planner))
    panel = dashboard.split('id="corrective-actions-heading"', 1)[1].split("</section>", 1)[0]
    assert "Rewrite the reunification steps" in panel
    assert "1 overdue" in panel
    editor = web_client(county.owner_planner).get(f"/plans/{county.plan.pk}/versions/{county.draft.number}/edit/")
    section_2 = editor.content.decode().split('data-section-key="section-2"', 1)[1].split("</details>", 1)[0]
    assert "Rewrite the reunification steps" in section_2
    # A partner's editor view does not exist; the police see nothing of the district's plan editor.
    plan_version_publish(version=county.draft, actor=county.owner_admin)
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED_BY_VERSION
    fan_out_all()
    assert Notification.objects.filter(user=police_admin, event_type=EventType.CORRECTIVE_ACTION_CLOSED).exists()
    assert "Closed by a new plan version (v2)" in police.get(f"/exercises/{exercise.pk}/report/").content.decode()
