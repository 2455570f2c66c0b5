"""Issue 11, item 1: no writable field lets a role do more than its role allows.

Every write endpoint of the API (read from the OpenAPI schema, with every writable field of its request body)
and of the web pages (every URL that accepts a POST, with the fields of its form) is tried by every actor of
the `county` fixture. Each attempt sends a value that would widen who can see or do something (a lower
classification, another owner agency, a partner share, an admin role, another agency to act for, ...). The
test asserts the exact status and, on every refusal, that nothing at all changed in the database.

The two coverage tests fail when an endpoint or a field is added without an attempt here, so a new field
cannot be skipped silently: add an attempt with the right that its action needs.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from access.actors import SYSTEM
from accounts import services as account_services
from accounts.forms import ApiTokenCreateForm
from agencies import assignment_services, contact_services
from agencies.facility_forms import AssignmentEndForm, AssignmentForm, FacilityContactForm
from agencies.forms import (
    AgencyMfaForm,
    MemberAddForm,
    MemberInviteForm,
    MembershipRoleForm,
    OfflineCopiesForm,
    SessionPolicyForm,
    WebhookCreateForm,
)
from agencies.models import AssignmentRole, Membership, Role
from buildings.forms import DocumentAddForm, DocumentReplaceForm
from exercises.forms import (
    ActionForm,
    AttendanceForm,
    CancelForm,
    CloseActionForm,
    ExerciseForm,
    FindingForm,
    ObservationForm,
    SummaryForm,
)
from exercises.requirement_forms import AssignForm, RequirementLineForm, RequirementSetForm
from feeds import services as feed_services
from identity.forms import AgencySSOForm
from identity.services import agency_sso_configure
from notifications import webhook_services
from notifications.forms import _prefix
from notifications.models import WEBHOOK_EVENT_CHOICES, Delivery, EventType, Notification, OutboxEvent
from onboarding.forms import (
    AgencyCardForm,
    AgencyOnboardForm,
    CoordinatorGrantForm,
    FacilityAddForm,
    RosterConfirmForm,
    RosterUploadForm,
    SharingDefaultForm,
)
from onboarding.services import sharing_default_add
from onboarding.views_roster import _sign as roster_signed
from packets.services import field_packet_request
from plans import services
from plans.forms import PlanCreateForm, PlanEditForm
from plans.forms_import import DocxUploadForm, PlanImportForm
from plans.forms_partners import AcknowledgeForm, ShareForm, UnshareForm
from plans.forms_reviews import MarkReviewedForm
from plans.models import Classification
from reading import services as reading_services
from reading.forms import GroupMemberAddForm, ReadingGroupForm, RequirementForm
from reading.forms_training import ExerciseTrainingForm, TrainingRequirementForm, TrainingSessionForm
from reviews.concurrence_forms import ConcurrenceForm
from reviews.forms import CommentForm, ResolveForm
from sources.forms import NoChangeForm, SourceForm
from sources.models import SourceChange
from sources.services import plan_source_add
from tests.buildings.helpers import add_document, png_bytes
from tests.conftest import County, client_for, web_client
from tests.exercises.helpers import DrillScene, ExerciseScene
from tests.permission_matrix import ACTORS, AnyObject, covers, route_of, user_of
from tests.plans.docx_files import docx_upload, simple_document
from tests.plans.factories import changed_draft, make_plan, publish
from tests.reading.training_scene import TrainingScene
from tests.reviews.helpers import post
from tests.security.test_url_coverage import project_routes

# Every event a webhook may subscribe to (personal reading reminders are never sent to webhooks).
WEBHOOK_EVENTS = [value for value, _ in WEBHOOK_EVENT_CHOICES]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SIGNED_IN = [actor for actor in ACTORS if actor != "anonymous"]
OWNER_ROLES = ["owner_admin", "owner_planner", "owner_liaison", "owner_member"]
PARTNER_ROLES = ["partner_view_liaison", "partner_view_member", "partner_comment_liaison"]
OUTSIDERS = ["unrelated_admin", "staff"]


def expect(default: int, anonymous: int = 401, **statuses: int) -> dict[str, int]:
    """The status for every actor: `default` unless named (anonymous: 401 on the API, 302 to sign-in on the web)."""
    unknown = set(statuses) - set(ACTORS)
    assert not unknown, unknown
    return {actor: statuses.get(actor, anonymous if actor == "anonymous" else default) for actor in ACTORS}


# The rules, as matrices. A plan the actor may not see is 404; a visible plan with a forbidden action is 403.
def owner_admin_only(ok: int, anonymous: int = 401) -> dict[str, int]:
    return expect(403, anonymous, owner_admin=ok, unrelated_admin=404, staff=404)


def owner_editors(ok: int, anonymous: int = 401) -> dict[str, int]:
    return expect(403, anonymous, owner_admin=ok, owner_planner=ok, unrelated_admin=404, staff=404)


def draft_editors(ok: int, anonymous: int = 401) -> dict[str, int]:
    """The draft is visible to the owner's admins, planners and liaisons only."""
    hidden = dict.fromkeys(["owner_member", *PARTNER_ROLES, *OUTSIDERS], 404)
    return expect(403, anonymous, owner_admin=ok, owner_planner=ok, **hidden)


def agency_admins(ok: int, anonymous: int = 401) -> dict[str, int]:
    """Managing the district (its card, members, webhooks): its admins and platform staff; 403 for the rest."""
    return expect(403, anonymous, owner_admin=ok, staff=ok)


def sso_admins(ok: int, anonymous: int = 401) -> dict[str, int]:
    """An agency's single sign-on: its admins and staff; its other members 403; outside the agency it is a 404."""
    hidden = dict.fromkeys([*PARTNER_ROLES, "unrelated_admin"], 404)
    return expect(403, anonymous, owner_admin=ok, staff=ok, **hidden)


SSO_BODY = {
    "issuer": "http://127.0.0.1:9/idp",
    "client_id": "concord-district",
    "client_secret": "replaced-secret",
    "domains": ["maple-valley.example.org"],
    "sso_only": False,
    "enabled": True,
}


def sso_body(**changes: Any) -> Callable[[Any], dict]:
    return lambda s: {**SSO_BODY, **changes}


def reading_managers(ok: int, anonymous: int = 401) -> dict[str, int]:
    """An agency's required reading (issue 15): its admins and liaisons; its other members 403; outside it 404."""
    return expect(404, anonymous, owner_admin=ok, owner_liaison=ok, owner_planner=403, owner_member=403)


def contact_keepers(ok: int, anonymous: int = 401) -> dict[str, int]:
    """A building's contacts (issue 16): its owner's admins and planners and staff keep them; the partners who
    read them 403; an agency that sees none of the building's plans does not see them (404)."""
    return expect(403, anonymous, owner_admin=ok, owner_planner=ok, staff=ok, unrelated_admin=404)


def plan_readers(ok: int, anonymous: int = 401, **statuses: int) -> dict[str, int]:
    """Everyone who sees the (partner) plan; 404 for the unrelated agency and the operator."""
    return expect(ok, anonymous, **{"unrelated_admin": 404, "staff": 404, **statuses})


@dataclass
class Scene:
    """The county plus one of everything a write endpoint can target."""

    county: County
    webhook: Any
    delivery: Any
    notification: Any
    attachment: Any
    comment: Any
    other_plan: Any
    other_comment: Any
    member_membership: Any
    token: Any  # the district member's API token
    building_document: Any = None  # the district's site map of the school
    # Issue 15: the district's required reading.
    reading_group: Any = None  # its group, with the district member in it
    requirement: Any = None  # everyone in the district must read the county plan
    other_group: Any = None  # the unrelated agency's group
    # Issue 16: the school's people.
    contact: Any = None  # the school's principal, on its list of whom to call
    assignment: Any = None  # the police officer, assigned to the school by the police
    feed_token: Any = None  # the district member's calendar-feed link
    packet: Any = None  # the district admin's field packet of the school (asked for, not yet made)
    sharing_default: Any = None  # issue 19: the district shares its new plans with the police by default
    # Issue 17: the district's drills with the police and fire (tests/exercises/helpers.py).
    scheduled: Any = None  # scheduled, started three hours ago
    drafted: Any = None  # conducted, its report a draft with one strength
    strength: Any = None
    reported: Any = None  # its report final, an area for improvement on the county plan and an open action
    improvement: Any = None
    action: Any = None
    # Issue 17, item 4: the district's training (tests/reading/training_scene.py).
    training_session: Any = None  # the liaison trained the member and the planner on the county plan
    training_requirement: Any = None  # everyone in the district must be trained on the county plan
    # Issue 17, item 5: a state's drill rule, and the district's own set (one line) applied to the school.
    state_set: Any = None
    district_set: Any = None
    district_line: Any = None
    # Issue 20: the county plan builds on another district plan, which moved on since.
    source_plan: Any = None
    source_link: Any = None
    source_change: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.county, name)


SUCCESS = frozenset({200, 201, 202, 204, 302})


@dataclass(frozen=True)
class Attempt:
    """One request: the field it is about ("" for an action without a body), the status for every actor, and
    who changes the database with it (by default everyone signed in whose status is a success; a web form
    shown again with its errors answers 200 and changes nothing)."""

    field: str
    body: Callable[[Scene], Any]
    expected: dict[str, int | frozenset[int]]
    writers: frozenset[str] | None = None
    either: frozenset[str] = frozenset()  # actors for whom writing or not are both right

    def writes(self, actor: str) -> bool | None:
        if actor in self.either:
            return None
        if self.writers is not None:
            return actor in self.writers
        return actor != "anonymous" and self.expected[actor] in SUCCESS


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str  # the schema path (API) or the URL name (web)
    url: Callable[[Scene], str]
    attempts: tuple[Attempt, ...]
    multipart: bool = False
    web: bool = False
    forms: tuple[type, ...] = field(default=())
    json: bool = False  # a web endpoint that takes a JSON body (the editor's autosave)


def png_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("site-map.png", png_bytes(), content_type="image/png")


def building_document_body(**changes: Any) -> dict:
    body = {"kind": "site_map", "title": "Site map", "classification": "partner", "change_note": "", **changes}
    body["file"] = png_upload()
    return body


BUILDING_ADD = expect(403, owner_admin=201, owner_planner=201)


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("site-map.pdf", PDF, content_type="application/pdf")


@cache
def _word_document() -> bytes:
    return simple_document(("Basic plan", "Evacuate to the north field."))


def word() -> SimpleUploadedFile:
    """A Word document to import (plans/services/imports.py)."""
    return docx_upload(_word_document(), "last-year.docx")


def import_body(s: "Scene", **changes: Any) -> dict:
    return {"file": word(), "owner_agency": s.district.pk, "kind": "school_eop", "classification": "partner", **changes}


def plan_api(rest: str = "") -> Callable[[Scene], str]:
    return lambda s: f"/api/v1/plans/{s.plan.pk}/{rest}"


def district_api(rest: str = "") -> Callable[[Scene], str]:
    return lambda s: f"/api/v1/agencies/{s.district.pk}/{rest}"


PLAN_BODY = {"title": "Maple Valley High reunification plan", "kind": "reunification", "review_interval_days": 180}


def plan_create_body(**changes: Any) -> Callable[[Scene], dict]:
    def body(s: Scene) -> dict:
        return {**PLAN_BODY, "owner_agency": s.district.pk, "facilities": [s.school.pk], **changes}

    return body


# --- The API -------------------------------------------------------------------------------------------------------

CREATE_PLAN_OK = expect(403, owner_admin=201, owner_planner=201)
DRAFT_STARTED = frozenset({200, 201, 409})
EDITORS = frozenset({"owner_admin", "owner_planner"})
ISSUE_NEW_AGENCY = {"name": "Hill County EMS", "slug": "hill-county-ems", "kind": "ems"}

# Required reading (issue 15): the district's admins and liaisons set what its own people must read.
READING_GROUP_API = "/api/v1/agencies/{agency_id}/reading-groups/{group_id}/"
READING_MEMBER_API = "/api/v1/agencies/{agency_id}/reading-groups/{group_id}/members/{user_id}/"
READING_REQUIREMENT_API = "/api/v1/agencies/{agency_id}/reading-requirements/{requirement_id}/"


def reading_group_api(rest: str = "") -> Callable[[Scene], str]:
    return lambda s: f"/api/v1/agencies/{s.district.pk}/reading-groups/{s.reading_group.pk}/{rest}"


def reading_member_api() -> Callable[[Scene], str]:
    return lambda s: f"{reading_group_api('members/')(s)}{s.owner_member.pk}/"


def requirement_api() -> Callable[[Scene], str]:
    return lambda s: f"/api/v1/agencies/{s.district.pk}/reading-requirements/{s.requirement.pk}/"


def requirement_body(**changes: Any) -> Callable[[Scene], dict]:
    """A new requirement of the source plan (the county plan is required of everyone already), with `changes`."""
    return lambda s: {"plan": s.source_plan.pk, "audience": "everyone", **{k: v(s) for k, v in changes.items()}}


CONTACT_API = "/api/v1/facilities/{facility_id}/contacts/{contact_id}/"
CONTACT_FIELDS = [
    ("label", "Vice principal"),
    ("name", "Dana Reyes"),
    ("phone", "555-0103"),
    ("alt_phone", "555-0104"),
    ("notes", "Mornings only"),
    ("position", 5),
]


def contact_api(s: Scene) -> str:
    return f"/api/v1/facilities/{s.school.pk}/contacts/{s.contact.pk}/"


def contact_body(**changes: Any) -> dict:
    return {"label": "Custodian", "phone": "555-0102", **changes}


def assignment_body(**changes: Callable[[Scene], Any]) -> Callable[[Scene], dict]:
    """The district member assigned by the district, with `changes`."""

    def body(s: Scene) -> dict:
        base = {"user": s.owner_member.pk, "agency": s.district.pk, "role": AssignmentRole.LIAISON}
        return {**base, **{k: v(s) for k, v in changes.items()}}

    return body


ASSIGN_DISTRICT = expect(403, owner_admin=201, staff=201)


def roster_csv() -> SimpleUploadedFile:
    """A roster of one new person, an admin (issue 19)."""
    return SimpleUploadedFile("roster.csv", b"email,role\nnew.admin@maple.example.org,admin\n", content_type="text/csv")


