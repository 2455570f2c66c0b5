"""Issue 19, item 6, as a new user would try it: a new fire district is onboarded from the operator's invitation
to its first shared plan, on the web pages alone (never the Django admin)."""

import re

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agencies.models import Agency, AgencyKind, Membership, PersonnelAssignment, Role
from audit.models import AuditEvent
from notifications.channels import email
from notifications.models import EventType, OutboxEvent
from notifications.services import outbox_event_fan_out
from onboarding.models import StateCoordinator
from plans.models import Plan, PlanShare
from tests.conftest import web_client
from tests.sign_in import SIGN_IN_URL, sign_in_form

User = get_user_model()
SITE = "https://concord.example.org"
PASSWORD = "a-long-and-new-passphrase-42"


def send_invitations(mailoutbox) -> list:
    for event in OutboxEvent.objects.filter(event_type=EventType.MEMBER_INVITED, deliveries__isnull=True):
        outbox_event_fan_out(event_id=event.pk)
    email.email_send_pending()
    return mailoutbox


def invitation_link(message) -> str:
    link = re.search(rf"{re.escape(SITE)}(/accounts/invitation/\S+/)", message.body)
    assert link is not None, message.body
    return link.group(1)


def roster_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")


def test_a_new_fire_district_is_onboarded_from_the_operators_invitation_to_its_first_shared_plan(
    county, mailoutbox, settings
):
    settings.SITE_URL = SITE
    operator = web_client(county.staff)

    # The operator registers the district and invites its first admin, from the agencies directory.
    assert "Onboard an agency" in operator.get(reverse("agencies:list")).content.decode()
    response = operator.post(
        reverse("onboarding:agency-new"),
        {
            "name": "Hill Fire District",
            "kind": AgencyKind.FIRE,
            "jurisdiction": "Hill County",
            "admin_email": "Chief@HillFire.example.org",
            "admin_first_name": "Robin",
            "admin_last_name": "Chief",
        },
    )
    district = Agency.objects.get(name="Hill Fire District")
    assert response.status_code == 302
    assert response["Location"] == reverse("agencies:detail", kwargs={"agency_id": district.pk})
    assert (district.kind, district.jurisdiction, district.slug) == ("fire", "Hill County", "hill-fire-district")
    created = AuditEvent.objects.filter(agency=district).values_list("action", "actor")
    assert {("agency.create", county.staff.pk), ("membership.invite", county.staff.pk)} <= set(created)

    # The chief receives the invitation, chooses a password and signs in: they are the district's admin.
    (message,) = send_invitations(mailoutbox)
    assert message.to == ["chief@hillfire.example.org"]
    assert "Hill Fire District" in message.subject
    browser = Client()
    chosen = browser.post(invitation_link(message), {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)
    assert chosen.status_code == 200
    signed_in = browser.post(SIGN_IN_URL, sign_in_form("chief@hillfire.example.org", PASSWORD))
    assert signed_in.status_code == 302
    chief = User.objects.get(username="chief@hillfire.example.org")
    assert Membership.objects.get(user=chief, agency=district).role == Role.ADMIN
    mailoutbox.clear()

    # The agency page leads to the set-up page, whose checklist starts with everything to do.
    assert (
        reverse("onboarding:setup", kwargs={"agency_id": district.pk})
        in browser.get(reverse("agencies:detail", kwargs={"agency_id": district.pk})).content.decode()
    )
    setup_url = reverse("onboarding:setup", kwargs={"agency_id": district.pk})
    assert browser.get(setup_url).content.decode().count("To do") == 6

    # The card, a station, the roster (checked first, then confirmed), a sharing default.
    card = {
        "card-name": "Hill Fire District",
        "card-jurisdiction": "Hill County",
        "card-phone": "555-0199",
        "card-email": "dispatch@hillfire.example.org",
    }
    assert browser.post(setup_url, card).status_code == 302
    browser.post(
        reverse("onboarding:building-add", kwargs={"agency_id": district.pk}),
        {"building-name": "Station 1", "building-kind": "public_safety", "building-address": "1 Ridge Road"},
    )
    station = district.facilities.get()
    roster = (
        "email,first_name,last_name,role\njordan@hillfire.example.org,Jordan,Lee,planner\n"
        "sam@hillfire.example.org,Sam,Ortiz,member\nnot-an-address,Pat,Doe,member\n"
    )
    preview = browser.post(
        reverse("onboarding:roster", kwargs={"agency_id": district.pk}), {"file": roster_file(roster)}
    )
    page = preview.content.decode()
    assert "will invite" in page
    assert "“not-an-address” is not an e-mail address." in page
    assert not User.objects.filter(email="jordan@hillfire.example.org").exists()  # nothing before the confirmation
    token = re.search(r'name="roster" value="([^"]+)"', page).group(1)
    done = browser.post(reverse("onboarding:roster-confirm", kwargs={"agency_id": district.pk}), {"roster": token})
    assert done.status_code == 200
    assert "Roster imported" in done.content.decode()
    roles = dict(Membership.objects.filter(agency=district).values_list("user__username", "role"))
    assert roles == {
        "chief@hillfire.example.org": "admin",
        "jordan@hillfire.example.org": "planner",
        "sam@hillfire.example.org": "member",
    }
    assert sorted(m.to[0] for m in send_invitations(mailoutbox)) == [
        "jordan@hillfire.example.org",
        "sam@hillfire.example.org",
    ]
    browser.post(
        reverse("onboarding:sharing-add", kwargs={"agency_id": district.pk}),
        {"sharing-partner": county.district.pk, "sharing-level": "view"},
    )

    # The station's fire inspector, on the building's own page (the existing assignment form).
    browser.post(
        reverse("agencies:facility-assignment-add", kwargs={"facility_id": station.pk}),
        {"agency": district.pk, "username": "sam@hillfire.example.org", "role": "fire_inspector"},
    )
    assert PersonnelAssignment.objects.filter(facility=station, user__username="sam@hillfire.example.org").exists()

    # The first plan: created on the New plan page, shared with the school district by default, published.
    response = browser.post(
        reverse("plans:create"),
        {
            "owner_agency": district.pk,
            "title": "Station 1 response plan",
            "kind": "agency_response",
            "facilities": [station.pk],
            "classification": "partner",
            "review_interval_days": 365,
            "hazards": "",
            "start": "template",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(title="Station 1 response plan")
    assert PlanShare.objects.filter(plan=plan, agency=county.district, level="view").exists()
    draft = plan.versions.get()
    assert (
        browser.post(reverse("plans:publish", kwargs={"plan_id": plan.pk, "number": draft.number})).status_code == 302
    )

    # The school district's admin reads it; the checklist is complete.
    assert web_client(county.owner_admin).get(reverse("plans:detail", kwargs={"plan_id": plan.pk})).status_code == 200
    assert browser.get(setup_url).content.decode().count("To do") == 0

    # A state coordinator sees the district's completeness, and not its plan.
    coordinator = User.objects.create_user(username="state_coordinator", password=PASSWORD)
    assert (
        operator.post(reverse("onboarding:coordinator-add"), {"coordinator-username": "state_coordinator"}).status_code
        == 302
    )
    assert StateCoordinator.objects.filter(user=coordinator).exists()
    state = web_client(coordinator)
    rows = state.get(reverse("onboarding:completeness")).content.decode()
    assert "Hill Fire District" in rows
    assert "Station 1 response plan" not in rows
    assert state.get(reverse("plans:detail", kwargs={"plan_id": plan.pk})).status_code == 404
    assert "admin" not in reverse("onboarding:agency-new")


def test_an_agency_registered_with_mfa_required_sends_its_first_admin_to_set_up_a_second_factor(
    county, mailoutbox, settings
):
    settings.SITE_URL = SITE
    web_client(county.staff).post(
        reverse("onboarding:agency-new"),
        {"name": "Hill EMS", "kind": "ems", "admin_email": "lead@hillems.example.org", "require_mfa": "on"},
    )
    district = Agency.objects.get(name="Hill EMS")
    assert district.require_mfa
    (message,) = send_invitations(mailoutbox)
    browser = Client()
    browser.post(invitation_link(message), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    signed_in = browser.post(SIGN_IN_URL, sign_in_form("lead@hillems.example.org", PASSWORD))
    assert signed_in.status_code == 302
    setup = browser.get(reverse("onboarding:setup", kwargs={"agency_id": district.pk}))
    assert setup.status_code == 302
    assert setup["Location"].startswith(reverse("mfa_index"))  # set up a second factor first
