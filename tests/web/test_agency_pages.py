"""The agency directory and pages: members and roles for admins (invitations by e-mail), and webhooks."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from access.actors import SYSTEM
from agencies.models import AgencyKind, AssignmentRole, Membership, Role
from agencies.services import personnel_assignment_create
from audit.models import AuditEvent
from notifications import webhook_services
from notifications.channels.email import email_send_pending
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    EventType,
    OutboxEvent,
    WebhookAttempt,
    WebhookEndpoint,
)
from notifications.services import outbox_event_fan_out
from tests.agencies.factories import AgencyFactory, FacilityFactory
from tests.conftest import web_client
from tests.notifications.conftest import add_members
from tests.permission_matrix import covers, matrix, user_of
from tests.web.conftest import screenshot, sign_in

User = get_user_model()
HOOK_URL = "http://127.0.0.1:9/hook"  # never called: registration only checks the address
# The agency page with its members list, whatever the number of members and assignments: session and user,
# the agency, the person's roles (twice: the page and the admin check), its facilities (first ones and
# count), how many of its plans the person may read, the members (count and rows) with their assignments,
# the base template's memberships and unread alerts, and the session's activity stamp (an update in a
# savepoint).
AGENCY_PAGE_MAX_QUERIES = 16
# The agency directory: the frame, the person's agencies (to mark them), the count and one page of agencies
# with their facility counts.
DIRECTORY_MAX_QUERIES = 10
# The delivery log: the same frame, the endpoint, the admin checks, and one page of deliveries (count,
# rows with their events, and their attempts).
WEBHOOK_LOG_MAX_QUERIES = 15

NON_ADMINS = ["owner_planner", "owner_liaison", "owner_member", "partner_view_liaison", "unrelated_admin"]


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


def agency_url(agency) -> str:
    return reverse("agencies:detail", kwargs={"agency_id": agency.pk})


def url(name: str, agency, **kwargs) -> str:
    return reverse(f"agencies:{name}", kwargs={"agency_id": agency.pk, **kwargs})


def memberships(agency) -> list:
    return sorted(Membership.objects.filter(agency=agency).values_list("user__username", "role"))


def everything() -> dict:
    """What member and webhook management could change, read fresh."""
    return {
        "users": sorted(User.objects.values_list("username", "email", "password")),
        "memberships": sorted(Membership.objects.values_list("user_id", "agency_id", "role")),
        "endpoints": sorted(WebhookEndpoint.objects.values_list("id", "url", "is_active", "consecutive_failures")),
        "deliveries": sorted(Delivery.objects.values_list("id", "status", "attempts")),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def hook(county) -> WebhookEndpoint:
    """The district's webhook, with one failed delivery in its log."""
    endpoint = webhook_services.webhook_endpoint_create(
        agency=county.district, url=HOOK_URL, events=[EventType.VERSION_PUBLISHED], actor=county.owner_admin
    )
    event = OutboxEvent.objects.filter(event_type=EventType.VERSION_PUBLISHED).latest("id")
    delivery = Delivery.objects.create(
        event=event,
        channel=Channel.WEBHOOK,
        endpoint=endpoint,
        status=DeliveryStatus.FAILED,
        attempts=2,
        last_status_code=503,
    )
    WebhookAttempt.objects.create(delivery=delivery, status_code=500, duration_ms=12)
    WebhookAttempt.objects.create(delivery=delivery, status_code=503, duration_ms=15)
    return endpoint


# --- The directory and the agency page ------------------------------------------------------------------------


@covers("agencies:list", "agencies:detail")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=200,
        owner_planner=200,
        owner_liaison=200,
        owner_member=200,
        partner_view_liaison=200,
        partner_view_member=200,
        partner_comment_liaison=200,
        unrelated_admin=200,
        staff=200,
    ),
)
def test_every_signed_in_person_sees_the_directory_and_agency_cards(county, actor, expected):
    client = web_client(user_of(county, actor))
    assert client.get(reverse("agencies:list")).status_code == expected
    assert client.get(agency_url(county.district)).status_code == expected


