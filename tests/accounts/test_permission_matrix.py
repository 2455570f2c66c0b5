"""Tenant isolation for API tokens, in the API and on the "API tokens" pages: every actor, the exact status, and
nothing changed on refusal. A token is its person's alone: another person (whatever their agency or role, the
platform staff included) neither sees it nor revokes it (404), and nobody signed out gets anywhere.

The district member holds the token "Ridgeford CAD bridge"; every other actor is "another person".
"""

import pytest
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken
from tests.conftest import web_client
from tests.permission_matrix import ACTORS, client_as, covers, matrix, user_of

TOKEN_NAME = "Ridgeford CAD bridge"
HOLDER = "owner_member"
SIGNED_IN = {actor: 200 for actor in ACTORS if actor != "anonymous"}


def holder_only(holder: int, anonymous: int) -> list:
    """The holder gets `holder`, nobody else finds the token (404), anonymous gets `anonymous`."""
    return matrix(**{**dict.fromkeys(ACTORS, 404), "anonymous": anonymous, HOLDER: holder})


@pytest.fixture
def token(county) -> tuple[ApiToken, str]:
    """The district member's token and its plaintext."""
    return services.api_token_create(user=county.owner_member, name=TOKEN_NAME)


def tokens() -> list[tuple]:
    """Every token, as stored (who holds it, its name, when it expires)."""
    return sorted(ApiToken.objects.values_list("id", "user_id", "name", "expiry", "last_used"))


def works(plaintext: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    return client.get("/api/v1/me/").status_code == 200


# --- The API -------------------------------------------------------------------------------------------------------


@covers("api-token-list")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN))
def test_api_tokens_are_listed_to_their_holder_only(county, token, actor, expected):
    before = tokens()
    response = client_as(county, actor).get("/api/v1/auth/tokens/")
    assert response.status_code == expected, response.content
    if expected == 200:
        names = [row["name"] for row in response.json()["results"]]
        assert names == ([TOKEN_NAME] if actor == HOLDER else [])
    assert TOKEN_NAME.encode() not in response.content or actor == HOLDER
    assert tokens() == before


@covers("api-token-list")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **dict.fromkeys(SIGNED_IN, 201)))
def test_every_signed_in_person_creates_a_token_for_themselves_only(county, token, actor, expected):
    before = tokens()
    response = client_as(county, actor).post("/api/v1/auth/tokens/", {"name": "GIS sync"}, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        created = ApiToken.objects.get(pk=response.json()["id"])
        assert (created.user_id, created.name) == (user_of(county, actor).pk, "GIS sync")
        assert works(response.json()["token"])
    else:
        assert tokens() == before


@covers("api-token-detail")
@pytest.mark.parametrize(("actor", "expected"), holder_only(204, anonymous=401))
def test_only_the_holder_revokes_an_api_token(county, token, actor, expected):
    record, plaintext = token
    before = tokens()
    response = client_as(county, actor).delete(f"/api/v1/auth/tokens/{record.pk}/")
    assert response.status_code == expected, response.content
    if expected == 204:
        assert not ApiToken.objects.filter(pk=record.pk).exists()
        assert not works(plaintext)
    else:
        assert tokens() == before
        assert works(plaintext)


@covers("auth-logout", "auth-logout-all")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **dict.fromkeys(SIGNED_IN, 204)))
def test_signing_out_revokes_only_the_callers_own_tokens(county, token, actor, expected):
    """Each actor signs out with a token of their own: first the one used, then all of theirs."""
    _, holders_plaintext = token
    user = user_of(county, actor)
    client = APIClient()
    if user is not None:
        first, second = (services.api_token_create(user=user)[1] for _ in range(2))
        client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    before = tokens()
    assert client.post("/api/v1/auth/logout/").status_code == expected
    if user is not None:
        assert (works(first), works(second)) == (False, True)
        client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.post("/api/v1/auth/logout-all/").status_code == expected
    if user is None:
        assert tokens() == before
    else:
        assert not works(second)
        assert not ApiToken.objects.filter(user=user).exists()
    # The holder's own token goes only when the holder signs everything out.
    assert works(holders_plaintext) == (actor != HOLDER)


# --- The pages -----------------------------------------------------------------------------------------------------


def signed_out_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@covers("accounts:api-tokens")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=302, **SIGNED_IN))
def test_the_api_tokens_page_lists_the_holders_token_to_the_holder_only(county, token, actor, expected):
    client = web_client(user_of(county, actor))
    before = tokens()
    response = client.get("/accounts/api-tokens/")
    assert response.status_code == expected
    assert (TOKEN_NAME in response.content.decode()) == (actor == HOLDER)
    if expected == 302:
        assert signed_out_to_login(response)
    created = client.post("/accounts/api-tokens/", {"name": "GIS sync"})
    assert created.status_code == expected
    if expected == 200:
        # A new token is the creator's, whoever holds other tokens.
        assert ApiToken.objects.filter(user=user_of(county, actor), name="GIS sync").count() == 1
    else:
        assert signed_out_to_login(created)
        assert tokens() == before


@covers("accounts:api-token-revoke")
@pytest.mark.parametrize(("actor", "expected"), holder_only(302, anonymous=302))
def test_only_the_holder_is_asked_about_and_revokes_a_token_on_the_web(county, token, actor, expected):
    record, plaintext = token
    client = web_client(user_of(county, actor))
    url = f"/accounts/api-tokens/{record.pk}/revoke/"
    before = tokens()
    asked = client.get(url)
    assert asked.status_code == (200 if actor == HOLDER else expected)
    assert (TOKEN_NAME in asked.content.decode()) == (actor == HOLDER)
    response = client.post(url)
    assert response.status_code == expected
    if actor == HOLDER:
        assert response["Location"] == "/accounts/api-tokens/"
        assert not works(plaintext)
    else:
        if actor == "anonymous":
            assert signed_out_to_login(asked)
            assert signed_out_to_login(response)
        assert tokens() == before
        assert works(plaintext)
