"""`manage.py seed_demo`: the demo county loads once, in one piece, and shows what a demo of Concord needs.

Loading the county takes several seconds on PostgreSQL, so the read-only tests share one load (the `demo`
fixture: one outer transaction, rolled back after the module; each test still runs in its own savepoint).
The two tests that need an empty database come first: pytest-django keeps the file order of `db` tests,
and the module fixture is only set up when the first test asks for it.
"""

import csv
import io
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from access.plans import plan_access, versions_visible
from accounts.demo_totp import DEMO_TOTP_SECRET
from agencies.models import Agency, Facility, Membership, PersonnelAssignment, Role
from audit.models import AuditEvent
from consistency.conflict_selectors import conflicts_visible_to
from consistency.models import FactConflict
from notifications.models import OutboxEvent
from plans import demo_data
from plans.diff import sections_diff
from plans.forms_filters import PlanFilterForm
from plans.models import (
    Acknowledgement,
    AgencyAcknowledgement,
    Classification,
    Plan,
    PlanGroupObjectPermission,
    PlanKind,
    PlanShare,
    PlanVersion,
    Section,
    VersionState,
)
from plans.selectors import (
    acknowledgement_status,
    facility_current_plans,
    plans_review_due,
    plans_visible_to,
    version_sections,
)
from reading.models import ReadingGroup, ReadingObligation, ReadingRequirement
from reviews.models import Comment
from tests.dashboard import dashboard_html
from tests.mfa import totp_code

User = get_user_model()
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
DEMO_LOGINS = [
    "operator",
    "district_admin",
    "district_planner",
    "police_admin",
    "police_liaison",
    "police_officer",
    "fire_liaison",
    "ems_medic",
    "em_admin",
]
COUNTED_MODELS = [
    User,
    Agency,
    Membership,
    Facility,
    PersonnelAssignment,
    Plan,
    PlanVersion,
    Section,
    PlanShare,
    PlanGroupObjectPermission,
    Acknowledgement,
    AgencyAcknowledgement,
    AuditEvent,
    OutboxEvent,
]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def user(username: str):
    return User.objects.get(username=username)


def school_plan(name: str) -> Plan:
    return Plan.objects.get(kind=PlanKind.SCHOOL_EOP, facilities__name=name)


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    """Load the demo county once for this module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        outer = transaction.atomic()
        outer.__enter__()
        output = seed()
    yield output
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_once, db) -> str:
    """The loaded demo county (each test in its own savepoint); the value is the command's output."""
    return _demo_once


@pytest.fixture
def empty_database(db) -> None:
    if Agency.objects.exists():
        pytest.fail("This test needs an empty database: keep it above the first test that uses `demo`.")


# -- tests on an empty database (keep them first) ---------------------------------------------------


