"""E-mail channel against a real SMTP server: batching, no duplicates, retries, access at send time, digests."""

import re
import socket
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from html import unescape

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, connections
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from access.actors import SYSTEM
from agencies.models import AssignmentRole, Membership, Role
from agencies.services import membership_remove, personnel_assignment_create
from notifications.channels import email, email_content
from notifications.channels.webhooks import webhook_message
from notifications.models import PERSONAL_EVENT_TYPES, Delivery, DeliveryStatus, EventType, OutboxEvent
from notifications.services import outbox_event_fan_out, preferences_update
from plans import services as plan_services
from plans.models import Classification, ShareLevel
from tests.buildings.helpers import add_document
from tests.conftest import web_client
from tests.notifications.conftest import add_members
from tests.plans.change_scenario import reunification_moved
from tests.plans.factories import draft, make_plan, publish

SITE = "https://concord.example.org"
SECTION_BODY = "SECTION-BODY-MARKER: the reunification code word is Bluebird."
SUMMARY = "Reunification moved to Lincoln Stadium; new radio channel."


class RecordingHandler:
    """Records every message and counts SMTP sessions (one EHLO per session from smtplib)."""

    def __init__(self) -> None:
        self.messages: list = []
        self.sessions = 0
        self.refuse: set[str] = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, server_hostname="smtp.test")
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list:
        return self.handler.messages

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = SITE
    yield server
    server.stop()


@pytest.fixture
def lincoln(county):
    """Lincoln High's plan (v1) shared with police (view) and fire (comment), with v2 drafted."""
    plan = make_plan(owner=county.district, actor=county.owner_admin, title="Lincoln High crisis plan")
    publish(plan, county.owner_admin, "Evacuate to the north field.")
    plan_services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
    plan_services.plan_share(plan=plan, agency=county.fire, level=ShareLevel.COMMENT, actor=county.owner_admin)
    draft(plan, county.owner_planner, SECTION_BODY, summary=SUMMARY)
    plan.refresh_from_db()
    return plan


def publish_and_fan_out(plan, actor) -> OutboxEvent:
    """Publish the plan's draft and fan the event out (on-commit hooks never run inside a test)."""
    version = plan.versions.filter(state="draft").latest("number")
    plan_services.plan_version_publish(version=version, actor=actor)
    event = OutboxEvent.objects.filter(plan=plan, event_type=EventType.VERSION_PUBLISHED).latest("id")
    outbox_event_fan_out(event_id=event.pk)
    return event


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_publish_mails_each_liaison_once_with_summary_link_and_no_plan_content(county, lincoln, smtp):
    event = publish_and_fan_out(lincoln, county.owner_admin)

    sent = email.email_send_pending(event_id=event.pk)

    liaisons = [county.owner_liaison, county.partner_view_liaison, county.partner_comment_liaison]
    assert sent == 3
    assert sorted(m["To"] for m in smtp.messages) == sorted(u.email for u in liaisons)
    assert smtp.handler.sessions == 1
    # Straight to "What changed" on the web, against the version it replaces (never the JSON API).
    link = f"{SITE}/plans/{lincoln.pk}/diff/?from=1&to=2"
    for message in smtp.messages:
        assert message["Subject"] == "[Concord] Lincoln High crisis plan: version 2 published"
        assert message["Auto-Submitted"] == "auto-generated"
        text, html = parts(message)
        for body in (text, html.replace("&amp;", "&")):
            assert SUMMARY in body
            assert link in body
            assert "/api/" not in body
            assert "SECTION-BODY-MARKER" not in body
            assert "Bluebird" not in body
        assert '<html lang="en">' in html
        assert "<img" not in html
        assert "<link" not in html
    deliveries = Delivery.objects.filter(event=event, channel="email")
    assert {d.status for d in deliveries} == {DeliveryStatus.SENT}
    assert all(d.sent_at is not None and d.attempts == 1 for d in deliveries)


def test_sending_again_sends_nothing_new(county, lincoln, smtp):
    event = publish_and_fan_out(lincoln, county.owner_admin)
    assert email.email_send_pending(event_id=event.pk) == 3

    assert email.email_send_pending(event_id=event.pk) == 0
    assert email.email_send_pending() == 0
    assert len(smtp.messages) == 3
    assert smtp.handler.sessions == 1  # nothing to send: no connection opened


