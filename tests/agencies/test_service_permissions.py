"""The agency services refuse, by themselves, whoever the access layer does not allow: called directly (not
through a view) by a refused person they raise NotAllowedError and change nothing — no row, no audit row, no
outbox event. The people they allow get the change, audited with who did it, for which agency, from where."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from access.actors import SYSTEM
from accounts.models import ApiToken
from agencies import services
from agencies.models import Agency, AssignmentRole, Facility, FacilityKind, Membership, PersonnelAssignment, Role
from audit.models import AuditEvent
from notifications.models import OutboxEvent
from portal.errors import NotAllowedError
from tests.agencies.factories import UserFactory
from tests.permission_matrix import ACTORS, user_of

User = get_user_model()
IP = "10.20.30.40"
AGENCY_MANAGERS = frozenset({"owner_admin", "staff"})
FACILITY_EDITORS = frozenset({"owner_admin", "owner_planner", "staff"})
# Assigning a police officer to the district's school is the police's decision: their admins (none in the
# county) and staff; the district's own admin may not.
POLICE_MANAGERS = frozenset({"staff"})


def actor_of(county, actor: str):
    """The acting person; anonymous is AnonymousUser (None would be the system itself)."""
    return user_of(county, actor) or AnonymousUser()


def state() -> dict:
    """Everything these services could change, read fresh from the database."""
    return {
        "users": sorted(User.objects.values_list("id", "username", "email")),
        "agencies": sorted(
            Agency.objects.values_list(
                "id",
                "name",
                "slug",
                "kind",
                "jurisdiction",
                "phone",
                "email",
                "session_idle_minutes",
                "session_max_hours",
            )
        ),
        "memberships": sorted(Membership.objects.values_list("id", "user_id", "agency_id", "role", "invited_at")),
        "facilities": sorted(
            Facility.objects.values_list("id", "name", "kind", "owner_agency_id", "address", "latitude", "longitude")
        ),
        "assignments": sorted(PersonnelAssignment.objects.values_list("id", "user_id", "agency_id", "facility_id")),
        "audit": AuditEvent.objects.count(),
        "outbox": OutboxEvent.objects.count(),
        "tokens": ApiToken.objects.count(),
    }


def _assignment(county) -> PersonnelAssignment:
    return services.personnel_assignment_create(
        user=county.partner_view_member,
        agency=county.police,
        facility=county.school,
        role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
        actor=SYSTEM,
    )


# name -> (what it needs beforehand, the call, who may, the audit action, the agency it is recorded for)
Call = Callable[..., object]
CASES: dict[str, tuple[Call, Call, frozenset[str], str, str]] = {
    "agency_update": (
        lambda county: None,
        lambda county, actor, ready: services.agency_update(
            agency=county.district, actor=actor, phone="(555) 010-9999", ip_address=IP
        ),
        AGENCY_MANAGERS,
        "agency.update",
        "district",
    ),
    "agency_update_session_policy": (
        lambda county: None,
        lambda county, actor, ready: services.agency_update(
            agency=county.district, actor=actor, session_idle_minutes=600, session_max_hours=300, ip_address=IP
        ),
        AGENCY_MANAGERS,
        "agency.update",
        "district",
    ),
    "member_invitation_resend": (
        lambda county: Membership.objects.get(
            user=services.member_invite(
                agency=county.district, username="new_nurse", email="n@example.org", role=Role.MEMBER, actor=SYSTEM
            )
        ),
        lambda county, actor, membership: services.member_invitation_resend(
            membership=membership, actor=actor, ip_address=IP
        ),
        AGENCY_MANAGERS,
        "membership.invite_resend",
        "district",
    ),
    "member_sessions_end": (
        lambda county: Membership.objects.get(user=county.owner_member, agency=county.district),
        lambda county, actor, membership: services.member_sessions_end(
            membership=membership, actor=actor, ip_address=IP
        ),
        AGENCY_MANAGERS,
        "sessions.end",
        "district",
    ),
    "membership_add": (
        lambda county: UserFactory(username="newcomer"),
        lambda county, actor, newcomer: services.membership_add(
            agency=county.district, user=newcomer, role=Role.PLANNER, actor=actor, ip_address=IP
        ),
        AGENCY_MANAGERS,
        "membership.add",
        "district",
    ),
    "membership_change_role": (
        lambda county: Membership.objects.get(user=county.owner_member, agency=county.district),
        lambda county, actor, membership: services.membership_change_role(
            membership=membership, role=Role.LIAISON, actor=actor, ip_address=IP
        ),
        AGENCY_MANAGERS,
        "membership.change",
        "district",
    ),
    "membership_remove": (
        lambda county: Membership.objects.get(user=county.owner_member, agency=county.district),
        lambda county, actor, membership: services.membership_remove(membership=membership, actor=actor, ip_address=IP),
        AGENCY_MANAGERS,
        "membership.remove",
        "district",
    ),
    "member_invite": (
        lambda county: None,
        lambda county, actor, ready: services.member_invite(
            agency=county.district,
            username="new_nurse",
            email="nurse@maple.example.org",
            role=Role.MEMBER,
            actor=actor,
            ip_address=IP,
        ),
        AGENCY_MANAGERS,
        "membership.invite",
        "district",
    ),
    "facility_create": (
        lambda county: None,
        lambda county, actor, ready: services.facility_create(
            name="Maple Valley Annex",
            kind=FacilityKind.OTHER,
            owner_agency=county.district,
            actor=actor,
            latitude=Decimal("44.100000"),
            ip_address=IP,
        ),
        FACILITY_EDITORS,
        "facility.create",
        "district",
    ),
    "facility_update": (
        lambda county: None,
        lambda county, actor, ready: services.facility_update(
            facility=county.school, actor=actor, address="1 New Road", longitude=Decimal("-71.5"), ip_address=IP
        ),
        FACILITY_EDITORS,
        "facility.update",
        "district",
    ),
    "personnel_assignment_create": (
        lambda county: None,
        lambda county, actor, ready: services.personnel_assignment_create(
            user=county.partner_view_member,
            agency=county.police,
            facility=county.school,
            role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
            actor=actor,
            ip_address=IP,
        ),
        POLICE_MANAGERS,
        "assignment.add",
        "police",
    ),
    "personnel_assignment_remove": (
        _assignment,
        lambda county, actor, assignment: services.personnel_assignment_remove(
            assignment=assignment, actor=actor, ip_address=IP
        ),
        POLICE_MANAGERS,
        "assignment.remove",
        "police",
    ),
}


def refused_cases() -> list:
    return [
        pytest.param(name, actor, id=f"{name}-{actor}")
        for name, (_, _, allowed, _, _) in CASES.items()
        for actor in ACTORS
        if actor not in allowed
    ]


def allowed_cases() -> list:
    return [
        pytest.param(name, actor, id=f"{name}-{actor}")
        for name, (_, _, allowed, _, _) in CASES.items()
        for actor in sorted(allowed)
    ]


@pytest.mark.parametrize(("name", "actor"), refused_cases())
def test_a_refused_actor_calling_the_service_directly_changes_nothing(county, name, actor):
    prepare, call, _, _, _ = CASES[name]
    ready = prepare(county)
    before = state()
    with pytest.raises(NotAllowedError):
        call(county, actor_of(county, actor), ready)
    assert state() == before


@pytest.mark.parametrize(("name", "actor"), allowed_cases())
def test_an_allowed_actor_gets_the_change_audited_with_who_where_and_for_which_agency(county, name, actor):
    prepare, call, _, action, agency = CASES[name]
    ready = prepare(county)
    before = state()
    call(county, actor_of(county, actor), ready)
    assert state() != before
    event = AuditEvent.objects.filter(action=action).latest("id")
    assert event.actor == user_of(county, actor)
    assert event.agency == getattr(county, agency)
    assert event.ip_address == IP


def test_a_card_edit_records_what_changed_from_what(county):
    services.agency_update(agency=county.district, actor=county.owner_admin, name="Maple Valley Schools", phone="")
    event = AuditEvent.objects.get(action="agency.update")
    # The phone was empty already: only the name changed.
    assert event.details == {"changes": {"name": ["Maple Valley School District", "Maple Valley Schools"]}}


def test_an_edit_that_changes_nothing_records_nothing(county):
    services.facility_update(facility=county.school, actor=county.owner_planner, name=county.school.name)
    services.agency_update(agency=county.district, actor=county.owner_admin)
    assert not AuditEvent.objects.filter(action__in=["facility.update", "agency.update"]).exists()


def test_fields_left_out_are_left_alone_and_none_is_a_value(county):
    services.facility_update(
        facility=county.school, actor=county.owner_planner, latitude=Decimal("44.5"), longitude=Decimal("-71.25")
    )
    services.facility_update(facility=county.school, actor=county.owner_planner, latitude=None)
    county.school.refresh_from_db()
    assert (county.school.name, county.school.latitude, county.school.longitude) == (
        "Maple Valley High",
        None,
        Decimal("-71.250000"),
    )
    (first, second) = AuditEvent.objects.filter(action="facility.update").order_by("id")
    assert second.details == {"changes": {"latitude": ["44.500000", None]}}
    assert set(first.details["changes"]) == {"latitude", "longitude"}


def test_an_unknown_field_is_refused_not_set(county):
    with pytest.raises(TypeError):
        services.agency_update(agency=county.district, actor=county.owner_admin, group_id=county.police.group_id)


def test_the_system_itself_may_act_without_a_person(county):
    """actor=SYSTEM is seeding, data generators and fixtures (never a request): allowed, recorded without actor."""
    facility = services.facility_create(name="Depot", kind=FacilityKind.OTHER, owner_agency=county.police, actor=SYSTEM)
    event = AuditEvent.objects.get(action="facility.create", object_id=str(facility.pk))
    assert event.actor is None


AGENCY_REGISTRARS = frozenset({"staff"})
ACCOUNT_CREATORS = frozenset({"owner_admin", "unrelated_admin", "staff"})  # platform staff, admins anywhere


@pytest.mark.parametrize("actor", list(ACTORS))
def test_only_platform_staff_register_agencies_and_each_registration_is_audited(county, actor):
    before = state()
    person = actor_of(county, actor)
    if actor not in AGENCY_REGISTRARS:
        with pytest.raises(NotAllowedError):
            services.agency_create(actor=person, name="Lindell Fire", slug="lindell-fire", kind="fire", ip_address=IP)
        assert state() == before
        return
    agency = services.agency_create(actor=person, name="Lindell Fire", slug="lindell-fire", kind="fire", ip_address=IP)
    event = AuditEvent.objects.get(action="agency.create", object_id=str(agency.pk))
    assert (event.actor, event.agency, event.ip_address) == (person, agency, IP)


@pytest.mark.parametrize("actor", list(ACTORS))
def test_only_staff_and_agency_admins_create_accounts_and_each_is_audited(county, actor):
    before = state()
    person = actor_of(county, actor)
    fields = {"username": "new_officer", "email": "officer@example.org", "password": "a long passphrase 7 Q!"}
    if actor not in ACCOUNT_CREATORS:
        with pytest.raises(NotAllowedError):
            services.user_create(actor=person, ip_address=IP, **fields)
        assert state() == before
        return
    created = services.user_create(actor=person, ip_address=IP, **fields)
    event = AuditEvent.objects.get(action="user.create")
    assert (event.actor, event.object_id, event.ip_address) == (person, str(created.pk), IP)


def test_an_agency_admin_cannot_create_a_platform_operator(county):
    before = state()
    with pytest.raises(NotAllowedError):
        services.user_create(
            actor=county.owner_admin,
            username="root2",
            email="r@example.org",
            password="a long passphrase 7 Q!",
            is_staff=True,
        )
    assert state() == before
    operator = services.user_create(
        actor=county.staff, username="root2", email="r@example.org", password="a long passphrase 7 Q!", is_staff=True
    )
    assert operator.is_staff


def test_the_system_registers_agencies_without_a_person_but_none_is_refused(county):
    agency = services.agency_create(actor=SYSTEM, name="Seeded", slug="seeded", kind="fire")
    assert AuditEvent.objects.get(action="agency.create", object_id=str(agency.pk)).actor is None
    with pytest.raises(NotAllowedError):
        services.agency_create(actor=None, name="Sneaky", slug="sneaky", kind="fire")  # type: ignore[arg-type]
    assert not Agency.objects.filter(slug="sneaky").exists()
