"""A token that changes, in the same transaction, with anything the plan list's owner and building choices depend
on (PostgreSQL), so plans/list_choices.py may keep the choices cached under it.

The choices are the owners and buildings of the plans an agency set may see: they change with the grants, a
plan's creation, deletion, classification or owner, a plan's buildings, and an agency's or a building's name
(or an agency's group). Triggers on those tables give the single row a new random token; the row stays locked
by the writing transaction until it ends, so a reader sees the new token exactly when it sees the change. Every
write changes it (not once a transaction: a read between two writes of one transaction would keep the first's
choices under a token the second did not replace). Memberships are not here: the cache key holds
the reader's agencies, read in the same request.

Safe while the previous version serves: a new table and triggers, no rewrite; the triggers take no lock the
writes did not already take but the token row's.
"""

from django.db import migrations

CREATE = """
CREATE TABLE plans_list_choices_token (
    id smallint PRIMARY KEY CHECK (id = 1),
    token uuid NOT NULL
);
INSERT INTO plans_list_choices_token (id, token) VALUES (1, gen_random_uuid());

CREATE OR REPLACE FUNCTION plans_list_choices_changed() RETURNS trigger AS $$
BEGIN
    UPDATE plans_list_choices_token SET token = gen_random_uuid() WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER plans_list_choices_grants
    AFTER INSERT OR DELETE OR TRUNCATE ON plans_plangroupobjectpermission
    FOR EACH STATEMENT EXECUTE FUNCTION plans_list_choices_changed();
CREATE TRIGGER plans_list_choices_grant_update
    AFTER UPDATE ON plans_plangroupobjectpermission FOR EACH ROW
    WHEN (OLD.content_object_id IS DISTINCT FROM NEW.content_object_id OR OLD.group_id IS DISTINCT FROM NEW.group_id
          OR OLD.permission_id IS DISTINCT FROM NEW.permission_id)
    EXECUTE FUNCTION plans_list_choices_changed();

CREATE TRIGGER plans_list_choices_plans
    AFTER INSERT OR DELETE OR TRUNCATE ON plans_plan
    FOR EACH STATEMENT EXECUTE FUNCTION plans_list_choices_changed();
CREATE TRIGGER plans_list_choices_plan_update
    AFTER UPDATE ON plans_plan FOR EACH ROW
    WHEN (OLD.classification IS DISTINCT FROM NEW.classification OR OLD.owner_agency_id IS DISTINCT FROM NEW.owner_agency_id)
    EXECUTE FUNCTION plans_list_choices_changed();

CREATE TRIGGER plans_list_choices_plan_facilities
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plans_plan_facilities
    FOR EACH STATEMENT EXECUTE FUNCTION plans_list_choices_changed();

CREATE TRIGGER plans_list_choices_agencies
    AFTER DELETE OR TRUNCATE ON agencies_agency
    FOR EACH STATEMENT EXECUTE FUNCTION plans_list_choices_changed();
CREATE TRIGGER plans_list_choices_agency_update
    AFTER UPDATE ON agencies_agency FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.group_id IS DISTINCT FROM NEW.group_id)
    EXECUTE FUNCTION plans_list_choices_changed();

CREATE TRIGGER plans_list_choices_facilities
    AFTER DELETE OR TRUNCATE ON agencies_facility
    FOR EACH STATEMENT EXECUTE FUNCTION plans_list_choices_changed();
CREATE TRIGGER plans_list_choices_facility_update
    AFTER UPDATE ON agencies_facility FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION plans_list_choices_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS plans_list_choices_facility_update ON agencies_facility;
DROP TRIGGER IF EXISTS plans_list_choices_facilities ON agencies_facility;
DROP TRIGGER IF EXISTS plans_list_choices_agency_update ON agencies_agency;
DROP TRIGGER IF EXISTS plans_list_choices_agencies ON agencies_agency;
DROP TRIGGER IF EXISTS plans_list_choices_plan_facilities ON plans_plan_facilities;
DROP TRIGGER IF EXISTS plans_list_choices_plan_update ON plans_plan;
DROP TRIGGER IF EXISTS plans_list_choices_plans ON plans_plan;
DROP TRIGGER IF EXISTS plans_list_choices_grant_update ON plans_plangroupobjectpermission;
DROP TRIGGER IF EXISTS plans_list_choices_grants ON plans_plangroupobjectpermission;
DROP FUNCTION IF EXISTS plans_list_choices_changed();
DROP TABLE IF EXISTS plans_list_choices_token;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("plans", "0009_section_diff_html"), ("agencies", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
