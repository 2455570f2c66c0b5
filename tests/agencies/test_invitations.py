"""Inviting a new person: the account and membership are made in the request, the invitation e-mail (with the
link to choose a password) goes through the outbox and the e-mail worker, so the mail server never holds it."""

import re
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership, Role
from agencies.services import member_invite, membership_remove
from audit.models import AuditEvent
from notifications import tasks
from notifications.channels import email
from notifications.models import Channel, Delivery, DeliveryStatus, EventType, Notification, OutboxEvent
from notifications.services import outbox_event_fan_out
from portal.celery import app as celery_app
from tests.conftest import web_client
from tests.notifications.alert_checks import wait_for
from tests.notifications.test_email import SmtpServer

User = get_user_model()
SITE = "https://concord.example.org"


def invite_url(agency) -> str:
    return reverse("agencies:member-invite", kwargs={"agency_id": agency.pk})


def invite(client: Client, agency, username: str = "new_nurse", role: str = Role.LIAISON):
    return client.post(
        invite_url(agency),
        {"invite-username": username, "invite-email": f"{username}@maple.example.org", "invite-role": role},
    )


def the_invitation() -> OutboxEvent:
    return OutboxEvent.objects.get(event_type=EventType.MEMBER_INVITED)


def password_link(body: str) -> str:
    link = re.search(rf"{re.escape(SITE)}(/accounts/invitation/\S+/)", body)
    assert link is not None, body
    return link.group(1)


@pytest.fixture
def smtp_down(settings):
    """Mail goes over SMTP to a local server that is not started yet (connections are refused)."""
    server = SmtpServer()
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


def test_the_request_records_the_invitation_and_sends_nothing(county, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = invite(web_client(county.owner_admin), county.district)
    assert response.status_code == 302
    assert mailoutbox == []
    # After the commit, only the hand-off of the event to the broker (and the new member's header cache version,
    # portal/header_cache.py, which sends nothing).
    assert len([c for c in callbacks if "header_counts_changed" not in c.__qualname__]) == 1
    user = User.objects.get(username="new_nurse")
    event = the_invitation()
    assert event.plan is None
    assert event.payload == {
        "actor": county.owner_admin.pk,
        "inviter_name": "district_admin",
        "agency": county.district.pk,
        "agency_name": "Maple Valley School District",
        "user": user.pk,
        "role": Role.LIAISON,
        "role_label": "Liaison",
    }
    invited = AuditEvent.objects.get(action="membership.invite")
    assert (invited.actor, invited.agency, invited.object_id) == (county.owner_admin, county.district, str(user.pk))
    assert AuditEvent.objects.filter(action="membership.add", actor=county.owner_admin).exists()


def test_the_e_mail_worker_sends_the_invitation_to_the_new_account_only(county, mailoutbox, settings):
    settings.SITE_URL = SITE
    user = member_invite(
        agency=county.district,
        username="second_account",
        email=county.owner_member.email,  # an address another account uses already
        role=Role.MEMBER,
        actor=county.owner_admin,
    )
    result = outbox_event_fan_out(event_id=the_invitation().pk)
    assert (result.recipients, result.notifications, result.emails) == (1, 1, 1)
    assert email.email_send_pending() == 1

    (message,) = mailoutbox
    assert message.to == [county.owner_member.email]
    assert message.subject == "[Concord] district_admin invited you to Maple Valley School District"
    assert "second_account" in message.body
    assert county.owner_member.username not in message.body
    html = message.alternatives[0][0]
    assert "second_account" in html
    # The link opens the invitation's "choose a password" form for the new account.
    page = Client().get(password_link(message.body), follow=True)
    assert "new_password1" in page.content.decode()
    # In-app, a welcome for the new person (nobody else hears about it).
    (welcome,) = Notification.objects.filter(event=the_invitation())
    assert welcome.user == user
    assert welcome.title == "Welcome to Concord: you were added to Maple Valley School District as member"
    assert email.email_send_pending() == 0
    assert len(mailoutbox) == 1


def test_an_invitation_whose_person_was_removed_or_signed_in_meanwhile_is_not_sent(county, mailoutbox):
    removed = member_invite(
        agency=county.district, username="gone", email="gone@example.org", role=Role.MEMBER, actor=county.owner_admin
    )
    signed_in = member_invite(
        agency=county.district, username="quick", email="quick@example.org", role=Role.MEMBER, actor=county.owner_admin
    )
    for event in OutboxEvent.objects.filter(event_type=EventType.MEMBER_INVITED):
        outbox_event_fan_out(event_id=event.pk)
    membership_remove(membership=Membership.objects.get(user=removed), actor=county.owner_admin)
    signed_in.last_login = timezone.now()
    signed_in.save(update_fields=["last_login"])

    assert email.email_send_pending() == 0

    assert mailoutbox == []
    reasons = dict(Delivery.objects.filter(status=DeliveryStatus.CANCELLED).values_list("user__username", "last_error"))
    assert reasons == {
        # Leaving their last agency deactivated the account (issue 14).
        "gone": "The recipient's account is gone or inactive.",
        "quick": "The invited person has signed in already; the invitation's link is not needed.",
    }


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_down_the_invitation_succeeds_at_once_and_the_worker_sends_it_later(
    county, smtp_down, settings
):
    """The real broker and worker: the request hands off, the worker fails to reach SMTP and retries."""
    celery_app.control.purge()  # messages left by earlier tests refer to rows that are gone
    # No worker yet: the invitation succeeds without the request itself trying the mail server at all.
    response = invite(web_client(county.owner_admin), county.district)
    assert response.status_code == 302
    user = User.objects.get(username="new_nurse")
    assert Membership.objects.get(user=user, agency=county.district).role == Role.LIAISON
    assert not Delivery.objects.filter(attempts__gt=0).exists()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):

        def delivery() -> Delivery | None:
            return Delivery.objects.filter(event__event_type=EventType.MEMBER_INVITED, channel=Channel.EMAIL).first()

        wait_for(lambda: (found := delivery()) is not None and found.attempts == 1, what="the first, failed attempt")
        failed = delivery()
        assert failed.status == DeliveryStatus.PENDING
        assert failed.next_attempt_at > timezone.now() + timedelta(seconds=30)  # retried after a backoff
        assert smtp_down.messages == []

        smtp_down.start()
        Delivery.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())  # the backoff has passed
        tasks.send_due_emails.delay()
        wait_for(lambda: len(smtp_down.messages) == 1, what="the invitation mail")

    (message,) = smtp_down.messages
    assert message["To"] == "new_nurse@maple.example.org"
    assert "as liaison" in message.get_body(("plain",)).get_content()
    sent = delivery()
    assert (sent.status, sent.attempts) == (DeliveryStatus.SENT, 2)
    page = Client().get(password_link(message.get_body(("plain",)).get_content()), follow=True)
    assert "new_password1" in page.content.decode()