def test_an_unknown_agency_is_404(county):
    client = web_client(county.owner_admin)
    assert client.get(reverse("agencies:detail", kwargs={"agency_id": 999999})).status_code == 404
    assert client.post(reverse("agencies:member-invite", kwargs={"agency_id": 999999})).status_code == 404
    assert client.get(reverse("agencies:webhooks", kwargs={"agency_id": 999999})).status_code == 404


def test_the_directory_searches_and_filters_by_kind(county):
    client = web_client(county.partner_view_member)

    def names(query: dict) -> list[str]:
        return [agency.name for agency in client.get(reverse("agencies:list"), query).context["page_obj"]]

    assert names({}) == ["Far County Sheriff", "Maple Valley School District", "Ridgeford Fire", "Ridgeford Police"]
    assert names({"q": "ridgeford"}) == ["Ridgeford Fire", "Ridgeford Police"]
    assert names({"kind": AgencyKind.POLICE}) == ["Far County Sheriff", "Ridgeford Police"]
    html = client.get(reverse("agencies:list")).content.decode()
    assert "Your agency" in html  # the police officer's own agency is marked


def test_the_agency_page_shows_the_card_and_the_facilities(county):
    county.district.phone, county.district.email = "(555) 010-2000", "safety@maple.example.org"
    county.district.save(update_fields=["phone", "email"])
    html = web_client(county.unrelated_admin).get(agency_url(county.district)).content.decode()
    assert "Maple Valley School District" in html
    assert "School district" in html
    assert "Example County" in html
    assert "(555) 010-2000" in html
    assert "safety@maple.example.org" in html
    assert reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk}) in html
    assert "None that you may read" in html  # the district's plan is not shared with the unrelated agency
    police = web_client(county.partner_view_member).get(agency_url(county.district)).content.decode()
    assert f"{reverse('plans:list')}?owner={county.district.pk}" in police
    assert "1 you may read" in police


@pytest.mark.parametrize("actor", ["owner_member", "owner_planner", "owner_liaison", "staff"])
def test_members_and_staff_see_the_members_list(county, actor):
    response = web_client(user_of(county, actor)).get(agency_url(county.district))
    html = response.content.decode()
    assert 'id="members"' in html
    assert [m.user.username for m in response.context["members_page"]] == [
        "district_admin",
        "district_liaison",
        "district_member",
        "district_planner",
    ]


@pytest.mark.parametrize("actor", ["partner_view_liaison", "partner_comment_liaison", "unrelated_admin"])
def test_non_members_do_not_see_the_members_list(county, actor):
    response = web_client(user_of(county, actor)).get(agency_url(county.district))
    html = response.content.decode()
    assert "members_page" not in response.context
    assert 'id="members"' not in html
    assert "district_planner" not in html
    assert "shown to Maple Valley School District's own members only" in html


@pytest.mark.parametrize("actor", ["owner_member", "owner_planner", "owner_liaison"])
def test_members_who_are_not_admins_see_no_management_controls(county, actor):
    html = web_client(user_of(county, actor)).get(agency_url(county.district)).content.decode()
    assert "Invite someone new" not in html
    assert "Add an existing account" not in html
    assert "/role/" not in html
    assert "/remove/" not in html
    assert url("webhooks", county.district) not in html


@pytest.mark.parametrize("actor", ["owner_admin", "staff"])
def test_admins_and_staff_see_the_management_controls(county, actor):
    html = web_client(user_of(county, actor)).get(agency_url(county.district)).content.decode()
    assert "Invite someone new" in html
    assert "Add an existing account" in html
    membership = Membership.objects.filter(agency=county.district).first()
    assert url("member-role", county.district, membership_id=membership.pk) in html
    assert "Remove" in html
    assert url("webhooks", county.district) in html


def test_the_members_list_shows_each_members_assignments(county):
    personnel_assignment_create(
        user=county.owner_member,
        agency=county.district,
        facility=county.school,
        role=AssignmentRole.LIAISON,
        actor=SYSTEM,
    )
    html = web_client(county.owner_member).get(agency_url(county.district)).content.decode()
    assert "Liaison at" in html


