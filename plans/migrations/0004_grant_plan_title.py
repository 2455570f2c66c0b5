"""Each grant carries its plan's title, kept by triggers (PostgreSQL), so the plan list sorts from one index.

`plans_grant_plan_title` derives the column on every insert or update of a grant, so it can never hold
anything but the plan's title; `plans_plan_title_to_grants` rewrites a plan's grants when its title changes.
"""

from django.db import migrations, models

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

UPDATE plans_plangroupobjectpermission g SET plan_title = p.title FROM plans_plan p WHERE p.id = g.content_object_id;
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


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_immutability_triggers")]

    operations = [
        migrations.RemoveIndex(model_name="plan", name="plans_plan_classif_8c1d22_idx"),
        migrations.RemoveIndex(model_name="plangroupobjectpermission", name="plans_plang_group_i_320cb1_idx"),
        migrations.AddField(
            model_name="plangroupobjectpermission",
            name="plan_title",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.AddIndex(
            model_name="plan",
            index=models.Index(fields=["classification", "title", "id"], name="plans_plan_class_title_idx"),
        ),
        migrations.AddIndex(
            model_name="plangroupobjectpermission",
            index=models.Index(
                fields=["group", "permission", "plan_title", "content_object"], name="plans_grant_title_idx"
            ),
        ),
    ]
