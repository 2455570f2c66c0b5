"""The plan list's choices token (plans.0010) is replaced when the writing transaction commits, not at its first
write, so no write waits on the token row's lock for the rest of another's transaction.

0010's triggers updated the single token row at each write: every share, plan creation, rename and building
change then queued on that row until the writer's transaction ended, and a transaction that held it while taking
a plan's lock could deadlock with one that held the plan and wanted the token. Now the write only marks its
transaction (`concord.list_choices_dirty`, transaction-local) and, once per transaction, adds a row to
`plans_list_choices_bump`, whose deferred constraint trigger replaces the token at commit: the token still
changes in the writing transaction, so a reader sees the new token exactly when it sees the change, and the
lock is held only while the transaction commits. Until then, the writer's own reads of the choices see the
mark and compute them instead of keeping them (plans/list_choices.py).

Safe while the previous version serves: a new table, functions replaced in place, one new trigger.
"""

from django.db import migrations

CREATE = """
CREATE TABLE plans_list_choices_bump (id bigserial PRIMARY KEY);

CREATE OR REPLACE FUNCTION plans_list_choices_changed() RETURNS trigger AS $$
BEGIN
    IF current_setting('concord.list_choices_dirty', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('concord.list_choices_dirty', 'on', true);
        INSERT INTO plans_list_choices_bump DEFAULT VALUES;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION plans_list_choices_commit() RETURNS trigger AS $$
BEGIN
    UPDATE plans_list_choices_token SET token = gen_random_uuid() WHERE id = 1;
    DELETE FROM plans_list_choices_bump WHERE id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER plans_list_choices_at_commit
    AFTER INSERT ON plans_list_choices_bump DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION plans_list_choices_commit();
"""

DROP = """
DROP TRIGGER IF EXISTS plans_list_choices_at_commit ON plans_list_choices_bump;
DROP FUNCTION IF EXISTS plans_list_choices_commit();
DROP TABLE IF EXISTS plans_list_choices_bump;
CREATE OR REPLACE FUNCTION plans_list_choices_changed() RETURNS trigger AS $$
BEGIN
    UPDATE plans_list_choices_token SET token = gen_random_uuid() WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("plans", "0010_list_choices_token")]

    operations = [migrations.RunPython(create, drop)]
