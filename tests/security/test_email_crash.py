"""A worker killed while sending e-mail: the rest goes out within a minute, nobody gets a stray copy (item 12).

A real e-mail worker (the docker-compose.yml command) sends an event's mails to a real SMTP server; the
server takes the fifth message and never answers, and the worker is SIGKILLed right then. The four
accepted before must already be recorded as sent; once the (test-sized) lease has run out the e-mail sweep
sends the rest; the only recipient who may get two copies is the one whose message was in flight, and both
copies carry the same Message-ID so their mail client shows one.
"""

import asyncio
import threading
import time

import pytest
from django.utils import timezone

from agencies.models import Role
from notifications.channels import email
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.services import outbox_event_fan_out
from portal.celery import app as celery_app
from tests.notifications.conftest import add_members, publish_draft
from tests.notifications.test_email import RecordingHandler, SmtpServer
from tests.notifications.workers import production_worker_commands, start_worker_process, wait_until_ready

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://concord.example.org"
TEST_LEASE_SECONDS = 3
IN_FLIGHT = 5  # the fifth message is the one the worker is killed on


class StallingHandler(RecordingHandler):
    """Takes message number IN_FLIGHT (it is delivered) but does not say so until released."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) == IN_FLIGHT and not self.release.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return answer


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.handler = StallingHandler()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = SITE
    yield server
    server.handler.release.set()
    server.stop()


def email_worker_arguments() -> list[str]:
    for arguments in production_worker_commands().values():
        queues = arguments[arguments.index("-Q") + 1].split(",") if "-Q" in arguments else []
        if "email" in queues:
            return arguments
    raise AssertionError("docker-compose.yml has no worker for the email queue")


def test_the_default_lease_lets_a_crashed_batch_resume_within_a_minute(settings):
    sweep = settings.CELERY_BEAT_SCHEDULE["send-due-emails"]
    assert sweep["task"] == "notifications.send_due_emails"
    assert settings.EMAIL_SEND_LEASE_SECONDS > settings.EMAIL_TIMEOUT  # a slow message never loses its lease
    assert settings.EMAIL_SEND_LEASE_SECONDS + sweep["schedule"] <= 50  # plus sending: within a minute


def test_a_worker_killed_mid_batch_resumes_quickly_and_duplicates_only_the_message_in_flight(
    county, smtp, tmp_path, settings
):
    settings.EMAIL_SEND_LEASE_SECONDS = TEST_LEASE_SECONDS
    add_members(county.police, 12, role=Role.LIAISON, prefix="sro")
    celery_app.control.purge()
    worker = start_worker_process(
        "worker-email",
        email_worker_arguments(),
        tmp_path,
        {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_TIMEOUT": "5",
            "SITE_URL": SITE,
            "EMAIL_SEND_LEASE_SECONDS": str(TEST_LEASE_SECONDS),
        },
    )
    try:
        wait_until_ready([worker])
        event = publish_draft(county)
        outbox_event_fan_out(event_id=event.pk)  # hands send_event_emails to the e-mail worker
        deliveries = Delivery.objects.filter(event=event, channel=Channel.EMAIL)
        recipients = set(deliveries.values_list("user__email", flat=True))
        assert len(recipients) == 15
        assert smtp.handler.stalled.wait(timeout=30), f"the worker sent nothing:\n{worker.log.read_text()[-3000:]}"
        worker.kill()
        killed = time.monotonic()
    finally:
        worker.kill()
        celery_app.control.purge()
    smtp.handler.release.set()

    # Each message the server accepted before the crash is recorded as sent, at once.
    accepted = {message["To"] for message in smtp.messages[: IN_FLIGHT - 1]}
    sent = set(deliveries.filter(status=DeliveryStatus.SENT).values_list("user__email", flat=True))
    assert sent == accepted
    assert deliveries.filter(status=DeliveryStatus.PENDING).count() == 15 - (IN_FLIGHT - 1)

    # The e-mail sweep (every 15 s in production) sends the rest as soon as the lease has run out.
    def everything_sent() -> bool:
        email.email_send_pending()
        return not deliveries.exclude(status=DeliveryStatus.SENT).exists()

    while not everything_sent():
        assert time.monotonic() - killed < TEST_LEASE_SECONDS + 10, "the batch was not resumed after its lease"
        time.sleep(0.2)
    resumed = time.monotonic() - killed
    assert resumed >= TEST_LEASE_SECONDS - 1  # not before the dead worker's lease ran out

    by_recipient: dict[str, list] = {}
    for message in smtp.messages:
        by_recipient.setdefault(message["To"], []).append(message)
    assert set(by_recipient) == recipients  # everyone got it
    # The server kept the message in flight but the worker died before hearing so: that one goes twice.
    in_flight = smtp.messages[IN_FLIGHT - 1]["To"]
    assert {to for to, copies in by_recipient.items() if len(copies) > 1} == {in_flight}
    assert len(by_recipient[in_flight]) == 2
    for to, copies in by_recipient.items():
        delivery = deliveries.get(user__email=to)
        message_id = f"<{delivery.message_id}@concord.example.org>"
        assert {copy["Message-ID"] for copy in copies} == {message_id}
    assert all(d.sent_at <= timezone.now() for d in deliveries)


class SlowHandler(RecordingHandler):
    """Takes every message, a little slowly (a busy relay)."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.15)
        return await super().handle_DATA(server, session, envelope)


def test_a_long_batch_keeps_its_lease_so_a_second_worker_never_sends_it_again(county, settings):
    server = SmtpServer()
    server.handler = SlowHandler()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    settings.EMAIL_SEND_LEASE_SECONDS = 1  # the batch takes about 3 s: it must renew to keep its rows
    add_members(county.police, 17, role=Role.LIAISON, prefix="sro")
    event = publish_draft(county)
    outbox_event_fan_out(event_id=event.pk)
    deliveries = Delivery.objects.filter(event=event, channel=Channel.EMAIL)
    assert deliveries.count() == 20
    done = threading.Event()

    def second_worker() -> None:  # the e-mail sweep, running again and again meanwhile
        try:
            while not done.is_set():
                email.email_send_pending()
                time.sleep(0.1)
        finally:
            from django.db import connection

            connection.close()

    thread = threading.Thread(target=second_worker)
    try:
        thread.start()
        email.email_send_pending(event_id=event.pk)
    finally:
        done.set()
        thread.join(timeout=30)
        server.stop()

    recipients = [message["To"] for message in server.messages]
    assert sorted(recipients) == sorted(set(deliveries.values_list("user__email", flat=True)))
    assert not deliveries.exclude(status=DeliveryStatus.SENT).exists()


def test_a_digest_sent_again_carries_the_same_message_id(county, settings):
    settings.SITE_URL = SITE
    event = publish_draft(county)
    outbox_event_fan_out(event_id=event.pk)
    deliveries = list(Delivery.objects.filter(event=event, channel=Channel.EMAIL).select_related("event", "user"))
    first = email._digest_mail(deliveries[:2], {})
    again = email._digest_mail(list(reversed(deliveries[:2])), {})
    other = email._digest_mail(deliveries[:1], {})
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"].endswith("@concord.example.org>")
    assert other.extra_headers["Message-ID"] != first.extra_headers["Message-ID"]