# --- Member management: refused for everyone but the agency's admins --------------------------------------------


def management_posts(county) -> list[tuple[str, dict]]:
    target = Membership.objects.get(agency=county.district, user=county.owner_member)
    outsider = add_members(county.unrelated, 1, prefix="outsider")[0]
    return [
        (url("member-invite", county.district), {"invite-username": "newbie", "invite-email": "n@example.org"}),
        (url("member-add", county.district), {"add-username": outsider.username, "add-role": Role.MEMBER}),
        (url("member-role", county.district, membership_id=target.pk), {"role": Role.ADMIN}),
        (url("member-remove", county.district, membership_id=target.pk), {}),
    ]


@pytest.mark.parametrize("actor", NON_ADMINS)
def test_non_admins_get_403_for_every_member_change_and_nothing_changes(county, actor, mailoutbox):
    client = web_client(user_of(county, actor))
    posts = management_posts(county)
    before = everything()
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    # The confirmation page is refused too.
    assert client.get(posts[3][0]).status_code == 403
    assert everything() == before
    assert mailoutbox == []


def test_a_non_admin_cannot_probe_membership_ids(county):
    client = web_client(county.owner_member)
    path = url("member-role", county.district, membership_id=999999)
    assert client.post(path, {"role": Role.ADMIN}).status_code == 403


def test_anonymous_member_changes_go_to_sign_in(county):
    posts = management_posts(county)
    before = everything()
    for path, data in posts:
        response = Client().post(path, data)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert everything() == before


def test_a_membership_of_another_agency_is_404_even_for_an_admin(county):
    police_membership = Membership.objects.get(user=county.partner_view_member)
    client = web_client(county.owner_admin)
    path = url("member-role", county.district, membership_id=police_membership.pk)
    assert client.post(path, {"role": Role.ADMIN}).status_code == 404
    assert Membership.objects.get(pk=police_membership.pk).role == Role.MEMBER


# --- Inviting, adding, changing roles, removing ------------------------------------------------------------------


def send_invitations() -> None:
    """What the alerts and e-mail workers do with queued invitations (on-commit hooks never run in a test)."""
    for event in OutboxEvent.objects.filter(event_type=EventType.MEMBER_INVITED, dispatched_at__isnull=True):
        outbox_event_fan_out(event_id=event.pk)
    email_send_pending()


def test_an_invitation_creates_the_account_and_emails_a_password_link(county, mailoutbox, settings):
    settings.SITE_URL = "https://concord.example.org"
    client = web_client(county.owner_admin)
    response = client.post(
        url("member-invite", county.district),
        {"invite-username": "new_nurse", "invite-email": "nurse@maple.example.org", "invite-role": Role.LIAISON},
    )
    assert response.status_code == 302
    assert response["Location"] == agency_url(county.district) + "#members"
    user = User.objects.get(username="new_nurse")
    assert user.email == "nurse@maple.example.org"
    assert Membership.objects.get(user=user, agency=county.district).role == Role.LIAISON
    assert not user.check_password("")

    # The request only queued the invitation; the e-mail worker sends it.
    assert mailoutbox == []
    send_invitations()
    (message,) = mailoutbox
    assert message.to == ["nurse@maple.example.org"]
    assert "Maple Valley School District" in message.subject
    assert "new_nurse" in message.body
    assert "as liaison" in message.body
    link = re.search(r"https://concord\.example\.org(/accounts/invitation/\S+/)", message.body)
    assert link is not None, message.body
    # The link is the invitation's one-use link: it opens the "choose a password" form.
    anonymous = Client()
    follow = anonymous.get(link.group(1), follow=True)
    assert follow.status_code == 200
    assert "new_password1" in follow.content.decode()

    page = client.get(response["Location"])
    assert "invitation was sent to nurse@maple.example.org" in page.content.decode()


def test_an_invitation_goes_only_to_the_new_account_even_when_the_address_is_shared(county, mailoutbox):
    client = web_client(county.owner_admin)
    shared = county.owner_member.email
    client.post(
        url("member-invite", county.district),
        {"invite-username": "second_account", "invite-email": shared, "invite-role": Role.MEMBER},
    )
    send_invitations()
    (message,) = mailoutbox
    assert "second_account" in message.body
    assert county.owner_member.username not in message.body


