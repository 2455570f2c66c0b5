"""Issue 14, items 3 and 4: "sign out everywhere" for a person, an agency admin ending a member's sessions and
tokens (a lost phone), and leaving one's last agency, which deactivates the account and ends its access."""

import re

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from access.actors import SYSTEM
from accounts.models import ApiToken
from accounts.services import api_token_create
from agencies.models import Membership, Role
from agencies.services import membership_add, membership_remove
from audit.models import AuditAction, AuditEvent
from feeds.models import FeedToken
from tests.conftest import client_for, web_client
from tests.feeds.helpers import feed_path
from tests.permission_matrix import client_as, covers, matrix, user_of

User = get_user_model()


def signed_in(client) -> bool:
    return client.get("/plans/").status_code == 200


def token_client(user) -> tuple[APIClient, str]:
    _, plaintext = api_token_create(user=user, name="Patrol car tablet")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    return client, plaintext


def test_sign_out_everywhere_ends_the_other_browsers_and_every_token_but_keeps_this_one(county):
    person = county.partner_view_member
    laptop, phone = web_client(person), web_client(person)
    tablet, _ = token_client(person)
    page = laptop.get("/accounts/sessions/").content.decode()
    assert page.count("Another browser") == 1
    assert "This browser" in page
    response = laptop.post("/accounts/sessions/", follow=True)
    assert "1 other browser session(s) ended and 1 API token(s) revoked" in response.content.decode()
    assert signed_in(laptop)
    assert not signed_in(phone)
    assert tablet.get("/api/v1/me/").status_code == 401
    event = AuditEvent.objects.get(action="sessions.end")
    assert (event.actor, event.object_id) == (person, str(person.pk))
    assert (event.details["sessions"], event.details["tokens"]) == (1, 1)


def test_the_api_signs_out_everywhere_from_a_token_client_too(county):
    person = county.partner_view_member
    browser = web_client(person)
    tablet, _ = token_client(person)
    other, _ = token_client(person)
    answer = tablet.post("/api/v1/auth/sign-out-everywhere/")
    assert answer.status_code == 200
    assert answer.json() == {"sessions": 1, "tokens": 2, "calendar_feed": False}
    assert not signed_in(browser)
    assert tablet.get("/api/v1/me/").status_code == 401  # the token that asked is revoked too
    assert other.get("/api/v1/me/").status_code == 401


def test_sign_out_everywhere_revokes_the_calendar_feed_link_and_a_new_one_can_be_made(county):
    person = county.partner_view_member
    laptop = web_client(person)
    old = feed_path(person)
    assert client_for(None).get(old).status_code == 200
    response = laptop.post("/accounts/sessions/", follow=True)
    assert "Your calendar-feed link no longer works" in response.content.decode()
    assert client_for(None).get(old).status_code == 404
    assert not FeedToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.FEED_TOKEN_REVOKE, actor=person).count() == 1
    page = laptop.post("/accounts/calendar-feed/", {"action": "create"}).content.decode()
    (new,) = re.findall(r"http://testserver(/api/v1/calendar/[^\s\"<]+\.ics)", page)
    assert new != old
    assert client_for(None).get(new).status_code == 200


def test_the_api_sign_out_everywhere_revokes_the_calendar_feed_link_too(county):
    person = county.partner_view_member
    tablet, _ = token_client(person)
    old = feed_path(person)
    answer = tablet.post("/api/v1/auth/sign-out-everywhere/")
    assert answer.json() == {"sessions": 0, "tokens": 1, "calendar_feed": True}
    assert client_for(None).get(old).status_code == 404
    # Someone else's link is untouched.
    theirs = feed_path(county.owner_member)
    token_client(person)[0].post("/api/v1/auth/sign-out-everywhere/")
    assert client_for(None).get(theirs).status_code == 200


def test_the_api_called_from_a_browser_keeps_that_browsers_session(county):
    person = county.partner_view_member
    browser, elsewhere = web_client(person), web_client(person)
    csrf_free = browser.post("/api/v1/auth/sign-out-everywhere/")
    assert csrf_free.status_code in (200, 403)  # DRF's session auth asks for the CSRF token
    browser = web_client(person, enforce_csrf_checks=False)
    answer = browser.post("/api/v1/auth/sign-out-everywhere/")
    assert answer.status_code == 200
    assert signed_in(browser)
    assert not signed_in(elsewhere)


