"""Issue 15 item 3: per plan and per person, counted in SQL, filtered, sorted and scoped to what one may see."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from agencies.models import Role
from reading import selectors_compliance as selectors
from reading.selectors_compliance import ComplianceFilters
from tests.reading.compliance_scene import build


@pytest.fixture
def scene(county):
    return build(county)


def _plans(scope, **filters):
    return list(selectors.plan_summaries(scope=scope, filters=ComplianceFilters(**filters), now=timezone.now()))


def _people(scope, **filters):
    rows = selectors.people_summaries(scope=scope, filters=ComplianceFilters(**filters), now=timezone.now())
    return selectors.people_rows(scope=scope, rows=list(rows), now=timezone.now())


def test_a_plan_counts_who_must_read_who_has_and_who_is_overdue_and_by_how_long(scene):
    scope = selectors.compliance_scope_for(user=scene.police_admin, agency_id=scene.county.police.pk)
    [row] = _plans(scope)
    # Everyone in the police: admin, liaison, officer and the five named officers.
    assert (row["required"], row["acknowledged"], row["overdue"]) == (8, 1, 4)
    assert row["plan__title"] == "Maple Valley High crisis plan"
    assert selectors.days_overdue(row["oldest_overdue"], timezone.now()) == 10


def test_the_people_of_a_plan_show_name_groups_role_state_and_days_overdue(scene):
    scope = selectors.compliance_scope_for(user=scene.police_admin, agency_id=scene.county.police.pk)
    people = {p.name: p for p in _people(scope, plan=scene.county.plan.pk)}
    assert people["Ben Brown"].state == "overdue"
    assert people["Ben Brown"].overdue_days == 10
    assert people["Ben Brown"].groups == ["School Resource Officers"]
    assert people["Ada Adams"].state == "acknowledged"
    assert people["Ada Adams"].acknowledged_at is not None
    assert people["Dee Diaz"].state == "due"
    assert people["Pat Chief"].role == Role.ADMIN
    assert people["police_liaison"].name == "police_liaison"  # no name given: the username


def test_filters_by_group_role_and_state_narrow_the_people(scene):
    scope = selectors.compliance_scope_for(user=scene.police_admin, agency_id=scene.county.police.pk)
    assert [p.name for p in _people(scope, group=scene.sros.pk)] == ["Ada Adams", "Ben Brown"]
    assert [p.name for p in _people(scope, role=Role.LIAISON)] == ["police_liaison"]
    overdue = [p.name for p in _people(scope, state="overdue", sort="overdue")]
    assert overdue == ["Ben Brown", "Cy Cole", "police_officer", "police_liaison"]
    assert [p.name for p in _people(scope, state="acknowledged")] == ["Ada Adams"]
    assert _people(scope, group=987654321) == []


def test_sorting_people_by_name_uses_last_name_then_first_name(scene):
    scope = selectors.compliance_scope_for(user=scene.police_admin, agency_id=scene.county.police.pk)
    names = [p.name for p in _people(scope)]
    # Without a last name (only a username), a person sorts before everyone with one.
    expected = ["police_liaison", "police_officer", "Ada Adams", "Ben Brown", "Pat Chief", "Cy Cole", "Dee Diaz"]
    assert names == [*expected, "Eve Evans"]
    assert [p.name for p in _people(scope, sort="-name")] == ["Eve Evans", *reversed(expected)]


def test_a_supervisor_sees_only_the_people_of_their_groups(scene):
    scope = selectors.compliance_scope_for(user=scene.sro_supervisor, agency_id=scene.county.police.pk)
    assert not scope.everyone
    assert {p.name for p in _people(scope)} == {"Ada Adams", "Ben Brown"}
    [row] = _plans(scope)
    assert (row["required"], row["acknowledged"], row["overdue"]) == (2, 1, 1)
    assert _people(scope, group=scene.patrol.pk) == []
    with pytest.raises(Http404):
        selectors.compliance_person(scope=scope, user_id=scene.officers["Cy"].pk, now=timezone.now())


def test_a_member_who_supervises_nothing_is_refused_and_an_outsider_finds_nothing(scene):
    with pytest.raises(PermissionDenied):
        selectors.compliance_scope_for(user=scene.officers["Ben"], agency_id=scene.county.police.pk)
    for outsider in (scene.county.owner_admin, scene.county.partner_comment_liaison, scene.county.staff):
        with pytest.raises(Http404):
            selectors.compliance_scope_for(user=outsider, agency_id=scene.county.police.pk)


def test_a_person_owes_what_their_obligations_say(scene):
    scope = selectors.compliance_scope_for(user=scene.police_admin, agency_id=scene.county.police.pk)
    person = selectors.compliance_person(scope=scope, user_id=scene.officers["Ben"].pk, now=timezone.now())
    assert (person.required, person.acknowledged, person.overdue, person.overdue_days) == (1, 0, 1, 10)
    assert [o.plan_id for o in person.obligations] == [scene.county.plan.pk]
