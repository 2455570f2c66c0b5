"""A building's contacts and its assignments through the API: who reads and changes them (every actor), phone
numbers checked with a field message, SRO history kept, and one alert per SRO change to the building's partners."""

import datetime

import pytest
from django.utils import timezone

from access.actors import SYSTEM
from agencies.contact_services import facility_contact_create
from agencies.models import AssignmentRole, FacilityContact, PersonnelAssignment, Role
from agencies.services import personnel_assignment_create
from audit.models import AuditAction, AuditEvent
from notifications.models import EventType, Notification, OutboxEvent
from notifications.services import outbox_event_fan_out
from tests.agencies.factories import member
from tests.conftest import client_for
from tests.permission_matrix import client_as, covers, matrix


def contacts_url(county) -> str:
    return f"/api/v1/facilities/{county.school.pk}/contacts/"


def world() -> dict:
    return {
        "contacts": sorted(FacilityContact.objects.values_list("id", "label", "name", "phone", "position")),
        "assignments": sorted(PersonnelAssignment.objects.values_list("id", "user_id", "started_on", "ended_on")),
        "audit": AuditEvent.objects.exclude(action__startswith="auth.").count(),
        "events": OutboxEvent.objects.count(),
    }


@pytest.fixture
def principal(county):
    return facility_contact_create(
        facility=county.school, label="Principal", name="Ana Ortiz", phone="(630) 555-0101", actor=SYSTEM
    )


READERS = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=200,
    partner_view_member=200,
    partner_comment_liaison=200,
    unrelated_admin=404,  # its agency sees none of the building's plans
    staff=200,
)
EDITORS = {
    "anonymous": 401,
    "owner_admin": "ok",
    "owner_planner": "ok",
    "owner_liaison": 403,
    "owner_member": 403,
    "partner_view_liaison": 403,
    "partner_view_member": 403,
    "partner_comment_liaison": 403,
    "unrelated_admin": 404,
    "staff": "ok",
}


def editors(ok: int) -> list:
    return matrix(**{actor: ok if status == "ok" else status for actor, status in EDITORS.items()})


@covers("facility-contact-list")
@pytest.mark.parametrize(("actor", "expected"), READERS)
def test_the_agencies_that_see_the_buildings_plans_read_its_contacts(county, principal, actor, expected):
    response = client_as(county, actor).get(contacts_url(county))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert [(c["label"], c["phone"]) for c in response.json()] == [("Principal", "(630) 555-0101")]


@covers("facility-contact-list")
@pytest.mark.parametrize(("actor", "expected"), editors(201))
def test_only_the_owner_agencys_admins_and_planners_add_contacts(county, actor, expected):
    before = world()
    body = {"label": "24/7 line", "phone": "(630) 555-0199", "notes": "District duty officer"}
    response = client_as(county, actor).post(contacts_url(county), body, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        contact = FacilityContact.objects.get()
        assert (contact.label, contact.phone, contact.facility_id) == ("24/7 line", "(630) 555-0199", county.school.pk)
        assert AuditEvent.objects.filter(action=AuditAction.FACILITY_CONTACT_ADD, object_id=str(contact.pk)).exists()
    else:
        assert world() == before


@covers("facility-contact-detail")
@pytest.mark.parametrize(("actor", "expected"), READERS)
def test_a_contact_reads_like_the_list(county, principal, actor, expected):
    response = client_as(county, actor).get(f"{contacts_url(county)}{principal.pk}/")
    assert response.status_code == expected, response.content


@covers("facility-contact-detail")
@pytest.mark.parametrize(("actor", "expected"), editors(200))
def test_only_the_owner_agencys_admins_and_planners_change_contacts(county, principal, actor, expected):
    before = world()
    response = client_as(county, actor).patch(
        f"{contacts_url(county)}{principal.pk}/", {"phone": "630-555-0102", "position": 3}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 200:
        principal.refresh_from_db()
        assert (principal.phone, principal.position) == ("630-555-0102", 3)
    else:
        assert world() == before


@covers("facility-contact-detail")
@pytest.mark.parametrize(("actor", "expected"), editors(204))
def test_only_the_owner_agencys_admins_and_planners_remove_contacts(county, principal, actor, expected):
    before = world()
    response = client_as(county, actor).delete(f"{contacts_url(county)}{principal.pk}/")
    assert response.status_code == expected, response.content
    if expected == 204:
        assert not FacilityContact.objects.exists()
        assert AuditEvent.objects.filter(action=AuditAction.FACILITY_CONTACT_REMOVE).exists()
    else:
        assert world() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "call the office"), ("phone", ""), ("phone", "12"), ("alt_phone", "555-01x"), ("label", "  ")],
)
def test_a_bad_number_or_empty_label_is_a_400_naming_the_field(county, field, value):
    body = {"label": "Custodian", "phone": "630-555-0103", field: value}
    response = client_for(county.owner_admin).post(contacts_url(county), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not FacilityContact.objects.exists()


def test_contacts_list_in_calling_order_with_a_constant_number_of_queries(county, django_assert_max_num_queries):
    for position in range(20):
        facility_contact_create(
            facility=county.school,
            label=f"Line {position}",
            phone=f"630-555-{position:04d}",
            position=19 - position,
            actor=SYSTEM,
        )
    with django_assert_max_num_queries(6):
        response = client_for(county.partner_view_member).get(contacts_url(county))
    assert [c["label"] for c in response.json()][:2] == ["Line 19", "Line 18"]


# --- Assignments ------------------------------------------------------------------------------------------------


def assignments_url(county) -> str:
    return f"/api/v1/facilities/{county.school.pk}/assignments/"


@covers("facility-assignment-list")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **{a: 200 for a in EDITORS if a != "anonymous"}))
def test_every_signed_in_person_sees_who_is_and_was_assigned(county, actor, expected):
    personnel_assignment_create(
        user=county.partner_view_member,
        agency=county.police,
        facility=county.school,
        role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
        started_on=datetime.date(2024, 8, 19),
        actor=SYSTEM,
    )
    response = client_as(county, actor).get(assignments_url(county))
    assert response.status_code == expected, response.content
    if expected == 200:
        [row] = response.json()
        assert (row["username"], row["started_on"], row["ended_on"]) == ("police_officer", "2024-08-19", None)