def test_an_admin_ends_a_members_sessions_and_tokens_at_once(county, django_assert_max_num_queries):
    officer = county.owner_member
    browser = web_client(officer)
    tablet, _ = token_client(officer)
    membership = Membership.objects.get(user=officer, agency=county.district)
    admin = client_for(county.owner_admin)
    with django_assert_max_num_queries(20):
        answer = admin.post(f"/api/v1/agencies/{county.district.pk}/memberships/{membership.pk}/end-sessions/")
    assert answer.status_code == 200
    assert answer.json() == {"sessions": 1, "tokens": 1}
    assert not signed_in(browser)
    assert tablet.get("/api/v1/me/").status_code == 401
    officer.refresh_from_db()
    assert officer.is_active  # still a member: they sign in again with their password
    event = AuditEvent.objects.get(action="sessions.end")
    assert (event.actor, event.agency, event.object_id) == (county.owner_admin, county.district, str(officer.pk))


def test_the_members_page_asks_before_signing_a_member_out(county):
    officer = county.owner_member
    browser = web_client(officer)
    membership = Membership.objects.get(user=officer, agency=county.district)
    admin = web_client(county.owner_admin)
    url = f"/agencies/{county.district.pk}/members/{membership.pk}/end-sessions/"
    assert (
        'Sign out everywhere<span class="visually-hidden"> for district_member'
        in admin.get(f"/agencies/{county.district.pk}/").content.decode()
    )
    confirm = admin.get(url)
    assert "Sign district_member out everywhere?" in confirm.content.decode()
    assert signed_in(browser)  # asking changed nothing
    done = admin.post(url, follow=True)
    assert "district_member is signed out everywhere: 1 browser session(s)" in done.content.decode()
    assert not signed_in(browser)


def test_another_agencys_member_is_not_found_through_ones_own_agency(county):
    police = Membership.objects.get(user=county.partner_view_member, agency=county.police)
    browser = web_client(county.partner_view_member)
    assert (
        client_for(county.owner_admin)
        .post(f"/api/v1/agencies/{county.district.pk}/memberships/{police.pk}/end-sessions/")
        .status_code
        == 404
    )
    web = web_client(county.owner_admin).post(f"/agencies/{county.district.pk}/members/{police.pk}/end-sessions/")
    assert web.status_code == 404
    assert signed_in(browser)
    assert not AuditEvent.objects.filter(action="sessions.end").exists()


ADMINS_ONLY = {
    "anonymous": 401,
    "owner_admin": 200,
    "owner_planner": 403,
    "owner_liaison": 403,
    "owner_member": 403,
    "partner_view_liaison": 403,
    "partner_view_member": 403,
    "partner_comment_liaison": 403,
    "unrelated_admin": 403,
    "staff": 200,
}


@covers("membership-sessions-end")
@pytest.mark.parametrize(("actor", "expected"), matrix(**ADMINS_ONLY))
def test_only_the_agencys_admins_end_a_members_sessions(county, actor, expected):
    officer = county.owner_liaison
    browser = web_client(officer)
    ApiToken.objects.create(user=officer, name="x")
    membership = Membership.objects.get(user=officer, agency=county.district)
    response = client_as(county, actor).post(
        f"/api/v1/agencies/{county.district.pk}/memberships/{membership.pk}/end-sessions/"
    )
    assert response.status_code == expected, response.content
    assert signed_in(browser) is (expected != 200)
    assert ApiToken.objects.filter(user=officer).exists() is (expected != 200)


@covers("agencies:member-sessions-end")
@pytest.mark.parametrize(
    ("actor", "expected"), matrix(**{**ADMINS_ONLY, "anonymous": 302, "owner_admin": 302, "staff": 302})
)
def test_only_the_agencys_admins_end_a_members_sessions_from_the_members_page(county, actor, expected):
    officer = county.owner_liaison
    browser = web_client(officer)
    membership = Membership.objects.get(user=officer, agency=county.district)
    response = web_client(user_of(county, actor)).post(
        f"/agencies/{county.district.pk}/members/{membership.pk}/end-sessions/"
    )
    assert response.status_code == expected
    assert signed_in(browser) is (actor not in ("owner_admin", "staff"))