ONBOARD_BODY = {"name": "Hill Fire", "kind": "fire", "admin_email": "chief@hill.example.org"}
CARD_BODY = {"card-name": "Maple Valley School District"}
BUILDING_BODY = {"building-name": "Bus depot", "building-kind": "other"}
# Exercises (issue 17): the district leads them; its admins and liaisons write, the police and fire take part.
LEAD_EDITORS = frozenset({"owner_admin", "owner_liaison"})


def lead_editors(ok: int, anonymous: int = 401, **statuses: int) -> dict[str, int]:
    """The lead's admins and liaisons; the other participants 403; the sheriff and the operator 404."""
    return expect(403, anonymous, owner_admin=ok, owner_liaison=ok, unrelated_admin=404, staff=404, **statuses)


def draft_report_editors(ok: int, anonymous: int = 401) -> dict[str, int]:
    """The draft report: the lead's editors; its other members 403; the other participants do not see it (404)."""
    hidden = {actor: 404 for actor in PARTNER_ROLES}
    return lead_editors(ok, anonymous, **hidden)


def exercise_body(s: "Scene", **changes: Any) -> dict:
    start = timezone.now() - timezone.timedelta(hours=3)
    body = {
        "title": "Fall evacuation drill",
        "kind": "evacuation",
        "starts_at": start.isoformat(),
        "ends_at": (start + timezone.timedelta(hours=1)).isoformat(),
        "description": "Whole school.",
        "facilities": [s.school.pk],
        "participants": [s.police.pk],
        "plan_versions": [s.published.pk],
        "objectives": ["Out in four minutes"],
    }
    return {**body, **changes}