def test_an_invitation_with_a_taken_username_shows_the_error_next_to_the_field(county, mailoutbox):
    client = web_client(county.owner_admin)
    before = everything()
    response = client.post(
        url("member-invite", county.district),
        {"invite-username": "POLICE_OFFICER", "invite-email": "x@example.org", "invite-role": Role.MEMBER},
    )
    assert response.status_code == 200
    assert response.context["invite_form"].errors == {"username": ["The username 'POLICE_OFFICER' is taken."]}
    assert "is taken" in response.content.decode()
    assert everything() == before
    assert mailoutbox == []


def test_an_invitation_needs_a_valid_email(county, mailoutbox):
    response = web_client(county.owner_admin).post(
        url("member-invite", county.district),
        {"invite-username": "someone", "invite-email": "not-an-address", "invite-role": Role.MEMBER},
    )
    assert "email" in response.context["invite_form"].errors
    assert not User.objects.filter(username="someone").exists()
    assert mailoutbox == []


def test_an_admin_adds_an_existing_account_by_username(county):
    client = web_client(county.owner_admin)
    response = client.post(
        url("member-add", county.district), {"add-username": "Fire_Liaison", "add-role": Role.LIAISON}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=county.partner_comment_liaison, agency=county.district).role == Role.LIAISON


def test_adding_an_unknown_or_existing_member_says_what_to_do(county):
    client = web_client(county.owner_admin)
    unknown = client.post(url("member-add", county.district), {"add-username": "nobody", "add-role": Role.MEMBER})
    assert unknown.status_code == 200
    (error,) = unknown.context["add_form"].errors["username"]
    assert error.startswith("No active account is called 'nobody'.")
    assert "invite them by e-mail instead" in unknown.content.decode()
    already = client.post(
        url("member-add", county.district), {"add-username": "district_member", "add-role": Role.MEMBER}
    )
    assert already.status_code == 200
    assert "already a member" in already.content.decode()


def test_an_admin_changes_a_role(county):
    membership = Membership.objects.get(user=county.owner_member, agency=county.district)
    client = web_client(county.owner_admin)
    response = client.post(url("member-role", county.district, membership_id=membership.pk), {"role": Role.PLANNER})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.PLANNER
    assert "district_member is now planner" in client.get(response["Location"]).content.decode()


def test_the_last_admin_cannot_be_demoted_or_removed_and_the_page_says_why(county):
    admin_membership = Membership.objects.get(user=county.owner_admin, agency=county.district)
    client = web_client(county.owner_admin)
    before = memberships(county.district)
    demote = client.post(
        url("member-role", county.district, membership_id=admin_membership.pk), {"role": Role.MEMBER}, follow=True
    )
    assert "must keep at least one admin" in demote.content.decode()
    remove = client.post(url("member-remove", county.district, membership_id=admin_membership.pk), follow=True)
    assert remove.status_code == 200
    assert "must keep at least one admin; make someone else admin first" in remove.content.decode()
    assert memberships(county.district) == before


def test_removing_a_member_asks_first_then_removes(county):
    membership = Membership.objects.get(user=county.owner_member, agency=county.district)
    client = web_client(county.owner_admin)
    path = url("member-remove", county.district, membership_id=membership.pk)
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "Remove district_member from Maple Valley School District?" in confirm.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(path)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # It was the member's last agency: the account is deactivated, so no page opens for them any more.
    plan_page = reverse("plans:detail", kwargs={"plan_id": county.plan.pk})
    assert web_client(county.owner_member).get(plan_page)["Location"].startswith("/accounts/login/")


def test_a_bad_role_is_refused_with_a_message(county):
    membership = Membership.objects.get(user=county.owner_member, agency=county.district)
    response = web_client(county.owner_admin).post(
        url("member-role", county.district, membership_id=membership.pk), {"role": "chief"}, follow=True
    )
    assert "Choose one of the roles listed" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_member_changes_are_post_only(county):
    membership = Membership.objects.get(user=county.owner_member, agency=county.district)
    client = web_client(county.owner_admin)
    assert client.get(url("member-invite", county.district)).status_code == 405
    assert client.get(url("member-role", county.district, membership_id=membership.pk)).status_code == 405