def test_a_failure_midway_leaves_nothing_behind(empty_database, monkeypatch):
    def broken_share(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(demo_data, "plan_share", broken_share)
    with pytest.raises(RuntimeError):
        seed()
    for model in COUNTED_MODELS:
        assert model.objects.count() == 0, model.__name__


def test_seed_demo_refuses_a_database_where_a_demo_username_is_taken(empty_database):
    User.objects.create_user(username="police_liaison", password=None)
    with pytest.raises(CommandError, match="police_liaison"):
        seed()
    assert not Agency.objects.exists()
    assert User.objects.count() == 1


# -- tests on the loaded demo county -------------------------------------------------------------------


def test_seed_demo_reports_progress_and_lists_every_demo_login_with_the_shared_password(demo):
    output = demo
    assert "Creating 7 agencies" in output
    assert "Published 5/19 school plans" in output
    assert "Published 19/19 school plans" in output
    for username in DEMO_LOGINS:
        assert f"  {username} " in output
    assert "concord-demo" in output
    assert "demo only" in output


def test_running_seed_demo_twice_changes_nothing_and_prints_the_logins_again(demo):
    before = {model.__name__: model.objects.count() for model in COUNTED_MODELS}
    output = seed()
    after = {model.__name__: model.objects.count() for model in COUNTED_MODELS}
    assert after == before
    assert "already loaded" in output
    assert "district_admin" in output
    assert "concord-demo" in output


def test_every_demo_account_signs_in_with_the_demo_password(demo):
    # A sign-in always has a request: the lockout backend refuses to judge one without it.
    sign_in = RequestFactory().post("/accounts/login/")
    for username in [*DEMO_LOGINS, "officer01", "officer82", "principal_st_anne"]:
        assert authenticate(sign_in, username=username, password="concord-demo") is not None, username
    assert authenticate(sign_in, username="district_admin", password="wrong-password") is None
    operator = user("operator")
    assert operator.is_staff
    assert operator.is_superuser
    assert not user("district_admin").is_staff


def test_demo_logins_hold_the_roles_they_are_named_for(demo):
    roles = {
        (m.user.username): (m.agency.slug, m.role)
        for m in Membership.objects.filter(user__username__in=DEMO_LOGINS).select_related("user", "agency")
    }
    assert roles["district_admin"] == ("fairbrook-sd58", Role.ADMIN)
    assert roles["district_planner"] == ("fairbrook-sd58", Role.PLANNER)
    assert roles["police_liaison"] == ("fairbrook-pd", Role.LIAISON)
    assert roles["police_officer"] == ("fairbrook-pd", Role.MEMBER)
    assert roles["fire_liaison"][1] == Role.LIAISON
    assert roles["ems_medic"][1] == Role.MEMBER
    assert roles["em_admin"][1] == Role.ADMIN
    assert "operator" not in roles


def test_the_police_department_has_85_members_and_8_sros_covering_all_19_schools(demo):
    police = Agency.objects.get(slug="fairbrook-pd")
    roles = dict(Membership.objects.filter(agency=police).values_list("role").annotate(n=Count("id")))
    assert sum(roles.values()) == 85
    assert 1 <= roles[Role.ADMIN] <= 2
    assert roles[Role.PLANNER] == 1
    assert roles[Role.LIAISON] == 2

    sros = PersonnelAssignment.objects.filter(agency=police, role="school_resource_officer")
    assert sros.values("user").distinct().count() == 8
    schools = Facility.objects.all()
    assert schools.count() == 19
    assert set(sros.values_list("facility", flat=True)) == set(schools.values_list("pk", flat=True))
    # Each middle and high school has an SRO of its own; two more share the 13 others.
    secondary = schools.filter(kind__in=["middle_school", "high_school"])
    assert secondary.count() == 6
    for school in secondary:
        (sro,) = sros.filter(facility=school).values_list("user", flat=True)
        assert sros.filter(user=sro).count() == 1
    others = sros.exclude(facility__in=secondary)
    assert others.values("facility").distinct().count() == 13
    assert others.values("user").distinct().count() == 2
    assert sros.filter(user__username="police_officer", facility__name="Fairbrook High School").exists()


def test_every_school_has_a_current_published_plan_the_police_liaison_can_read(demo):
    liaison = user("police_liaison")
    visible = plans_visible_to(user=liaison)
    for school in Facility.objects.all():
        plans = facility_current_plans(user=liaison, facility=school).filter(kind=PlanKind.SCHOOL_EOP)
        assert plans.count() == 1, school.name
        plan = plans.get()
        assert plan.current_version.state == VersionState.PUBLISHED
        assert plan.owner_agency.kind == "school_district"
        assert visible.filter(pk=plan.pk).exists()
        assert {s.agency.slug: s.level for s in plan.shares.select_related("agency")} == {
            "fairbrook-pd": "comment",
            "fairbrook-fpd": "comment",
            "lindell-ems": "view",
            "lindell-oem": "view",
        }


def test_school_plans_follow_the_federal_structure_with_concrete_key_facts(demo):
    plan = school_plan("Jefferson Middle School")
    sections = {s.key: s.body for s in version_sections(version=plan.current_version)}
    assert len(sections) == 24
    assert "LC SCHOOLS" in sections["annex-communications"]
    assert "Primary reunification site" in sections["annex-reunification"]
    assert "Incident command post" in sections["hazard-active-threat"]
    assert "staging" in sections["hazard-active-threat"]
    # Facts vary from school to school.
    other = school_plan("Riverside High School")
    other_sections = {s.key: s.body for s in version_sections(version=other.current_version)}
    assert other_sections["annex-reunification"] != sections["annex-reunification"]


def test_at_least_five_plans_have_a_second_version_whose_diff_shows_real_changes(demo):
    two_versions = Plan.objects.filter(
        versions__state=VersionState.SUPERSEDED, current_version__number=2, kind=PlanKind.SCHOOL_EOP
    ).distinct()
    assert two_versions.count() >= 5
    for plan in two_versions:
        old, new = plan.versions.order_by("number")
        diff = sections_diff(
            old=version_sections(version=old), new=version_sections(version=new), old_number=1, new_number=2
        )
        changed = [row.key for row in diff if row.change == "changed"]
        assert changed, plan.title
        assert len(changed) < len(diff), plan.title
        assert any(key != "introductory-material" for key in changed), plan.title

    jefferson = school_plan("Jefferson Middle School")
    old, new = jefferson.versions.order_by("number")
    diff = {
        row.key: row
        for row in sections_diff(
            old=version_sections(version=old), new=version_sections(version=new), old_number=1, new_number=2
        )
    }
    assert diff["annex-reunification"].change == "changed"
    assert "Park District Recreation Center" in diff["annex-reunification"].diff
    assert diff["annex-lockdown"].change == "unchanged"


def test_the_law_enforcement_sensitive_police_plan_reaches_the_districts_but_not_ems(demo):
    plan = Plan.objects.get(title="Active threat response plan")
    assert plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE
    assert plan.owner_agency.slug == "fairbrook-pd"
    assert set(plan.shares.values_list("agency__slug", "level")) >= {
        ("fairbrook-sd58", "view"),
        ("fairbrook-hsd211", "view"),
    }
    assert plans_visible_to(user=user("district_admin")).filter(pk=plan.pk).exists()
    assert plans_visible_to(user=user("police_officer")).filter(pk=plan.pk).exists()
    assert not plans_visible_to(user=user("ems_medic")).filter(pk=plan.pk).exists()
    assert not plan_access(user=user("ems_medic"), plan=plan).can_view


def test_partners_do_not_see_the_draft_in_progress_but_its_writers_do(demo):
    drafts = PlanVersion.objects.filter(state=VersionState.DRAFT)
    assert drafts.count() >= 1
    draft = drafts.select_related("plan").first()
    plan = draft.plan
    assert plan.current_version.number < draft.number
    for partner in ["police_liaison", "police_officer", "fire_liaison", "ems_medic", "em_admin"]:
        visible = versions_visible(access=plan_access(user=user(partner), plan=plan))
        assert not visible.filter(state=VersionState.DRAFT).exists(), partner
        assert visible.filter(pk=plan.current_version_id).exists(), partner
    writer_view = versions_visible(access=plan_access(user=user("district_planner"), plan=plan))
    assert writer_view.filter(pk=draft.pk).exists()


def test_acknowledgement_status_shows_some_partners_behind_on_the_current_version(demo):
    behind_somewhere = False
    for plan in Plan.objects.filter(current_version__number=2, kind=PlanKind.SCHOOL_EOP):
        versions = {row["agency_name"]: row["version"] for row in acknowledgement_status(plan=plan)["agencies"]}
        if 2 in versions.values() and 1 in versions.values():
            behind_somewhere = True
    assert behind_somewhere
    # Both police and fire acknowledged the current version of some plans and only the previous one of others.
    police_versions = set(
        AgencyAcknowledgement.objects.filter(
            agency__slug="fairbrook-pd", version__plan__current_version__number=2, version__plan__kind="school_eop"
        ).values_list("version__plan", "version__number")
    )
    latest = {}
    for plan_id, number in police_versions:
        latest[plan_id] = max(number, latest.get(plan_id, 0))
    assert set(latest.values()) == {1, 2}
    # The officer acknowledged the current version personally (their own record, not shown to the owner).
    assert Acknowledgement.objects.filter(
        user__username="police_officer", version=school_plan("Fairbrook High School").current_version
    ).exists()


def test_county_plans_are_public_and_one_is_due_for_review(demo):
    public = Plan.objects.filter(classification=Classification.PUBLIC, owner_agency__slug="lindell-oem")
    assert public.count() >= 2
    for username in ["ems_medic", "district_planner", "operator"]:
        assert set(public) <= set(plans_visible_to(user=user(username))), username
    due = plans_review_due(plans=plans_visible_to(user=user("em_admin")))
    assert due.filter(title="Severe weather readiness checklist").exists()
    # The school plans due are District 58's four carried over from paper (see the next test).
    assert set(due.filter(kind=PlanKind.SCHOOL_EOP).values_list("owner_agency__slug", flat=True)) == {"fairbrook-sd58"}


def review_panel(client: Client) -> str:
    """The dashboard's "Due for review" panel."""
    page = dashboard_html(client)
    return page.split('id="review-due-heading"', 1)[1].split("</section>", 1)[0]


def test_on_first_sign_in_the_district_sees_plans_overdue_and_due_for_review(demo):
    client = Client()
    client.force_login(user("district_admin"))
    panel = review_panel(client)
    rows = panel.split("<li>")[1:]
    assert len(rows) == 4, panel
    overdue, due = rows[:2], rows[2:]  # soonest first: the overdue ones lead
    for row, school in zip(overdue, ["Oak Terrace", "Lincoln"], strict=True):
        assert f"{school} Elementary School crisis plan" in row
        assert "Overdue</span> since" in row
    for row, school in zip(due, ["Garfield", "Sunset Ridge"], strict=True):
        assert f"{school} Elementary School crisis plan" in row
        assert "Due in " in row
    # Its last review was on paper, 390 days ago: the published version names that review's school year.
    reviewed = timezone.localdate() - timedelta(days=390)
    start = reviewed.year if reviewed.month >= 7 else reviewed.year - 1
    summary = school_plan("Oak Terrace Elementary School").current_version.change_summary
    assert summary.startswith(f"Annual review {start}-{(start + 1) % 100:02d} ")


def test_the_demo_school_plans_show_their_evacuation_and_active_threat_annexes_as_lists(demo):
    client = Client()
    client.force_login(user("police_liaison"))
    for name in ["Jefferson Middle School", "Oak Terrace Elementary School", "Fairbrook High School"]:
        page = client.get(f"/plans/{school_plan(name).pk}/").content.decode()
        evacuation = page.split('id="section-annex-evacuation"', 1)[1].split("</section>", 1)[0]
        assert "<li>On-site assembly area:" in evacuation, name
        assert "<li>Off-site evacuation site" in evacuation, name
        threat = page.split('id="section-hazard-active-threat"', 1)[1].split("</section>", 1)[0]
        assert "<li>Incident command post:" in threat, name
        assert "<li>Police staging:" in threat, name


def test_the_demo_has_exactly_the_planted_conflict_and_both_agencies_dashboards_lead_to_it(demo):
    (conflict,) = FactConflict.objects.select_related("facility", "first_agency", "second_agency")
    assert conflict.facility.name == "Hawthorne Elementary School"
    assert (conflict.kind, conflict.first_key, conflict.second_key) == ("differs", "staging_area", "staging_area")
    assert {conflict.first_agency.slug, conflict.second_agency.slug} == {"fairbrook-sd58", "fairbrook-fpd"}
    alerted = OutboxEvent.objects.filter(event_type="facility.conflict")
    assert set(alerted.values_list("plan__owner_agency__slug", flat=True)) == {"fairbrook-sd58", "fairbrook-fpd"}
    assert alerted.count() == 2
    facility_url = f"/facilities/{conflict.facility_id}/"
    for username in ["district_admin", "fire_liaison"]:
        client = Client()
        client.force_login(user(username))
        dashboard = dashboard_html(client)
        assert "1 conflict with other agencies' plans" in dashboard, username
        assert f'href="{facility_url}#conflict-{conflict.pk}"' in dashboard, username
        page = client.get(facility_url).content.decode()
        assert f'id="conflict-{conflict.pk}"' in page, username
        assert "Staging area for responders</strong> differs" in page, username
    # The police read the school's plan but not the fire district's: the conflict would tell them about it.
    assert conflicts_visible_to(user=user("police_liaison")) == []


def test_the_demo_has_an_open_change_request_the_district_finds_on_its_dashboard_and_in_the_draft_editor(demo):
    (request,) = Comment.objects.filter(is_change_request=True, resolved_at__isnull=True).select_related("plan")
    assert (request.author.username, request.section_key) == ("fire_liaison", "annex-evacuation")
    assert Comment.objects.filter(is_change_request=True, resolved_at__isnull=False).count() == 1
    plan = request.plan
    draft = plan.versions.get(state=VersionState.DRAFT)
    client = Client()
    client.force_login(user("district_planner"))
    dashboard = dashboard_html(client)
    assert f'href="/plans/{plan.pk}/#change-requests"' in dashboard
    editor = client.get(f"/plans/{plan.pk}/versions/{draft.number}/edit/").content.decode()
    evacuation = editor.split('id="section-annex-evacuation"', 1)[1].split("</fieldset>", 1)[0]
    assert "1 open change request on this section" in evacuation


def test_the_demo_concurrence_record_shows_police_concurring_and_fire_asking_for_changes(demo):
    (request,) = Comment.objects.filter(is_change_request=True, resolved_at__isnull=True).select_related("plan")
    client = Client()
    client.force_login(user("district_admin"))
    record = client.get(f"/plans/{request.plan.pk}/concurrence/record.csv")
    assert record.status_code == 200
    rows = list(csv.DictReader(io.StringIO(record.content.decode())))
    outcomes = {row["agency"]: row["outcome"] for row in rows if row["is_newest"] == "yes"}
    assert outcomes["Fairbrook Police Department"] == "concur"
    assert outcomes["Fairbrook Fire Protection District"] == "changes_requested"
    fire = next(row for row in rows if row["agency"] == "Fairbrook Fire Protection District")
    assert fire["open_change_request_ids"] == str(request.pk)


def test_the_district_marks_an_overdue_demo_plan_reviewed_and_it_leaves_the_due_panel_without_an_alert(demo):
    """Issue 13, item 9 in the demo: a paper plan reviewed with its partners, nothing to change."""
    plan = school_plan("Oak Terrace Elementary School")
    client = Client()
    client.force_login(user("district_admin"))
    events = OutboxEvent.objects.count()
    response = client.post(
        f"/plans/{plan.pk}/reviewed/", {"version": plan.current_version.number, "note": "Walked through with PD."}
    )
    assert response.status_code == 302
    assert "Oak Terrace" not in review_panel(client)
    assert OutboxEvent.objects.count() == events
    officer = Client()
    officer.force_login(user("police_officer"))
    page = officer.get(f"/plans/{plan.pk}/").content.decode()
    assert f"by {user('district_admin').get_full_name()} (no changes)" in page


def test_the_search_boxs_example_finds_the_districts_reunification_plan_in_the_demo(demo):
    example = str(PlanFilterForm.base_fields["q"].help_text).rsplit("e.g. ", 1)[1].rstrip(".")
    client = Client()
    client.force_login(user("police_liaison"))
    listing = client.get("/plans/", {"q": example}).content.decode()
    assert "District 58 family reunification plan" in listing


def test_the_police_require_mfa_and_their_accounts_sign_in_with_the_demo_code(demo):
    police = Agency.objects.get(slug="fairbrook-pd")
    assert police.require_mfa
    assert police.les_read_requires_mfa
    members = Membership.objects.filter(agency=police).values("user_id")
    apps = Authenticator.objects.filter(user_id__in=members, type=Authenticator.Type.TOTP)
    assert apps.count() == 85
    with override_settings(DEBUG=True):
        out = io.StringIO()
        call_command("demo_totp", "police_officer", stdout=out)
    assert out.getvalue().strip() == totp_code(DEMO_TOTP_SECRET)
    # Nobody outside the police department has the demo secret.
    assert not Authenticator.objects.exclude(user_id__in=members).exists()


def test_the_police_require_reading_and_its_people_stand_at_every_state(demo):
    """Issue 15, item 8: SROs owe every school plan, everyone the active-threat plan; read, due and overdue."""
    police = Agency.objects.get(slug="fairbrook-pd")
    now = timezone.now()
    sros = ReadingGroup.objects.get(agency=police, name="School Resource Officers")
    assert sros.members.count() == 9
    assert sros.members.get(is_supervisor=True).user.username == "police_liaison"
    required = ReadingRequirement.objects.filter(agency=police)
    assert required.filter(audience="group", group=sros, plan__kind=PlanKind.SCHOOL_EOP).count() == 19
    assert required.get(audience="everyone").plan.title == "Active threat response plan"
    owed = ReadingObligation.objects.filter(agency=police)
    read = owed.filter(acknowledged_at__isnull=False).count()
    overdue = owed.filter(acknowledged_at__isnull=True, due_at__lt=now).count()
    due = owed.filter(acknowledged_at__isnull=True, due_at__gte=now).count()
    assert read > 2 * (overdue + due)  # most are current
    assert 0 < overdue < due
    mine = owed.filter(user__username="police_officer", acknowledged_at__isnull=True)
    assert mine.count() == 4
    assert mine.filter(due_at__lt=now).count() == 1
    assert "readings owed at the police department" in demo


def test_the_demos_overdue_reading_stays_overdue_after_the_nightly_sync(demo, django_capture_on_commit_callbacks):
    """The due dates are computed from the plans' (backdated) publication, so the nightly job keeps them."""
    from reading.tasks import daily_reminders

    def open_items() -> set[tuple[int, int, object]]:
        rows = ReadingObligation.objects.filter(acknowledged_at__isnull=True)
        return set(rows.values_list("user_id", "plan_id", "due_at"))

    now = timezone.now()
    before = open_items()
    overdue = {item for item in before if item[2] < now}
    assert overdue
    with django_capture_on_commit_callbacks(execute=False):
        result = daily_reminders()
    assert (result["synced_created"], result["synced_updated"], result["synced_deleted"]) == (0, 0, 0)
    assert open_items() == before
    assert {item for item in open_items() if item[2] < now} == overdue
    officer = ReadingObligation.objects.filter(user__username="police_officer", acknowledged_at__isnull=True)
    assert officer.filter(due_at__lt=now).count() == 1
    # The school plans were published over the last weeks, in the order of the county's history.
    published = Plan.objects.filter(kind=PlanKind.SCHOOL_EOP).values_list("current_version__published_at", flat=True)
    assert min(published) < now - timedelta(days=14) < now - timedelta(days=2) < max(published) < now


def test_the_police_plan_builds_on_every_school_plan_and_two_moved_on_since(demo):
    from sources.selectors import dashboard_source_changes, plan_sources

    plan = Plan.objects.get(title="Active threat response plan")
    sources = plan_sources(user=user("police_admin"), plan=plan)
    assert (sources.total, sources.changed) == (19, 2)
    pending = sorted(row.title for row in sources.rows if row.state == "pending")
    assert pending == ["Fairbrook North High School crisis plan", "Prairie Ridge Middle School crisis plan"]
    [listed] = dashboard_source_changes(user=user("police_admin"), agency=plan.owner_agency)
    assert (listed.title, listed.sources_changed) == ("Active threat response plan", 2)


def test_police_officers_high_school_shows_its_site_map_and_sensitive_floor_plan_but_ems_sees_only_the_map(demo):
    from access.facilities import building_documents_visible_to

    school = Facility.objects.get(name="Fairbrook High School")
    titles = set(
        building_documents_visible_to(user=user("police_officer"))
        .filter(facility=school)
        .values_list("title", flat=True)
    )
    assert titles == {"Site map, Fairbrook High School", "First floor, room and door numbers"}
    ems = set(
        building_documents_visible_to(user=user("ems_medic")).filter(facility=school).values_list("title", flat=True)
    )
    assert ems == {"Site map, Fairbrook High School"}
    assert (
        building_documents_visible_to(user=user("police_officer"))
        .filter(facility__name="Jefferson Middle School")
        .exists()
    )


def test_the_demo_has_a_year_of_exercises_and_one_report_with_an_action_closed_open_and_overdue(demo):
    from exercises.models import ActionStatus, CorrectiveAction, Exercise, ExerciseStatus

    training = Exercise.objects.get(title__startswith="Active-threat response training")
    assert training.status == ExerciseStatus.CONDUCTED
    assert training.report.is_final
    assert training.facilities.count() == 2
    actions = CorrectiveAction.objects.filter(exercise=training)
    assert sorted(actions.values_list("status", flat=True)) == [ActionStatus.CLOSED_BY_VERSION, "open", "open"]
    today = timezone.localdate()
    assert actions.filter(status="open", due_on__lt=today).count() == 1
    assert Exercise.objects.filter(kind__in=["lockdown", "evacuation"]).count() >= 5
    assert Exercise.objects.filter(status=ExerciseStatus.SCHEDULED).count() >= 3
    closed = actions.get(status=ActionStatus.CLOSED_BY_VERSION)
    assert closed.closed_by_version == closed.plan.versions.get(number=2)
    # The high school district finds its overdue action on its dashboard.
    dashboard = Client()
    dashboard.force_login(User.objects.get(username="hsd211_staff01"))
    panel = dashboard_html(dashboard).split('id="corrective-actions-heading"', 1)[1].split("</section>")[0]
    assert "1 overdue" in panel


def test_the_police_sros_were_trained_on_the_active_threat_plan_and_two_are_not_current(demo):
    from reading.models import TrainingSession
    from reading.selectors_compliance import compliance_scope_for
    from reading.selectors_training import TrainingFilters, people_rows, people_summaries

    admin = User.objects.get(username="police_admin")
    police = admin.memberships.get().agency
    scope = compliance_scope_for(user=admin, agency_id=police.pk)
    rows = people_summaries(scope=scope, filters=TrainingFilters(), today=timezone.localdate())
    states = {row["user__username"]: row["state"] for row in people_rows(scope=scope, rows=list(rows))}
    assert states["police_officer"] == "current"
    assert sorted(name for name, state in states.items() if state == "not_current") == ["officer09", "officer10"]
    sessions = TrainingSession.objects.filter(agency=police)
    assert sessions.count() == 2
    assert sessions.filter(exercise__title__startswith="Active-threat response training").exists()
    assert sessions.get(exercise__isnull=True).staff_count == 38


def test_the_demo_loads_a_states_drill_rule_and_only_hawthorne_is_behind_on_lockdown_drills(demo):
    from agencies.models import Facility
    from exercises.models import RequirementSet
    from exercises.requirement_status import drill_status

    rule = RequirementSet.objects.get(owner_agency__isnull=True)
    schools = list(Facility.objects.filter(requirement_assignments__requirement_set=rule).order_by("name"))
    assert len(schools) == 5
    statuses = drill_status(facilities=schools)
    behind = {(s.facility.name, kind) for s in statuses.values() for kind in s.behind_kinds}
    hawthorne = next(s for s in statuses.values() if s.facility.name == "Hawthorne Elementary School")
    lockdown = next(line for line in hawthorne.sets[0].lines if line.line.exercise_kind == "lockdown")
    # Behind once a lockdown drill is expected (not in the first days of a term, when none is yet).
    assert behind == ({("Hawthorne Elementary School", "Lockdown drill")} if lockdown.expected_by_now else set())
    client = Client()
    client.force_login(User.objects.get(username="district_admin"))
    page = client.get(f"/agencies/{hawthorne.facility.owner_agency_id}/drills/").content.decode()
    assert "Hawthorne Elementary School" in page
    assert "State school safety drills" in page