@covers("auth-sign-out-everywhere", "accounts:sessions")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
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
def test_everyone_signs_only_themselves_out_everywhere(county, actor, expected):
    bystander = web_client(county.owner_member) if actor != "owner_member" else None
    response = client_as(county, actor).post("/api/v1/auth/sign-out-everywhere/")
    assert response.status_code == expected
    page = web_client(user_of(county, actor)).get("/accounts/sessions/")
    assert page.status_code == (302 if actor == "anonymous" else 200)
    if bystander is not None:
        assert signed_in(bystander)  # someone else's session is never touched


def test_the_sessions_page_reads_a_fixed_number_of_queries(county, django_assert_max_num_queries):
    person = county.owner_member
    for _ in range(4):
        web_client(person)
    browser = web_client(person)
    with django_assert_max_num_queries(30):
        assert browser.get("/accounts/sessions/").status_code == 200


# --- Leaving the last agency ---------------------------------------------------------------------------------


def test_removing_a_person_from_their_last_agency_deactivates_them_and_ends_their_access(county):
    officer = county.owner_member
    browser = web_client(officer)
    tablet, _ = token_client(officer)
    membership = Membership.objects.get(user=officer, agency=county.district)
    confirm = web_client(county.owner_admin).get(f"/agencies/{county.district.pk}/members/{membership.pk}/remove/")
    assert "their account is deactivated" in confirm.content.decode()
    membership_remove(membership=membership, actor=county.owner_admin)
    officer.refresh_from_db()
    assert not officer.is_active
    assert not signed_in(browser)
    assert tablet.get("/api/v1/me/").status_code == 401
    actions = set(AuditEvent.objects.filter(object_id=str(officer.pk)).values_list("action", flat=True))
    assert {"sessions.end", "user.deactivate"} <= actions
    deactivated = AuditEvent.objects.get(action="user.deactivate")
    assert (deactivated.actor, deactivated.agency) == (county.owner_admin, county.district)


def test_leaving_one_of_two_agencies_keeps_the_account_and_its_sessions(county):
    officer = county.owner_member
    membership_add(agency=county.police, user=officer, role=Role.MEMBER, actor=SYSTEM)
    browser = web_client(officer)
    membership = Membership.objects.get(user=officer, agency=county.district)
    confirm = web_client(county.owner_admin).get(f"/agencies/{county.district.pk}/members/{membership.pk}/remove/")
    assert "Their account stays for their other agencies" in confirm.content.decode()
    membership_remove(membership=membership, actor=county.owner_admin)
    officer.refresh_from_db()
    assert officer.is_active
    assert signed_in(browser)


def test_platform_staff_keep_their_account_when_leaving_their_last_agency(county):
    membership_add(agency=county.district, user=county.staff, role=Role.MEMBER, actor=SYSTEM)
    browser = web_client(county.staff)
    membership_remove(membership=Membership.objects.get(user=county.staff), actor=county.owner_admin)
    county.staff.refresh_from_db()
    assert county.staff.is_active
    assert not signed_in(browser)  # their sessions still end: they signed in as that agency's member
    assert not AuditEvent.objects.filter(action="user.deactivate").exists()


@pytest.mark.parametrize("actor", ["owner_admin", "staff", "anonymous"])
def test_nobody_signs_another_person_out_everywhere_through_the_persons_own_service(county, actor):
    from django.contrib.auth.models import AnonymousUser

    from accounts.services import sign_out_everywhere
    from portal.errors import NotAllowedError

    person = county.owner_member
    browser = web_client(person)
    with pytest.raises(NotAllowedError):
        sign_out_everywhere(user=person, actor=user_of(county, actor) or AnonymousUser(), keep_session_key=None)
    assert signed_in(browser)
    assert not AuditEvent.objects.filter(action="sessions.end").exists()
