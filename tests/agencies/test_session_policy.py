"""Issue 14, item 3: each agency sets how long its people's sessions last; the strictest of a person's agencies
applies; the middleware ends sessions by idle time and by time since sign-in, reading the policy at most once
a minute."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.actors import SYSTEM
from agencies.models import Agency, Role
from agencies.services import agency_update, membership_add
from agencies.session_policy import session_policy_for
from audit.models import AuditEvent
from portal.middleware import LAST_ACTIVITY_KEY, POLICY_KEY, SIGNED_IN_AT_KEY
from portal.session_policy import SessionPolicy
from tests.conftest import client_for, web_client

HOUR = 3600


@pytest.fixture
def platform(settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    settings.SESSION_MAX_LIFETIME_SECONDS = 12 * HOUR
    return SessionPolicy(idle_seconds=30 * 60, max_seconds=12 * HOUR)


def set_policy(agency, idle=None, max_hours=None) -> None:
    agency_update(agency=agency, actor=SYSTEM, session_idle_minutes=idle, session_max_hours=max_hours)


def test_a_person_whose_agencies_set_nothing_gets_the_platform_policy(county, platform):
    assert session_policy_for(county.owner_member) == platform
    assert session_policy_for(county.staff) == platform  # in no agency


def test_the_strictest_of_a_persons_agencies_applies_each_value_on_its_own(
    county, platform, django_assert_max_num_queries
):
    set_policy(county.district, idle=10, max_hours=None)  # shorter idle, the platform's lifetime
    set_policy(county.police, idle=60, max_hours=4)  # a longer idle than the platform's, a shorter lifetime
    membership_add(agency=county.police, user=county.owner_member, role=Role.MEMBER, actor=SYSTEM)
    with django_assert_max_num_queries(1):
        policy = session_policy_for(county.owner_member)
    assert policy == SessionPolicy(idle_seconds=10 * 60, max_seconds=4 * HOUR)
    # Only in the police: the police may let its people idle longer than the platform's default.
    assert session_policy_for(county.partner_view_member) == SessionPolicy(idle_seconds=60 * 60, max_seconds=4 * HOUR)


def age_session(client, *, idle: int | None = None, signed_in: int | None = None, policy_read: int | None = None):
    """Move the session's clocks back by the seconds given, as if that much time had passed."""
    session = client.session
    now = int(time.time())
    if idle is not None:
        session[LAST_ACTIVITY_KEY] = now - idle
    if signed_in is not None:
        session[SIGNED_IN_AT_KEY] = now - signed_in
    if policy_read is not None:
        session[POLICY_KEY] = [*session[POLICY_KEY][:2], now - policy_read]
    session.save()


def is_signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200