def test_250_deliveries_in_batches_of_100_use_exactly_three_smtp_sessions(county, lincoln, smtp):
    add_members(county.police, 247, role=Role.LIAISON, prefix="sro")
    event = publish_and_fan_out(lincoln, county.owner_admin)
    assert Delivery.objects.filter(event=event, channel="email").count() == 250

    with CaptureQueriesContext(connection) as queries:
        sent = email.email_send_pending(event_id=event.pk, batch_size=100)

    assert sent == 250
    assert len(smtp.messages) == 250
    assert len({m["To"] for m in smtp.messages}) == 250
    assert smtp.handler.sessions == 3
    # The access check and bookkeeping are per batch; the only statement per message records it as sent
    # the moment the server accepted it (so a worker that dies mid-batch never has it sent again).
    per_message = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and '"sent_at" =' in q["sql"]]
    assert len(per_message) == 250
    assert len(queries) - len(per_message) <= 3 * 11


@pytest.fixture
def no_broker(monkeypatch):
    """Committed transactions would hand tasks to the broker; this test drives the pipeline itself."""
    monkeypatch.setattr("notifications.services.enqueue_on_commit", lambda *args: None)


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_at_once_never_send_the_same_delivery(no_broker, county, lincoln, smtp):
    add_members(county.police, 197, role=Role.LIAISON, prefix="sro")
    event = publish_and_fan_out(lincoln, county.owner_admin)
    counts: list[int] = []

    def worker() -> None:
        try:
            counts.append(email.email_send_pending(event_id=event.pk, batch_size=20))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 200
    assert len(smtp.messages) == 200
    assert len({m["To"] for m in smtp.messages}) == 200
    assert set(Delivery.objects.filter(event=event).values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_smtp_down_marks_nothing_sent_then_the_retry_sends_exactly_once(county, lincoln, smtp):
    event = publish_and_fan_out(lincoln, county.owner_admin)
    smtp.stop()
    before = timezone.now()

    assert email.email_send_pending(event_id=event.pk) == 0

    deliveries = list(Delivery.objects.filter(event=event, channel="email"))
    assert len(deliveries) == 3
    for delivery in deliveries:
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.sent_at is None
        assert delivery.attempts == 1
        assert delivery.next_attempt_at > before + timedelta(seconds=59)
        assert "Connection" in delivery.last_error or "Errno" in delivery.last_error
    assert email.email_send_pending(event_id=event.pk) == 0  # not due yet: nothing is tried

    smtp.start()
    Delivery.objects.filter(event=event).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert email.email_send_pending() == 3
    assert email.email_send_pending() == 0
    assert len(smtp.messages) == 3
    assert len({m["To"] for m in smtp.messages}) == 3
    assert set(Delivery.objects.filter(event=event).values_list("status", "attempts")) == {(DeliveryStatus.SENT, 2)}


def test_the_last_failed_attempt_gives_up_with_the_error(county, lincoln, smtp):
    event = publish_and_fan_out(lincoln, county.owner_admin)
    Delivery.objects.filter(event=event).update(attempts=email.MAX_ATTEMPTS - 1)
    smtp.stop()

    assert email.email_send_pending(event_id=event.pk) == 0

    for delivery in Delivery.objects.filter(event=event):
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.attempts == email.MAX_ATTEMPTS
        assert delivery.next_attempt_at is None
        assert delivery.last_error


def test_a_refused_recipient_is_retried_alone_while_the_batch_goes_out(county, lincoln, smtp):
    event = publish_and_fan_out(lincoln, county.owner_admin)
    smtp.handler.refuse.add(county.partner_view_liaison.email)

    assert email.email_send_pending(event_id=event.pk) == 2

    refused = Delivery.objects.get(event=event, user=county.partner_view_liaison)
    assert refused.status == DeliveryStatus.PENDING
    assert refused.attempts == 1
    assert "SMTPRecipientsRefused" in refused.last_error
    assert smtp.handler.sessions == 1


def test_a_mail_that_cannot_be_rendered_is_retried_while_the_others_go_out(county, lincoln, smtp, monkeypatch):
    event = publish_and_fan_out(lincoln, county.owner_admin)
    render = email.event_email

    def broken_for_the_police(*, event, to, **kwargs):
        if to == county.partner_view_liaison.email:
            raise KeyError("a payload field the template needs")
        return render(event=event, to=to, **kwargs)

    monkeypatch.setattr(email, "event_email", broken_for_the_police)
    assert email.email_send_pending(event_id=event.pk) == 2
    unrendered = Delivery.objects.get(event=event, user=county.partner_view_liaison)
    assert (unrendered.status, unrendered.attempts) == (DeliveryStatus.PENDING, 1)
    assert "KeyError" in unrendered.last_error


def test_a_send_past_the_tasks_soft_time_limit_stops_and_leaves_the_mails_due(county, lincoln, smtp, monkeypatch):
    event = publish_and_fan_out(lincoln, county.owner_admin)
    rendered: list[str] = []

    def out_of_time(*, to, **kwargs):
        rendered.append(to)
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(email, "event_email", out_of_time)
    with pytest.raises(SoftTimeLimitExceeded):
        email.email_send_pending(event_id=event.pk)
    assert len(rendered) == 1
    assert smtp.messages == []
    deliveries = Delivery.objects.filter(event=event, channel="email")
    assert set(deliveries.values_list("status", "attempts", "last_error")) == {(DeliveryStatus.PENDING, 0, "")}


def test_a_share_revoked_after_fan_out_cancels_that_agencys_mail(county, lincoln, smtp):
    event = publish_and_fan_out(lincoln, county.owner_admin)
    plan_services.plan_unshare(plan=lincoln, agency=county.police, actor=county.owner_admin)

    assert email.email_send_pending(event_id=event.pk) == 2

    assert smtp.to(county.partner_view_liaison.email) == []
    police = Delivery.objects.get(event=event, user=county.partner_view_liaison)
    assert police.status == DeliveryStatus.CANCELLED
    assert police.sent_at is None
    assert len(smtp.to(county.partner_comment_liaison.email)) == 1


def test_a_membership_removed_or_an_address_missing_after_fan_out_cancels_the_mail(county, lincoln, smtp):
    event = publish_and_fan_out(lincoln, county.owner_admin)
    membership_remove(
        membership=Membership.objects.get(user=county.partner_comment_liaison, agency=county.fire), actor=SYSTEM
    )
    county.owner_liaison.email = ""
    county.owner_liaison.save(update_fields=["email"])

    assert email.email_send_pending(event_id=event.pk) == 1

    assert [m["To"] for m in smtp.messages] == [county.partner_view_liaison.email]
    cancelled = Delivery.objects.filter(event=event, status=DeliveryStatus.CANCELLED)
    assert set(cancelled.values_list("user__username", flat=True)) == {"fire_liaison", "district_liaison"}


def test_a_building_no_longer_seen_after_fan_out_cancels_its_sro_change_mail(county, smtp):
    """Who the officer at a school is goes only to agencies that still see the school's plans when it is sent."""
    personnel_assignment_create(
        user=county.partner_view_member,
        agency=county.police,
        facility=county.school,
        role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
        actor=SYSTEM,
    )
    event = OutboxEvent.objects.get(event_type=EventType.FACILITY_SRO_CHANGED)
    outbox_event_fan_out(event_id=event.pk)
    fire_mail = Delivery.objects.get(event=event, user=county.partner_comment_liaison, channel="email")
    plan_services.plan_unshare(plan=county.plan, agency=county.fire, actor=county.owner_admin)

    email.email_send_pending(event_id=event.pk)

    assert smtp.to(county.partner_comment_liaison.email) == []
    fire_mail.refresh_from_db()
    assert fire_mail.status == DeliveryStatus.CANCELLED
    assert "no longer sees the building" in fire_mail.last_error
    assert len(smtp.to(county.partner_view_liaison.email)) == 1


def test_a_building_document_no_longer_readable_after_fan_out_cancels_its_mail(county, smtp):
    document = add_document(county)
    event = OutboxEvent.objects.get(event_type=EventType.BUILDING_DOCUMENT_CHANGED, payload__document=document.pk)
    outbox_event_fan_out(event_id=event.pk)
    fire_mail = Delivery.objects.get(event=event, user=county.partner_comment_liaison, channel="email")
    plan_services.plan_unshare(plan=county.plan, agency=county.fire, actor=county.owner_admin)

    email.email_send_pending(event_id=event.pk)

    fire_mail.refresh_from_db()
    assert (fire_mail.status, fire_mail.sent_at) == (DeliveryStatus.CANCELLED, None)
    assert "may no longer read the building document" in fire_mail.last_error
    assert smtp.to(county.partner_comment_liaison.email) == []
    assert len(smtp.to(county.partner_view_liaison.email)) == 1


def test_the_daily_digest_lists_each_pending_plan_in_one_mail(county, smtp):
    liaison = county.partner_view_liaison
    preferences_update(
        user=liaison, choices=[{"event_type": EventType.VERSION_PUBLISHED, "in_app": True, "email": "daily"}]
    )
    plans = []
    for name in ("Lincoln High", "Oak Elementary", "Cedar Middle", "Birch Academy"):
        plan = make_plan(owner=county.district, actor=county.owner_admin, title=f"{name} crisis plan")
        plan_services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
        draft(plan, county.owner_planner, SECTION_BODY, summary=f"{name}: new staging area.")
        publish_and_fan_out(plan, county.owner_admin)
        plans.append(plan)
    # The fourth plan stops being shared before the digest goes out.
    plan_services.plan_unshare(plan=plans[3], agency=county.police, actor=county.owner_admin)
    assert Delivery.objects.filter(user=liaison, channel="email_digest", status="pending").count() == 4

    assert email.email_send_daily_digests() == 1

    (digest,) = smtp.to(liaison.email)
    assert digest["Subject"] == "[Concord] Daily digest: 3 updates"
    text, html = parts(digest)
    for plan in plans[:3]:
        for body in (text, html):
            assert f"{plan.title}: version 1 published" in body
            assert f"{SITE}/plans/{plan.pk}/" in body  # a first version: nothing to compare, the plan itself
            assert "/diff/" not in body
    assert "Birch Academy" not in text + html
    assert "SECTION-BODY-MARKER" not in text + html
    statuses = Delivery.objects.filter(user=liaison, channel="email_digest").values_list("status", flat=True)
    assert sorted(statuses) == ["cancelled", "sent", "sent", "sent"]
    assert email.email_send_daily_digests() == 0
    assert len(smtp.to(liaison.email)) == 1


SAMPLE_PAYLOADS = {
    EventType.VERSION_PUBLISHED: {"version": 3, "change_summary": SUMMARY, "previous_version": 2},
    EventType.VERSION_WITHDRAWN: {"version": 3, "change_summary": SUMMARY},
    EventType.PLAN_SHARED: {"level": "comment"},
    EventType.PLAN_UNSHARED: {},
    EventType.PLAN_REVIEW_DUE: {"version": 3, "due": "2026-06-01", "stage": "overdue-week-2"},
    EventType.ACKNOWLEDGEMENT_REMINDER: {"version": 3, "change_summary": SUMMARY, "agencies": []},
    EventType.COMMENT_CREATED: {"version": 3},
    EventType.COMMENT_RESOLVED: {"version": 3, "is_change_request": True, "section_title": "Evacuation"},
    EventType.CONCURRENCE_RECORDED: {"version": 3, "outcome": "changes_requested", "change_requests": 2},
    EventType.PLAN_CLASSIFICATION_LOWERED: {
        "previous_classification": "law_enforcement_sensitive",
        "classification": "public",
    },
    EventType.FACILITY_CONFLICT: {
        "version": 3,
        "facility_name": "Maple Valley High",
        "fact_label": "Staging area for responders",
        "other_fact_label": "Staging area for responders",
        "kind": "differs",
        "other_agency_name": "Ridgeford Fire",
    },
    EventType.BUILDING_DOCUMENT_CHANGED: {
        "facility": 1,
        "facility_name": "Maple <Valley> High",
        "document": 1,
        "title": "Site map",
        "previous_version": 1,
        "version": 2,
        "change_note": "Gate C moved",
    },
    EventType.EXERCISE_SCHEDULED: {
        "exercise": 1,
        "exercise_title": "Spring <lockdown>",
        "kind": "Lockdown drill",
        "starts_at": "2026-05-04T09:00:00+00:00",
        "lead_agency_name": "Maple Valley School District",
    },
    EventType.CORRECTIVE_ACTION_CLOSED: {
        "exercise": 1,
        "exercise_title": "Spring <lockdown>",
        "how": "version 4",
        "description": "Rewrite the reunification steps",
    },
    EventType.EXERCISE_UPCOMING: {
        "exercise": 1,
        "exercise_title": "Spring <lockdown>",
        "kind": "Lockdown drill",
        "starts_at": "2026-05-04T09:00:00+00:00",
        "lead_agency_name": "Maple Valley School District",
    },
    EventType.CORRECTIVE_ACTION_OVERDUE: {
        "action": 1,
        "exercise": 1,
        "exercise_title": "Spring <lockdown>",
        "description": "Rewrite the reunification steps",
        "due_on": "2026-05-01",
    },
    EventType.SOURCE_CHANGED: {"source_plan": 1, "source_title": "Jefferson", "source_version": 4, "kind": "published"},
}


@pytest.mark.parametrize("event_type", list(EventType))
def test_every_event_type_has_a_short_subject_a_text_part_and_an_escaped_accessible_html_part(
    county, settings, event_type
):
    settings.SITE_URL = SITE
    title = "Lincoln <High> & Sons' crisis plan"
    if event_type == EventType.WEBHOOK_DISABLED:
        payload = {"agency": county.police.pk, "url": "https://cad.example.org/hook?token=s3cret", "reason": "410 Gone"}
        event = OutboxEvent(event_type=event_type, plan=None, payload=payload)
    elif event_type == EventType.MEMBER_INVITED:
        payload = {
            "agency": county.police.pk,
            "agency_name": "Ridgeford Police",
            "inviter_name": "Dana <Reyes> & Co",
            "role_label": "Liaison",
            "user": county.partner_view_liaison.pk,
        }
        event = OutboxEvent(event_type=event_type, plan=None, payload=payload)
    elif event_type in PERSONAL_EVENT_TYPES:
        item = {"plan": county.plan.pk, "plan_title": title, "version": 3, "due": "2026-06-01T09:00:00+00:00"}
        person = {"user": 1, "name": "Olive <O'Brien>", "overdue": 2, "oldest_due": "2026-06-01T09:00:00+00:00"}
        payload = {
            "user": county.partner_view_member.pk,
            "agencies": [county.police.pk],
            "count": 1,
            "items": [item],
            "agency": county.police.pk,
            "agency_name": "Ridgeford Police",
            "route": "supervisor",
            "people_count": 1,
            "people": [person],
        }
        event = OutboxEvent(event_type=event_type, plan=None, payload=payload)
    elif event_type == EventType.FACILITY_SRO_CHANGED:
        payload = {
            "facility": county.school.pk,
            "facility_name": "Maple <Valley> High",
            "agency": county.police.pk,
            "agency_name": "Ridgeford Police",
            "officer_name": "Dana Reyes",
            "change": "assigned",
            "on": "2026-12-03",
        }
        event = OutboxEvent(event_type=event_type, plan=None, payload=payload)
    else:
        payload = {"plan": county.plan.pk, "plan_title": title, "partner": county.police.pk}
        event = OutboxEvent(event_type=event_type, plan=county.plan, payload={**payload, **SAMPLE_PAYLOADS[event_type]})

    message = email_content.event_email(event=event, to="someone@example.org")

    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert message.subject.startswith("[Concord] ")
    assert len(message.subject) <= 100
    assert '<html lang="en">' in html
    assert "<img" not in html
    assert "<script" not in html
    assert "<link" not in html
    assert "<h1" in html
    if event_type == EventType.WEBHOOK_DISABLED:
        assert message.subject == "[Concord] Webhook to cad.example.org disabled"
        assert "Ridgeford Police" in message.body
        assert "s3cret" not in message.body + html
        return
    if event_type == EventType.MEMBER_INVITED:
        # As a digest item (someone who chose daily): no password link, the sign-in page instead.
        assert message.subject == "[Concord] Dana <Reyes> & Co invited you to Ridgeford Police"
        assert "added you to Ridgeford Police as liaison" in message.body
        assert "Dana &lt;Reyes&gt; &amp; Co" in html
        assert f"{SITE}/accounts/login/" in message.body
        assert "/accounts/reset/" not in message.body + html
        return
    if event_type == EventType.READING_ESCALATION:
        assert message.subject == "[Concord] Ridgeford Police: 1 person behind on required reading"
        assert "Olive <O'Brien>: 2 plans overdue, since 1 Jun 2026" in message.body
        assert "Olive &lt;O&#x27;Brien&gt;" in html
        return
    if event_type in PERSONAL_EVENT_TYPES:
        assert title in message.subject
        assert f"{title}, version 3:" in message.body
        assert "Lincoln &lt;High&gt; &amp; Sons" in html
        return
    if event_type == EventType.BUILDING_DOCUMENT_CHANGED:
        assert message.subject == "[Concord] Maple <Valley> High: Site map version 1 → 2 (Gate C moved)"
        assert "Maple <Valley> High: Site map version 1 → 2 (Gate C moved). Open the building's page" in message.body
        assert "Maple &lt;Valley&gt; High" in html
        return
    if event_type in (
        EventType.EXERCISE_SCHEDULED,
        EventType.CORRECTIVE_ACTION_CLOSED,
        EventType.EXERCISE_UPCOMING,
        EventType.CORRECTIVE_ACTION_OVERDUE,
    ):
        assert "Spring <lockdown>" in message.subject
        assert "Spring <lockdown>" in message.body
        assert "Spring &lt;lockdown&gt;" in html
        assert f"{SITE}/exercises/1/" in message.body
        return
    if event_type == EventType.FACILITY_SRO_CHANGED:
        assert message.subject == "[Concord] Maple <Valley> High: School Resource Officer changed"
        assert "Dana Reyes (Ridgeford Police) is the School Resource Officer of Maple <Valley> High" in message.body
        assert "Maple &lt;Valley&gt; High" in html
        return
    assert title in message.subject
    assert title in message.body  # plain text is not HTML-escaped
    assert "Lincoln &lt;High&gt; &amp; Sons" in html
    assert "<High>" not in html
    link = f"{SITE}/plans/{county.plan.pk}/"
    if event_type == EventType.VERSION_PUBLISHED:
        link = f"{SITE}/plans/{county.plan.pk}/diff/?to=3"  # no summary kept: the page's own baseline
    if event_type == EventType.PLAN_UNSHARED:
        assert link not in message.body + html
        assert "no link" in message.body
    else:
        assert link in message.body
        assert link in html
    assert "/api/" not in message.body + html
    assert f"{SITE}/alerts/preferences/" in message.body + html


def test_review_due_wording_names_the_date(county):
    event = OutboxEvent(
        event_type=EventType.PLAN_REVIEW_DUE,
        plan=county.plan,
        payload={"plan_title": "Lincoln High crisis plan", "version": 3, "due": "2026-06-01", "stage": "30-days"},
    )
    message = email_content.event_email(event=event, to="planner@example.org")
    assert message.subject == "[Concord] Lincoln High crisis plan: review due 1 June 2026"
    assert "is due on 1 June 2026" in message.body


def test_retry_delays_grow_from_a_minute_to_a_day_with_bounded_jitter():
    for attempts, minutes in [(1, 1), (2, 5), (3, 15), (4, 60), (7, 1440), (12, 1440)]:
        delay = email.retry_delay(attempts)
        assert timedelta(minutes=minutes) <= delay <= timedelta(minutes=minutes * 1.2)


# --- links to the web pages and what a new version changed (issue 13, item 1) ----------------------------------

HREF = re.compile(r'href="([^"]+)"')
TEXT_URL = re.compile(r"https?://\S+")


def links_of(message) -> set[str]:
    text, html = parts(message)
    return {unescape(url) for url in HREF.findall(html)} | set(TEXT_URL.findall(text))


def moved_and_mailed(county, smtp) -> OutboxEvent:
    """The county's plan gets v3, which moves the reunification site; its alert is fanned out and mailed."""
    reunification_moved(county)
    event = OutboxEvent.objects.filter(plan=county.plan, event_type=EventType.VERSION_PUBLISHED).latest("id")
    outbox_event_fan_out(event_id=event.pk)
    assert email.email_send_pending(event_id=event.pk) > 0
    return event


def test_every_link_in_the_new_version_mail_opens_a_web_page_for_its_recipient(county, smtp):
    moved_and_mailed(county, smtp)

    (message,) = smtp.to(county.partner_view_liaison.email)
    links = links_of(message)
    assert f"{SITE}/plans/{county.plan.pk}/diff/?from=2&to=3" in links
    assert f"{SITE}/alerts/preferences/" in links
    reader = web_client(county.partner_view_liaison)
    for link in links:
        assert link.startswith(f"{SITE}/"), link
        path, _, query = link.removeprefix(SITE).partition("?")
        assert not path.startswith("/api/"), link
        assert resolve(path).app_name in ("plans", "notifications"), link
        response = reader.get(path, QueryDict(query))
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith("text/html"), link
        assert response.content.lower().startswith(b"<!doctype html>"), link
    page = reader.get(f"/plans/{county.plan.pk}/diff/", {"from": 2, "to": 3}).content.decode()
    assert "Changes from v2 to v3" in page
    assert "Family reunification site" in page


def test_the_new_version_mail_names_what_changed_key_facts_first(county, smtp):
    moved_and_mailed(county, smtp)

    (message,) = smtp.to(county.partner_comment_liaison.email)
    text, html = parts(message)
    expected = [
        "Key facts changed: Family reunification site (Maple Valley High)",
        "Sections changed: Family reunification",
        "Attachments added: reunification-map.pdf",
        "Attachments removed: old-map.pdf",
    ]
    for body in (text, html):
        assert "What changed since version 2:" in body
        positions = [body.index(line) for line in expected]
        assert positions == sorted(positions)
        # Names only: never where the site moved to, nor the section's text.
        assert "Fairbrook" not in body
        assert "Lincoln Middle" not in body
        assert "Assistant principal" not in body
        assert "Evacuation" not in body  # unchanged


def test_a_sensitive_plans_mail_names_titles_but_no_file_names(county, smtp):
    plan_services.plan_update(
        plan=county.plan, actor=county.owner_admin, classification=Classification.LAW_ENFORCEMENT_SENSITIVE
    )
    moved_and_mailed(county, smtp)

    (message,) = smtp.to(county.partner_view_liaison.email)
    text, html = parts(message)
    for body in (text, html):
        assert "Key facts changed: Family reunification site (Maple Valley High)" in body
        assert "Sections changed: Family reunification" in body
        assert "Attachments added: 1 file (file names are not sent for a law-enforcement-sensitive plan)" in body
        assert "reunification-map.pdf" not in body
        assert "old-map.pdf" not in body
        assert "Fairbrook" not in body
    assert f"{SITE}/plans/{county.plan.pk}/diff/?from=2&to=3" in links_of(message)


def test_what_changed_is_worked_out_once_per_version_during_the_fan_out_not_per_mail(county, smtp):
    add_members(county.police, 40, role=Role.LIAISON, prefix="sro")
    reunification_moved(county)
    event = OutboxEvent.objects.filter(plan=county.plan, event_type=EventType.VERSION_PUBLISHED).latest("id")
    assert "changes" not in event.payload

    outbox_event_fan_out(event_id=event.pk)
    event.refresh_from_db()
    assert event.payload["changes"]["facts"][0]["label"] == "Family reunification site"

    with CaptureQueriesContext(connection) as queries:
        assert email.email_send_pending(event_id=event.pk) == 43
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("plans_section", "plans_attachment", "consistency_facilityfact", "plans_planversion"):
        assert table not in tables
    assert all("Family reunification site" in m.get_body(("plain",)).get_content() for m in smtp.messages)


def test_the_webhook_message_of_a_new_version_keeps_its_api_links_for_machines_and_no_change_names(county, smtp):
    event = moved_and_mailed(county, smtp)
    event.refresh_from_db()
    assert "changes" in event.payload

    data = webhook_message(event)["data"]

    assert "changes" not in data
    assert "map.pdf" not in str(data)
    assert data["links"]["plan"] == f"{SITE}/api/v1/plans/{county.plan.pk}/"
