"""Conflicts are now found only between plans whose owners may read each other's plan (issue 11, item 5).

Deletes the conflicts recorded before between plans where one owner may not read the other's: they told that
owner something about a fact it may not read. The next refresh of a building recomputes the same rows, so
this only makes the database agree with it at once.
"""

from django.db import migrations


def delete_one_sided_conflicts(apps, schema_editor):
    FactConflict = apps.get_model("consistency", "FactConflict")
    Grant = apps.get_model("plans", "PlanGroupObjectPermission")
    rows = list(
        FactConflict.objects.values_list(
            "pk",
            "first_plan_id",
            "second_plan_id",
            "first_agency_id",
            "second_agency_id",
            "first_plan__classification",
            "second_plan__classification",
        )
    )
    if not rows:
        return
    plan_ids = {row[1] for row in rows} | {row[2] for row in rows}
    grants = set(
        Grant.objects.filter(
            content_object_id__in=plan_ids,
            permission__codename="view_plan",
            permission__content_type__app_label="plans",
        ).values_list("content_object_id", "group__agency__id")
    )

    def may_read(plan_id: int, classification: str, agency_id: int) -> bool:
        return classification == "public" or (plan_id, agency_id) in grants

    one_sided = [
        pk
        for pk, first_plan, second_plan, first_agency, second_agency, first_class, second_class in rows
        if not (may_read(first_plan, first_class, second_agency) and may_read(second_plan, second_class, first_agency))
    ]
    FactConflict.objects.filter(pk__in=one_sided).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consistency", "0002_fact_immutability_trigger"),
        ("plans", "0004_grant_plan_title"),
    ]

    operations = [migrations.RunPython(delete_one_sided_conflicts, migrations.RunPython.noop)]
