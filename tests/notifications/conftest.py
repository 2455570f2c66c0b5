"""Fixtures for the alerting pipeline: a county whose partners have many members."""

import pytest
from django.contrib.auth import get_user_model

from agencies.models import Membership, Role
from notifications.models import OutboxEvent
from plans import services as plan_services

User = get_user_model()


def add_members(agency, count: int, role: str = Role.MEMBER, prefix: str | None = None) -> list:
    """Bulk-add `count` members to an agency (test data only; the service path is tested elsewhere)."""
    prefix = prefix or f"{agency.slug}-m"
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.org") for i in range(count)]
    )
    Membership.objects.bulk_create([Membership(user=u, agency=agency, role=role) for u in users])
    return users


def publish_draft(county) -> OutboxEvent:
    """Publish the county's draft and return the outbox event it recorded."""
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    return OutboxEvent.objects.filter(event_type="version.published").latest("id")


@pytest.fixture
def published_event(county) -> OutboxEvent:
    return publish_draft(county)
