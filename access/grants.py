"""The only writer of the agencies' grants on plans: django-guardian object permissions held by each
agency's group, in the direct foreign-key table `plans.PlanGroupObjectPermission`."""

from guardian.shortcuts import assign_perm, remove_perm

from agencies.models import Agency
from plans.models import Plan, PlanGroupObjectPermission, ShareLevel

VIEW = "view_plan"
COMMENT = "comment_plan"
OWNER_PERMISSIONS = ("view_plan", "change_plan", "delete_plan", "comment_plan")
PARTNER_PERMISSIONS = {ShareLevel.VIEW: (VIEW,), ShareLevel.COMMENT: (VIEW, COMMENT)}
ALL_PARTNER_PERMISSIONS = (VIEW, COMMENT)


def grant_owner(*, plan: Plan) -> None:
    """The owner agency's group holds every permission on its plan."""
    for codename in OWNER_PERMISSIONS:
        assign_perm(codename, plan.owner_agency.group, plan)


def grant_share(*, plan: Plan, agency: Agency, level: str) -> None:
    """Give a partner agency exactly the permissions of a share level (replacing any other level)."""
    wanted = set(PARTNER_PERMISSIONS[ShareLevel(level)])
    for codename in ALL_PARTNER_PERMISSIONS:
        if codename in wanted:
            assign_perm(codename, agency.group, plan)
        else:
            remove_perm(codename, agency.group, plan)


def revoke_share(*, plan: Plan, agency: Agency) -> None:
    """Take every permission on the plan away from a partner agency."""
    PlanGroupObjectPermission.objects.filter(content_object=plan, group=agency.group).delete()
