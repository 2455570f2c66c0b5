"""The `plan.source_changed` alert says what the source changed since the version the plan was written against:
in-app, by e-mail (immediate and digest) and to webhooks; the e-mail names the source and its sections only while
the recipient may still read the source when the mail is sent."""

from django.core import mail

from notifications import services as notification_services
from notifications import tasks
from notifications.channels.webhooks import webhook_message
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    EventType,
    Notification,
    OutboxEvent,
    WebhookEndpoint,
)
from plans import services as plan_services
from sources.models import SourceChange
from tests.sources.scene import school_publishes

SOURCE = "Maple Valley High crisis plan"
DECLARED = "Annex C: Reunification"  # the police plan's section declared to build on the school plan


def _third_school_version(county):
    """The school publishes v3, changing only Section 2: the police plan, still written against v1, is told
    that Section 1 (changed in v2) and Section 2 both changed since."""
    draft = plan_services.plan_version_create_draft(plan=county.plan, actor=county.owner_admin)
    rows = [{"key": s.key, "title": s.title, "body": s.body} for s in draft.sections.order_by("position")]
    rows[1]["body"] += " Doors 4 and 5 stay locked."
    plan_services.plan_version_update_draft(version=draft, actor=county.owner_admin, sections=rows)
    return plan_services.plan_version_publish(version=draft, actor=county.owner_admin)


def _source_events():
    return OutboxEvent.objects.filter(event_type=EventType.SOURCE_CHANGED).order_by("pk")


def _planner_mails_immediately(built) -> None:
    notification_services.preferences_update(
        user=built.police_planner,
        choices=[{"event_type": EventType.SOURCE_CHANGED, "in_app": True, "email": "immediate"}],
    )


def _text(message) -> str:
    return f"{message.subject}\n{message.body}\n{message.alternatives[0][0]}"


def test_the_alert_lists_the_sections_changed_since_the_version_the_plan_was_written_against_once(built, county):
    school_publishes(county)
    _third_school_version(county)
    first, second = _source_events()
    for _ in range(2):  # a repeated fan-out (a redelivered task) alerts nobody twice
        tasks.fan_out_event(first.pk)
        tasks.fan_out_event(second.pk)
    assert first.payload["sections"] == ["Section 1"]
    assert second.payload["sections"] == ["Section 1", "Section 2"]  # since v1, not only since v2
    (entry,) = second.payload["source_changes"]
    assert entry["for_sections"] == [DECLARED]
    assert (entry["changes"]["against"], entry["changes"]["sections"]["changed"]) == (1, ["Section 1", "Section 2"])
    alerts = Notification.objects.filter(event=second, user=built.police_planner)
    assert [alert.title for alert in alerts] == [
        f"Active threat response plan: source {SOURCE} is now at v3 — review pending "
        "(sections changed: Section 1, Section 2)"
    ]
    assert Notification.objects.filter(event__in=[first, second]).count() == 4  # two writers, two events


def test_the_mails_name_the_source_and_the_sections_it_changed(built, county):
    _planner_mails_immediately(built)
    school_publishes(county)
    event = _source_events().get()
    tasks.fan_out_event(event.pk)
    assert tasks.send_event_emails(event.pk) == 1
    assert tasks.send_daily_digests() == 1  # the admin's default: the daily digest
    by_person = {message.to[0]: _text(message) for message in mail.outbox}
    assert set(by_person) == {built.police_planner.email, built.police_admin.email}
    change = SourceChange.objects.get()
    for text in by_person.values():
        assert f"source {SOURCE} is now at v2 — review pending" in text
        assert f"For {DECLARED}, what changed since version 1, the one it was written against" in text
        assert "Sections changed: Section 1" in text
        assert f"/plans/{built.plan.pk}/source-changes/{change.pk}/" in text
        assert "Evacuate to the stadium" not in text  # names only, never the source's text
    assert mail.outbox[0].subject == (
        f"[Concord] Active threat response plan: source {SOURCE} is now at v2 — review pending"
    )


def test_a_recipient_who_lost_the_source_before_the_mail_learns_neither_its_name_nor_its_sections(built, county):
    _planner_mails_immediately(built)
    school_publishes(county)
    event = _source_events().get()
    tasks.fan_out_event(event.pk)  # alerted while the school plan was still shared with the police
    plan_services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    tasks.send_event_emails(event.pk)
    tasks.send_daily_digests()
    mails = [
        message for message in mail.outbox if message.to[0] in {built.police_planner.email, built.police_admin.email}
    ]
    assert len(mails) == 2  # the police plan is still theirs: the mail goes, in neutral words
    for message in mails:
        text = _text(message)
        assert "Active threat response plan: a plan it builds on changed — review pending" in text
        assert SOURCE not in text
        assert "Section 1" not in text
        assert "source-changes" not in text
    sent = Delivery.objects.filter(event=event, channel__in=[Channel.EMAIL, Channel.EMAIL_DIGEST])
    assert set(sent.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_webhook_subscribed_to_source_changes_receives_the_changed_sections(built, county):
    endpoint = WebhookEndpoint.objects.create(
        agency=county.police, url="https://cad.example.org/hook", events=[EventType.SOURCE_CHANGED]
    )
    school_publishes(county)
    event = _source_events().get()
    notification_services.outbox_event_fan_out(event_id=event.pk)
    assert Delivery.objects.filter(event=event, endpoint=endpoint).count() == 1
    data = webhook_message(event)["data"]
    assert (data["source_plan"], data["source_title"], data["source_version"], data["sections"]) == (
        county.plan.pk,
        SOURCE,
        2,
        ["Section 1"],
    )
    assert "source_changes" not in data  # the receiver gets titles, not the whole summary


def test_a_withdrawn_source_is_alerted_without_a_list_of_changes(built, county):
    plan_services.plan_version_withdraw(version=county.published, actor=county.owner_admin)
    event = _source_events().get()
    assert (event.payload["sections"], event.payload["source_changes"]) == ([], [])
    _planner_mails_immediately(built)
    tasks.fan_out_event(event.pk)
    tasks.send_event_emails(event.pk)
    (message,) = mail.outbox
    assert f"source {SOURCE} v1 was withdrawn — review pending" in message.subject
    assert "What changed" not in message.body
