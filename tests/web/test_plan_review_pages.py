"""Issue 13, item 9 on the web: "Mark reviewed — no changes" on the plan page, its confirmation, and the
"Last reviewed on … by … (no changes)" line every reader of the plan sees."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from audit.models import AuditAction, AuditEvent
from notifications.models import OutboxEvent
from plans import services
from plans.models import Plan, PlanReview
from tests.conftest import web_client
from tests.permission_matrix import ACTORS, covers, matrix, user_of
from tests.plans.factories import make_plan
from tests.web.conftest import DESKTOP, PHONE, screenshot, sign_in

User = get_user_model()
VIEWERS = [actor for actor in ACTORS if actor not in ("anonymous", "unrelated_admin", "staff")]


def as_actor(county, actor: str) -> Client:
    return web_client(user_of(county, actor))


def review_url(plan) -> str:
    return f"/plans/{plan.pk}/reviewed/"


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def day(value) -> str:
    return dateformat.format(value, "j M Y")


def check_status(response, expected: int) -> None:
    if expected == 401:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    assert response.status_code == expected, response.content[:300]


@covers("plans:mark-reviewed")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=302,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_only_owner_admins_mark_a_plan_reviewed_and_nothing_changes_on_refusal(county, actor, expected):
    client = as_actor(county, actor)
    check_status(client.get(review_url(county.plan)), 200 if expected == 302 else expected)
    due_before = county.plan.next_review_due
    response = client.post(review_url(county.plan), {"version": county.published.number, "note": "Nothing changed."})
    check_status(response, expected)
    county.plan.refresh_from_db()
    if expected == 302:
        assert response["Location"] == f"/plans/{county.plan.pk}/"
        review = PlanReview.objects.get()
        assert (review.reviewed_by, review.note) == (county.owner_admin, "Nothing changed.")
        assert county.plan.next_review_due == timezone.localdate() + timedelta(days=county.plan.review_interval_days)
    else:
        assert not PlanReview.objects.exists()
        assert county.plan.next_review_due == due_before
        assert not AuditEvent.objects.filter(action=AuditAction.PLAN_REVIEWED).exists()


def test_the_button_is_offered_to_owner_admins_of_a_published_plan_only(county):
    link = f'href="{review_url(county.plan)}"'
    assert link in html_of(as_actor(county, "owner_admin").get(f"/plans/{county.plan.pk}/"))
    for actor in VIEWERS:
        if actor != "owner_admin":
            assert link not in html_of(as_actor(county, actor).get(f"/plans/{county.plan.pk}/")), actor
    unpublished = make_plan(owner=county.district, actor=county.owner_admin, title="Bus routes")
    page = html_of(as_actor(county, "owner_admin").get(f"/plans/{unpublished.pk}/"))
    assert f'href="{review_url(unpublished)}"' not in page


def test_the_confirmation_says_what_stays_when_the_next_review_falls_due_and_that_nobody_is_alerted(county):
    page = html_of(as_actor(county, "owner_admin").get(review_url(county.plan)))
    next_review = timezone.localdate() + timedelta(days=county.plan.review_interval_days)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Version 1 stays the current version exactly as published" in text
    assert "no one is alerted" in text
    assert f"The next review falls due on {day(next_review)}" in text
    assert county.published.content_sha256[:12] in page
    assert 'name="note"' in page
    assert f'name="version" value="{county.published.number}"' in page


def test_every_reader_of_the_plan_sees_when_it_was_last_reviewed_and_by_whom(county):
    Plan.objects.filter(pk=county.plan.pk).update(next_review_due=timezone.localdate() - timedelta(days=9))
    response = as_actor(county, "owner_admin").post(
        review_url(county.plan), {"version": "1", "note": "Checked with police and fire."}, follow=True
    )
    county.plan.refresh_from_db()
    assert f"The next review falls due on {day(county.plan.next_review_due)}" in response.content.decode()
    line = f"Last reviewed on {day(timezone.localdate())} by district_admin (no changes)"
    for actor in VIEWERS:
        page = html_of(as_actor(county, actor).get(f"/plans/{county.plan.pk}/"))
        assert line in page, actor
        assert "Checked with police and fire." in page, actor
        assert day(county.plan.next_review_due) in page, actor
    assert line not in html_of(as_actor(county, "owner_admin").get(f"/plans/{county.plan.pk}/print/"))


def test_a_new_version_replaces_the_last_reviewed_line(county):
    services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin)
    assert "Last reviewed on" in html_of(as_actor(county, "partner_view_member").get(f"/plans/{county.plan.pk}/"))
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    assert "Last reviewed on" not in html_of(as_actor(county, "partner_view_member").get(f"/plans/{county.plan.pk}/"))


def test_marking_from_the_web_alerts_nobody(county, django_capture_on_commit_callbacks):
    before = OutboxEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_actor(county, "owner_admin").post(review_url(county.plan), {"version": "1"})
    assert response.status_code == 302
    assert OutboxEvent.objects.count() == before
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_REVIEWED, object_id=str(county.plan.pk)).count() == 1


def test_a_note_too_long_is_shown_next_to_the_field_and_nothing_is_recorded(county):
    response = as_actor(county, "owner_admin").post(review_url(county.plan), {"version": "1", "note": "x" * 2001})
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert not PlanReview.objects.exists()


def test_a_form_without_its_version_says_so_and_records_nothing(county):
    response = as_actor(county, "owner_admin").post(review_url(county.plan), {"note": "ok"})
    assert response.status_code == 400
    assert "did not say which version you reviewed" in response.content.decode()
    assert not PlanReview.objects.exists()


def test_a_version_published_meanwhile_is_not_marked_and_the_page_offers_the_new_one(county):
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    response = as_actor(county, "owner_admin").post(review_url(county.plan), {"version": "1", "note": "Fine."})
    assert response.status_code == 409
    page = response.content.decode()
    assert "v2 is the current version now, not v1" in page
    assert 'name="version" value="2"' in page
    assert not PlanReview.objects.exists()


def test_a_plan_without_a_current_version_cannot_be_marked(county):
    services.plan_version_withdraw(version=county.published, actor=county.owner_admin)
    client = as_actor(county, "owner_admin")
    response = client.get(review_url(county.plan))
    assert response.status_code == 409
    assert "no current version to confirm" in response.content.decode()
    assert client.post(review_url(county.plan), {"version": "1"}).status_code == 409
    assert not PlanReview.objects.exists()


# --- in a real browser ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "suffix"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_an_admin_marks_the_plan_reviewed_and_a_partner_sees_it(
    page, live_server, web_county, console_errors, size, suffix
):
    county = web_county
    Plan.objects.filter(pk=county.plan.pk).update(next_review_due=timezone.localdate() - timedelta(days=12))
    page.set_viewport_size(size)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/")
    page.get_by_role("link", name="Mark reviewed — no changes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("reviewed — no changes?")
    page.get_by_label("Note (optional)").fill("Walked through with Ridgeford Police and Fire; nothing changed.")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"plan-review-confirm-{suffix}")
    page.get_by_role("button", name="Mark reviewed — no changes").click()
    expect(
        page.get_by_text(re.compile(r"Marked v1 reviewed — no changes\. The next review falls due on"))
    ).to_be_visible()
    expect(page.get_by_text(re.compile(r"Last reviewed on .* by district_admin \(no changes\)"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"plan-reviewed-{suffix}")
    page.context.clear_cookies()
    sign_in(page, live_server, "police_officer")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/")
    expect(page.get_by_text(re.compile(r"Last reviewed on .* by district_admin \(no changes\)"))).to_be_visible()
    expect(page.get_by_role("link", name="Mark reviewed — no changes")).to_have_count(0)
    assert console_errors == []
