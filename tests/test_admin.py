"""The operator's admin: every list opens fast, history stays frozen, and writes go through the services."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access.actors import SYSTEM
from agencies.models import Agency, AgencyKind, AssignmentRole, Membership, Role
from agencies.services import personnel_assignment_create
from audit.models import AuditEvent
from consistency.models import ConflictKind, FactConflict, FactKey
from notifications.models import Channel, Delivery, OutboxEvent, WebhookAttempt, WebhookEndpoint
from plans import services as plan_services
from plans.models import Attachment, Classification, Plan, PlanVersion, Section
from reviews.concurrence_services import concurrence_record
from reviews.models import Comment, Concurrence
from reviews.services import comment_create
from sources.models import PlanSource, PlanSourceVersion, SourceChange
from tests.agencies.factories import AgencyFactory, UserFactory, member
from tests.conftest import client_for, web_client
from tests.permission_matrix import ACTORS, matrix, user_of
from tests.plans.factories import draft, make_plan, publish
from tests.sources.scene import built, school_publishes  # noqa: F401 - the fixture

OUR_APPS = {"agencies", "plans", "audit", "notifications", "reviews", "consistency"}


@pytest.fixture
def operator(county):
    """The platform operator: staff and superuser, member of no agency."""
    return UserFactory(username="platform_operator", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _form_data(response) -> dict:
    """The POST body a browser would send back for an admin change page, unchanged."""
    data: dict = {}

    def add(form) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def _attach(version, actor) -> Attachment:
    upload = SimpleUploadedFile("floor-plan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    return plan_services.attachment_add(version=version, actor=actor, upload=upload, max_bytes=1024 * 1024)


def _review_and_conflict(county) -> None:
    """A change request, a concurrence and a conflict, so their read-only admin pages have a row to show."""
    comment_create(
        version=county.published,
        author=county.partner_comment_liaison,
        body="Stage at lot B.",
        is_change_request=True,
    )
    concurrence_record(version=county.published, agency=None, actor=county.partner_comment_liaison, outcome="concur")
    FactConflict.objects.create(
        facility=county.school,
        kind=ConflictKind.DIFFERS,
        first_key=FactKey.STAGING_AREA,
        second_key=FactKey.STAGING_AREA,
        first_version=county.published,
        second_version=county.published,
        first_plan=county.plan,
        second_plan=county.plan,
        first_agency=county.district,
        second_agency=county.fire,
        detected_at=timezone.now(),
    )


def test_review_records_and_conflicts_are_read_only_in_the_admin(operator_client, county):
    _review_and_conflict(county)
    for model in (Comment, Concurrence, FactConflict):
        obj = model._default_manager.first()
        page = operator_client.get(_url(model, "change", obj.pk))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert operator_client.get(_url(model, "add")).status_code == 403
        assert operator_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
        assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.usefixtures("built")
def test_sources_are_listed_and_shown_read_only_in_the_admin(operator_client, county):
    school_publishes(county)  # a source change besides the link and the recorded source version
    for model in (PlanSource, PlanSourceVersion, SourceChange):
        assert operator_client.get(_url(model, "changelist")).status_code == 200
        obj = model._default_manager.first()
        page = operator_client.get(_url(model, "change", obj.pk))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert operator_client.get(_url(model, "add")).status_code == 403
        assert operator_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
        assert model._default_manager.filter(pk=obj.pk).exists()


def test_operator_can_open_every_admin_list_and_each_of_our_objects(operator_client, county):
    personnel_assignment_create(
        user=county.partner_view_member,
        agency=county.police,
        facility=county.school,
        role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
        actor=SYSTEM,
    )
    _attach(county.draft, county.owner_planner)
    endpoint = WebhookEndpoint.objects.create(
        agency=county.police, url="https://receiver.example.org/hook", events=["version.published"]
    )
    delivery = Delivery.objects.create(
        event=OutboxEvent.objects.first(), channel=Channel.WEBHOOK, endpoint=endpoint, last_status_code=500
    )
    WebhookAttempt.objects.create(delivery=delivery, status_code=500, duration_ms=12)
    _review_and_conflict(county)
    for model in admin.site._registry:
        response = operator_client.get(_url(model, "changelist"))
        assert response.status_code == 200, f"{model._meta.label} list answered {response.status_code}"
        if model._meta.app_label in OUR_APPS:
            obj = model._default_manager.first()
            assert obj is not None, f"the county fixture has no {model._meta.label}"
            response = operator_client.get(_url(model, "change", obj.pk))
            assert response.status_code == 200, f"{model._meta.label} page answered {response.status_code}"


@pytest.mark.parametrize(("actor", "expected"), matrix(**{**dict.fromkeys(ACTORS, 302), "staff": 200}))
def test_only_platform_staff_get_into_the_admin(county, actor, expected):
    """Agency people, their admins included, are sent to the admin's own sign-in and see nothing of a plan."""
    client = web_client(user_of(county, actor))
    index = client.get(reverse("admin:index"))
    assert index.status_code == expected
    if expected == 302:
        change = client.get(_url(Plan, "change", county.plan.pk))
        assert change.status_code == 302
        for response in (index, change):
            assert response["Location"].startswith(reverse("admin:login"))
        assert county.plan.title not in change.content.decode()


