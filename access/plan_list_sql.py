"""The plan list's SQL that reads grants (the one gate: only access/ reads the grant tables): the plans a user
may see, as CTEs for plans/list_rows.py, and the owners and buildings among the plans an agency set may see, for
plans/list_choices.py, built from access/plan_rows.py's fragments. The rule is plans_visible_to's;
tests/plans/test_plan_list_rows.py and tests/plans/test_plan_list_choices.py hold them equal to it."""

from access.plan_rows import GRANTED, VIEW_PLAN_PERMISSION

# The grants of view_plan held by the user's agencies, with their plan's title (the API's CTE); then every
# visible plan.
VISIBLE_TO_USER = f"""{GRANTED.format(narrow="")},
visible AS (
    SELECT id, title FROM granted
    UNION
    SELECT id, title FROM plans_plan WHERE classification = %(public)s
)"""  # noqa: S608 — constant fragments, values as parameters

# Owners (0) and buildings (1) of the plans these agencies may see, in name order: the visibility rule of
# access.plans.plans_visible_to (`view_plan` granted to one of the agencies, or a public plan).
LIST_CHOICES = f"""
WITH visible AS MATERIALIZED (
    SELECT g.content_object_id AS id FROM plans_plangroupobjectpermission g
    WHERE g.group_id IN (SELECT a.group_id FROM agencies_agency a WHERE a.id = ANY(%(agencies)s))
        AND g.permission_id = {VIEW_PLAN_PERMISSION}
    UNION
    SELECT id FROM plans_plan WHERE classification = %(public)s
)
SELECT 0, a.id, a.name FROM agencies_agency a
WHERE a.id IN (SELECT p.owner_agency_id FROM plans_plan p WHERE p.id IN (SELECT id FROM visible))
UNION ALL
SELECT 1, fa.id, fa.name FROM agencies_facility fa
WHERE fa.id IN (SELECT pf.facility_id FROM plans_plan_facilities pf WHERE pf.plan_id IN (SELECT id FROM visible))
ORDER BY 1, 3, 2
"""  # noqa: S608 — constant fragments, values as parameters
