"""Issue 14, item 4: an invitation's link expires (INVITATION_EXPIRY_DAYS); the expired link says so clearly and the
agency's admins send a new one from the members page or the API."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.invitations import invitation_tokens
from agencies.models import Membership, Role
from agencies.services import member_invite
from audit.models import AuditEvent
from notifications.models import EventType, OutboxEvent
from notifications.services import outbox_event_fan_out
from tests.conftest import client_for, web_client
from tests.permission_matrix import client_as, covers, matrix

User = get_user_model()
SITE = "https://concord.example.org"


@pytest.fixture
def invited(county, settings):
    settings.SITE_URL = SITE
    settings.INVITATION_EXPIRY_DAYS = 7
    return member_invite(
        agency=county.district,
        username="new_nurse",
        email="nurse@maple.example.org",
        role=Role.MEMBER,
        actor=county.owner_admin,
    )


def sent_link(mailoutbox) -> str:
    """The invitation link of the last e-mail sent, after the e-mail worker ran."""
    for event in OutboxEvent.objects.filter(event_type=EventType.MEMBER_INVITED, dispatched_at__isnull=True):
        outbox_event_fan_out(event_id=event.pk)
    from notifications.channels import email

    email.email_send_pending()
    link = re.search(rf"{re.escape(SITE)}(/accounts/invitation/\S+/)", mailoutbox[-1].body)
    assert link is not None, mailoutbox[-1].body
    return link.group(1)


def expired_link(user) -> str:
    """A link made eight days ago (the invitation lasts seven)."""
    made = invitation_tokens._num_seconds(invitation_tokens._now()) - 8 * 24 * 3600
    token = invitation_tokens._make_token_with_timestamp(user, made, invitation_tokens.secret)
    return f"/accounts/invitation/{urlsafe_base64_encode(force_bytes(user.pk))}/{token}/"


def test_the_invitation_link_lets_the_new_person_choose_a_password_once(invited, mailoutbox):
    membership = Membership.objects.get(user=invited)
    assert abs(membership.invited_at - timezone.now()) < timedelta(minutes=1)
    link = sent_link(mailoutbox)
    assert "expires after 7 days" in mailoutbox[-1].body
    browser = Client()
    page = browser.get(link)
    assert page.status_code == 200
    assert "Welcome to Concord" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    done = browser.post(
        link, {"new_password1": "a-fresh-long-passphrase-42", "new_password2": "a-fresh-long-passphrase-42"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    assert User.objects.get(pk=invited.pk).check_password("a-fresh-long-passphrase-42")
    used = browser.get(link)
    assert used.status_code == 404
    assert "This invitation link does not work" in used.content.decode()


def test_an_expired_invitation_link_says_so_and_sets_nothing(invited):
    browser = Client()
    page = browser.get(expired_link(invited))
    assert page.status_code == 410
    text = page.content.decode()
    assert "This invitation has expired" in text
    assert "Re-send invitation" in text
    refused = browser.post(
        expired_link(invited), {"new_password1": "x-long-passphrase-1", "new_password2": "x-long-passphrase-1"}
    )
    assert refused.status_code == 410
    assert not User.objects.get(pk=invited.pk).check_password("x-long-passphrase-1")


def test_a_password_reset_link_is_no_invitation_link(invited):
    uid = urlsafe_base64_encode(force_bytes(invited.pk))
    page = Client().get(f"/accounts/invitation/{uid}/{default_token_generator.make_token(invited)}/")
    assert page.status_code == 404
    assert Client().get("/accounts/invitation/bm9wZQ/1-abc/").status_code == 404


def test_the_admin_sees_the_expired_invitation_and_sends_a_new_one(invited, county, mailoutbox):
    Membership.objects.filter(user=invited).update(invited_at=timezone.now() - timedelta(days=8))
    admin = web_client(county.owner_admin)
    page = admin.get(f"/agencies/{county.district.pk}/").content.decode()
    assert "Invitation expired" in page
    assert "Re-send invitation" in page
    membership = Membership.objects.get(user=invited)
    response = admin.post(f"/agencies/{county.district.pk}/members/{membership.pk}/resend-invitation/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert abs(membership.invited_at - timezone.now()) < timedelta(minutes=1)
    assert OutboxEvent.objects.filter(event_type=EventType.MEMBER_INVITED).count() == 2
    event = AuditEvent.objects.get(action="membership.invite_resend")
    assert (event.actor, event.agency, event.object_id) == (county.owner_admin, county.district, str(invited.pk))
    fresh = sent_link(mailoutbox)
    assert Client().get(fresh).status_code == 200
    assert "Invited" in admin.get(f"/agencies/{county.district.pk}/").content.decode()


def test_no_new_invitation_for_someone_who_signed_in_already(invited, county):
    Client().force_login(invited)  # sets last_login
    membership = Membership.objects.get(user=invited)
    response = client_for(county.owner_admin).post(
        f"/api/v1/agencies/{county.district.pk}/memberships/{membership.pk}/resend-invitation/"
    )
    assert response.status_code == 409
    assert "signed in already" in response.json()["detail"]
    assert OutboxEvent.objects.filter(event_type=EventType.MEMBER_INVITED).count() == 1
    page = web_client(county.owner_admin).get(f"/agencies/{county.district.pk}/").content.decode()
    assert 'Re-send invitation<span class="visually-hidden"> to new_nurse' not in page


def test_the_members_api_shows_where_each_invitation_stands(invited, county, django_assert_max_num_queries):
    Membership.objects.filter(user=invited).update(invited_at=timezone.now() - timedelta(days=8))
    client = client_for(county.owner_admin)
    with django_assert_max_num_queries(4):
        rows = client.get(f"/api/v1/agencies/{county.district.pk}/memberships/?page_size=100").json()["results"]
    by_name = {row["username"]: row for row in rows}
    assert by_name["new_nurse"]["invitation_status"] == "expired"
    assert by_name["new_nurse"]["invitation_expires_at"] is not None
    assert by_name["district_member"]["invitation_status"] is None  # added with an existing account


RESEND = matrix(
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
)


@covers("membership-invitation-resend")
@pytest.mark.parametrize(("actor", "expected"), RESEND)
def test_only_the_agencys_admins_resend_an_invitation(invited, county, actor, expected):
    membership = Membership.objects.get(user=invited)
    before = (OutboxEvent.objects.count(), AuditEvent.objects.count())
    response = client_as(county, actor).post(
        f"/api/v1/agencies/{county.district.pk}/memberships/{membership.pk}/resend-invitation/"
    )
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["invitation_status"] == "pending"
    else:
        assert (OutboxEvent.objects.count(), AuditEvent.objects.count()) == before


@covers("agencies:member-invitation-resend")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=302,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=302,
    ),
)
def test_only_the_agencys_admins_resend_from_the_members_page(invited, county, actor, expected):
    from tests.permission_matrix import user_of

    membership = Membership.objects.get(user=invited)
    before = OutboxEvent.objects.count()
    response = web_client(user_of(county, actor)).post(
        f"/agencies/{county.district.pk}/members/{membership.pk}/resend-invitation/"
    )
    assert response.status_code == expected
    assert OutboxEvent.objects.count() == before + (1 if actor in ("owner_admin", "staff") else 0)


def test_another_agencys_member_is_not_found_through_ones_own_agency(county, invited):
    police = Membership.objects.get(user=county.partner_view_member, agency=county.police)
    client = client_for(county.owner_admin)
    url = f"/api/v1/agencies/{county.district.pk}/memberships/{police.pk}/resend-invitation/"
    assert client.post(url).status_code == 404
    web = web_client(county.owner_admin).post(f"/agencies/{county.district.pk}/members/{police.pk}/resend-invitation/")
    assert web.status_code == 404
