"""Forwarded-header spoofing: X-Forwarded-For is trusted only as far as the declared proxies (NUM_PROXIES)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from rest_framework.views import APIView

from audit.models import AuditEvent
from plans.models import Classification, Plan
from portal.api.throttling import ClientAddressMixin
from tests.conftest import client_for

TOKEN_URL = "/api/v1/auth/token/"
AUTH_RATE = 20  # API_THROTTLE_AUTH's default, per minute
ADDRESS_LIMIT = 20  # LOGIN_ADDRESS_FAILURE_LIMIT's default
PROXY = "10.0.0.2"  # the reverse proxy's own address, as gunicorn sees it


# "default": the settings as a deployment gets them without NUM_PROXIES (no proxy trusted).
COUNTS = ["default", 0, 1]


@pytest.fixture
def proxies(settings):
    def declare(count: int | str) -> None:
        if count != "default":
            settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return declare


def _request_from(count: int | str, client: str, forged: str) -> dict[str, str]:
    """What reaches the app: with no proxy the client's own header; with one, the proxy appends the peer."""
    if count in {"default", 0}:
        return {"REMOTE_ADDR": client, "HTTP_X_FORWARDED_FOR": forged}
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}, {client}"}


@pytest.mark.parametrize("count", COUNTS)
def test_a_new_forwarded_header_on_each_try_does_not_escape_the_token_throttle(db, proxies, count):
    proxies(count)
    api = APIClient()
    # Empty bodies: refused before any password check, so only the throttle is at work here.
    statuses = [
        api.post(TOKEN_URL, {}, format="json", **_request_from(count, "198.51.100.20", f"192.0.2.{i}")).status_code
        for i in range(AUTH_RATE + 1)
    ]
    assert statuses[:AUTH_RATE] == [400] * AUTH_RATE
    assert statuses[AUTH_RATE] == 429
    # Someone else (another real address) is not held back by that client's throttle.
    other = api.post(TOKEN_URL, {}, format="json", **_request_from(count, "198.51.100.21", "192.0.2.1"))
    assert other.status_code == 400


@pytest.mark.parametrize("count", COUNTS)
def test_a_new_forwarded_header_on_each_try_does_not_escape_the_address_lockout(db, proxies, count):
    from axes.models import AccessAttempt

    proxies(count)
    api = APIClient()
    for i in range(ADDRESS_LIMIT - 1):
        api.post(
            TOKEN_URL,
            {"username": f"user{i}", "password": "guess"},
            format="json",
            **_request_from(count, "198.51.100.30", f"192.0.2.{i}"),
        )
    locked = api.post(
        TOKEN_URL,
        {"username": "user9", "password": "guess"},
        format="json",
        **_request_from(count, "198.51.100.30", "192.0.2.99"),
    )
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    # The lockout recorded the real client, never a forged or a proxy address.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.30"}
    other = api.post(
        TOKEN_URL,
        {"username": "user9", "password": "guess"},
        format="json",
        **_request_from(count, "198.51.100.31", "192.0.2.99"),
    )
    assert other.status_code == 400


@pytest.fixture
def sensitive(county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    return county


@pytest.mark.parametrize("count", COUNTS)
def test_the_audit_trail_records_the_address_the_proxy_saw_not_the_forged_one(sensitive, proxies, count):
    proxies(count)
    client_for(sensitive.partner_view_member).get(
        f"/api/v1/plans/{sensitive.plan.pk}/", **_request_from(count, "198.51.100.40", "192.0.2.66")
    )
    assert AuditEvent.objects.get(action="plan.read").ip_address == "198.51.100.40"


def test_with_two_proxies_the_entry_the_outer_proxy_appended_is_the_client(sensitive, proxies):
    proxies(2)
    client_for(sensitive.partner_view_member).get(
        f"/api/v1/plans/{sensitive.plan.pk}/",
        REMOTE_ADDR="10.0.0.3",
        HTTP_X_FORWARDED_FOR="192.0.2.66, 198.51.100.41, 10.0.0.2",
    )
    assert AuditEvent.objects.get(action="plan.read").ip_address == "198.51.100.41"


@pytest.mark.parametrize("forwarded", ["not-an-address", "", " , ", "198.51.100.1:443"])
def test_a_forwarded_entry_that_is_not_an_address_falls_back_to_the_peer(sensitive, proxies, forwarded):
    proxies(1)
    response = client_for(sensitive.partner_view_member).get(
        f"/api/v1/plans/{sensitive.plan.pk}/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="plan.read").ip_address == PROXY


def _api_views(resolver: URLResolver = None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if isinstance(view, type) and issubclass(view, APIView):
                yield pattern, view


def test_every_api_view_throttles_by_the_one_client_address():
    views = list(_api_views())
    assert views
    for pattern, view in views:
        for throttle in view().get_throttles():
            assert isinstance(throttle, ClientAddressMixin), f"{pattern.pattern} uses {type(throttle).__name__}"
