"""API tokens: hashed, expiring after inactivity, named, listed and revoked by their owner only, and all of a
person's tokens revoked when their credentials or access change (password change or reset, deactivation,
leaving their last agency)."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from access.actors import SYSTEM
from agencies.models import Membership
from tests.agencies.factories import PASSWORD
from tests.conftest import client_for, web_client

User = get_user_model()
TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


def token_model():
    """The token model (looked up by name, so these tests fail cleanly on a tree without it)."""
    return apps.get_model("accounts", "ApiToken")


def sign_in(user, **extra) -> dict:
    response = APIClient().post(TOKEN_URL, {"username": user.username, "password": PASSWORD, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def me_status(token: str) -> int:
    return bearer(token).get("/api/v1/me/").status_code


# --- Issuing ------------------------------------------------------------------------------------------------------


def test_every_sign_in_issues_a_new_token_and_each_works(county):
    first = sign_in(county.owner_member)
    second = sign_in(county.owner_member)
    assert first["token"] != second["token"]
    assert me_status(first["token"]) == 200
    assert me_status(second["token"]) == 200


def test_sign_in_answers_with_the_token_its_id_name_and_expiry(county):
    before = timezone.now()
    body = sign_in(county.owner_member, name="CAD integration")
    assert set(body) >= {"token", "id", "name", "expiry", "created"}
    assert body["name"] == "CAD integration"
    expiry = timezone.datetime.fromisoformat(body["expiry"])
    # The default lifetime: 30 days of inactivity.
    assert before + timedelta(days=30) - timedelta(minutes=1) < expiry < timezone.now() + timedelta(days=30, minutes=1)


def test_the_database_holds_only_knox_digests_never_a_usable_token(county):
    body = sign_in(county.owner_member, name="CAD")
    token = body["token"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {token_model()._meta.db_table}")  # noqa: S608 - a model's own table name
        columns = [c.name for c in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1
    stored = dict(zip(columns, rows[0], strict=True))
    # Nothing stored contains the token, and the digest is knox's SHA-512 of it.
    assert all(token not in str(value) for value in stored.values())
    assert stored["digest"] == hashlib.sha512(token.encode()).hexdigest()
    # Nothing stored is accepted as a token in its place.
    for value in stored.values():
        if isinstance(value, str) and value:
            assert me_status(value) == 401
    # The legacy plaintext table of DRF's tokens is gone.
    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_token_endpoint_authenticates_through_django_authenticate(county):
    """Sign-in goes through django.contrib.auth.authenticate, so its signals (and lockout) see every attempt."""
    from django.contrib.auth.signals import user_login_failed

    seen = []

    def failed(sender, credentials, request=None, **kwargs):
        seen.append((credentials.get("username"), request is not None))

    user_login_failed.connect(failed)
    try:
        response = APIClient().post(
            TOKEN_URL, {"username": county.owner_member.username, "password": "wrong"}, format="json"
        )
    finally:
        user_login_failed.disconnect(failed)
    assert response.status_code == 400
    assert "token" not in response.json()
    assert seen == [(county.owner_member.username, True)]


def test_an_inactive_person_gets_no_token(county):
    county.owner_member.is_active = False
    county.owner_member.save()
    response = APIClient().post(
        TOKEN_URL, {"username": county.owner_member.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert not token_model().objects.exists()


# --- Expiry -------------------------------------------------------------------------------------------------------


def test_an_expired_token_answers_401(county):
    body = sign_in(county.owner_member)
    token_model().objects.filter(pk=body["id"]).update(expiry=timezone.now() - timedelta(seconds=1))
    assert me_status(body["token"]) == 401


def test_use_extends_the_expiry_but_writes_at_most_once_a_minute(county):
    body = sign_in(county.owner_member)
    Token = token_model()
    # As if the token had last been used almost 30 days ago: it has minutes left.
    Token.objects.filter(pk=body["id"]).update(expiry=timezone.now() + timedelta(minutes=10), last_used=None)
    assert me_status(body["token"]) == 200
    token = Token.objects.get(pk=body["id"])
    assert token.expiry > timezone.now() + timedelta(days=29, hours=23)
    assert token.last_used is not None
    assert timezone.now() - token.last_used < timedelta(minutes=1)
    # A second read within the minute does not write the token row again.
    with CaptureQueriesContext(connection) as captured:
        assert me_status(body["token"]) == 200
    writes = [q["sql"] for q in captured if q["sql"].startswith("UPDATE") and Token._meta.db_table in q["sql"]]
    assert writes == []
    assert Token.objects.get(pk=body["id"]).expiry == token.expiry


def test_the_lifetime_is_configurable(county, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(days=2)}
    body = sign_in(county.owner_member)
    expiry = timezone.datetime.fromisoformat(body["expiry"])
    assert timezone.now() + timedelta(days=1, hours=23) < expiry < timezone.now() + timedelta(days=2, minutes=1)


# --- Owner's list and revoke (API) --------------------------------------------------------------------------------


def test_owner_lists_creates_and_revokes_their_own_tokens(county):
    first = sign_in(county.owner_member, name="laptop")
    client = bearer(first["token"])
    created = client.post(TOKENS_URL, {"name": "GIS sync"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["name"] == "GIS sync"
    assert me_status(created.json()["token"]) == 200
    listing = client.get(TOKENS_URL)
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert {row["name"] for row in rows} == {"laptop", "GIS sync"}
    assert all(set(row) >= {"id", "name", "created", "last_used", "expiry"} for row in rows)
    assert all("token" not in row and "digest" not in row for row in rows)
    revoked = client.delete(f"{TOKENS_URL}{created.json()['id']}/")
    assert revoked.status_code == 204
    assert me_status(created.json()["token"]) == 401
    assert me_status(first["token"]) == 200


def test_nobody_lists_or_revokes_another_persons_tokens(county):
    victim = sign_in(county.owner_member, name="victim's CAD link")
    for attacker in (county.owner_admin, county.unrelated_admin, county.staff):
        client = bearer(sign_in(attacker)["token"])
        names = [row["name"] for row in client.get(TOKENS_URL).json()["results"]]
        assert "victim's CAD link" not in names
        assert client.delete(f"{TOKENS_URL}{victim['id']}/").status_code == 404
        assert client_for(attacker).delete(f"{TOKENS_URL}{victim['id']}/").status_code == 404
    assert me_status(victim["token"]) == 200


def test_logout_revokes_the_token_used_and_logout_all_revokes_every_token(county):
    first, second, third = (sign_in(county.owner_member) for _ in range(3))
    assert bearer(first["token"]).post("/api/v1/auth/logout/").status_code == 204
    assert me_status(first["token"]) == 401
    assert me_status(second["token"]) == 200
    assert bearer(second["token"]).post("/api/v1/auth/logout-all/").status_code == 204
    assert me_status(second["token"]) == 401
    assert me_status(third["token"]) == 401


def test_token_management_needs_a_signed_in_caller(county):
    anonymous = APIClient()
    assert anonymous.get(TOKENS_URL).status_code == 401
    assert anonymous.post(TOKENS_URL, {"name": "x"}, format="json").status_code == 401
    assert anonymous.post("/api/v1/auth/logout/").status_code == 401
    assert anonymous.post("/api/v1/auth/logout-all/").status_code == 401


# --- Everything revoked when credentials or access change --------------------------------------------------------


def test_changing_the_password_revokes_every_token(county):
    user = county.owner_member
    tokens = [sign_in(user)["token"] for _ in range(2)]
    other = sign_in(county.owner_admin)["token"]
    client = web_client(user)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-passphrase-9",
            "new_password2": "brand-new-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert [me_status(token) for token in tokens] == [401, 401]
    assert me_status(other) == 200


def test_resetting_the_password_by_email_revokes_every_token(client, county, mailoutbox):
    user = county.owner_member
    user.email = "member@district.example.org"
    user.save(update_fields=["email"])
    token = sign_in(user)["token"]
    assert client.post("/accounts/password_reset/", {"email": user.email}).status_code == 302
    [message] = mailoutbox
    link = re.search(r"http://\S+/accounts/reset/\S+/", message.body).group(0)
    form = client.get(link.split("testserver")[-1], follow=True)
    assert form.status_code == 200
    new_password = "a-fresh-long-passphrase-42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert me_status(token) == 401
    assert not token_model().objects.filter(user=user).exists()


def test_a_password_hash_upgrade_at_sign_in_is_not_a_password_change(county, settings):
    user = county.owner_member
    token = sign_in(user)["token"]
    # A stronger hasher first: the next sign-in re-hashes the same password, which must not revoke anything.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    sign_in(user)
    assert User.objects.get(pk=user.pk).password.startswith("pbkdf2_")
    assert me_status(token) == 200


def test_deactivating_a_person_revokes_every_token(county):
    user = county.owner_member
    token = sign_in(user)["token"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not token_model().objects.filter(user=user).exists()
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert me_status(token) == 401


def test_deactivating_a_person_in_the_admin_revokes_every_token(county, client):
    user = county.owner_member
    token = sign_in(user)["token"]
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x" * 20))
    change = f"/admin/auth/user/{user.pk}/change/"
    joined = timezone.localtime(user.date_joined)
    response = client.post(
        change,
        {
            "username": user.username,
            "email": user.email,
            "first_name": "",
            "last_name": "",
            "is_staff": "",
            # is_active left out: the checkbox is cleared.
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
            "initial-date_joined_0": joined.strftime("%Y-%m-%d"),
            "initial-date_joined_1": joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content
    assert User.objects.get(pk=user.pk).is_active is False
    assert not token_model().objects.filter(user=user).exists()
    assert me_status(token) == 401


def test_leaving_the_last_agency_revokes_every_token_but_leaving_one_of_two_does_not(county):
    from agencies.services import membership_add

    # The planner also belongs to the fire department: leaving the district keeps their tokens.
    planner = county.owner_planner
    membership_add(agency=county.fire, user=planner, role="member", actor=SYSTEM)
    planner_token = sign_in(planner)["token"]
    member_token = sign_in(county.owner_member)["token"]
    admin = client_for(county.owner_admin)
    for user in (planner, county.owner_member):
        membership = Membership.objects.get(user=user, agency=county.district)
        url = f"/api/v1/agencies/{county.district.pk}/memberships/{membership.pk}/"
        assert admin.delete(url).status_code == 204
    assert me_status(planner_token) == 200
    assert me_status(member_token) == 401
    assert not token_model().objects.filter(user=county.owner_member).exists()


# --- The web page -------------------------------------------------------------------------------------------------


def test_the_user_menu_links_to_the_api_tokens_page(county):
    page = web_client(county.owner_member).get("/")
    assert page.status_code == 200
    assert b'href="/accounts/api-tokens/"' in page.content


def test_web_page_creates_a_token_shown_once_lists_and_revokes_it(county):
    client = web_client(county.owner_member)
    empty = client.get("/accounts/api-tokens/")
    assert empty.status_code == 200
    assert b"API tokens" in empty.content
    created = client.post("/accounts/api-tokens/", {"name": "Dispatch CAD"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    token = re.search(rb'data-new-token="([0-9a-f]{64})"', created.content).group(1).decode()
    assert me_status(token) == 200
    listing = client.get("/accounts/api-tokens/")
    html = listing.content.decode()
    assert "Dispatch CAD" in html
    assert token not in html  # shown once only
    [row] = token_model().objects.filter(user=county.owner_member)
    for heading in ("Name", "Created", "Last used", "Expires"):
        assert f">{heading}<" in html
    confirm = client.get(f"/accounts/api-tokens/{row.pk}/revoke/")
    assert confirm.status_code == 200
    assert "Dispatch CAD" in confirm.content.decode()
    assert me_status(token) == 200  # asking is not revoking
    done = client.post(f"/accounts/api-tokens/{row.pk}/revoke/")
    assert done.status_code == 302
    assert done["Location"] == "/accounts/api-tokens/"
    assert me_status(token) == 401


def test_web_page_refuses_an_empty_or_overlong_name(county):
    client = web_client(county.owner_member)
    for name in ("", "x" * 101):
        response = client.post("/accounts/api-tokens/", {"name": name})
        assert response.status_code == 200
        assert b"data-new-token" not in response.content
    assert not token_model().objects.exists()


def test_web_page_hides_and_protects_another_persons_tokens(county):
    victim = sign_in(county.owner_member, name="victim's CAD link")
    client = web_client(county.owner_admin)
    assert "victim&#x27;s CAD link" not in client.get("/accounts/api-tokens/").content.decode()
    assert client.get(f"/accounts/api-tokens/{victim['id']}/revoke/").status_code == 404
    assert client.post(f"/accounts/api-tokens/{victim['id']}/revoke/").status_code == 404
    assert me_status(victim["token"]) == 200


def test_web_page_needs_a_signed_in_person(client, db):
    response = client.get("/accounts/api-tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Schema -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_documents_the_token_endpoints(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    sign_in_op = paths["/api/v1/auth/token/"]["post"]
    # Sign-in takes no credentials but the body's (no global requirement, none on the operation).
    assert "security" not in schema
    assert sign_in_op.get("security", []) in ([], [{}])
    assert set(sign_in_op["responses"]) >= {"200", "400", "429"}
    assert set(paths["/api/v1/auth/tokens/"]) >= {"get", "post"}
    assert set(paths["/api/v1/auth/tokens/{id}/"]["delete"]["responses"]) >= {"204", "401", "404"}
    for path in ("/api/v1/auth/logout/", "/api/v1/auth/logout-all/"):
        assert set(paths[path]["post"]["responses"]) >= {"204", "401"}
    listing = paths["/api/v1/auth/tokens/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listing["$ref"].endswith("PaginatedApiTokenList")
    assert paths["/api/v1/auth/logout/"]["post"]["security"] == [{"tokenAuth": []}]
    assert schema["components"]["schemas"]["NewApiToken"]["required"] == [
        "created",
        "expiry",
        "id",
        "name",
        "second_factor",
        "token",
    ]
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["in"] == "header"
    assert scheme["name"] == "Authorization"


# --- Odd input ----------------------------------------------------------------------------------------------------


def test_a_token_that_is_not_utf8_answers_401_not_500(county):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token caf\xe9")
    assert client.get("/api/v1/me/").status_code == 401


def test_token_sign_in_opens_no_browser_session(county):
    from django.contrib.sessions.models import Session

    response = APIClient().post(
        TOKEN_URL, {"username": county.owner_member.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_an_optional_maximum_age_caps_the_sliding_expiry(county, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "AUTO_REFRESH_MAX_TTL": timedelta(days=90)}
    body = sign_in(county.owner_member)
    Token = token_model()
    issued = timezone.now() - timedelta(days=89)
    Token.objects.filter(pk=body["id"]).update(created=issued, expiry=timezone.now() + timedelta(hours=1))
    assert me_status(body["token"]) == 200
    assert Token.objects.get(pk=body["id"]).expiry <= issued + timedelta(days=90)
    Token.objects.filter(pk=body["id"]).update(created=issued - timedelta(days=2), expiry=timezone.now())
    assert me_status(body["token"]) == 401


def test_an_operator_setting_a_new_password_in_the_admin_revokes_every_token(county, client):
    user = county.owner_member
    token = sign_in(user)["token"]
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x" * 20))
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "an-operator-set-passphrase-7", "password2": "an-operator-set-passphrase-7"},
    )
    assert response.status_code == 302, response.content
    assert me_status(token) == 401


def test_an_operator_sees_tokens_in_the_admin_without_their_values_and_can_revoke_one(county, client):
    body = sign_in(county.owner_member, name="Dispatch CAD")
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x" * 20))
    listing = client.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200
    assert "Dispatch CAD" in listing.content.decode()
    row = token_model().objects.get(pk=body["id"])
    change = client.get(f"/admin/accounts/apitoken/{row.pk}/change/").content.decode()
    assert row.digest not in change
    assert body["token"] not in change
    assert client.post(f"/admin/accounts/apitoken/{row.pk}/delete/", {"post": "yes"}).status_code == 302
    assert me_status(body["token"]) == 401
