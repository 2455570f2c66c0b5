"""The field packet on a real Celery worker and Redis: the API's request is enqueued once committed, the worker
lays the PDF out, and the job's URL reports progress until the file is ready."""

import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app as celery_app
from tests.buildings.helpers import downloaded
from tests.conftest import client_for
from tests.notifications.alert_checks import wait_for
from tests.packets.helpers import packet_text

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    """A real Celery worker consuming the test Redis broker (every queue, the packets' `exports` too)."""
    celery_app.control.purge()  # messages left by earlier tests refer to rows that are gone
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as started:
        yield started


def test_the_worker_makes_the_packet_the_api_asked_for(county, worker):
    officer = client_for(county.partner_view_member)
    asked = officer.post(f"/api/v1/facilities/{county.school.pk}/packet/")
    assert asked.status_code == 202
    job_url = asked.json()["url"]
    states = []

    def ready() -> bool:
        job = officer.get(job_url).json()
        states.append(job["state"])
        return job["state"] in ("ready", "failed")

    wait_for(ready, timeout=90, what="the field packet")
    job = officer.get(job_url).json()
    assert job["state"] == "ready", job
    response = officer.get(job["file_url"])
    assert response.status_code == 200
    assert "Maple Valley High crisis plan" in " ".join(packet_text(downloaded(response)))
