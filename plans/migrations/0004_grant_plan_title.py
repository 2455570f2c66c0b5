"""Each grant carries its plan's title, kept by triggers (PostgreSQL), so the plan list sorts from one index.

`plans_grant_plan_title` derives the column on every insert or update of a grant, so it can never hold
anything but the plan's title; `plans_plan_title_to_grants` rewrites a plan's grants when its title changes.

Safe while the previous version serves (docs/operations.md, "Migrations and lock times"): not one transaction.
The column has a constant default (no table rewrite), the triggers keep new and changed grants right from the
moment they exist, the existing grants are filled in batches of their own short transactions, and the indexes
are built CONCURRENTLY. In one transaction it held the plan list for 109 s at state scale (2.5 million grants).
"""

from django.db import migrations, models

from portal.migration_operations import AddIndexConcurrentlyOnPostgreSQL

BACKFILL_BATCH = 20_000

CREATE = """
CREATE OR REPLACE FUNCTION plans_grant_plan_title() RETURNS trigger AS $$
BEGIN
    SELECT title INTO NEW.plan_title FROM plans_plan WHERE id = NEW.content_object_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER plans_grant_plan_title
    BEFORE INSERT OR UPDATE ON plans_plangroupobjectpermission
    FOR EACH ROW EXECUTE FUNCTION plans_grant_plan_title();

CREATE OR REPLACE FUNCTION plans_plan_title_to_grants() RETURNS trigger AS $$
BEGIN
    UPDATE plans_plangroupobjectpermission SET plan_title = NEW.title WHERE content_object_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER plans_plan_title_to_grants
    AFTER UPDATE OF title ON plans_plan
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION plans_plan_title_to_grants();
"""

BACKFILL = """
UPDATE plans_plangroupobjectpermission g SET plan_title = p.title FROM plans_plan p
WHERE p.id = g.content_object_id AND g.id > %s AND g.id <= %s
"""

DROP = """
DROP TRIGGER IF EXISTS plans_plan_title_to_grants ON plans_plan;
DROP FUNCTION IF EXISTS plans_plan_title_to_grants();
DROP TRIGGER IF EXISTS plans_grant_plan_title ON plans_plangroupobjectpermission;
DROP FUNCTION IF EXISTS plans_grant_plan_title();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def fill_titles(apps, schema_editor):
    """The existing grants, one short transaction per batch of ids (autocommit: the migration is not atomic)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM plans_plangroupobjectpermission")
        last = cursor.fetchone()[0]
        for start in range(0, last, BACKFILL_BATCH):
            cursor.execute(BACKFILL, [start, start + BACKFILL_BATCH])


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("plans", "0003_immutability_triggers")]

    operations = [
        migrations.AddField(
            model_name="plangroupobjectpermission",
            name="plan_title",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(fill_titles, migrations.RunPython.noop),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="plan",
            index=models.Index(fields=["classification", "title", "id"], name="plans_plan_class_title_idx"),
        ),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="plangroupobjectpermission",
            index=models.Index(
                fields=["group", "permission", "plan_title", "content_object"], name="plans_grant_title_idx"
            ),
        ),
        # The indexes these replace serve the plan list until the new ones exist.
        migrations.RemoveIndex(model_name="plan", name="plans_plan_classif_8c1d22_idx"),
        migrations.RemoveIndex(model_name="plangroupobjectpermission", name="plans_plang_group_i_320cb1_idx"),
    ]