def test_an_agencys_idle_timeout_signs_its_people_out(county, platform):
    set_policy(county.district, idle=5)
    client = web_client(county.owner_member)
    age_session(client, idle=4 * 60)
    assert is_signed_in(client)
    age_session(client, idle=5 * 60 + 1)
    response = client.get("/plans/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    sign_in_page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 5 minutes without activity, as your agency&#x27;s session policy" in sign_in_page


def test_a_session_ends_its_lifetime_after_sign_in_however_active(county, platform):
    set_policy(county.district, max_hours=2)
    client = web_client(county.owner_member)
    age_session(client, signed_in=2 * HOUR - 60, idle=0)
    assert is_signed_in(client)
    age_session(client, signed_in=2 * HOUR + 1, idle=0)
    assert not is_signed_in(client)
    assert "You were signed out 2 hours after signing in" in client.get("/accounts/login/").content.decode()


def test_the_platform_lifetime_applies_without_an_agency_policy(county, platform):
    client = web_client(county.owner_member)
    age_session(client, signed_in=12 * HOUR + 1, idle=0)
    assert not is_signed_in(client)


def test_a_session_from_before_lifetimes_were_kept_starts_its_lifetime_now(county, platform):
    client = web_client(county.owner_member)
    session = client.session
    del session[SIGNED_IN_AT_KEY]
    session.save()
    assert is_signed_in(client)
    assert abs(client.session[SIGNED_IN_AT_KEY] - time.time()) < 5


def is_policy_read(sql: str) -> bool:
    return "MIN(COALESCE(" in sql and '"agencies_membership"' in sql


def test_pages_do_not_read_the_policy_again_within_a_minute_of_reading_it(county, platform):
    client = web_client(county.owner_member)  # signing in read it
    with CaptureQueriesContext(connection) as fresh:
        assert is_signed_in(client)
    age_session(client, policy_read=61)
    with CaptureQueriesContext(connection) as stale:
        assert is_signed_in(client)
    policy_reads = [q["sql"] for q in stale.captured_queries if is_policy_read(q["sql"])]
    assert len(policy_reads) == 1
    assert not [q["sql"] for q in fresh.captured_queries if is_policy_read(q["sql"])]
    # The read, and the session's write (an UPDATE between a savepoint and its release).
    assert len(stale.captured_queries) <= len(fresh.captured_queries) + 4


def test_a_stricter_policy_reaches_an_open_session_at_its_next_read(county, platform):
    client = web_client(county.owner_member)
    age_session(client, idle=10 * 60)
    assert is_signed_in(client)  # 10 idle minutes are fine under the platform's 30
    set_policy(county.district, idle=5)
    age_session(client, idle=10 * 60)
    assert is_signed_in(client)  # the policy read at sign-in is kept for a minute
    age_session(client, idle=10 * 60, policy_read=61)
    assert not is_signed_in(client)


def test_joining_a_stricter_agency_shortens_the_session_too(county, platform):
    set_policy(county.police, idle=5)
    client = web_client(county.owner_member)
    membership_add(agency=county.police, user=county.owner_member, role=Role.MEMBER, actor=SYSTEM)
    age_session(client, idle=6 * 60, policy_read=61)
    assert not is_signed_in(client)


# --- Setting it: the agency settings page and the API --------------------------------------------------------


def settings_url(agency) -> str:
    return f"/agencies/{agency.pk}/settings/"


def test_an_admin_sets_the_policy_on_the_settings_page_and_it_is_audited(county, platform):
    client = web_client(county.owner_admin)
    page = client.get(settings_url(county.district))
    assert page.status_code == 200
    assert "the platform&#x27;s 30 minutes" in page.content.decode()
    response = client.post(
        settings_url(county.district), {"sessions-session_idle_minutes": "15", "sessions-session_max_hours": "10"}
    )
    assert response.status_code == 302
    county.district.refresh_from_db()
    assert (county.district.session_idle_minutes, county.district.session_max_hours) == (15, 10)
    event = AuditEvent.objects.filter(action="agency.update", object_id=str(county.district.pk)).latest("id")
    assert event.details == {"changes": {"session_idle_minutes": [None, 15], "session_max_hours": [None, 10]}}
    assert event.actor == county.owner_admin
    # Emptied again: back to the platform's default.
    client.post(settings_url(county.district), {"sessions-session_idle_minutes": "", "sessions-session_max_hours": ""})
    county.district.refresh_from_db()
    assert (county.district.session_idle_minutes, county.district.session_max_hours) == (None, None)


@pytest.mark.parametrize(
    ("idle", "max_hours", "message"),
    [
        ("0", "", "Ensure this value is greater than or equal to 1."),
        ("1441", "", "Ensure this value is less than or equal to 1440."),
        ("", "337", "Ensure this value is less than or equal to 336."),
        ("ten", "", "Enter a whole number."),
    ],
)
def test_the_settings_page_answers_bad_values_with_field_messages(county, idle, max_hours, message):
    response = web_client(county.owner_admin).post(
        settings_url(county.district), {"sessions-session_idle_minutes": idle, "sessions-session_max_hours": max_hours}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Agency.objects.filter(pk=county.district.pk, session_idle_minutes=None, session_max_hours=None).exists()


def test_the_api_sets_and_shows_the_policy(county, django_assert_max_num_queries):
    client = client_for(county.owner_admin)
    response = client.patch(
        f"/api/v1/agencies/{county.district.pk}/", {"session_idle_minutes": 20, "session_max_hours": 8}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["session_idle_minutes"], response.json()["session_max_hours"]) == (20, 8)
    with django_assert_max_num_queries(3):
        shown = client.get(f"/api/v1/agencies/{county.district.pk}/").json()
    assert (shown["session_idle_minutes"], shown["session_max_hours"]) == (20, 8)
    bad = client.patch(
        f"/api/v1/agencies/{county.district.pk}/", {"session_idle_minutes": 0, "session_max_hours": 400}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"session_idle_minutes", "session_max_hours"}
    cleared = client.patch(f"/api/v1/agencies/{county.district.pk}/", {"session_idle_minutes": None}, format="json")
    assert cleared.json()["session_idle_minutes"] is None


def test_me_tells_a_person_the_policy_that_applies_to_them(county, platform, django_assert_max_num_queries):
    set_policy(county.district, idle=10)
    set_policy(county.police, max_hours=4)
    membership_add(agency=county.police, user=county.owner_member, role=Role.MEMBER, actor=SYSTEM)
    client = client_for(county.owner_member)
    with django_assert_max_num_queries(3):
        me = client.get("/api/v1/me/").json()
    assert me["session_policy"] == {"idle_minutes": 10, "max_hours": 4.0}
    staff = client_for(county.staff).get("/api/v1/me/").json()
    assert staff["session_policy"] == {"idle_minutes": 30, "max_hours": 12.0}