# --- Webhooks ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", NON_ADMINS)
def test_non_admins_get_403_for_webhook_pages_and_changes(county, hook, actor):
    client = web_client(user_of(county, actor))
    delivery = Delivery.objects.get(endpoint=hook)
    before = everything()
    assert client.get(url("webhooks", county.district)).status_code == 403
    assert (
        client.post(url("webhooks", county.district), {"url": HOOK_URL, "events": ["plan.shared"]}).status_code == 403
    )
    assert client.get(url("webhook-delete", county.district, webhook_id=hook.pk)).status_code == 403
    assert client.post(url("webhook-delete", county.district, webhook_id=hook.pk)).status_code == 403
    assert client.post(url("webhook-enable", county.district, webhook_id=hook.pk)).status_code == 403
    assert client.get(url("webhook-deliveries", county.district, webhook_id=hook.pk)).status_code == 403
    redeliver = url("webhook-redeliver", county.district, webhook_id=hook.pk, delivery_id=delivery.pk)
    assert client.post(redeliver).status_code == 403
    assert everything() == before


@covers("agencies:webhooks", "agencies:webhook-deliveries", "agencies:webhook-delete")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
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
def test_only_agency_admins_and_staff_open_the_webhook_pages(county, hook, actor, expected):
    """The list, a webhook's delivery log and its removal question: they name where the agency's alerts go."""
    client = web_client(user_of(county, actor))
    before = everything()
    for page in (
        url("webhooks", county.district),
        url("webhook-deliveries", county.district, webhook_id=hook.pk),
        url("webhook-delete", county.district, webhook_id=hook.pk),
    ):
        response = client.get(page)
        assert response.status_code == expected, page
        assert (HOOK_URL in response.content.decode()) == (expected == 200), page
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")
    assert everything() == before


def test_a_webhook_of_another_agency_is_404(county, hook):
    client = web_client(county.unrelated_admin)
    assert client.get(url("webhook-deliveries", county.unrelated, webhook_id=hook.pk)).status_code == 404
    assert client.post(url("webhook-delete", county.unrelated, webhook_id=hook.pk)).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=hook.pk).exists()


