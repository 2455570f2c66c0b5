"""Every page that sends a person on to a `next` address (or links back to the referring page) keeps them on this
site, and on https when they came over https; anything else goes to the page's own fallback."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from access.actors import SYSTEM
from agencies.services import membership_add
from notifications.models import Notification, OutboxEvent
from notifications.services import outbox_event_fan_out
from tests.agencies.factories import PASSWORD
from tests.reviews.helpers import post as comment_post
from tests.sign_in import SIGN_IN_URL, sign_in_form

# (candidate, the request is https, the candidate is kept)
CASES = [
    pytest.param("https://evil.example/plans/", False, False, id="another-site"),
    pytest.param("//evil.example/plans/", False, False, id="scheme-relative-other-site"),
    pytest.param("https://testserver/plans/", False, True, id="https-same-host-from-http"),
    pytest.param("http://testserver/plans/", True, False, id="http-same-host-from-https"),
    pytest.param("/plans/?from=next", False, True, id="relative-path"),
    pytest.param("/plans/?from=next", True, True, id="relative-path-from-https"),
]


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _location(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"].partition("#")[0]  # the review panels add the comment's anchor


def _sign_in(county, candidate: str, secure: bool) -> tuple[str, str]:
    response = Client().post(
        SIGN_IN_URL,
        sign_in_form(county.owner_member.username, PASSWORD, next=candidate),
        secure=secure,
    )
    return _location(response), "/"


def _agency_switch(county, candidate: str, secure: bool) -> tuple[str, str]:
    membership_add(agency=county.fire, user=county.partner_view_liaison, role="liaison", actor=SYSTEM)
    client = _signed_in(county.partner_view_liaison)
    response = client.post("/agency/switch/", {"agency": county.fire.pk, "next": candidate}, secure=secure)
    return _location(response), "/"


def _alert_read(county, candidate: str, secure: bool) -> tuple[str, str]:
    for event_id in OutboxEvent.objects.values_list("pk", flat=True):
        outbox_event_fan_out(event_id=event_id)
    liaison = county.partner_view_liaison
    alert = Notification.objects.filter(user=liaison).latest("id")
    response = _signed_in(liaison).post(f"/alerts/{alert.pk}/read/", {"next": candidate}, secure=secure)
    return _location(response), "/alerts/"


def _alert_read_all(county, candidate: str, secure: bool) -> tuple[str, str]:
    response = _signed_in(county.partner_view_liaison).post("/alerts/read-all/", {"next": candidate}, secure=secure)
    return _location(response), "/alerts/"


def _acknowledge(county, candidate: str, secure: bool) -> tuple[str, str]:
    response = _signed_in(county.partner_view_member).post(
        f"/plans/{county.plan.pk}/acknowledge/", {"version": 1, "next": candidate}, secure=secure
    )
    return _location(response), f"/plans/{county.plan.pk}/"


def _comment(county, candidate: str, secure: bool) -> tuple[str, str]:
    response = _signed_in(county.partner_comment_liaison).post(
        f"/plans/{county.plan.pk}/versions/1/comments/", {"body": "Check the exits.", "next": candidate}, secure=secure
    )
    return _location(response), f"/plans/{county.plan.pk}/versions/1/"


def _resolve(county, candidate: str, secure: bool) -> tuple[str, str]:
    comment = comment_post(county.partner_comment_liaison, county.published)
    response = _signed_in(county.owner_planner).post(
        f"/plans/{county.plan.pk}/comments/{comment.pk}/resolve/", {"note": "Done.", "next": candidate}, secure=secure
    )
    return _location(response), f"/plans/{county.plan.pk}/"


def _too_large_back_link(county, candidate: str, secure: bool) -> tuple[str, str]:
    # The 413 page's "Go back" link is the Referer when that is on this site.
    response = _signed_in(county.owner_member).post(
        "/agency/switch/", {}, secure=secure, CONTENT_LENGTH=str(10**9), HTTP_REFERER=candidate
    )
    assert response.status_code == 413
    return response.context["back_url"], "/"


PLACES: dict[str, Callable[..., tuple[str, str]]] = {
    "sign-in": _sign_in,
    "agency-switch": _agency_switch,
    "alert-read": _alert_read,
    "alert-read-all": _alert_read_all,
    "acknowledge": _acknowledge,
    "comment-post": _comment,
    "comment-resolve": _resolve,
    "too-large-back-link": _too_large_back_link,
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize(("candidate", "secure", "kept"), CASES)
def test_a_next_address_is_followed_only_within_this_site_and_never_from_https_down_to_http(
    county, place, candidate, secure, kept
):
    location, fallback = PLACES[place](county, candidate, secure)
    assert location == (candidate if kept else fallback)


def test_only_the_one_helper_decides_whether_an_address_is_on_this_site():
    root = Path(__file__).resolve().parent.parent.parent
    callers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not path.relative_to(root).parts[0].startswith((".", "tests"))
        and "url_has_allowed_host_and_scheme" in path.read_text()
    }
    assert callers == {"portal/redirects.py"}
