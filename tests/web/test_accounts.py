"""Password change and reset by e-mail, and the idle timeout, through the real pages."""

import re
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.actors import SYSTEM
from portal.middleware import LAST_ACTIVITY_KEY
from tests.sign_in import SIGN_IN_URL, sign_in_form


def test_password_reset_by_email_lets_the_person_sign_in_with_the_new_password(client, county, mailoutbox):
    county.owner_member.email = "member@district.example.org"
    county.owner_member.save()
    response = client.post("/accounts/password_reset/", {"email": "member@district.example.org"})
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.subject == "[Concord] Reset your password"
    link = re.search(r"http://\S+/accounts/reset/\S+/", message.body).group(0)
    form = client.get(link.split("testserver")[-1], follow=True)
    assert form.status_code == 200
    new_password = "a-fresh-long-passphrase-42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    signed_in = client.post(SIGN_IN_URL, sign_in_form(county.owner_member.username, new_password))
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(county.owner_member.pk)


def test_password_change_requires_the_old_password(client, county):
    user = county.owner_member
    user.set_password("the-old-passphrase-1")
    user.save()
    client.force_login(user)
    wrong = client.post(
        "/accounts/password_change/",
        {"old_password": "nope", "new_password1": "brand-new-passphrase-9", "new_password2": "brand-new-passphrase-9"},
    )
    assert wrong.status_code == 200
    assert b"Your old password was entered incorrectly" in wrong.content
    right = client.post(
        "/accounts/password_change/",
        {
            "old_password": "the-old-passphrase-1",
            "new_password1": "brand-new-passphrase-9",
            "new_password2": "brand-new-passphrase-9",
        },
    )
    assert right.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).check_password("brand-new-passphrase-9")


def test_an_idle_session_is_signed_out(client, county, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    client.force_login(county.owner_member)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 61
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _view_writes_the_session(client) -> bool:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/accounts/password_change/").status_code == 200
    return any(query["sql"].startswith('UPDATE "django_session"') for query in captured)


def test_page_views_record_activity_at_most_once_a_minute(client, county):
    client.force_login(county.owner_member)
    signed_in_at = client.session[LAST_ACTIVITY_KEY]  # signing in is activity
    assert abs(signed_in_at - time.time()) < 5
    assert not _view_writes_the_session(client)
    assert client.session[LAST_ACTIVITY_KEY] == signed_in_at
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 61
    session.save()
    assert _view_writes_the_session(client)
    assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5


def test_the_agency_switcher_never_redirects_off_site(client, county):
    from agencies.services import membership_add

    membership_add(agency=county.fire, user=county.partner_view_liaison, role="liaison", actor=SYSTEM)
    client.force_login(county.partner_view_liaison)
    response = client.post("/agency/switch/", {"agency": county.fire.pk, "next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    assert client.session["concord_active_agency"] == county.fire.pk
    inside = client.post("/agency/switch/", {"agency": county.police.pk, "next": "/plans/"})
    assert inside["Location"] == "/plans/"
    refused = client.post("/agency/switch/", {"agency": county.unrelated.pk})
    assert refused.status_code == 302
    assert client.session["concord_active_agency"] == county.police.pk