def exercise_form(s: "Scene", **changes: Any) -> dict:
    """The schedule form as sent (datetime-local values, objectives one per line)."""
    body = exercise_body(s)
    start = timezone.localtime() - timezone.timedelta(hours=3)
    body.update(
        lead_agency=s.district.pk,
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(start + timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        objectives="Out in four minutes",
    )
    return {**body, **changes}


EXERCISE_FIELDS = [
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "description",
    "facilities",
    "participants",
    "plan_versions",
    "objectives",
]
# Scheduling for the district: its admins and liaisons; everyone else is refused by the service.
SCHEDULE_API = expect(403, owner_admin=201, owner_liaison=201)
# The form offers only one's own agencies: a police or fire liaison (or the sheriff's admin) gets the form back.
SCHEDULE_WEB = expect(
    403,
    302,
    owner_admin=302,
    owner_liaison=302,
    partner_view_liaison=200,
    partner_comment_liaison=200,
    unrelated_admin=200,
)


# Drill requirements (issue 17, item 5): the district's own set is its admins' (and the operator's); a state's set
# the operator's only; a building's sets its owner's admins'. Other agencies do not see the district's set (404).
def set_keepers(ok: int, anonymous: int = 401) -> dict[str, int]:
    return expect(403, anonymous, owner_admin=ok, staff=ok, **dict.fromkeys([*PARTNER_ROLES, "unrelated_admin"], 404))


SET_FIELDS = ["name", "jurisdiction", "year_start_month", "year_start_day", "terms_per_year"]
LINE_FIELDS = ["exercise_kind", "count", "period", "facility_kinds"]


def set_body(s: "Scene", **changes: Any) -> dict:
    body = {
        "owner_agency": s.district.pk,
        "name": "District extras",
        "jurisdiction": "Maple Valley",
        "year_start_month": 8,
        "year_start_day": 15,
        "terms_per_year": 2,
    }
    return {**body, **changes}


def set_form(s: "Scene", owner: Any) -> dict:
    body = set_body(s)
    body.pop("owner_agency")
    return {**body, "owner": owner}


def line_body(s: "Scene") -> dict:
    return {"exercise_kind": "fire", "count": 10, "period": "year", "facility_kinds": ["high_school"]}


def action_body(s: "Scene") -> dict:
    return {
        "finding": s.improvement.pk,
        "description": "Add a second reunification site",
        "owning_agency": s.district.pk,
        "responsible": "",
        "due_on": "2027-01-15",
    }


def attendance_form(s: "Scene", **changes: Any) -> dict:
    """The district's attendance form as sent (its fields carry the agency's prefix)."""
    body = {"attendees": [s.owner_member.pk], "staff_count": 0, "student_count": 0, **changes}
    return {f"a{s.district.pk}-{name}": value for name, value in body.items()}


def exercise_url(rest: str = "", which: str = "scheduled") -> Callable[["Scene"], str]:
    return lambda s: f"/api/v1/exercises/{getattr(s, which).pk}/{rest}"


TRAINING_SESSION_API = "/api/v1/agencies/{agency_id}/training-sessions/{session_id}/"


def training_session_api() -> Callable[[Scene], str]:
    return lambda s: f"/api/v1/agencies/{s.district.pk}/training-sessions/{s.training_session.pk}/"


def training_body(s: "Scene", **changes: Any) -> dict:
    """A training session as the API takes it: the liaison trained the member on the county plan's current version."""
    return {
        "title": "Lockdown refresher",
        "trained_on": "2026-11-02",
        "trainer": s.owner_liaison.pk,
        "plan_versions": [s.published.pk],
        "trainees": [s.owner_member.pk],
        "groups": [],
        "staff_names": [],
        "notes": "",
        **changes,
    }


def training_attempts(ok: dict[str, int], web: bool = False) -> list["Attempt"]:
    """Each field of a session; a person, version or group outside the district is refused and nothing is saved."""
    refused = {actor: (400 if status in SUCCESS and actor != "anonymous" else status) for actor, status in ok.items()}
    body = training_form if web else training_body
    return [
        Attempt("title", lambda s: body(s, title="Active-threat refresher"), ok),
        Attempt("trained_on", lambda s: body(s, trained_on="2026-10-01"), ok),
        Attempt("trainer", lambda s: body(s, trainer=s.partner_view_member.pk), refused, frozenset()),
        Attempt(
            "plan_versions", lambda s: body(s, plan_versions=[s.other_plan.current_version_id]), refused, frozenset()
        ),
        Attempt("trainees", lambda s: body(s, trainees=[s.partner_view_member.pk]), refused, frozenset()),
        Attempt("groups", lambda s: body(s, groups=[s.other_group.pk]), refused, frozenset()),
        Attempt("staff_names", lambda s: body(s, staff_names=["Pat Teacher"] if not web else "Pat Teacher"), ok),
        Attempt("staff_count", lambda s: body(s, staff_count=12), ok),
        Attempt("notes", lambda s: body(s, notes="Hallway walk-through."), ok),
    ]


def training_form(s: "Scene", **changes: Any) -> dict:
    """The session form as the browser sends it (lists as repeated fields, names one a line)."""
    return {key: value for key, value in training_body(s, **changes).items() if value not in ([], "", None)}


API: tuple[Endpoint, ...] = (
    Endpoint(
        "POST",
        "/api/v1/agencies/",
        lambda s: "/api/v1/agencies/",
        tuple(
            Attempt(name, lambda s, name=name, value=value: {**ISSUE_NEW_AGENCY, name: value}, expect(403, staff=201))
            for name, value in [
                ("name", "Hill County EMS"),
                ("slug", "hill-ems"),
                ("kind", "police"),
                ("jurisdiction", "Hill County"),
                ("phone", "555-0100"),
                ("email", "ems@example.org"),
                ("require_mfa", True),
                ("les_read_requires_mfa", True),
                ("les_offline_copies", True),
                ("session_idle_minutes", 600),
                ("session_max_hours", 300),
            ]
        ),
    ),
    Endpoint(
        "PATCH",
        "/api/v1/agencies/{id}/",
        district_api(),
        tuple(
            Attempt(name, lambda s, name=name, value=value: {name: value}, agency_admins(200))
            for name, value in [
                ("name", "Renamed District"),
                ("slug", "ridgeford-pd-2"),
                ("kind", "police"),  # an agency's kind grants nothing
                ("jurisdiction", "All of the state"),
                ("phone", "555-0199"),
                ("email", "district@example.org"),
                ("require_mfa", True),
                # Who may read the agency's own sensitive plans without a second factor: its admins' call.
                ("les_read_requires_mfa", True),
                # Whether its sensitive plans may be kept on phones for offline use: its admins' call (issue 16).
                ("les_offline_copies", True),
                # A longer session for the agency's people: its admins' call (issue 14).
                ("session_idle_minutes", 600),
                ("session_max_hours", 300),
            ]
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/memberships/",
        district_api("memberships/"),
        (
            # Bringing someone from another agency in as an admin is the district admins' call only.
            Attempt("user", lambda s: {"user": s.unrelated_admin.pk, "role": Role.MEMBER}, agency_admins(201)),
            Attempt("role", lambda s: {"user": s.partner_view_member.pk, "role": Role.ADMIN}, agency_admins(201)),
        ),
    ),
    Endpoint(
        "PATCH",
        "/api/v1/agencies/{agency_id}/memberships/{membership_id}/",
        lambda s: f"/api/v1/agencies/{s.district.pk}/memberships/{s.member_membership.pk}/",
        (Attempt("role", lambda s: {"role": Role.ADMIN}, agency_admins(200)),),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/agencies/{agency_id}/memberships/{membership_id}/",
        lambda s: f"/api/v1/agencies/{s.district.pk}/memberships/{s.member_membership.pk}/",
        (Attempt("", lambda s: None, agency_admins(204)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/memberships/{membership_id}/resend-invitation/",
        lambda s: f"/api/v1/agencies/{s.district.pk}/memberships/{s.member_membership.pk}/resend-invitation/",
        (Attempt("", lambda s: None, agency_admins(200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/memberships/{membership_id}/end-sessions/",
        lambda s: f"/api/v1/agencies/{s.district.pk}/memberships/{s.member_membership.pk}/end-sessions/",
        (Attempt("", lambda s: None, agency_admins(200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/auth/sign-out-everywhere/",
        lambda s: "/api/v1/auth/sign-out-everywhere/",
        # Only one's own sessions and tokens: there is no user to point elsewhere.
        (Attempt("", lambda s: None, expect(200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/webhooks/",
        district_api("webhooks/"),
        (
            Attempt("url", lambda s: {"url": "http://127.0.0.1:9/cad", "events": ["plan.shared"]}, agency_admins(201)),
            # Every event type, the new alert about a lowered classification included.
            Attempt(
                "events", lambda s: {"url": "http://127.0.0.1:9/all", "events": WEBHOOK_EVENTS}, agency_admins(201)
            ),
        ),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/agencies/{agency_id}/webhooks/{webhook_id}/",
        lambda s: f"/api/v1/agencies/{s.district.pk}/webhooks/{s.webhook.pk}/",
        (Attempt("", lambda s: None, agency_admins(204)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/webhooks/{webhook_id}/enable/",
        lambda s: f"/api/v1/agencies/{s.district.pk}/webhooks/{s.webhook.pk}/enable/",
        (Attempt("", lambda s: None, agency_admins(200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver/",
        lambda s: f"/api/v1/agencies/{s.district.pk}/webhooks/{s.webhook.pk}/deliveries/{s.delivery.pk}/redeliver/",
        (Attempt("", lambda s: None, agency_admins(202)),),
    ),
    Endpoint(
        "PUT",
        "/api/v1/agencies/{agency_id}/sso/",
        district_api("sso/"),
        (
            # Another provider, client or secret: whoever holds it could sign in as the district's people.
            Attempt("issuer", sso_body(issuer="http://127.0.0.1:9/attacker"), sso_admins(200)),
            Attempt("client_id", sso_body(client_id="attacker-client"), sso_admins(200)),
            Attempt("client_secret", sso_body(client_secret="attacker-secret"), sso_admins(200)),
            # A domain the district does not own would let its provider vouch for outsiders' addresses.
            Attempt("domains", sso_body(domains=["gmail.example.org"]), sso_admins(200)),
            Attempt("sso_only", sso_body(sso_only=True), sso_admins(200)),
            Attempt("enabled", sso_body(enabled=False), sso_admins(200)),
        ),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/agencies/{agency_id}/sso/",
        district_api("sso/"),
        (Attempt("", lambda s: None, sso_admins(204)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/facilities/",
        lambda s: "/api/v1/facilities/",
        (
            *(
                Attempt(
                    name,
                    lambda s, name=name, value=value: {
                        "name": "Oak Elementary",
                        "kind": "elementary_school",
                        "owner_agency": s.district.pk,
                        name: value,
                    },
                    expect(403, owner_admin=201, owner_planner=201, staff=201),
                )
                for name, value in [
                    ("name", "Oak Elementary"),
                    ("kind", "middle_school"),
                    ("address", "1 Oak St"),
                    ("latitude", "41.5"),
                    ("longitude", "-88.1"),
                ]
            ),
            # A building owned by an agency one does not edit for.
            Attempt(
                "owner_agency",
                lambda s: {"name": "Oak Elementary", "kind": "elementary_school", "owner_agency": s.fire.pk},
                expect(403, staff=201),
            ),
        ),
    ),
    Endpoint(
        "PATCH",
        "/api/v1/facilities/{id}/",
        lambda s: f"/api/v1/facilities/{s.school.pk}/",
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: {name: value},
                expect(403, owner_admin=200, owner_planner=200, staff=200),
            )
            for name, value in [
                ("name", "Maple Valley Senior High"),
                ("kind", "middle_school"),
                ("address", "2 Maple Ave"),
                ("latitude", "41.6"),
                ("longitude", "-88.2"),
            ]
        ),
    ),
    Endpoint(
        "PUT",
        "/api/v1/me/preferences/",
        lambda s: "/api/v1/me/preferences/",
        tuple(
            # Only one's own preferences: there is no user or agency field to point elsewhere.
            Attempt(
                name,
                lambda s, name=name, value=value: [
                    {"event_type": EventType.PLAN_SHARED, "in_app": True, "email": "off", name: value}
                ],
                expect(200),
            )
            for name, value in [("event_type", EventType.VERSION_PUBLISHED), ("in_app", False), ("email", "daily")]
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/notifications/{notification_id}/read/",
        lambda s: f"/api/v1/notifications/{s.notification.pk}/read/",
        (Attempt("", lambda s: None, expect(404, owner_admin=200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/notifications/read-all/",
        lambda s: "/api/v1/notifications/read-all/",
        (Attempt("", lambda s: None, expect(200), frozenset({"owner_admin"})),),  # only they have an unread alert
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/",
        lambda s: "/api/v1/plans/",
        (
            *(
                Attempt(name, plan_create_body(**{name: value}), CREATE_PLAN_OK)
                for name, value in [
                    ("title", "Another plan"),
                    ("kind", "school_eop"),
                    ("review_interval_days", 30),
                    ("hazards", ["Fire"]),
                    # A new plan's classification is its owner's choice; it has no content anyone reads yet.
                    ("classification", Classification.PUBLIC),
                ]
            ),
            Attempt("facilities", lambda s: {**plan_create_body()(s), "facilities": [s.school.pk]}, CREATE_PLAN_OK),
            # A plan owned by an agency the actor does not plan for.
            Attempt("owner_agency", lambda s: {**plan_create_body()(s), "owner_agency": s.police.pk}, expect(403)),
        ),
    ),
    Endpoint(
        "PATCH",
        "/api/v1/plans/{id}/",
        plan_api(),
        (
            Attempt("title", lambda s: {"title": "Renamed"}, owner_editors(200)),
            Attempt("kind", lambda s: {"kind": "school_eop"}, owner_editors(200)),
            Attempt("facilities", lambda s: {"facilities": []}, owner_editors(200)),
            Attempt("review_interval_days", lambda s: {"review_interval_days": 30}, owner_editors(200)),
            Attempt("hazards", lambda s: {"hazards": ["Flood"]}, owner_editors(200)),
            # Who may read the plan: lowering or raising it is the owner admins' decision, like sharing.
            Attempt("classification", lambda s: {"classification": Classification.PUBLIC}, owner_admin_only(200)),
            Attempt(
                "classification",
                lambda s: {"classification": Classification.LAW_ENFORCEMENT_SENSITIVE},
                owner_admin_only(200),
            ),
        ),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/plans/{id}/",
        plan_api(),
        (Attempt("", lambda s: None, owner_admin_only(409)),),  # published: withdrawn, never deleted
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/reviews/",
        plan_api("reviews/"),
        (
            Attempt("note", lambda s: {"note": "Nothing to change."}, owner_admin_only(201)),
            # Confirming a version other than the current one (here the draft) is refused for the admin too.
            Attempt("version", lambda s: {"version": s.draft.number}, owner_admin_only(409)),
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/shares/",
        plan_api("shares/"),
        (
            Attempt("agency", lambda s: {"agency": s.unrelated.pk, "level": "view"}, owner_admin_only(200)),
            # A partner raising its own share level.
            Attempt("level", lambda s: {"agency": s.police.pk, "level": "comment"}, owner_admin_only(200)),
        ),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/plans/{plan_id}/shares/{agency_id}/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/shares/{s.police.pk}/",
        (Attempt("", lambda s: None, owner_admin_only(204)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/versions/",
        plan_api("versions/"),
        tuple(
            # Whether a second draft is refused or the open one reused is issue 11 item 8's; either way only the
            # owner's editors get anywhere.
            Attempt(name, lambda s, body=body: body, owner_editors(DRAFT_STARTED), either=EDITORS)
            for name, body in [
                ("change_summary", {"change_summary": "Next year"}),
                ("sections", {"sections": [{"key": "a", "title": "A", "body": "x"}]}),
            ]
        ),
    ),
    Endpoint(
        "PATCH",
        "/api/v1/plans/{plan_id}/versions/{number}/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.draft.number}/",
        (
            Attempt("change_summary", lambda s: {"change_summary": "Edited"}, draft_editors(200)),
            Attempt("sections", lambda s: {"sections": [{"key": "a", "title": "A", "body": "y"}]}, draft_editors(200)),
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/versions/{number}/acknowledge/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.published.number}/acknowledge/",
        (
            # Acknowledging for an agency one is not admin or liaison of (the police, here).
            Attempt(
                "agency",
                lambda s: {"agency": s.police.pk},
                plan_readers(403, partner_view_liaison=200),
            ),
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/versions/{number}/attachments/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.draft.number}/attachments/",
        (Attempt("file", lambda s: {"file": pdf()}, draft_editors(201)),),
        multipart=True,
    ),
    # Importing from Word: a new plan for an agency one plans for, a new draft of a plan one edits.
    Endpoint(
        "POST",
        "/api/v1/plans/import/",
        lambda s: "/api/v1/plans/import/",
        (
            *(
                Attempt(name, lambda s, name=name, value=value: import_body(s, **{name: value}), CREATE_PLAN_OK)
                for name, value in [
                    ("title", "Imported plan"),
                    ("kind", "reunification"),
                    ("classification", Classification.PUBLIC),
                ]
            ),
            Attempt("file", lambda s: import_body(s), CREATE_PLAN_OK),
            # For another agency (the police): nobody here plans for it.
            Attempt("owner_agency", lambda s: import_body(s, owner_agency=s.police.pk), expect(403)),
        ),
        multipart=True,
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/import/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/import/",
        (Attempt("file", lambda s: {"file": word()}, owner_editors(201)),),
        multipart=True,
    ),
    Endpoint(
        "DELETE",
        "/api/v1/plans/{plan_id}/versions/{number}/attachments/{attachment_id}/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.draft.number}/attachments/{s.attachment.pk}/",
        (Attempt("", lambda s: None, draft_editors(204)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/versions/{number}/comments/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.published.number}/comments/",
        (
            Attempt(
                "body",
                lambda s: {"body": "Looks right."},
                plan_readers(403, **dict.fromkeys(OWNER_ROLES, 201), partner_comment_liaison=201),
            ),
            Attempt(
                "section_key",
                lambda s: {"body": "Check this.", "section_key": "section-1"},
                plan_readers(403, **dict.fromkeys(OWNER_ROLES, 201), partner_comment_liaison=201),
            ),
            # Replying into another plan's thread.
            Attempt(
                "parent",
                lambda s: {"body": "Me too.", "parent": s.other_comment.pk},
                plan_readers(403, **dict.fromkeys(OWNER_ROLES, 400), partner_comment_liaison=400),
            ),
            # A change request is a partner's; the owner changes its plan in a draft.
            Attempt(
                "is_change_request",
                lambda s: {"body": "Move staging.", "is_change_request": True},
                plan_readers(403, **dict.fromkeys(OWNER_ROLES, 400), partner_comment_liaison=201),
            ),
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/versions/{number}/comments/{comment_id}/resolve/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.published.number}/comments/{s.comment.pk}/resolve/",
        (Attempt("note", lambda s: {"note": "Done."}, plan_readers(403, owner_admin=200, owner_planner=200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/versions/{number}/concurrences/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.published.number}/concurrences/",
        (
            Attempt(
                "outcome",
                lambda s: {"outcome": "concur"},
                plan_readers(403, partner_view_liaison=201, partner_comment_liaison=201),
            ),
            Attempt(
                "note",
                lambda s: {"outcome": "changes_requested", "note": "Move staging."},
                plan_readers(403, partner_view_liaison=201, partner_comment_liaison=201),
            ),
            # Speaking for another partner agency (the police) than one's own.
            Attempt(
                "agency",
                lambda s: {"outcome": "concur", "agency": s.police.pk},
                plan_readers(403, partner_view_liaison=201),
            ),
        ),
    ),
    Endpoint(
        "PUT",
        "/api/v1/plans/{plan_id}/versions/{number}/facts/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.draft.number}/facts/",
        (
            Attempt("facts", lambda s: {"facility": s.school.pk, "facts": {"radio_channel": "7B"}}, draft_editors(200)),
            # A building the plan does not cover.
            Attempt(
                "facility",
                lambda s: {"facility": s.other_plan.facilities.get().pk, "facts": {"radio_channel": "7B"}},
                draft_editors(400),
            ),
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/versions/{number}/publish/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.draft.number}/publish/",
        (
            Attempt(
                "", lambda s: None, expect(404, anonymous=401, owner_admin=200, owner_planner=403, owner_liaison=403)
            ),
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/versions/{number}/withdraw/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/versions/{s.published.number}/withdraw/",
        (Attempt("", lambda s: None, owner_admin_only(200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/users/",
        lambda s: "/api/v1/users/",
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: {"username": "newcomer", "password": "x" * 20, name: value},
                expect(403, owner_admin=201, unrelated_admin=201, staff=201),
            )
            for name, value in [("username", "newcomer2"), ("email", "new@example.org"), ("password", "y" * 20)]
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/auth/tokens/",
        lambda s: "/api/v1/auth/tokens/",
        # A token for oneself only: there is no user field to issue one for someone else.
        (Attempt("name", lambda s: {"name": "Dispatch CAD link"}, expect(201)),),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/auth/tokens/{id}/",
        lambda s: f"/api/v1/auth/tokens/{s.token.pk}/",
        (Attempt("", lambda s: None, expect(404, owner_member=204)),),  # another person's token is not there
    ),
    # The field packet (issue 16): whoever may see the building's contacts asks for one; it holds only what they
    # may read, so asking grants nothing. Other agencies and the operator: 404.
    Endpoint(
        "POST",
        "/api/v1/facilities/{facility_id}/packet/",
        lambda s: f"/api/v1/facilities/{s.school.pk}/packet/",
        # The district admin's packet of the scene is under way: asked again at once, it is the same one.
        (Attempt("", lambda s: None, expect(202, unrelated_admin=404, staff=404), either=frozenset({"owner_admin"})),),
    ),
    # Building documents (issue 16): the building is a directory everyone signed in sees; its owner's admins and
    # planners add documents (a partner only its own annotations: none of the partner roles here edits).
    Endpoint(
        "POST",
        "/api/v1/facilities/{facility_id}/documents/",
        lambda s: f"/api/v1/facilities/{s.school.pk}/documents/",
        tuple(
            Attempt(name, lambda s, name=name, value=value: building_document_body(**{name: value}), BUILDING_ADD)
            for name, value in [
                ("kind", "floor_plan"),
                ("title", "Floor plan"),
                ("classification", Classification.PUBLIC),
                ("change_note", "New"),
                ("file", None),
            ]
        ),
        multipart=True,
    ),
    Endpoint(
        "POST",
        "/api/v1/facilities/{facility_id}/documents/{document_id}/versions/",
        lambda s: f"/api/v1/facilities/{s.school.pk}/documents/{s.building_document.pk}/versions/",
        (
            Attempt("file", lambda s: {"file": png_upload(), "change_note": "Moved"}, owner_editors(201)),
            Attempt("change_note", lambda s: {"file": png_upload(), "change_note": "Gate C"}, owner_editors(201)),
        ),
        multipart=True,
    ),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/reading-groups/",
        district_api("reading-groups/"),
        (
            Attempt("name", lambda s: {"name": "Front office"}, reading_managers(201)),
            Attempt(
                "description", lambda s: {"name": "Bus drivers", "description": "Morning routes"}, reading_managers(201)
            ),
        ),
    ),
    Endpoint(
        "PATCH",
        READING_GROUP_API,
        reading_group_api(),
        (
            Attempt("name", lambda s: {"name": "Patrol"}, reading_managers(200)),
            Attempt("description", lambda s: {"description": "Every officer"}, reading_managers(200)),
        ),
    ),
    Endpoint("DELETE", READING_GROUP_API, reading_group_api(), (Attempt("", lambda s: None, reading_managers(204)),)),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/reading-groups/{group_id}/members/",
        reading_group_api("members/"),
        (
            # Someone of another agency: only the agency's own active people are put in its groups.
            Attempt("user", lambda s: {"user": s.unrelated_admin.pk}, reading_managers(400)),
            # A supervisor sees the group's people's reading: the managers' call.
            Attempt(
                "is_supervisor", lambda s: {"user": s.owner_planner.pk, "is_supervisor": True}, reading_managers(201)
            ),
        ),
    ),
    Endpoint(
        "PATCH",
        READING_MEMBER_API,
        reading_member_api(),
        (Attempt("is_supervisor", lambda s: {"is_supervisor": True}, reading_managers(200)),),
    ),
    Endpoint("DELETE", READING_MEMBER_API, reading_member_api(), (Attempt("", lambda s: None, reading_managers(204)),)),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/reading-requirements/",
        district_api("reading-requirements/"),
        (
            # A plan the district may not read (the unrelated agency's): requiring it would show it to nobody.
            Attempt("plan", requirement_body(plan=lambda s: s.other_plan.pk), reading_managers(400)),
            Attempt("audience", requirement_body(audience=lambda s: "everyone"), reading_managers(201)),
            Attempt(
                "role", requirement_body(audience=lambda s: "role", role=lambda s: Role.ADMIN), reading_managers(201)
            ),
            Attempt(
                "group",
                requirement_body(audience=lambda s: "group", group=lambda s: s.reading_group.pk),
                reading_managers(201),
            ),
            # Another agency's group: its people are not the district's to require anything of.
            Attempt(
                "group",
                requirement_body(audience=lambda s: "group", group=lambda s: s.other_group.pk),
                reading_managers(400),
            ),
            Attempt("due_days", requirement_body(due_days=lambda s: 365), reading_managers(201)),
        ),
    ),
    Endpoint(
        "PATCH",
        READING_REQUIREMENT_API,
        requirement_api(),
        (
            Attempt("plan", lambda s: {"plan": s.other_plan.pk}, reading_managers(400)),
            Attempt("plan", lambda s: {"plan": s.source_plan.pk}, reading_managers(200)),
            Attempt("audience", lambda s: {"audience": "role", "role": Role.MEMBER}, reading_managers(200)),
            Attempt("role", lambda s: {"audience": "role", "role": Role.ADMIN}, reading_managers(200)),
            Attempt("group", lambda s: {"audience": "group", "group": s.reading_group.pk}, reading_managers(200)),
            Attempt("group", lambda s: {"audience": "group", "group": s.other_group.pk}, reading_managers(400)),
            Attempt("due_days", lambda s: {"due_days": 1}, reading_managers(200)),
        ),
    ),
    Endpoint(
        "DELETE", READING_REQUIREMENT_API, requirement_api(), (Attempt("", lambda s: None, reading_managers(204)),)
    ),
    # Training records (issue 17, item 4): the district's admins and liaisons record its training.
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/training-sessions/",
        district_api("training-sessions/"),
        tuple(training_attempts(reading_managers(201))),
    ),
    Endpoint(
        "PUT",
        TRAINING_SESSION_API,
        training_session_api(),
        tuple(training_attempts(reading_managers(200))),
    ),
    Endpoint(
        "DELETE", TRAINING_SESSION_API, training_session_api(), (Attempt("", lambda s: None, reading_managers(204)),)
    ),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/training-requirements/",
        district_api("training-requirements/"),
        (
            # A plan the district may not read, or another agency's group: refused, nothing saved.
            Attempt("plan", lambda s: {"plan": s.other_plan.pk, "audience": "everyone"}, reading_managers(400)),
            Attempt(
                "audience", lambda s: {"plan": s.plan.pk, "audience": "role", "role": Role.ADMIN}, reading_managers(201)
            ),
            Attempt(
                "role", lambda s: {"plan": s.plan.pk, "audience": "role", "role": Role.MEMBER}, reading_managers(201)
            ),
            Attempt(
                "group",
                lambda s: {"plan": s.plan.pk, "audience": "group", "group": s.other_group.pk},
                reading_managers(400),
            ),
            Attempt(
                "refresh_months",
                lambda s: {"plan": s.plan.pk, "audience": "group", "group": s.reading_group.pk, "refresh_months": 12},
                reading_managers(201),
            ),
        ),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/agencies/{agency_id}/training-requirements/{requirement_id}/",
        lambda s: f"/api/v1/agencies/{s.district.pk}/training-requirements/{s.training_requirement.pk}/",
        (Attempt("", lambda s: None, reading_managers(204)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/exercises/{exercise_id}/training/",
        exercise_url("training/", "drafted"),
        (
            # The district recorded no attendance at the drill: nobody to record as trained (400), nothing written;
            # another participant's people and the agencies outside it get 403 and 404 before that.
            Attempt("agency", lambda s: {"agency": s.district.pk}, lead_editors(400)),
            Attempt(
                "trainer", lambda s: {"agency": s.district.pk, "trainer": s.partner_view_member.pk}, lead_editors(400)
            ),
        ),
    ),
    # A building's contacts and who is assigned to it (issue 16).
    Endpoint(
        "POST",
        "/api/v1/facilities/{facility_id}/contacts/",
        lambda s: f"/api/v1/facilities/{s.school.pk}/contacts/",
        tuple(
            Attempt(name, lambda s, name=name, value=value: contact_body(**{name: value}), contact_keepers(201))
            for name, value in CONTACT_FIELDS
        ),
    ),
    Endpoint(
        "PATCH",
        CONTACT_API,
        contact_api,
        tuple(
            Attempt(name, lambda s, name=name, value=value: {name: value}, contact_keepers(200))
            for name, value in CONTACT_FIELDS
        ),
    ),
    Endpoint("DELETE", CONTACT_API, contact_api, (Attempt("", lambda s: None, contact_keepers(204)),)),
    Endpoint(
        "POST",
        "/api/v1/facilities/{facility_id}/assignments/",
        lambda s: f"/api/v1/facilities/{s.school.pk}/assignments/",
        (
            # Assigning another agency's officer: that agency's admins (here none) and staff only.
            Attempt(
                "agency",
                assignment_body(agency=lambda s: s.police.pk, user=lambda s: s.partner_view_member.pk),
                expect(403, staff=201),
            ),
            # Someone who is not a member of the agency: refused for those who may assign, too.
            Attempt(
                "user", assignment_body(user=lambda s: s.unrelated_admin.pk), expect(403, owner_admin=400, staff=400)
            ),
            Attempt("role", assignment_body(role=lambda s: AssignmentRole.SCHOOL_RESOURCE_OFFICER), ASSIGN_DISTRICT),
            Attempt("started_on", assignment_body(started_on=lambda s: "2026-01-05"), ASSIGN_DISTRICT),
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/facilities/{facility_id}/assignments/{assignment_id}/end/",
        lambda s: f"/api/v1/facilities/{s.school.pk}/assignments/{s.assignment.pk}/end/",
        # The police's officer: not the building owner's to end (the police have no admin here; staff may).
        (Attempt("ended_on", lambda s: {"ended_on": str(timezone.localdate())}, expect(403, staff=200)),),
    ),
    # Sources (issue 20): the county plan's writers declare what it builds on and decide on a source's change.
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/sources/",
        plan_api("sources/"),
        (
            # A plan the district may not see: nothing about it is learnt, nothing linked.
            Attempt("source_plan", lambda s: {"source_plan": s.other_plan.pk}, owner_editors(400)),
            Attempt(
                "section_key",
                lambda s: {"source_plan": s.source_plan.pk, "section_key": "section-1"},
                owner_editors(201),
            ),
        ),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/plans/{plan_id}/sources/{link_id}/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/sources/{s.source_link.pk}/",
        (Attempt("", lambda s: None, owner_editors(204)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/plans/{plan_id}/source-changes/{change_id}/decision/",
        lambda s: f"/api/v1/plans/{s.plan.pk}/source-changes/{s.source_change.pk}/decision/",
        (
            Attempt("decision", lambda s: {"decision": "start_draft"}, owner_editors(200)),
            Attempt("reason", lambda s: {"decision": "no_change", "reason": "Same meeting point."}, owner_editors(200)),
        ),
    ),
    # The calendar-feed link (issue 16): one's own only, there is no person to point elsewhere.
    Endpoint(
        "POST",
        "/api/v1/me/calendar-feed/",
        lambda s: "/api/v1/me/calendar-feed/",
        (Attempt("", lambda s: None, expect(201)),),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/me/calendar-feed/",
        lambda s: "/api/v1/me/calendar-feed/",
        (Attempt("", lambda s: None, expect(404, owner_member=204)),),  # only they have a link
    ),
    # Onboarding (issue 19): the district's admins import a roster (the preview writes nothing).
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/roster/preview/",
        district_api("roster/preview/"),
        (Attempt("file", lambda s: {"file": roster_csv()}, agency_admins(200), frozenset()),),
        multipart=True,
    ),
    Endpoint(
        "POST",
        "/api/v1/agencies/{agency_id}/roster/",
        district_api("roster/"),
        (Attempt("file", lambda s: {"file": roster_csv()}, agency_admins(201)),),
        multipart=True,
    ),
    # Exercises (issue 17).
    Endpoint(
        "POST",
        "/api/v1/exercises/",
        lambda s: "/api/v1/exercises/",
        (
            # Another agency as the lead: only its own admins and liaisons may schedule for it.
            Attempt("lead_agency", lambda s: {**exercise_body(s), "lead_agency": s.district.pk}, SCHEDULE_API),
            *(
                Attempt(name, lambda s: {**exercise_body(s), "lead_agency": s.district.pk}, SCHEDULE_API)
                for name in EXERCISE_FIELDS
            ),
        ),
    ),
    Endpoint(
        "PUT",
        "/api/v1/exercises/{exercise_id}/",
        exercise_url(),
        tuple(Attempt(name, lambda s: exercise_body(s), lead_editors(200)) for name in EXERCISE_FIELDS),
    ),
    Endpoint(
        "POST",
        "/api/v1/exercises/{exercise_id}/cancel/",
        exercise_url("cancel/"),
        (Attempt("reason", lambda s: {"reason": "Snow day"}, lead_editors(200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/exercises/{exercise_id}/conducted/",
        exercise_url("conducted/"),
        (Attempt("", lambda s: None, lead_editors(200)),),
    ),
    Endpoint(
        "PUT",
        "/api/v1/exercises/{exercise_id}/attendance/{agency_id}/",
        lambda s: f"/api/v1/exercises/{s.scheduled.pk}/attendance/{s.district.pk}/",
        (
            # Someone of another agency as the district's attendee: refused (400), nothing recorded.
            Attempt("attendees", lambda s: {"attendees": [s.partner_view_member.pk]}, lead_editors(400), frozenset()),
            Attempt("staff_count", lambda s: {"staff_count": 40}, lead_editors(200)),
            Attempt("student_count", lambda s: {"student_count": 600}, lead_editors(200)),
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/exercises/{exercise_id}/observations/",
        exercise_url("observations/"),
        (
            # In the police's name: only the police's admins may.
            Attempt("agency", lambda s: {"agency": s.police.pk, "text": "Door 4 open."}, lead_editors(403)),
            Attempt(
                "objective", lambda s: {"agency": s.district.pk, "text": "Fast.", "objective": None}, lead_editors(201)
            ),
            Attempt("text", lambda s: {"agency": s.district.pk, "text": "Door 4 open."}, lead_editors(201)),
        ),
    ),
    Endpoint(
        "PUT",
        "/api/v1/exercises/{exercise_id}/report/",
        exercise_url("report/", "drafted"),
        (Attempt("summary", lambda s: {"summary": "Went well."}, draft_report_editors(200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/exercises/{exercise_id}/report/findings/",
        exercise_url("report/findings/", "drafted"),
        (
            Attempt("kind", lambda s: {"kind": "strength", "text": "Quick."}, draft_report_editors(201)),
            Attempt("text", lambda s: {"kind": "strength", "text": "Quick."}, draft_report_editors(201)),
            Attempt(
                "objective",
                lambda s: {"kind": "strength", "text": "Quick.", "objective": None},
                draft_report_editors(201),
            ),
            # A plan the district may not read: refused, nothing learnt about it.
            Attempt(
                "plan",
                lambda s: {"kind": "improvement", "text": "Slow.", "plan": s.other_plan.pk},
                draft_report_editors(400),
                frozenset(),
            ),
            Attempt(
                "section_key",
                lambda s: {"kind": "improvement", "text": "Slow.", "plan": s.plan.pk, "section_key": "section-1"},
                draft_report_editors(201),
            ),
        ),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/exercises/{exercise_id}/report/findings/{finding_id}/",
        lambda s: f"/api/v1/exercises/{s.drafted.pk}/report/findings/{s.strength.pk}/",
        (Attempt("", lambda s: None, draft_report_editors(204)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/exercises/{exercise_id}/report/finalize/",
        exercise_url("report/finalize/", "drafted"),
        (Attempt("", lambda s: None, draft_report_editors(200)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/exercises/{exercise_id}/corrective-actions/",
        exercise_url("corrective-actions/", "reported"),
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: {**action_body(s), "responsible": None, name: value(s)},
                lead_editors(expected),
                writers,
            )
            for name, value, expected, writers in [
                ("finding", lambda s: s.improvement.pk, 201, None),
                ("description", lambda s: "Add a second reunification site", 201, None),
                # An agency that did not take part cannot be given the action.
                ("owning_agency", lambda s: s.unrelated.pk, 400, frozenset()),
                ("responsible", lambda s: s.owner_planner.pk, 201, None),
                ("due_on", lambda s: "2027-01-15", 201, None),
            ]
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/corrective-actions/{action_id}/close/",
        lambda s: f"/api/v1/corrective-actions/{s.action.pk}/close/",
        (Attempt("reason", lambda s: {"reason": "The annex covers it."}, lead_editors(200)),),
    ),
)

# Drill requirements (issue 17, item 5).
API = (
    *API,
    Endpoint(
        "POST",
        "/api/v1/drill-requirements/",
        lambda s: "/api/v1/drill-requirements/",
        (
            *(Attempt(name, lambda s: set_body(s), expect(403, owner_admin=201, staff=201)) for name in SET_FIELDS),
            Attempt("owner_agency", lambda s: set_body(s), expect(403, owner_admin=201, staff=201)),
            # A state's set: the operator only.
            Attempt("owner_agency", lambda s: set_body(s, owner_agency=None), expect(403, staff=201)),
        ),
    ),
    Endpoint(
        "PUT",
        "/api/v1/drill-requirements/{set_id}/",
        lambda s: f"/api/v1/drill-requirements/{s.district_set.pk}/",
        (
            *(Attempt(name, lambda s: set_body(s), set_keepers(200)) for name in SET_FIELDS),
            # The owner is not changed by a PUT.
            Attempt("owner_agency", lambda s: set_body(s, owner_agency=s.police.pk), set_keepers(200)),
        ),
    ),
    Endpoint(
        "POST",
        "/api/v1/drill-requirements/{set_id}/lines/",
        lambda s: f"/api/v1/drill-requirements/{s.district_set.pk}/lines/",
        tuple(Attempt(name, lambda s: line_body(s), set_keepers(201)) for name in LINE_FIELDS),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/drill-requirements/{set_id}/lines/{line_id}/",
        lambda s: f"/api/v1/drill-requirements/{s.district_set.pk}/lines/{s.district_line.pk}/",
        (Attempt("", lambda s: None, set_keepers(204)),),
    ),
    Endpoint(
        "POST",
        "/api/v1/facilities/{facility_id}/drill-requirements/",
        lambda s: f"/api/v1/facilities/{s.school.pk}/drill-requirements/",
        (
            Attempt(
                "requirement_set",
                lambda s: {"requirement_set": s.state_set.pk},
                expect(403, owner_admin=201, staff=201),
            ),
        ),
    ),
    Endpoint(
        "DELETE",
        "/api/v1/facilities/{facility_id}/drill-requirements/{set_id}/",
        lambda s: f"/api/v1/facilities/{s.school.pk}/drill-requirements/{s.district_set.pk}/",
        (Attempt("", lambda s: None, set_keepers(204)),),
    ),
)

# Signing in and out, not authorization: item 2 and 3 of issue 11 test these paths.
API_EXEMPT_PREFIXES = ("/api/v1/auth/token/", "/api/v1/auth/logout")


# --- The web pages --------------------------------------------------------------------------------------------------

WEB_ANON = 302  # to the sign-in page
ROOT = Path(settings.BASE_DIR)


def web_plan(name: str, **kwargs: Callable[[Scene], Any]) -> Callable[[Scene], str]:
    return lambda s: reverse(name, kwargs={"plan_id": s.plan.pk, **{k: f(s) for k, f in kwargs.items()}})


def web_district(name: str, **kwargs: Callable[[Scene], Any]) -> Callable[[Scene], str]:
    return lambda s: reverse(name, kwargs={"agency_id": s.district.pk, **{k: f(s) for k, f in kwargs.items()}})


def plan_form(s: Scene, **changes: Any) -> dict:
    """The plan edit form as the browser sends it back unchanged, with `changes`."""
    data = {
        "title": s.plan.title,
        "kind": s.plan.kind,
        "facilities": [s.school.pk],
        "classification": s.plan.classification,
        "review_interval_days": s.plan.review_interval_days,
        "hazards": "",
    }
    return {**data, **changes}


def new_plan_form(s: Scene, **changes: Any) -> dict:
    data = {**PLAN_BODY, "owner_agency": s.district.pk, "facilities": [s.school.pk], "classification": "partner"}
    return {**data, "hazards": "", "start": "blank", **changes}


NEW_PLAN = expect(403, WEB_ANON, owner_admin=302, owner_planner=302, unrelated_admin=200)
EDIT_PLAN = owner_editors(302, WEB_ANON)
DRAFT_EDIT = draft_editors(302, WEB_ANON)
COMMENTERS = {**dict.fromkeys(OWNER_ROLES, 302), "partner_comment_liaison": 302}


# The district's reading group, and the district member in it.
GROUP: dict[str, Callable[[Scene], Any]] = {"group_id": lambda s: s.reading_group.pk}
GROUP_MEMBER = {**GROUP, "user_id": lambda s: s.owner_member.pk}
REQUIREMENT: dict[str, Callable[[Scene], Any]] = {"requirement_id": lambda s: s.requirement.pk}


def requirement_form(prefix: str = "", **changes: Callable[[Scene], Any]) -> Callable[[Scene], dict]:
    """The requirement form as sent: the source plan, for everyone in 14 days, with `changes`."""

    def body(s: Scene) -> dict:
        data = {"plan": s.source_plan.pk, "audience": "everyone", "role": "", "group": "", "due_days": 14}
        data |= {k: f(s) for k, f in changes.items()}
        return {f"{prefix}{k}": v for k, v in data.items()}

    return body


def requirement_edit_form(**changes: Callable[[Scene], Any]) -> Callable[[Scene], dict]:
    return lambda s: requirement_form(f"r{s.requirement.pk}-", **changes)(s)


READING_WEB = reading_managers(302, WEB_ANON)
READING_REFUSED = reading_managers(400, WEB_ANON)  # a value the form does not offer: shown again, nothing saved
CONTACT_WEB = contact_keepers(302, WEB_ANON)
SOURCES_WEB = owner_editors(302, WEB_ANON)


def web_facility(name: str, **kwargs: Callable[[Scene], Any]) -> Callable[[Scene], str]:
    return lambda s: reverse(name, kwargs={"facility_id": s.school.pk, **{k: f(s) for k, f in kwargs.items()}})


def contact_form(**changes: Any) -> dict:
    return {
        "label": "Custodian",
        "name": "",
        "phone": "555-0102",
        "alt_phone": "",
        "notes": "",
        "position": "",
        **changes,
    }


def assignment_form(**changes: Callable[[Scene], Any]) -> Callable[[Scene], dict]:
    """The district member assigned by the district, as the form sends it, with `changes`."""

    def body(s: Scene) -> dict:
        data = {"agency": s.district.pk, "username": s.owner_member.username, "role": AssignmentRole.LIAISON}
        return {**data, "started_on": "", **{k: f(s) for k, f in changes.items()}}

    return body


# Assigning: the person's own agencies are offered (an admin's, staff: all); another is refused as invalid (400).
ASSIGN_WEB = expect(403, WEB_ANON, owner_admin=302, staff=302, unrelated_admin=400)

WEB: tuple[Endpoint, ...] = (
    Endpoint(
        "POST",
        "plans:create",
        lambda s: reverse("plans:create"),
        (
            *(
                Attempt(name, lambda s, name=name, value=value: new_plan_form(s, **{name: value}), NEW_PLAN, EDITORS)
                for name, value in [
                    ("title", "Another plan"),
                    ("kind", "school_eop"),
                    ("facilities", []),
                    ("classification", Classification.PUBLIC),
                    ("review_interval_days", 30),
                    ("hazards", "Fire"),
                    ("start", "template"),
                ]
            ),
            # The one-time key against double submits: a fresh one is an ordinary creation (reusing another
            # person's key is refused: tests/security/test_bad_input.py).
            Attempt("creation_key", lambda s: new_plan_form(s, creation_key=str(uuid4())), NEW_PLAN, EDITORS),
            # An owner agency the person does not plan for: not offered, refused as invalid (nothing created).
            Attempt(
                "owner_agency",
                lambda s: new_plan_form(s, owner_agency=s.police.pk),
                {**NEW_PLAN, "owner_admin": 200, "owner_planner": 200},
                frozenset(),
            ),
        ),
        web=True,
        forms=(PlanCreateForm,),
    ),
    Endpoint(
        "POST",
        "plans:edit",
        web_plan("plans:edit"),
        (
            Attempt("title", lambda s: plan_form(s, title="Renamed"), EDIT_PLAN),
            Attempt("kind", lambda s: plan_form(s, kind="reunification"), EDIT_PLAN),
            Attempt("facilities", lambda s: plan_form(s, facilities=[]), EDIT_PLAN),
            Attempt("review_interval_days", lambda s: plan_form(s, review_interval_days=30), EDIT_PLAN),
            Attempt("hazards", lambda s: plan_form(s, hazards="Flood"), EDIT_PLAN),
            # Raising it: the owner's admins only (the field is disabled for planners; sending it anyway is 403).
            Attempt(
                "classification",
                lambda s: plan_form(s, classification=Classification.LAW_ENFORCEMENT_SENSITIVE),
                owner_admin_only(302, WEB_ANON),
            ),
            # Lowering it without the confirmation: shown again with the question, nothing changed.
            Attempt(
                "classification",
                lambda s: plan_form(s, classification=Classification.PUBLIC),
                owner_admin_only(200, WEB_ANON),
                frozenset(),
            ),
            Attempt(
                "confirm_lower_classification",
                lambda s: plan_form(s, classification=Classification.PUBLIC, confirm_lower_classification="on"),
                owner_admin_only(302, WEB_ANON),
            ),
        ),
        web=True,
        forms=(PlanEditForm,),
    ),
    Endpoint(
        "POST",
        "plans:draft-new",
        web_plan("plans:draft-new"),
        (Attempt("", lambda s: {}, EDIT_PLAN, frozenset()),),  # the open draft is reused: nothing new
        web=True,
    ),
    Endpoint(
        "POST",
        "plans:draft-edit",
        web_plan("plans:draft-edit", number=lambda s: s.draft.number),
        (
            Attempt(
                "sections",
                lambda s: {
                    "action": "save",
                    "loaded": s.draft.updated_at.isoformat(),
                    "change_summary": "Edited",
                    "sections-TOTAL_FORMS": "1",
                    "sections-INITIAL_FORMS": "1",
                    "sections-0-title": "Evacuation",
                    "sections-0-key": "section-1",
                    "sections-0-body": "Evacuate to the east lot.",
                },
                DRAFT_EDIT,
            ),
        ),
        web=True,
    ),
    Endpoint(
        "POST",
        "plans:draft-autosave",
        web_plan("plans:draft-autosave", number=lambda s: s.draft.number),
        (
            Attempt(
                "sections",
                lambda s: {
                    "loaded": s.draft.updated_at.isoformat(),
                    "change_summary": "Edited",
                    "sections": [{"key": "section-1", "title": "Evacuation", "body": "Evacuate to the east lot."}],
                },
                draft_editors(200, WEB_ANON),
            ),
        ),
        web=True,
        json=True,
    ),
    Endpoint(
        "POST",
        "plans:attachment-upload",
        web_plan("plans:attachment-upload", number=lambda s: s.draft.number),
        (Attempt("file", lambda s: {"file": pdf()}, DRAFT_EDIT),),
        web=True,
        multipart=True,
    ),
    Endpoint(
        "POST",
        "plans:import",
        lambda s: reverse("plans:import"),
        (
            *(
                Attempt(name, lambda s, name=name, value=value: import_body(s, **{name: value}), NEW_PLAN, EDITORS)
                for name, value in [
                    ("title", "Imported plan"),
                    ("kind", "reunification"),
                    ("classification", Classification.PUBLIC),
                    ("creation_key", str(uuid4())),
                ]
            ),
            Attempt("file", lambda s: import_body(s), NEW_PLAN, EDITORS),
            # An owner agency the person does not plan for: not offered, refused as invalid (nothing created).
            Attempt(
                "owner_agency",
                lambda s: import_body(s, owner_agency=s.police.pk),
                {**NEW_PLAN, "owner_admin": 200, "owner_planner": 200},
                frozenset(),
            ),
        ),
        web=True,
        forms=(PlanImportForm,),
    ),
    Endpoint(
        "POST",
        "plans:draft-import",
        web_plan("plans:draft-import"),
        (Attempt("file", lambda s: {"file": word()}, EDIT_PLAN),),
        web=True,
        forms=(DocxUploadForm,),
    ),
    Endpoint(
        "POST",
        "plans:attachment-remove",
        web_plan("plans:attachment-remove", number=lambda s: s.draft.number, attachment_id=lambda s: s.attachment.pk),
        (Attempt("", lambda s: {}, DRAFT_EDIT),),
        web=True,
    ),
    Endpoint(
        "POST",
        "plans:draft-facts",
        web_plan("plans:draft-facts", number=lambda s: s.draft.number, facility_id=lambda s: s.school.pk),
        (Attempt("radio_channel", lambda s: {f"facts-{s.school.pk}-radio_channel": "7B"}, DRAFT_EDIT),),
        web=True,
    ),
    Endpoint(
        "POST",
        "plans:publish",
        web_plan("plans:publish", number=lambda s: s.draft.number),
        (Attempt("", lambda s: {}, draft_editors(302, WEB_ANON) | {"owner_planner": 403}),),
        web=True,
    ),
    Endpoint(
        "POST",
        "plans:withdraw",
        web_plan("plans:withdraw", number=lambda s: s.published.number),
        (Attempt("", lambda s: {}, owner_admin_only(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "plans:mark-reviewed",
        web_plan("plans:mark-reviewed"),
        (
            Attempt(
                "note",
                lambda s: {"version": s.published.number, "note": "Nothing to change."},
                owner_admin_only(302, WEB_ANON),
            ),
            # Confirming the draft as if it were the current version: refused for the admin too, nothing recorded.
            Attempt("version", lambda s: {"version": s.draft.number}, owner_admin_only(409, WEB_ANON)),
        ),
        web=True,
        forms=(MarkReviewedForm,),
    ),
    Endpoint(
        "POST",
        "plans:acknowledge",
        web_plan("plans:acknowledge"),
        # No agency field: it acknowledges for the agencies the person is admin or liaison of, no other.
        (Attempt("version", lambda s: {"version": s.published.number}, plan_readers(302, WEB_ANON)),),
        web=True,
        forms=(AcknowledgeForm,),
    ),
    Endpoint(
        "POST",
        "plans:share",
        web_plan("plans:share"),
        (
            Attempt("agency", lambda s: {"agency": s.unrelated.pk, "level": "view"}, owner_admin_only(302, WEB_ANON)),
            Attempt("level", lambda s: {"agency": s.police.pk, "level": "comment"}, owner_admin_only(302, WEB_ANON)),
        ),
        web=True,
        forms=(ShareForm,),
    ),
    Endpoint(
        "POST",
        "plans:unshare",
        web_plan("plans:unshare"),
        (Attempt("agency", lambda s: {"agency": s.police.pk}, owner_admin_only(302, WEB_ANON)),),
        web=True,
        forms=(UnshareForm,),
    ),
    Endpoint(
        "POST",
        "reviews:comment-post",
        web_plan("reviews:comment-post", number=lambda s: s.published.number),
        (
            Attempt("body", lambda s: {"body": "Looks right."}, plan_readers(403, WEB_ANON, **COMMENTERS)),
            Attempt(
                "section_key",
                lambda s: {"body": "Check.", "section_key": "section-1"},
                plan_readers(403, WEB_ANON, **COMMENTERS),
            ),
            # Replying into another plan's thread.
            Attempt(
                "parent",
                lambda s: {"body": "Me too.", "parent": s.other_comment.pk},
                plan_readers(403, WEB_ANON, **dict.fromkeys(COMMENTERS, 404)),
            ),
            # The owner cannot file a change request against itself (refused with a message, nothing saved).
            Attempt(
                "is_change_request",
                lambda s: {"body": "Move staging.", "is_change_request": "on"},
                plan_readers(403, WEB_ANON, **COMMENTERS),
                frozenset({"partner_comment_liaison"}),
            ),
        ),
        web=True,
        forms=(CommentForm,),
    ),
    Endpoint(
        "POST",
        "reviews:comment-resolve",
        web_plan("reviews:comment-resolve", comment_id=lambda s: s.comment.pk),
        (
            Attempt(
                "note", lambda s: {"note": "Done."}, plan_readers(403, WEB_ANON, owner_admin=302, owner_planner=302)
            ),
        ),
        web=True,
        forms=(ResolveForm,),
    ),
    Endpoint(
        "POST",
        "concurrence:record",
        web_plan("concurrence:record"),
        (
            Attempt(
                "outcome",
                lambda s: {"version": s.published.number, "outcome": "concur"},
                plan_readers(403, WEB_ANON, partner_view_liaison=302, partner_comment_liaison=302),
            ),
            Attempt(
                "note",
                lambda s: {"version": s.published.number, "outcome": "changes_requested", "note": "Move staging."},
                plan_readers(403, WEB_ANON, partner_view_liaison=302, partner_comment_liaison=302),
            ),
            Attempt(
                "version",
                lambda s: {"version": s.draft.number, "outcome": "concur"},  # a draft partners may not see
                plan_readers(403, WEB_ANON, partner_view_liaison=404, partner_comment_liaison=404),
            ),
            # Speaking for the police as the fire liaison: not offered, refused with a message.
            Attempt(
                "agency",
                lambda s: {"version": s.published.number, "outcome": "concur", "agency": s.police.pk},
                plan_readers(403, WEB_ANON, partner_view_liaison=302, partner_comment_liaison=302),
                frozenset({"partner_view_liaison"}),
            ),
        ),
        web=True,
        forms=(ConcurrenceForm,),
    ),
    Endpoint(
        "POST",
        "agencies:member-invite",
        web_district("agencies:member-invite"),
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: {
                    "invite-username": "newcomer",
                    "invite-email": "new@example.org",
                    "invite-role": Role.MEMBER,
                    f"invite-{name}": value,
                },
                agency_admins(302, WEB_ANON),
            )
            for name, value in [("username", "newcomer2"), ("email", "n2@example.org"), ("role", Role.ADMIN)]
        ),
        web=True,
        forms=(MemberInviteForm,),
    ),
    Endpoint(
        "POST",
        "agencies:member-add",
        web_district("agencies:member-add"),
        (
            Attempt(
                "username",
                lambda s: {"add-username": s.unrelated_admin.username, "add-role": Role.MEMBER},
                agency_admins(302, WEB_ANON),
            ),
            Attempt(
                "role",
                lambda s: {"add-username": s.partner_view_member.username, "add-role": Role.ADMIN},
                agency_admins(302, WEB_ANON),
            ),
        ),
        web=True,
        forms=(MemberAddForm,),
    ),
    Endpoint(
        "POST",
        "agencies:member-role",
        web_district("agencies:member-role", membership_id=lambda s: s.member_membership.pk),
        (Attempt("role", lambda s: {"role": Role.ADMIN}, agency_admins(302, WEB_ANON)),),
        web=True,
        forms=(MembershipRoleForm,),
    ),
    Endpoint(
        "POST",
        "agencies:member-remove",
        web_district("agencies:member-remove", membership_id=lambda s: s.member_membership.pk),
        (Attempt("", lambda s: {}, agency_admins(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "agencies:mfa",
        web_district("agencies:mfa"),
        (
            Attempt("require_mfa", lambda s: {"require_mfa": "on"}, agency_admins(302, WEB_ANON)),
            Attempt("les_read_requires_mfa", lambda s: {"les_read_requires_mfa": "on"}, agency_admins(302, WEB_ANON)),
        ),
        web=True,
        forms=(AgencyMfaForm,),
    ),
    Endpoint(
        "POST",
        "agencies:member-invitation-resend",
        web_district("agencies:member-invitation-resend", membership_id=lambda s: s.member_membership.pk),
        (Attempt("", lambda s: {}, agency_admins(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "agencies:member-sessions-end",
        web_district("agencies:member-sessions-end", membership_id=lambda s: s.member_membership.pk),
        (Attempt("", lambda s: {}, agency_admins(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "agencies:settings",
        web_district("agencies:settings"),
        tuple(
            Attempt(name, lambda s, name=name, value=value: {f"sessions-{name}": value}, agency_admins(302, WEB_ANON))
            for name, value in [("session_idle_minutes", "600"), ("session_max_hours", "300")]
        ),
        web=True,
        forms=(SessionPolicyForm,),
    ),
    Endpoint(
        "POST",
        "agencies:settings-offline",
        web_district("agencies:settings-offline"),
        (
            Attempt(
                "les_offline_copies",
                lambda s: {"offline-les_offline_copies": "on"},
                agency_admins(302, WEB_ANON),
            ),
        ),
        web=True,
        forms=(OfflineCopiesForm,),
    ),
    Endpoint(
        "POST",
        "packets:facility-packet",
        lambda s: reverse("packets:facility-packet", kwargs={"facility_id": s.school.pk}),
        (
            Attempt(
                "",
                lambda s: {},
                expect(302, WEB_ANON, unrelated_admin=404, staff=404),
                either=frozenset({"owner_admin"}),
            ),
        ),
        web=True,
    ),
    Endpoint(
        "POST",
        "agencies:webhooks",
        web_district("agencies:webhooks"),
        (
            Attempt(
                "url",
                lambda s: {"url": "http://127.0.0.1:9/cad", "events": ["plan.shared"]},
                agency_admins(302, WEB_ANON),
            ),
            Attempt(
                "events",
                lambda s: {"url": "http://127.0.0.1:9/a", "events": WEBHOOK_EVENTS},
                agency_admins(302, WEB_ANON),
            ),
        ),
        web=True,
        forms=(WebhookCreateForm,),
    ),
    Endpoint(
        "POST",
        "agencies:webhook-delete",
        web_district("agencies:webhook-delete", webhook_id=lambda s: s.webhook.pk),
        (Attempt("", lambda s: {}, agency_admins(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "agencies:webhook-enable",
        web_district("agencies:webhook-enable", webhook_id=lambda s: s.webhook.pk),
        (Attempt("", lambda s: {}, agency_admins(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "agencies:webhook-redeliver",
        web_district(
            "agencies:webhook-redeliver", webhook_id=lambda s: s.webhook.pk, delivery_id=lambda s: s.delivery.pk
        ),
        (Attempt("", lambda s: {}, agency_admins(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "notifications:read",
        lambda s: reverse("notifications:read", kwargs={"notification_id": s.notification.pk}),
        (Attempt("", lambda s: {}, expect(404, WEB_ANON, owner_admin=302)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "notifications:read-all",
        lambda s: reverse("notifications:read-all"),
        (Attempt("", lambda s: {}, expect(302, WEB_ANON), frozenset({"owner_admin"})),),
        web=True,
    ),
    Endpoint(
        "POST",
        "notifications:preferences",
        lambda s: reverse("notifications:preferences"),
        # Only one's own preferences (no user or agency field); every field is an event type's channel.
        (Attempt("__email", lambda s: every_preference("daily"), expect(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "agency-switch",
        lambda s: reverse("agency-switch"),
        # Only the person's own agencies; the choice lives in the session, so the database never changes.
        (Attempt("agency", lambda s: {"agency": s.district.pk}, expect(302, WEB_ANON), frozenset()),),
        web=True,
    ),
    Endpoint(
        "POST",
        "accounts:api-tokens",
        lambda s: reverse("accounts:api-tokens"),
        # A token for oneself only, shown on the page that answers.
        (Attempt("name", lambda s: {"name": "Dispatch CAD link"}, expect(200, WEB_ANON)),),
        web=True,
        forms=(ApiTokenCreateForm,),
    ),
    Endpoint(
        "POST",
        "identity:agency-sso",
        web_district("identity:agency-sso"),
        tuple(
            Attempt(name, lambda s, name=name, value=value: sso_form(**{name: value}), sso_admins(302, WEB_ANON))
            for name, value in (
                ("issuer", "http://127.0.0.1:9/attacker"),
                ("client_id", "attacker-client"),
                ("client_secret", "attacker-secret"),
                ("domains", "gmail.example.org"),
                ("sso_only", "on"),
                ("enabled", ""),
            )
        ),
        web=True,
        forms=(AgencySSOForm,),
    ),
    Endpoint(
        "POST",
        "identity:agency-sso-remove",
        web_district("identity:agency-sso-remove"),
        (Attempt("", lambda s: {}, sso_admins(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "accounts:sessions",
        lambda s: reverse("accounts:sessions"),
        # Only one's own sessions and tokens: there is no person to point elsewhere.
        (Attempt("", lambda s: {}, expect(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "accounts:invitation",
        # A link signed for one new account: a made-up one sets nobody's password, whoever sends it.
        lambda s: reverse("accounts:invitation", kwargs={"uidb64": "MQ", "token": "1-abc"}),
        (
            Attempt(
                "",
                lambda s: {"new_password1": "a-long-passphrase-9", "new_password2": "a-long-passphrase-9"},
                expect(404, 404),
            ),
        ),
        web=True,
    ),
    Endpoint(
        "POST",
        "accounts:api-token-revoke",
        lambda s: reverse("accounts:api-token-revoke", kwargs={"token_id": s.token.pk}),
        (Attempt("", lambda s: {}, expect(404, WEB_ANON, owner_member=302)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "buildings:document-add",
        lambda s: reverse("buildings:document-add", kwargs={"facility_id": s.school.pk}),
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: building_document_body(**{name: value}),
                expect(403, WEB_ANON, owner_admin=302, owner_planner=302),
            )
            for name, value in [
                ("kind", "floor_plan"),
                ("title", "Floor plan"),
                ("classification", Classification.PUBLIC),
                ("change_note", "New"),
            ]
        ),
        web=True,
        forms=(DocumentAddForm,),
    ),
    Endpoint(
        "POST",
        "buildings:document-replace",
        lambda s: reverse(
            "buildings:document-replace", kwargs={"facility_id": s.school.pk, "document_id": s.building_document.pk}
        ),
        (
            Attempt(
                "change_note", lambda s: {"file": png_upload(), "change_note": "Moved"}, owner_editors(302, WEB_ANON)
            ),
        ),
        web=True,
        forms=(DocumentReplaceForm,),
    ),
    # Required reading (issue 15).
    Endpoint(
        "POST",
        "reading-requirement-add",
        web_district("reading-requirement-add"),
        (
            Attempt("plan", requirement_form(plan=lambda s: s.other_plan.pk), READING_REFUSED, frozenset()),
            Attempt("audience", requirement_form(), READING_WEB),
            Attempt("role", requirement_form(audience=lambda s: "role", role=lambda s: Role.ADMIN), READING_WEB),
            Attempt(
                "group", requirement_form(audience=lambda s: "group", group=lambda s: s.reading_group.pk), READING_WEB
            ),
            # Another agency's group is not offered: refused as invalid.
            Attempt(
                "group",
                requirement_form(audience=lambda s: "group", group=lambda s: s.other_group.pk),
                READING_REFUSED,
                frozenset(),
            ),
            Attempt("due_days", requirement_form(due_days=lambda s: 365), READING_WEB),
        ),
        web=True,
        forms=(RequirementForm,),
    ),
    Endpoint(
        "POST",
        "reading-requirement-edit",
        web_district("reading-requirement-edit", **REQUIREMENT),
        (
            Attempt("plan", requirement_edit_form(plan=lambda s: s.other_plan.pk), READING_REFUSED, frozenset()),
            Attempt(
                "audience", requirement_edit_form(audience=lambda s: "role", role=lambda s: Role.MEMBER), READING_WEB
            ),
            Attempt("role", requirement_edit_form(audience=lambda s: "role", role=lambda s: Role.ADMIN), READING_WEB),
            Attempt(
                "group",
                requirement_edit_form(audience=lambda s: "group", group=lambda s: s.reading_group.pk),
                READING_WEB,
            ),
            Attempt(
                "group",
                requirement_edit_form(audience=lambda s: "group", group=lambda s: s.other_group.pk),
                READING_REFUSED,
                frozenset(),
            ),
            Attempt("due_days", requirement_edit_form(due_days=lambda s: 1), READING_WEB),
        ),
        web=True,
        forms=(RequirementForm,),
    ),
    Endpoint(
        "POST",
        "reading-requirement-remove",
        web_district("reading-requirement-remove", **REQUIREMENT),
        (Attempt("", lambda s: {}, READING_WEB),),
        web=True,
    ),
    # Training records (issue 17, item 4).
    Endpoint(
        "POST",
        "training-session-new",
        web_district("training-session-new"),
        tuple(training_attempts(READING_WEB, web=True)),
        web=True,
        forms=(TrainingSessionForm,),
    ),
    Endpoint(
        "POST",
        "training-session-edit",
        web_district("training-session-edit", session_id=lambda s: s.training_session.pk),
        tuple(training_attempts(READING_WEB, web=True)),
        web=True,
        forms=(TrainingSessionForm,),
    ),
    Endpoint(
        "POST",
        "training-session-delete",
        web_district("training-session-delete", session_id=lambda s: s.training_session.pk),
        (Attempt("", lambda s: {}, READING_WEB),),
        web=True,
    ),
    Endpoint(
        "POST",
        "training-requirement-add",
        web_district("training-requirement-add"),
        (
            Attempt("plan", lambda s: {"plan": s.other_plan.pk, "audience": "everyone"}, READING_REFUSED, frozenset()),
            Attempt("audience", lambda s: {"plan": s.plan.pk, "audience": "role", "role": Role.ADMIN}, READING_WEB),
            Attempt("role", lambda s: {"plan": s.plan.pk, "audience": "role", "role": Role.MEMBER}, READING_WEB),
            Attempt(
                "group",
                lambda s: {"plan": s.plan.pk, "audience": "group", "group": s.other_group.pk},
                READING_REFUSED,
                frozenset(),
            ),
            Attempt(
                "refresh_months",
                lambda s: {"plan": s.plan.pk, "audience": "group", "group": s.reading_group.pk, "refresh_months": 12},
                READING_WEB,
            ),
        ),
        web=True,
        forms=(TrainingRequirementForm,),
    ),
    Endpoint(
        "POST",
        "training-requirement-delete",
        web_district("training-requirement-delete", requirement_id=lambda s: s.training_requirement.pk),
        (Attempt("", lambda s: {}, READING_WEB),),
        web=True,
    ),
    Endpoint(
        "POST",
        "exercise-training",
        lambda s: reverse("exercise-training", kwargs={"exercise_id": s.drafted.pk}),
        # No attendance recorded by the district: shown again saying so (400), nothing written.
        (Attempt("agency", lambda s: {"agency": s.district.pk}, lead_editors(400, WEB_ANON), frozenset()),),
        web=True,
        forms=(ExerciseTrainingForm,),
    ),
    Endpoint(
        "POST",
        "reading-group-add",
        web_district("reading-group-add"),
        (
            Attempt("name", lambda s: {"name": "Front office"}, READING_WEB),
            Attempt("description", lambda s: {"name": "Bus drivers", "description": "Morning routes"}, READING_WEB),
        ),
        web=True,
        forms=(ReadingGroupForm,),
    ),
    Endpoint(
        "POST",
        "reading-group",
        web_district("reading-group", **GROUP),
        (
            Attempt("name", lambda s: {"name": "Patrol", "description": ""}, READING_WEB),
            Attempt(
                "description", lambda s: {"name": s.reading_group.name, "description": "Every officer"}, READING_WEB
            ),
        ),
        web=True,
        forms=(ReadingGroupForm,),
    ),
    Endpoint(
        "POST",
        "reading-group-remove",
        web_district("reading-group-remove", **GROUP),
        (Attempt("", lambda s: {}, READING_WEB),),
        web=True,
    ),
    Endpoint(
        "POST",
        "reading-group-member-add",
        web_district("reading-group-member-add", **GROUP),
        (
            # Someone of another agency is not offered: refused as invalid.
            Attempt("username", lambda s: {"username": s.unrelated_admin.username}, READING_REFUSED, frozenset()),
            Attempt(
                "is_supervisor", lambda s: {"username": s.owner_planner.username, "is_supervisor": "on"}, READING_WEB
            ),
        ),
        web=True,
        forms=(GroupMemberAddForm,),
    ),
    Endpoint(
        "POST",
        "reading-group-member-remove",
        web_district("reading-group-member-remove", **GROUP_MEMBER),
        (Attempt("", lambda s: {}, READING_WEB),),
        web=True,
    ),
    Endpoint(
        "POST",
        "reading-group-member-supervisor",
        web_district("reading-group-member-supervisor", **GROUP_MEMBER),
        (Attempt("is_supervisor", lambda s: {"is_supervisor": "on"}, READING_WEB),),
        web=True,
    ),
    Endpoint(
        "POST",
        "to-read-item",
        lambda s: reverse("to-read-item", kwargs={"plan_id": s.plan.pk}),
        # As plans:acknowledge: for the person and the agencies they are admin or liaison of, no other.
        (Attempt("version", lambda s: {"version": s.published.number}, plan_readers(302, WEB_ANON)),),
        web=True,
        forms=(AcknowledgeForm,),
    ),
    # A building's contacts and who is assigned to it (issue 16).
    Endpoint(
        "POST",
        "agencies:facility-contact-add",
        web_facility("agencies:facility-contact-add"),
        tuple(
            Attempt(name, lambda s, name=name, value=value: contact_form(**{name: value}), CONTACT_WEB)
            for name, value in CONTACT_FIELDS
        ),
        web=True,
        forms=(FacilityContactForm,),
    ),
    Endpoint(
        "POST",
        "agencies:facility-contact-edit",
        web_facility("agencies:facility-contact-edit", contact_id=lambda s: s.contact.pk),
        tuple(
            Attempt(name, lambda s, name=name, value=value: contact_form(**{name: value}), CONTACT_WEB)
            for name, value in CONTACT_FIELDS
        ),
        web=True,
        forms=(FacilityContactForm,),
    ),
    Endpoint(
        "POST",
        "agencies:facility-contact-delete",
        web_facility("agencies:facility-contact-delete", contact_id=lambda s: s.contact.pk),
        (Attempt("", lambda s: {}, CONTACT_WEB),),
        web=True,
    ),
    Endpoint(
        "POST",
        "agencies:facility-assignment-add",
        web_facility("agencies:facility-assignment-add"),
        (
            # Another agency's officer: not offered to the district's admin; staff may.
            Attempt(
                "agency",
                assignment_form(agency=lambda s: s.police.pk, username=lambda s: s.partner_view_member.username),
                {**ASSIGN_WEB, "owner_admin": 400},
            ),
            # Someone who is not the agency's member: refused with the field's error.
            Attempt(
                "username",
                assignment_form(username=lambda s: s.unrelated_admin.username),
                {**ASSIGN_WEB, "owner_admin": 400, "staff": 400},
            ),
            Attempt("role", assignment_form(role=lambda s: AssignmentRole.SCHOOL_RESOURCE_OFFICER), ASSIGN_WEB),
            Attempt("started_on", assignment_form(started_on=lambda s: "2026-01-05"), ASSIGN_WEB),
        ),
        web=True,
        forms=(AssignmentForm,),
    ),
    Endpoint(
        "POST",
        "agencies:facility-assignment-end",
        web_facility("agencies:facility-assignment-end", assignment_id=lambda s: s.assignment.pk),
        # The police's officer: not the building owner's to end (the police have no admin here; staff may).
        (Attempt("ended_on", lambda s: {"ended_on": str(timezone.localdate())}, expect(403, WEB_ANON, staff=302)),),
        web=True,
        forms=(AssignmentEndForm,),
    ),
    # Sources (issue 20).
    Endpoint(
        "POST",
        "sources:add",
        web_plan("sources:add"),
        (
            # A plan the district may not see is not offered: refused with a message, nothing linked.
            Attempt("source_plan", lambda s: {"source_plan": s.other_plan.pk}, SOURCES_WEB, frozenset()),
            Attempt(
                "section_key", lambda s: {"source_plan": s.source_plan.pk, "section_key": "section-1"}, SOURCES_WEB
            ),
        ),
        web=True,
        forms=(SourceForm,),
    ),
    Endpoint(
        "POST",
        "sources:remove",
        web_plan("sources:remove", link_id=lambda s: s.source_link.pk),
        (Attempt("", lambda s: {}, SOURCES_WEB),),
        web=True,
    ),
    Endpoint(
        "POST",
        "sources:change-draft",
        web_plan("sources:change-draft", change_id=lambda s: s.source_change.pk),
        (Attempt("", lambda s: {}, SOURCES_WEB),),
        web=True,
    ),
    Endpoint(
        "POST",
        "sources:change-no-change",
        web_plan("sources:change-no-change", change_id=lambda s: s.source_change.pk),
        (Attempt("reason", lambda s: {"reason": "Same meeting point."}, SOURCES_WEB),),
        web=True,
        forms=(NoChangeForm,),
    ),
    # The calendar-feed link: one's own only (a new one is shown on the page that answers).
    Endpoint(
        "POST",
        "feeds:calendar-feed",
        lambda s: reverse("feeds:calendar-feed"),
        (
            Attempt("action", lambda s: {"action": "create"}, expect(200, WEB_ANON)),
            Attempt("action", lambda s: {"action": "revoke"}, expect(302, WEB_ANON), frozenset({"owner_member"})),
        ),
        web=True,
    ),
    # Onboarding (issue 19): the operator registers an agency and appoints coordinators; the district's admins
    # set it up (card, buildings, roster, sharing defaults).
    Endpoint(
        "POST",
        "onboarding:agency-new",
        lambda s: reverse("onboarding:agency-new"),
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: {**ONBOARD_BODY, name: value},
                expect(403, WEB_ANON, staff=302),
            )
            for name, value in [
                ("name", "Hill EMS"),
                ("kind", "police"),
                ("jurisdiction", "Hill"),
                ("admin_email", "boss@hill.example.org"),
                ("admin_first_name", "Robin"),
                ("admin_last_name", "Boss"),
                ("require_mfa", "on"),
            ]
        ),
        web=True,
        forms=(AgencyOnboardForm,),
    ),
    Endpoint(
        "POST",
        "onboarding:coordinator-add",
        lambda s: reverse("onboarding:coordinator-add"),
        (
            Attempt(
                "username",
                lambda s: {"coordinator-username": s.unrelated_admin.username},
                expect(403, WEB_ANON, staff=302),
            ),
        ),
        web=True,
        forms=(CoordinatorGrantForm,),
    ),
    Endpoint(
        "POST",
        "onboarding:setup",
        web_district("onboarding:setup"),
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: {**CARD_BODY, f"card-{name}": value},
                agency_admins(302, WEB_ANON),
            )
            for name, value in [
                ("name", "Maple Valley Schools"),
                ("jurisdiction", "Maple"),
                ("phone", "555-0100"),
                ("email", "office@maple.example.org"),
            ]
        ),
        web=True,
        forms=(AgencyCardForm,),
    ),
    Endpoint(
        "POST",
        "onboarding:building-add",
        web_district("onboarding:building-add"),
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: {**BUILDING_BODY, f"building-{name}": value},
                agency_admins(302, WEB_ANON),
            )
            for name, value in [("name", "Annex"), ("kind", "district_office"), ("address", "2 Elm St")]
        ),
        web=True,
        forms=(FacilityAddForm,),
    ),
    Endpoint(
        "POST",
        "onboarding:sharing-add",
        web_district("onboarding:sharing-add"),
        (
            Attempt(
                "partner",
                lambda s: {"sharing-partner": s.unrelated.pk, "sharing-level": "view"},
                agency_admins(302, WEB_ANON),
            ),
            Attempt(
                "level",
                lambda s: {"sharing-partner": s.police.pk, "sharing-level": "comment"},
                agency_admins(302, WEB_ANON),
            ),
        ),
        web=True,
        forms=(SharingDefaultForm,),
    ),
    Endpoint(
        "POST",
        "onboarding:sharing-remove",
        web_district("onboarding:sharing-remove", default_id=lambda s: s.sharing_default.pk),
        (Attempt("", lambda s: {}, agency_admins(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "onboarding:roster",
        web_district("onboarding:roster"),
        (Attempt("file", lambda s: {"file": roster_csv()}, agency_admins(200, WEB_ANON), frozenset()),),
        web=True,
        forms=(RosterUploadForm,),
    ),
    Endpoint(
        "POST",
        "onboarding:roster-confirm",
        web_district("onboarding:roster-confirm"),
        (
            Attempt(
                "roster",
                lambda s: {"roster": roster_signed(s.district, roster_csv().read().decode())},
                agency_admins(302, WEB_ANON),
            ),
        ),
        web=True,
        forms=(RosterConfirmForm,),
    ),
    # Exercises (issue 17).
    Endpoint(
        "POST",
        "exercises:new",
        lambda s: reverse("exercises:new"),
        (
            *(
                Attempt(name, lambda s: exercise_form(s), SCHEDULE_WEB, LEAD_EDITORS)
                for name in ["lead_agency", *EXERCISE_FIELDS]
            ),
        ),
        web=True,
        forms=(ExerciseForm,),
    ),
    Endpoint(
        "POST",
        "exercises:edit",
        lambda s: reverse("exercises:edit", kwargs={"exercise_id": s.scheduled.pk}),
        tuple(
            # The lead agency is not changed by the form (its field is disabled): the exercise stays the district's.
            Attempt(name, lambda s: exercise_form(s, lead_agency=s.police.pk), lead_editors(302, WEB_ANON))
            for name in ["lead_agency", *EXERCISE_FIELDS]
        ),
        web=True,
        forms=(ExerciseForm,),
    ),
    Endpoint(
        "POST",
        "exercises:cancel",
        lambda s: reverse("exercises:cancel", kwargs={"exercise_id": s.scheduled.pk}),
        (Attempt("reason", lambda s: {"reason": "Snow day"}, lead_editors(302, WEB_ANON)),),
        web=True,
        forms=(CancelForm,),
    ),
    Endpoint(
        "POST",
        "exercises:conducted",
        lambda s: reverse("exercises:conducted", kwargs={"exercise_id": s.scheduled.pk}),
        (Attempt("", lambda s: {}, lead_editors(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "exercises:attendance",
        lambda s: reverse("exercises:attendance", kwargs={"exercise_id": s.scheduled.pk, "agency_id": s.district.pk}),
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: attendance_form(s, **{name: value(s)}),
                lead_editors(302, WEB_ANON),
                writers,
            )
            for name, value, writers in [
                # Someone of another agency as the district's attendee: the form is refused, nothing recorded.
                ("attendees", lambda s: [s.partner_view_member.pk], frozenset()),
                ("staff_count", lambda s: 40, None),
                ("student_count", lambda s: 600, None),
            ]
        ),
        web=True,
        forms=(AttendanceForm,),
    ),
    Endpoint(
        "POST",
        "exercises:observation",
        lambda s: reverse("exercises:observation", kwargs={"exercise_id": s.scheduled.pk}),
        (
            # In the police's name: not one of the agencies the person records for, nothing added.
            Attempt("agency", lambda s: {"agency": s.police.pk, "text": "x"}, lead_editors(302, WEB_ANON), frozenset()),
            Attempt(
                "objective",
                lambda s: {"agency": s.district.pk, "objective": "", "text": "x"},
                lead_editors(302, WEB_ANON),
            ),
            Attempt("text", lambda s: {"agency": s.district.pk, "text": "Door 4 open."}, lead_editors(302, WEB_ANON)),
        ),
        web=True,
        forms=(ObservationForm,),
    ),
    Endpoint(
        "POST",
        "exercises:report",
        lambda s: reverse("exercises:report", kwargs={"exercise_id": s.drafted.pk}),
        (Attempt("summary", lambda s: {"summary": "Went well."}, draft_report_editors(302, WEB_ANON)),),
        web=True,
        forms=(SummaryForm,),
    ),
    Endpoint(
        "POST",
        "exercises:finding-add",
        lambda s: reverse("exercises:finding-add", kwargs={"exercise_id": s.drafted.pk}),
        (
            Attempt("kind", lambda s: {"kind": "strength", "text": "Quick."}, draft_report_editors(302, WEB_ANON)),
            Attempt("text", lambda s: {"kind": "strength", "text": "Quick."}, draft_report_editors(302, WEB_ANON)),
            Attempt(
                "objective",
                lambda s: {"kind": "strength", "text": "Quick.", "objective": ""},
                draft_report_editors(302, WEB_ANON),
            ),
            # A plan the district may not read is not offered: the form comes back (400), nothing added.
            Attempt(
                "plan",
                lambda s: {"kind": "improvement", "text": "Slow.", "plan": s.other_plan.pk},
                draft_report_editors(400, WEB_ANON),
                frozenset(),
            ),
            Attempt(
                "section_key",
                lambda s: {"kind": "improvement", "text": "Slow.", "plan": s.plan.pk, "section_key": "section-1"},
                draft_report_editors(302, WEB_ANON),
            ),
        ),
        web=True,
        forms=(FindingForm,),
    ),
    Endpoint(
        "POST",
        "exercises:finding-remove",
        lambda s: reverse(
            "exercises:finding-remove", kwargs={"exercise_id": s.drafted.pk, "finding_id": s.strength.pk}
        ),
        (Attempt("", lambda s: {}, draft_report_editors(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "exercises:finalize",
        lambda s: reverse("exercises:finalize", kwargs={"exercise_id": s.drafted.pk}),
        (Attempt("", lambda s: {}, draft_report_editors(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "exercises:action-add",
        lambda s: reverse("exercises:action-add", kwargs={"exercise_id": s.reported.pk}),
        tuple(
            Attempt(
                name,
                lambda s, name=name, value=value: {**action_body(s), name: value(s)},
                lead_editors(expected, WEB_ANON),
                writers,
            )
            for name, value, expected, writers in [
                ("finding", lambda s: s.improvement.pk, 302, None),
                ("description", lambda s: "Add a second reunification site", 302, None),
                # An agency that did not take part is not offered: the form comes back, nothing assigned.
                ("owning_agency", lambda s: s.unrelated.pk, 200, frozenset()),
                ("responsible", lambda s: s.owner_planner.pk, 302, None),
                ("due_on", lambda s: "2027-01-15", 302, None),
            ]
        ),
        web=True,
        forms=(ActionForm,),
    ),
    Endpoint(
        "POST",
        "exercises:action-close",
        lambda s: reverse("exercises:action-close", kwargs={"action_id": s.action.pk}),
        (Attempt("reason", lambda s: {"reason": "The annex covers it."}, lead_editors(302, WEB_ANON)),),
        web=True,
        forms=(CloseActionForm,),
    ),
)


def sso_form(**changes: str) -> dict[str, str]:
    """The single sign-on form as the browser sends it (a checkbox left empty is not sent)."""
    form = {**SSO_BODY, "domains": "maple-valley.example.org", "enabled": "on", "sso_only": "", **changes}
    return {name: value for name, value in form.items() if value not in ("", False)}


def every_preference(email: str) -> dict[str, str]:
    """The preferences form as sent: every event type's in-app box ticked and its e-mail choice."""
    body = {}
    for event_type in EventType.values:
        prefix = _prefix(event_type)
        body[f"{prefix}__in_app"] = "on"
        body[f"{prefix}__email"] = email
    return body


# Drill requirements (issue 17, item 5): a form the person may not use (an owner not theirs) is shown again (200).
WEB = (
    *WEB,
    Endpoint(
        "POST",
        "exercises:requirement-sets",
        lambda s: reverse("exercises:requirement-sets"),
        tuple(
            Attempt(
                name,
                lambda s: set_form(s, s.district.pk),
                expect(403, WEB_ANON, owner_admin=302, staff=200, unrelated_admin=200),
                frozenset({"owner_admin"}),
            )
            for name in ["owner", *SET_FIELDS]
        ),
        web=True,
        forms=(RequirementSetForm,),
    ),
    Endpoint(
        "POST",
        "exercises:requirement-set",
        lambda s: reverse("exercises:requirement-set", kwargs={"set_id": s.district_set.pk}),
        tuple(Attempt(name, lambda s: set_form(s, ""), set_keepers(302, WEB_ANON)) for name in ["owner", *SET_FIELDS]),
        web=True,
        forms=(RequirementSetForm,),
    ),
    Endpoint(
        "POST",
        "exercises:requirement-line-add",
        lambda s: reverse("exercises:requirement-line-add", kwargs={"set_id": s.district_set.pk}),
        tuple(Attempt(name, lambda s: line_body(s), set_keepers(302, WEB_ANON)) for name in LINE_FIELDS),
        web=True,
        forms=(RequirementLineForm,),
    ),
    Endpoint(
        "POST",
        "exercises:requirement-line-remove",
        lambda s: reverse(
            "exercises:requirement-line-remove", kwargs={"set_id": s.district_set.pk, "line_id": s.district_line.pk}
        ),
        (Attempt("", lambda s: {}, set_keepers(302, WEB_ANON)),),
        web=True,
    ),
    Endpoint(
        "POST",
        "exercises:assign",
        lambda s: reverse("exercises:assign", kwargs={"facility_id": s.school.pk}),
        (
            Attempt(
                "requirement_set",
                lambda s: {"requirement_set": s.state_set.pk},
                expect(403, WEB_ANON, owner_admin=302, staff=302),
            ),
        ),
        web=True,
        forms=(AssignForm,),
    ),
    Endpoint(
        "POST",
        "exercises:unassign",
        lambda s: reverse("exercises:unassign", kwargs={"facility_id": s.school.pk, "set_id": s.district_set.pk}),
        (Attempt("", lambda s: {}, set_keepers(302, WEB_ANON)),),
        web=True,
    ),
)

# Signing in, not authorization (tests/security/test_password_reset_rate.py): it asks for an e-mail address only.
WEB_EXEMPT = frozenset({"password_reset"})

# Pages that only read: a POST to them changes nothing (checked below).
WEB_READ_ONLY = frozenset(
    {
        "plans:list",
        "plans:detail",
        "plans:version",
        "plans:diff",
        "plans:print",
        "plans:attachment-download",
        "plans:version-export-pdf",
        "plans:version-export-docx",
        "plans:draft-preview",
        "agencies:facility-list",
        "agencies:facility-detail",
        "agencies:list",
        "agencies:detail",
        "agencies:webhook-deliveries",
        "notifications:list",
        "notifications:badge",
        "notifications:latest",
        "concurrence:print",
        "concurrence:csv",
        "dashboard",
        "dashboard-panel",
        "identity:sso-start",  # signs nobody in by itself: it sends the person to their agency's provider
        "buildings:document-file",
        "reading-manage",
        "to-read",
        "reading-compliance",
        "reading-compliance-plan",
        "reading-compliance-person",
        "reading-evidence",
        "sources:agency",
        "sources:change",
        "audit:agency-trail",
        "audit:agency-trail-csv",
        "reading-group-people",
        "favicon",
        "offline:manifest",
        "offline:service-worker",
        "offline:urls",
        "packets:status",
        "packets:file",
        "onboarding:completeness",
        # Liveness, readiness and metrics (issue 19): they answer probes and Prometheus, and write nothing.
        "operations:live",
        "operations:ready",
        "operations:metrics",
        "exercises:list",
        "exercises:detail",
        "exercises:actions",
        "exercises:report-pdf",  # a download, audited (tests/exercises/test_report_pdf.py)
        "exercises:finding-sections",  # the finding form's section picker (an htmx fragment)
        "training",
        "training-session",
        "training-people",
        "training-person",
        "exercises:facility-calendar",
        "exercises:agency-calendar",
        "exercises:agency-drills",
    }
)


# --- The scene and the snapshot -------------------------------------------------------------------------------------


@pytest.fixture
def scene(county) -> Scene:
    webhook = webhook_services.webhook_endpoint_create(
        agency=county.district, url="http://127.0.0.1:9/hook", events=[EventType.VERSION_PUBLISHED], actor=SYSTEM
    )
    event = OutboxEvent.objects.filter(plan=county.plan).first()
    delivery = Delivery.objects.create(event=event, channel="webhook", endpoint=webhook, status="failed")
    notification = Notification.objects.create(
        user=county.owner_admin, event=event, event_type=event.event_type, plan=county.plan, title="Shared"
    )
    attachment = services.attachment_add(
        version=county.draft, actor=county.owner_planner, upload=pdf(), max_bytes=10_000
    )
    comment = post(county.partner_comment_liaison, county.published, body="Move staging.", is_change_request=True)
    elsewhere = county.unrelated.facilities.create(name="Far County Jail", kind="other")
    other_plan = make_plan(
        owner=county.unrelated, actor=county.unrelated_admin, title="Jail plan", facilities=[elsewhere]
    )
    other_version = publish(other_plan, county.unrelated_admin, "Lock down.")
    other_comment = post(county.unrelated_admin, other_version, body="Note.")
    token, _ = account_services.api_token_create(user=county.owner_member, name="Dispatch CAD link")
    agency_sso_configure(agency=county.district, actor=SYSTEM, **{**SSO_BODY, "client_secret": "the-secret"})
    reading_group = reading_services.reading_group_create(
        agency=county.district, name="School Resource Officers", actor=SYSTEM
    )
    reading_services.reading_group_member_add(group=reading_group, user=county.owner_member, actor=SYSTEM)
    source_plan, source_link, source_change = _built_on_source(county)
    return Scene(
        county=county,
        webhook=webhook,
        delivery=delivery,
        notification=notification,
        attachment=attachment,
        comment=comment,
        other_plan=other_plan,
        other_comment=other_comment,
        member_membership=Membership.objects.get(user=county.owner_member, agency=county.district),
        token=token,
        building_document=add_document(county),
        reading_group=reading_group,
        requirement=reading_services.reading_requirement_create(agency=county.district, plan=county.plan, actor=SYSTEM),
        contact=contact_services.facility_contact_create(
            facility=county.school, label="Principal", phone="555-0101", actor=SYSTEM
        ),
        # Announced to nobody: an alert would give more people an unread one (read-all above).
        assignment=assignment_services.personnel_assignment_create(
            user=county.partner_view_member,
            agency=county.police,
            facility=county.school,
            role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
            actor=SYSTEM,
            announce=False,
        ),
        other_group=reading_services.reading_group_create(agency=county.unrelated, name="Deputies", actor=SYSTEM),
        source_plan=source_plan,
        source_link=source_link,
        source_change=source_change,
        feed_token=feed_services.feed_token_create(user=county.owner_member, actor=county.owner_member)[0],
        packet=field_packet_request(facility=county.school, actor=county.owner_admin),
        sharing_default=sharing_default_add(agency=county.district, partner=county.police, level="view", actor=SYSTEM),
        **_exercises(county),
        **_training(county),
    )


def _exercises(county: County) -> dict[str, Any]:
    scene = ExerciseScene(county)
    return {
        "scheduled": scene.scheduled,
        "drafted": scene.drafted,
        "strength": scene.strength,
        "reported": scene.reported,
        "improvement": scene.improvement,
        "action": scene.action,
        **DrillScene(county).as_dict(),
    }


def _training(county: County) -> dict[str, Any]:
    scene = TrainingScene(county)
    return {"training_session": scene.session, "training_requirement": scene.requirement}


def _built_on_source(county: County) -> tuple[Any, Any, Any]:
    """Another district plan that the county plan builds on, published again since: one source change open."""
    source = make_plan(owner=county.district, actor=county.owner_admin, title="District reunification plan")
    publish(source, county.owner_admin, "Parents meet at the stadium.")
    link, _ = plan_source_add(plan=county.plan, source_plan=source, actor=county.owner_planner)
    source.refresh_from_db()
    services.plan_version_publish(version=changed_draft(source, county.owner_admin), actor=county.owner_admin)
    return source, link, SourceChange.objects.get(plan=county.plan)


SNAPSHOT_APPS = (
    "buildings",
    "agencies",
    "plans",
    "reviews",
    "consistency",
    "notifications",
    "audit",
    "auth",
    "accounts",
    "identity",
    "socialaccount",
    "reading",
    "sources",
    "feeds",
    "packets",
    "onboarding",
    "exercises",
)


def world() -> dict[str, list]:
    """Every row of every table the portal writes (and of users and groups), read fresh."""
    rows: dict[str, list] = {}
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.proxy or model._meta.label in ("auth.Permission", "auth.Group_permissions"):
                continue
            columns = [f.attname for f in model._meta.concrete_fields]
            rows[model._meta.label] = sorted(model._default_manager.values_list(*columns), key=repr)
    return rows


def send(client, endpoint: Endpoint, scene: Scene, attempt: Attempt):
    url = endpoint.url(scene)
    body = attempt.body(scene)
    method = getattr(client, endpoint.method.lower())
    if endpoint.web and endpoint.json:
        return method(url, json.dumps(body), content_type="application/json")
    if endpoint.web:
        return method(url, body or {})
    if endpoint.multipart:
        return method(url, body, format="multipart")
    return method(url, body, format="json") if body is not None else method(url)


def _describe(endpoint: Endpoint, attempt: Attempt) -> str:
    return f"{endpoint.method} {endpoint.route} [{attempt.field or 'no body'}]"


# Every route tried here, read from the URLs the attempts are sent to (tests/security/test_url_coverage.py).
@covers(*dict.fromkeys(route_of(endpoint.url(AnyObject())) for endpoint in (*API, *WEB)))
@pytest.mark.parametrize("actor", list(ACTORS))
def test_no_writable_field_of_any_endpoint_lets_a_role_widen_access(scene, actor):
    """Each attempt runs in a savepoint that is rolled back, so every one starts from the same county."""
    user = user_of(scene.county, actor)
    api, web = client_for(user), web_client(user)
    failures = []
    before = world()
    for endpoint in (*API, *WEB):
        for attempt in endpoint.attempts:
            with transaction.atomic():
                response = send(web if endpoint.web else api, endpoint, scene, attempt)
                changed = world() != before
                transaction.set_rollback(True)
            expected = attempt.expected[actor]
            what = _describe(endpoint, attempt)
            if response.status_code not in (expected if isinstance(expected, frozenset) else {expected}):
                failures.append(f"{what}: {response.status_code}, expected {expected}: {response.content[:200]!r}")
            elif attempt.writes(actor) not in (None, changed):
                failures.append(f"{what}: {'changed' if changed else 'did not change'} the database")
            elif actor == "anonymous" and endpoint.web and response.status_code == WEB_ANON:
                assert response["Location"].startswith(reverse("login")), what
    assert not failures, "\n".join(failures)


# --- Coverage: no endpoint or field is left out ---------------------------------------------------------------------


def _api_writes() -> dict[tuple[str, str], set[str]]:
    """Every write operation of the OpenAPI schema with the writable fields of its request body."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def fields_of(content: dict) -> set[str]:
        for media in content.values():
            shape = media["schema"]
            shape = shape.get("items", shape)
            if "$ref" in shape:
                shape = components[shape["$ref"].rsplit("/", 1)[-1]]
            return {name for name, prop in shape.get("properties", {}).items() if not prop.get("readOnly")}
        return set()

    writes = {}
    for path, operations in schema["paths"].items():
        if path.startswith(API_EXEMPT_PREFIXES):
            continue
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete"):
                writes[(method.upper(), path)] = fields_of(operation.get("requestBody", {}).get("content", {}))
    return writes


def test_every_api_write_and_every_writable_field_has_an_escalation_attempt():
    tried = {(e.method, e.route): {a.field for a in e.attempts} - {""} for e in API}
    assert tried == _api_writes()


def _portal_pages() -> set[str]:
    """The names of the portal's own web pages, whatever their namespace: every route outside the API and the
    admin (tests/test_admin.py) whose view is in one of the portal's apps, not Django's, allauth's or DRF's."""
    portal_apps = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    return {
        route.name
        for route in project_routes()
        if route.name and not route.pattern.startswith(("api/", "admin/")) and route.view.split(".")[0] in portal_apps
    } - WEB_EXEMPT


def test_every_web_page_is_either_tried_here_or_read_only():
    ours = _portal_pages()
    writes = {e.route for e in WEB}
    assert ours == writes | WEB_READ_ONLY


@pytest.mark.parametrize("endpoint", [e for e in WEB if e.forms], ids=lambda e: e.route)
def test_every_field_of_every_web_form_has_an_escalation_attempt(endpoint):
    fields = set()
    for form in endpoint.forms:
        fields |= set(form.base_fields)
    tried = {a.field for a in endpoint.attempts}
    assert tried == fields


def _reverse_with_any(name: str, values: dict[str, Any]) -> str:
    """The URL of `name` with whichever of `values` its pattern takes."""
    for size in range(len(values), -1, -1):
        for keys in combinations(values, size):
            try:
                return reverse(name, kwargs={key: values[key] for key in keys})
            except NoReverseMatch:
                continue
    raise AssertionError(f"cannot build a URL for {name}")


def test_posting_to_a_read_only_page_changes_nothing(scene):
    client = web_client(scene.owner_admin)
    values = {
        "plan_id": scene.plan.pk,
        "number": scene.draft.number,
        "attachment_id": scene.attachment.pk,
        "facility_id": scene.school.pk,
        "agency_id": scene.district.pk,
        "webhook_id": scene.webhook.pk,
        "document_id": scene.building_document.pk,
        "user_id": scene.owner_member.pk,
        "change_id": scene.source_change.pk,
        "group_id": scene.reading_group.pk,
        "packet_id": scene.packet.pk,
        "exercise_id": scene.scheduled.pk,
        "session_id": scene.training_session.pk,
        "set_id": scene.district_set.pk,
        "panel": "side",
    }
    before = world()
    for name in sorted(WEB_READ_ONLY):
        client.post(_reverse_with_any(name, values), {"title": "x", "classification": "public", "role": "admin"})
        assert world() == before, name
