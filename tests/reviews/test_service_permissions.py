"""The review services decide for themselves who may comment, resolve and record concurrence: called directly
(not through a view) by a refused person they raise NotAllowedError and change nothing — no comment, no
concurrence, no audit row, no outbox event. They read the person's access themselves; no caller hands it in."""

import pytest
from django.contrib.auth.models import AnonymousUser

from audit.models import AuditEvent
from notifications.models import OutboxEvent
from portal.errors import NotAllowedError
from reviews.concurrence_services import concurrence_record
from reviews.models import Comment, Concurrence
from reviews.services import comment_create, comment_resolve
from tests.permission_matrix import ACTORS, user_of
from tests.reviews.helpers import post

# Members of the owner (any role) and admins or liaisons of a partner invited to comment (fire).
COMMENTERS = frozenset({"owner_admin", "owner_planner", "owner_liaison", "owner_member", "partner_comment_liaison"})
# The owner's admins, planners and liaisons read the draft; of them, all may comment on it.
DRAFT_COMMENTERS = frozenset({"owner_admin", "owner_planner", "owner_liaison"})
RESOLVERS = frozenset({"owner_admin", "owner_planner"})
# Admins and liaisons of partners the plan is shared with (police view, fire comment).
CONCURRERS = frozenset({"partner_view_liaison", "partner_comment_liaison"})


def actor_of(county, actor: str):
    return user_of(county, actor) or AnonymousUser()


def refused(allowed: frozenset[str]) -> list[str]:
    return [actor for actor in ACTORS if actor not in allowed]


def state() -> dict:
    return {
        "comments": sorted(Comment.objects.values_list("id", "body", "resolved_at", "resolved_by_id")),
        "concurrences": sorted(Concurrence.objects.values_list("id", "agency_id", "outcome")),
        "audit": AuditEvent.objects.count(),
        "outbox": OutboxEvent.objects.count(),
    }


@pytest.mark.parametrize("actor", refused(COMMENTERS))
def test_a_refused_person_cannot_comment_by_calling_the_service(county, actor):
    before = state()
    with pytest.raises(NotAllowedError, match="may comment"):
        comment_create(version=county.published, author=actor_of(county, actor), body="Let me in.")
    assert state() == before


@pytest.mark.parametrize("actor", sorted(COMMENTERS))
def test_commenters_comment_through_the_service(county, actor):
    comment = comment_create(version=county.published, author=actor_of(county, actor), body="Looks right.")
    assert comment.author == user_of(county, actor)
    assert OutboxEvent.objects.filter(event_type="comment.created", payload__comment=comment.pk).exists()


@pytest.mark.parametrize("actor", refused(DRAFT_COMMENTERS))
def test_nobody_but_the_draft_s_readers_comments_on_a_draft(county, actor):
    before = state()
    with pytest.raises(NotAllowedError):
        comment_create(version=county.draft, author=actor_of(county, actor), body="On the draft.")
    assert state() == before


@pytest.mark.parametrize("actor", refused(RESOLVERS))
def test_a_refused_person_cannot_resolve_by_calling_the_service(county, actor):
    request = post(county.partner_comment_liaison, county.published, "Move staging.", is_change_request=True)
    before = state()
    with pytest.raises(NotAllowedError, match="may resolve"):
        comment_resolve(comment=request, actor=actor_of(county, actor), note="Done.")
    assert state() == before


@pytest.mark.parametrize("actor", sorted(RESOLVERS))
def test_the_owner_s_admins_and_planners_resolve_with_an_audit_row(county, actor):
    request = post(county.partner_comment_liaison, county.published, "Move staging.", is_change_request=True)
    comment_resolve(comment=request, actor=actor_of(county, actor), note="Done.", ip_address="10.9.9.9")
    event = AuditEvent.objects.get(action="comment.resolve")
    assert (event.actor, event.agency, event.ip_address) == (user_of(county, actor), county.district, "10.9.9.9")


@pytest.mark.parametrize("actor", refused(CONCURRERS))
def test_a_refused_person_cannot_record_concurrence_by_calling_the_service(county, actor):
    before = state()
    with pytest.raises(NotAllowedError):
        concurrence_record(version=county.published, agency=None, actor=actor_of(county, actor), outcome="concur")
    assert state() == before


def test_a_partner_liaison_cannot_record_for_another_partner(county):
    before = state()
    with pytest.raises(NotAllowedError, match="Ridgeford Fire"):
        concurrence_record(
            version=county.published, agency=county.fire, actor=county.partner_view_liaison, outcome="concur"
        )
    assert state() == before


@pytest.mark.parametrize("actor", sorted(CONCURRERS))
def test_partner_spokespeople_record_concurrence_with_an_audit_row(county, actor):
    concurrence = concurrence_record(
        version=county.published, agency=None, actor=actor_of(county, actor), outcome="concur", ip_address="10.8.8.8"
    )
    event = AuditEvent.objects.get(action="concurrence.record")
    assert (event.actor, event.object_id, event.ip_address) == (user_of(county, actor), str(concurrence.pk), "10.8.8.8")
