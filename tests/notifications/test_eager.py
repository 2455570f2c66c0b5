"""With no Redis (the embedded `make run` default) tasks run in-process right after the commit."""

import pytest

from notifications.models import Notification
from portal.celery import app as celery_app
from tests.conftest import client_for


@pytest.fixture
def eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_without_a_broker_a_publish_produces_alerts_visible_at_once(
    county, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(county.owner_admin).post(
            f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
        )
    assert response.status_code == 200
    alerts = client_for(county.partner_view_member).get("/api/v1/notifications/").json()
    assert [a["event"] for a in alerts["results"]] == ["version.published"]
    assert Notification.objects.filter(user=county.partner_comment_liaison).count() == 1