@covers("facility-assignment-list")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=201,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=201,
    ),
)
def test_only_an_agencys_admins_assign_its_people(county, actor, expected):
    before = world()
    body = {"user": county.owner_member.pk, "agency": county.district.pk, "role": AssignmentRole.LIAISON}
    response = client_as(county, actor).post(assignments_url(county), body, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        assignment = PersonnelAssignment.objects.get()
        assert (assignment.user_id, assignment.started_on, assignment.ended_on) == (
            county.owner_member.pk,
            timezone.localdate(),
            None,
        )
    else:
        assert world() == before


@pytest.fixture
def district_assignment(county):
    return personnel_assignment_create(
        user=county.owner_member,
        agency=county.district,
        facility=county.school,
        role=AssignmentRole.LIAISON,
        actor=SYSTEM,
    )


@covers("facility-assignment-end")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=200,
    ),
)
def test_only_an_agencys_admins_end_its_peoples_assignments_and_the_history_stays(
    county, district_assignment, actor, expected
):
    before = world()
    response = client_as(county, actor).post(f"{assignments_url(county)}{district_assignment.pk}/end/", {})
    assert response.status_code == expected, response.content
    district_assignment.refresh_from_db()
    if expected == 200:
        assert district_assignment.ended_on == timezone.localdate()
        assert response.json()["ended_on"] == timezone.localdate().isoformat()
    else:
        assert world() == before


def test_an_end_date_before_the_start_is_a_400_naming_the_field(county, district_assignment):
    response = client_for(county.owner_admin).post(
        f"{assignments_url(county)}{district_assignment.pk}/end/", {"ended_on": "2000-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert "ended_on" in response.json()


def test_a_police_admin_changes_the_schools_sro_and_its_partners_hear_once(county):
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    client = client_for(police_admin)
    body = {"user": county.partner_view_member.pk, "agency": county.police.pk}
    first = client.post(assignments_url(county), body, format="json")
    again = client.post(assignments_url(county), body, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]  # assigning twice is one assignment
    [event] = OutboxEvent.objects.filter(event_type=EventType.FACILITY_SRO_CHANGED)
    outbox_event_fan_out(event_id=event.pk)
    alerted = set(Notification.objects.filter(event=event).values_list("user__username", flat=True))
    # The agencies that see the building's plans (owner and partners), not the unrelated one nor the actor.
    assert {"district_admin", "police_officer", "fire_liaison", "police_liaison"} <= alerted
    assert "far_admin" not in alerted
    assert "police_admin" not in alerted
    title = Notification.objects.get(event=event, user=county.owner_admin).title
    assert title == "Maple Valley High: police_officer (Ridgeford Police) is now its School Resource Officer"

    assignment_id = first.json()["id"]
    client.post(f"{assignments_url(county)}{assignment_id}/end/", {})
    client.post(f"{assignments_url(county)}{assignment_id}/end/", {})
    assert OutboxEvent.objects.filter(event_type=EventType.FACILITY_SRO_CHANGED).count() == 2
    # A new SRO later: the old assignment stays as history beside the new one.
    client.post(assignments_url(county), body, format="json")
    rows = client.get(assignments_url(county)).json()
    assert [(row["username"], row["ended_on"] is None) for row in rows] == [
        ("police_officer", True),
        ("police_officer", False),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.ASSIGNMENT_ADD).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.ASSIGNMENT_REMOVE).count() == 1
