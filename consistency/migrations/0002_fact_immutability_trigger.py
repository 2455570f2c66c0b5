"""PostgreSQL only: a published version's facility facts cannot change, as for its sections.

Reuses plans_content_only_in_drafts() from plans.0003 (it reads the row's version_id).
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER consistency_facilityfact_only_in_drafts
    BEFORE INSERT OR UPDATE OR DELETE ON consistency_facilityfact
    FOR EACH ROW EXECUTE FUNCTION plans_content_only_in_drafts();
"""

DROP = "DROP TRIGGER IF EXISTS consistency_facilityfact_only_in_drafts ON consistency_facilityfact;"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("consistency", "0001_initial"), ("plans", "0003_immutability_triggers")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
