"""The personal calendar feed: its secret link, what it holds, and that access is read again at every fetch."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from audit.models import AuditAction, AuditEvent
from feeds.api.throttling import CalendarFeedThrottle
from feeds.models import FeedToken
from feeds.services import feed_token_create, feed_token_revoke, token_digest
from plans.services import plan_unshare
from portal.errors import NotAllowedError
from reading.models import ReadingObligation
from tests.conftest import client_for
from tests.feeds.helpers import feed_path, summaries

REVIEW = "Review due: Maple Valley High crisis plan"


def fetch(path: str):
    return client_for(None).get(path)


def test_the_link_is_stored_only_as_a_digest_and_audited(county):
    token, secret = feed_token_create(user=county.owner_member, actor=county.owner_member)
    assert token.token_hash == token_digest(secret)
    assert secret not in token.token_hash
    assert AuditEvent.objects.filter(action=AuditAction.FEED_TOKEN_CREATE, actor=county.owner_member).exists()


def test_the_review_date_is_an_all_day_event_linking_to_the_plan(county):
    response = fetch(feed_path(county.partner_view_member))
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == REVIEW
    assert event.decoded("DTSTART") == county.plan.next_review_due
    assert str(event["URL"]) == f"http://testserver/plans/{county.plan.pk}/"
    assert str(event["UID"]) == f"plan-{county.plan.pk}-review@concord"
    assert response["Cache-Control"] == "private, no-store"


def test_a_revoked_share_drops_the_plan_at_the_next_fetch(county):
    path = feed_path(county.partner_view_member)
    assert summaries(fetch(path).content) == [REVIEW]
    plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    response = fetch(path)
    assert response.status_code == 200
    assert summaries(response.content) == []
    assert "Maple Valley" not in response.content.decode()


def test_a_revoked_or_replaced_link_is_a_404(county):
    first = feed_path(county.owner_member)
    second = feed_path(county.owner_member)
    assert fetch(first).status_code == 404
    assert fetch(second).status_code == 200
    assert feed_token_revoke(user=county.owner_member, actor=county.owner_member)
    assert fetch(second).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.FEED_TOKEN_REVOKE).count() == 1


def test_a_deactivated_persons_link_is_a_404(county):
    path = feed_path(county.owner_member)
    county.owner_member.is_active = False
    county.owner_member.save(update_fields=["is_active"])
    assert fetch(path).status_code == 404


def test_a_fetch_notes_when_the_link_was_last_used(county):
    path = feed_path(county.owner_member)
    assert FeedToken.objects.get().last_used_at is None
    fetch(path)
    assert FeedToken.objects.get().last_used_at is not None


def test_open_required_reading_is_on_the_calendar_until_acknowledged(county):
    due = timezone.now() + timedelta(days=10)
    obligation = ReadingObligation.objects.create(
        agency=county.police, user=county.partner_view_member, plan=county.plan, version=county.published, due_at=due
    )
    path = feed_path(county.partner_view_member)
    assert summaries(fetch(path).content) == [REVIEW, "Acknowledge: Maple Valley High crisis plan (version 1)"]
    obligation.acknowledged_at = timezone.now()
    obligation.save(update_fields=["acknowledged_at"])
    assert summaries(fetch(path).content) == [REVIEW]


def test_reading_of_a_plan_no_longer_shared_is_not_shown_even_if_the_obligation_lingers(county):
    ReadingObligation.objects.create(
        agency=county.police,
        user=county.partner_view_member,
        plan=county.plan,
        version=county.published,
        due_at=timezone.now() + timedelta(days=3),
    )
    plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    ReadingObligation.objects.get_or_create(
        agency=county.police,
        user=county.partner_view_member,
        plan=county.plan,
        defaults={"version": county.published, "due_at": timezone.now() + timedelta(days=3)},
    )
    assert summaries(fetch(feed_path(county.partner_view_member)).content) == []


def test_someone_else_cannot_make_or_revoke_my_link(county):
    with pytest.raises(NotAllowedError):
        feed_token_create(user=county.owner_member, actor=county.owner_admin)
    feed_token_create(user=county.owner_member, actor=county.owner_member)
    with pytest.raises(NotAllowedError):
        feed_token_revoke(user=county.owner_member, actor=county.owner_admin)
    assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_one_link_is_rate_limited_on_its_own(county, monkeypatch):
    monkeypatch.setattr(CalendarFeedThrottle, "THROTTLE_RATES", {"calendar_feed": "2/hour"})
    path = feed_path(county.owner_member)
    assert [fetch(path).status_code for _ in range(3)] == [200, 200, 429]
    assert fetch(feed_path(county.partner_view_member)).status_code == 200
