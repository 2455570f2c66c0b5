"""A police department that requires its people to read the district's crisis plan, with every state.

Built on the `county` fixture: the plan is shared with the police (`view`). The police get an admin, five named
officers (two School Resource Officers, one of them supervising that group) and a requirement for everyone.
Then: Ada has read it, Ben and Cy are overdue (10 and 3 days), Dee and Eve are due, the liaison is overdue.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from agencies.models import Role
from plans import services
from reading.models import ReadingGroup, ReadingGroupMember, ReadingObligation, ReadingRequirement
from reading.sync import obligations_sync
from tests.agencies.factories import member


@dataclass
class Scene:
    county: object
    police_admin: object
    sro_supervisor: object
    officers: dict
    sros: object
    patrol: object


def build(county) -> Scene:
    police = county.police
    admin = member(police, Role.ADMIN, username="police_admin", first_name="Pat", last_name="Chief")
    people = {
        name: member(police, Role.MEMBER, username=name.lower(), first_name=name, last_name=last)
        for name, last in (("Ada", "Adams"), ("Ben", "Brown"), ("Cy", "Cole"), ("Dee", "Diaz"), ("Eve", "Evans"))
    }
    sros = ReadingGroup.objects.create(agency=police, name="School Resource Officers")
    patrol = ReadingGroup.objects.create(agency=police, name="Patrol")
    ReadingGroupMember.objects.create(group=sros, user=people["Ada"], is_supervisor=True)
    ReadingGroupMember.objects.create(group=sros, user=people["Ben"])
    for name in ("Cy", "Dee", "Eve"):
        ReadingGroupMember.objects.create(group=patrol, user=people[name])
    ReadingRequirement.objects.create(agency=police, plan=county.plan, due_days=14)
    obligations_sync(agency_ids=[police.pk])
    services.plan_version_acknowledge(version=county.published, actor=people["Ada"])
    now = timezone.now()
    rows = ReadingObligation.objects.filter(agency=police, plan=county.plan)
    rows.filter(user=people["Ben"]).update(due_at=now - timedelta(days=10, hours=1))
    rows.filter(user=people["Cy"]).update(due_at=now - timedelta(days=3, hours=1))
    rows.filter(user=county.partner_view_liaison).update(due_at=now - timedelta(days=1, hours=1))
    rows.filter(user=county.partner_view_member).update(due_at=now - timedelta(days=2, hours=1))
    return Scene(
        county=county, police_admin=admin, sro_supervisor=people["Ada"], officers=people, sros=sros, patrol=patrol
    )