def test_registering_a_webhook_shows_its_secret_once(county):
    client = web_client(county.owner_admin)
    response = client.post(
        url("webhooks", county.district), {"url": HOOK_URL, "events": ["version.published", "plan.shared"]}
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get(agency=county.district)
    assert endpoint.events == ["version.published", "plan.shared"]
    assert endpoint.created_by == county.owner_admin
    first = client.get(response["Location"]).content.decode()
    assert endpoint.secret in first
    assert "Copy the signing secret now" in first
    again = client.get(url("webhooks", county.district)).content.decode()
    assert endpoint.secret not in again
    assert HOOK_URL in again
    assert "Copy the signing secret now" not in again


def test_a_listed_webhook_never_shows_its_secret(county, hook):
    html = web_client(county.owner_admin).get(url("webhooks", county.district)).content.decode()
    assert hook.secret not in html
    assert "Active" in html
    assert "Version published" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "ftp://example.org/hook", "events": ["plan.shared"]}, "url", "Use http or https."),
        ({"url": "not a url", "events": ["plan.shared"]}, "url", "Enter a valid URL."),
        ({"url": HOOK_URL}, "events", "This field is required."),
        ({"url": HOOK_URL, "events": ["plan.eaten"]}, "events", "Select a valid choice."),
    ],
)
def test_a_bad_webhook_form_shows_the_error_and_registers_nothing(county, data, field, message):
    response = web_client(county.owner_admin).post(url("webhooks", county.district), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not WebhookEndpoint.objects.exists()


def test_a_private_address_is_refused_unless_the_installation_allows_it(county, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = web_client(county.owner_admin).post(
        url("webhooks", county.district), {"url": HOOK_URL, "events": ["plan.shared"]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    assert not WebhookEndpoint.objects.exists()


def test_deleting_a_webhook_asks_first(county, hook):
    client = web_client(county.owner_admin)
    path = url("webhook-delete", county.district, webhook_id=hook.pk)
    confirm = client.get(path).content.decode()
    assert "Delete this webhook?" in confirm
    assert HOOK_URL in confirm
    assert WebhookEndpoint.objects.filter(pk=hook.pk).exists()
    response = client.post(path, follow=True)
    assert not WebhookEndpoint.objects.filter(pk=hook.pk).exists()
    assert f"The webhook to {HOOK_URL} was removed." in response.content.decode()


def test_a_disabled_webhook_shows_why_and_can_be_re_enabled(county, hook):
    webhook_services.webhook_endpoint_disable(endpoint_id=hook.pk, reason="Answered 410 Gone.")
    WebhookEndpoint.objects.filter(pk=hook.pk).update(consecutive_failures=3)
    client = web_client(county.owner_admin)
    html = client.get(url("webhooks", county.district)).content.decode()
    assert "Disabled" in html
    assert "Answered 410 Gone." in html
    assert "Re-enable" in html
    response = client.post(url("webhook-enable", county.district, webhook_id=hook.pk), follow=True)
    hook.refresh_from_db()
    assert hook.is_active
    assert hook.consecutive_failures == 0
    assert "is active again" in response.content.decode()


def test_the_delivery_log_shows_event_status_attempts_and_codes(county, hook):
    html = web_client(county.owner_admin).get(url("webhook-deliveries", county.district, webhook_id=hook.pk))
    text = html.content.decode()
    delivery = Delivery.objects.get(endpoint=hook)
    assert "Version published" in text
    assert delivery.message_id in text
    assert "Failed (gave up)" in text
    assert re.search(r">503</span>\s*<span[^>]*>500<", text), "status codes newest first"
    assert "Redeliver" in text


def test_redelivering_queues_the_delivery_again(county, hook):
    delivery = Delivery.objects.get(endpoint=hook)
    client = web_client(county.owner_admin)
    response = client.post(
        url("webhook-redeliver", county.district, webhook_id=hook.pk, delivery_id=delivery.pk), follow=True
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 0
    assert "is queued to be sent again" in response.content.decode()


def test_redelivering_to_a_disabled_webhook_says_to_enable_it_first(county, hook):
    webhook_services.webhook_endpoint_disable(endpoint_id=hook.pk, reason="Too many failures.")
    delivery = Delivery.objects.get(endpoint=hook)
    response = web_client(county.owner_admin).post(
        url("webhook-redeliver", county.district, webhook_id=hook.pk, delivery_id=delivery.pk), follow=True
    )
    assert "enable it before redelivering" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


# --- Query counts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 40])
def test_the_directory_takes_the_same_queries_for_few_and_many_agencies(county, count, django_assert_max_num_queries):
    for number in range(count):
        agency = AgencyFactory(name=f"Township {number:02d}", slug=f"township-{number}", kind=AgencyKind.FIRE)
        FacilityFactory(name=f"Station {number:02d}", owner_agency=agency)
    client = web_client(county.partner_view_member)
    with django_assert_max_num_queries(DIRECTORY_MAX_QUERIES):
        response = client.get(reverse("agencies:list"))
    assert response.context["page_obj"].paginator.count == count + 4


@pytest.mark.parametrize(("members", "facilities"), [(2, 1), (60, 30)])
def test_the_agency_page_takes_the_same_queries_for_few_and_many_members(
    county, members, facilities, django_assert_max_num_queries
):
    users = add_members(county.district, members)
    for number in range(facilities):
        school = FacilityFactory(name=f"School {number:02d}", owner_agency=county.district)
        personnel_assignment_create(
            user=users[number % len(users)],
            agency=county.district,
            facility=school,
            role=AssignmentRole.LIAISON,
            actor=SYSTEM,
        )
    client = web_client(county.owner_admin)
    with django_assert_max_num_queries(AGENCY_PAGE_MAX_QUERIES):
        response = client.get(agency_url(county.district))
    assert response.context["members_page"].paginator.count == members + 4


@pytest.mark.parametrize("deliveries", [1, 60])
def test_the_delivery_log_takes_the_same_queries_for_few_and_many_deliveries(
    county, hook, deliveries, django_assert_max_num_queries
):
    for _ in range(deliveries - 1):
        event = OutboxEvent.objects.create(event_type=EventType.PLAN_SHARED, plan=county.plan)
        delivery = Delivery.objects.create(event=event, channel=Channel.WEBHOOK, endpoint=hook)
        WebhookAttempt.objects.create(delivery=delivery, status_code=200, duration_ms=5)
    client = web_client(county.owner_admin)
    with django_assert_max_num_queries(WEBHOOK_LOG_MAX_QUERIES):
        response = client.get(url("webhook-deliveries", county.district, webhook_id=hook.pk))
    assert response.context["page_obj"].paginator.count == deliveries


# --- In a real browser -------------------------------------------------------------------------------------------


def test_a_partner_sees_the_agency_card_but_not_its_members(page, live_server, web_county, console_errors):
    sign_in(page, live_server, "police_liaison")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agencies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agencies")
    page.get_by_role("link", name="Maple Valley School District").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley School District")
    expect(page.get_by_role("link", name="Maple Valley High")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Members"))).to_have_count(0)
    screenshot(page, "agency-desktop")
    assert console_errors == []


def test_an_agency_admin_invites_a_member_and_changes_a_role(page, live_server, web_county, console_errors, mailoutbox):
    county = web_county
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}{agency_url(county.district)}")
    invite = page.locator("form#invite")
    invite.get_by_label("Username").fill("new_counselor")
    invite.get_by_label("E-mail").fill("counselor@maple.example.org")
    invite.get_by_label("Role").select_option(label="Liaison")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("invitation was sent to counselor@maple.example.org")
    members = page.locator("#members table")
    expect(members).to_contain_text("new_counselor")
    send_invitations()
    assert len(mailoutbox) == 1
    assert "/accounts/invitation/" in mailoutbox[0].body

    page.get_by_label("Role of district_member").select_option(label="Planner")
    page.get_by_role("button", name="Change role of district_member").click()
    expect(page.get_by_role("status")).to_contain_text("district_member is now planner")
    expect(page.get_by_label("Role of district_member")).to_have_value("planner")
    assert Membership.objects.get(user=county.owner_member, agency=county.district).role == Role.PLANNER

    # Demoting the only admin is refused with a message that says what to do.
    page.get_by_label("Role of district_admin").select_option(label="Member")
    page.get_by_role("button", name="Change role of district_admin").click()
    expect(page.get_by_role("status")).to_contain_text("make someone else admin first")
    screenshot(page, "members-desktop")
    assert console_errors == []


def test_an_admin_registers_a_webhook_and_sees_the_secret_once(page, live_server, web_county, console_errors):
    county = web_county
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}{agency_url(county.district)}")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks of Maple Valley School District")
    expect(page.get_by_text("No webhooks yet")).to_be_visible()
    page.get_by_label("Receiver URL").fill(HOOK_URL)
    page.get_by_label("Version published").check()
    page.get_by_label("Plan shared", exact=True).check()
    page.get_by_role("button", name="Register webhook").click()
    secret = page.get_by_role("textbox", name="Signing secret")
    expect(secret).to_have_value(re.compile(r"^whsec_"))
    endpoint = WebhookEndpoint.objects.get(agency=county.district)
    expect(secret).to_have_value(endpoint.secret)
    expect(page.get_by_role("row").filter(has_text=HOOK_URL)).to_contain_text("Active")
    screenshot(page, "webhooks-desktop")
    page.reload()
    expect(page.get_by_role("textbox", name="Signing secret")).to_have_count(0)
    assert endpoint.secret not in page.content()
    page.get_by_role("link", name=f"Delivery log of {HOOK_URL}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery log")
    expect(page.get_by_text("Nothing sent yet")).to_be_visible()
    assert console_errors == []