def test_staff_without_superuser_rights_cannot_open_the_audit_trail(client, county):
    client.force_login(county.staff)
    assert client.get(_url(AuditEvent, "changelist")).status_code == 403


def _more_agencies_with_published_plans(count: int) -> None:
    for index in range(count):
        agency = AgencyFactory(name=f"Extra District {index}", slug=f"extra-{index}", kind=AgencyKind.SCHOOL_DISTRICT)
        admin_user = member(agency, Role.ADMIN, username=f"extra_admin_{index}")
        plan = make_plan(owner=agency, actor=admin_user, title=f"Extra plan {index}")
        publish(plan, admin_user, "Evacuate.")
        draft(plan, admin_user, "Evacuate faster.")


@pytest.mark.parametrize(
    "model",
    [Agency, Membership, Plan, PlanVersion, AuditEvent],
    ids=lambda model: model._meta.model_name,
)
def test_admin_lists_cost_the_same_number_of_queries_for_many_rows(
    operator_client, county, model, django_assert_max_num_queries
):
    url = _url(model, "changelist")
    operator_client.get(url)  # warm per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        response = operator_client.get(url)
    rows_before = len(response.context["cl"].result_list)

    _more_agencies_with_published_plans(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = operator_client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= rows_before + 15


def test_a_published_version_is_shown_read_only_and_a_post_changes_nothing(operator_client, county):
    version = county.published
    body_before = list(Section.objects.filter(version=version).values_list("body", flat=True))
    url = _url(PlanVersion, "change", version.pk)

    page = operator_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="change_summary"' not in html
    assert 'name="sections-0-body"' not in html
    assert 'name="_save"' not in html
    assert "Evacuate to the north field." in html

    response = operator_client.post(
        url,
        {
            "change_summary": "rewritten by the operator",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-position": "0",
            "sections-0-key": "new",
            "sections-0-title": "New",
            "sections-0-body": "Evacuate to the parking lot.",
        },
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.change_summary == "Annual update"
    assert list(Section.objects.filter(version=version).values_list("body", flat=True)) == body_before
    assert operator_client.post(_url(PlanVersion, "delete", version.pk), {"post": "yes"}).status_code == 403
    assert PlanVersion.objects.filter(pk=version.pk).exists()


def test_a_draft_edited_in_the_admin_goes_through_the_draft_service(operator_client, county):
    version = county.draft
    url = _url(PlanVersion, "change", version.pk)
    data = _form_data(operator_client.get(url))
    data["change_summary"] = "Stadium is the new evacuation site"
    data["sections-0-body"] = "Evacuate to the stadium, then count heads."
    data["sections-1-DELETE"] = "on"

    response = operator_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    version.refresh_from_db()
    assert version.change_summary == "Stadium is the new evacuation site"
    assert list(version.sections.values_list("position", "body")) == [(0, "Evacuate to the stadium, then count heads.")]


def test_an_operator_may_delete_a_draft_but_never_a_published_version(operator_client, county):
    published_page = operator_client.get(_url(PlanVersion, "change", county.published.pk)).content.decode()
    assert _url(PlanVersion, "delete", county.published.pk) not in published_page

    response = operator_client.post(_url(PlanVersion, "delete", county.draft.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not PlanVersion.objects.filter(pk=county.draft.pk).exists()
    assert PlanVersion.objects.filter(pk=county.published.pk, state="published").exists()


def test_the_audit_trail_cannot_be_changed_or_deleted_through_the_admin(operator_client, county):
    event = AuditEvent.objects.filter(action="plan.share").first()
    total = AuditEvent.objects.count()

    change = operator_client.post(_url(AuditEvent, "change", event.pk), {"action": "plan.read"})
    delete = operator_client.post(_url(AuditEvent, "delete", event.pk), {"post": "yes"})
    bulk = operator_client.post(
        _url(AuditEvent, "changelist"), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    listing = operator_client.get(_url(AuditEvent, "changelist")).content.decode()

    assert change.status_code == 403
    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    assert "delete_selected" not in listing
    assert AuditEvent.objects.count() == total
    assert AuditEvent.objects.get(pk=event.pk).action == "plan.share"


def test_adding_an_agency_in_the_admin_creates_its_group(operator_client, county):
    stray_group = Group.objects.create(name="not-this-one")
    response = operator_client.post(
        _url(Agency, "add"),
        {
            "name": "Ridgeford EMS",
            "slug": "ridgeford-ems",
            "kind": AgencyKind.EMS,
            "jurisdiction": "Ridgeford",
            "phone": "",
            "email": "",
            "group": stray_group.pk,
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(slug="ridgeford-ems")
    assert agency.group.name == "agency:ridgeford-ems"
    assert agency.group != stray_group
    assert 'name="group"' not in operator_client.get(_url(Agency, "change", agency.pk)).content.decode()


def test_adding_a_member_in_the_admin_is_audited_and_gives_the_agency_s_access(operator_client, operator, county):
    newcomer = UserFactory(username="new_officer")
    response = operator_client.post(
        _url(Membership, "add"), {"user": newcomer.pk, "agency": county.police.pk, "role": Role.MEMBER}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, agency=county.police)
    assert membership.role == Role.MEMBER
    # The new officer sees what the police are granted at once: the plan shared with them.
    assert client_for(newcomer).get(f"/api/v1/plans/{county.plan.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="membership.add", object_id=str(membership.pk))
    assert event.actor == operator
    assert event.agency == county.police


def test_changing_and_removing_a_member_in_the_admin_is_audited(operator_client, county):
    membership = Membership.objects.get(user=county.partner_view_member, agency=county.police)
    change = operator_client.post(_url(Membership, "change", membership.pk), {"role": Role.LIAISON})
    assert change.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.LIAISON

    delete = operator_client.post(_url(Membership, "delete", membership.pk), {"post": "yes"})
    assert delete.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert client_for(county.partner_view_member).get(f"/api/v1/plans/{county.plan.pk}/").status_code == 404
    actions = AuditEvent.objects.filter(object_id=str(membership.pk), object_type="agencies.membership")
    assert set(actions.values_list("action", flat=True)) == {"membership.add", "membership.change", "membership.remove"}


def test_the_admin_will_not_leave_an_agency_without_an_admin(operator_client, county):
    membership = Membership.objects.get(user=county.owner_admin, agency=county.district)

    demote = operator_client.post(_url(Membership, "change", membership.pk), {"role": Role.MEMBER})
    assert demote.status_code == 200
    assert "must keep at least one admin" in demote.content.decode()

    remove = operator_client.post(_url(Membership, "delete", membership.pk), {"post": "yes"}, follow=True)
    assert "must keep at least one admin" in remove.content.decode()

    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    assert not AuditEvent.objects.filter(action="membership.remove", object_id=str(membership.pk)).exists()


def test_plan_shares_are_listed_but_not_editable_in_the_admin(operator_client, county):
    html = operator_client.get(_url(Plan, "change", county.plan.pk)).content.decode()
    assert "Ridgeford Police" in html
    assert "Ridgeford Fire" in html
    assert 'name="shares-0-level"' not in html


def test_opening_a_sensitive_plan_in_the_admin_is_audited(operator_client, operator, county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    operator_client.get(_url(PlanVersion, "change", county.published.pk), REMOTE_ADDR="10.9.8.7")
    event = AuditEvent.objects.get(action="plan.read", actor=operator)
    assert event.details["what"] == "admin:version"
    assert event.ip_address == "10.9.8.7"


def test_the_attachment_admin_never_links_to_the_private_file(operator_client, county):
    attachment = _attach(county.draft, county.owner_planner)
    for url in (_url(Attachment, "changelist"), _url(Attachment, "change", attachment.pk)):
        html = operator_client.get(url).content.decode()
        assert "floor-plan.pdf" in html
        assert attachment.file.name not in html
        assert attachment.token not in html


def test_renaming_an_agency_slug_in_the_admin_renames_its_group(operator_client, county):
    url = _url(Agency, "change", county.fire.pk)
    data = _form_data(operator_client.get(url))
    data["slug"] = "ridgeford-fire-rescue"
    assert operator_client.post(url, data).status_code == 302
    county.fire.group.refresh_from_db()
    assert county.fire.group.name == "agency:ridgeford-fire-rescue"


def test_reclassifying_a_plan_in_the_admin_is_audited_and_keeps_its_buildings(operator_client, operator, county):
    url = _url(Plan, "change", county.plan.pk)
    data = _form_data(operator_client.get(url))
    data["classification"] = Classification.LAW_ENFORCEMENT_SENSITIVE
    assert operator_client.post(url, data).status_code == 302
    county.plan.refresh_from_db()
    assert county.plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE
    assert list(county.plan.facilities.all()) == [county.school]
    event = AuditEvent.objects.get(action="plan.reclassify", actor=operator)
    assert event.details == {"from": Classification.PARTNER, "to": Classification.LAW_ENFORCEMENT_SENSITIVE}


def test_agency_groups_cannot_be_edited_around_the_membership_services(county, client):
    client.force_login(county.staff.__class__.objects.create_superuser("root", "root@example.org", "x" * 20))
    assert client.get("/admin/auth/group/").status_code == 404
    page = client.get(f"/admin/auth/user/{county.owner_member.pk}/change/")
    assert page.status_code == 200
    assert b'name="groups"' not in page.content
