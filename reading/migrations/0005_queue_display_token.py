"""A token that changes, when the writing transaction commits, with anything shared by everyone's "To read" pages
(PostgreSQL), so reading/queue_cache.py may keep a person's page of rows under it and their header version.

A page's rows are the person's open obligations of plans the access rule lets them read, with the plan's title,
classification and owner, the owner's name and second-factor setting, and the current version. What is the
person's own (their obligations, acknowledgements and memberships) moves their header version
(portal/header_cache.py); what is shared by many people is here: grants (`access.plans.visible_plan_filter`
reads them through the agencies' groups), plans (creation, deletion, title, classification, owner, current
version), a version's state (published, superseded, withdrawn) and agencies (deletion, name, second-factor
setting, group).

The pattern of plans.0010 and 0011: a write marks its transaction (`concord.queue_display_dirty`,
transaction-local) and, once per transaction, adds a row to `reading_queue_display_bump`, whose deferred
constraint trigger replaces the token at commit, so no write queues on the token row and a reader sees the new
token exactly when it sees the change. Until then the writer's own reads see the mark and compute the page.

Safe while the previous version serves: new tables, functions and triggers only, no rewrite; the triggers take
no lock the writes did not already take but the bump table's insert and, at commit, the token row's.
"""

from django.db import migrations

CREATE = """
CREATE TABLE reading_queue_display_token (
    id smallint PRIMARY KEY CHECK (id = 1),
    token uuid NOT NULL
);
INSERT INTO reading_queue_display_token (id, token) VALUES (1, gen_random_uuid());
CREATE TABLE reading_queue_display_bump (id bigserial PRIMARY KEY);

CREATE FUNCTION reading_queue_display_changed() RETURNS trigger AS $$
BEGIN
    IF current_setting('concord.queue_display_dirty', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('concord.queue_display_dirty', 'on', true);
        INSERT INTO reading_queue_display_bump DEFAULT VALUES;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reading_queue_display_commit() RETURNS trigger AS $$
BEGIN
    UPDATE reading_queue_display_token SET token = gen_random_uuid() WHERE id = 1;
    DELETE FROM reading_queue_display_bump WHERE id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER reading_queue_display_at_commit
    AFTER INSERT ON reading_queue_display_bump DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION reading_queue_display_commit();

CREATE TRIGGER reading_queue_display_grants
    AFTER INSERT OR DELETE OR TRUNCATE ON plans_plangroupobjectpermission
    FOR EACH STATEMENT EXECUTE FUNCTION reading_queue_display_changed();
CREATE TRIGGER reading_queue_display_grant_update
    AFTER UPDATE ON plans_plangroupobjectpermission FOR EACH ROW
    WHEN (OLD.content_object_id IS DISTINCT FROM NEW.content_object_id OR OLD.group_id IS DISTINCT FROM NEW.group_id
          OR OLD.permission_id IS DISTINCT FROM NEW.permission_id)
    EXECUTE FUNCTION reading_queue_display_changed();

CREATE TRIGGER reading_queue_display_plans
    AFTER INSERT OR DELETE OR TRUNCATE ON plans_plan
    FOR EACH STATEMENT EXECUTE FUNCTION reading_queue_display_changed();
CREATE TRIGGER reading_queue_display_plan_update
    AFTER UPDATE ON plans_plan FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.classification IS DISTINCT FROM NEW.classification
          OR OLD.owner_agency_id IS DISTINCT FROM NEW.owner_agency_id
          OR OLD.current_version_id IS DISTINCT FROM NEW.current_version_id)
    EXECUTE FUNCTION reading_queue_display_changed();

CREATE TRIGGER reading_queue_display_version_update
    AFTER UPDATE ON plans_planversion FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.number IS DISTINCT FROM NEW.number)
    EXECUTE FUNCTION reading_queue_display_changed();

CREATE TRIGGER reading_queue_display_agencies
    AFTER DELETE OR TRUNCATE ON agencies_agency
    FOR EACH STATEMENT EXECUTE FUNCTION reading_queue_display_changed();
CREATE TRIGGER reading_queue_display_agency_update
    AFTER UPDATE ON agencies_agency FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.les_read_requires_mfa IS DISTINCT FROM NEW.les_read_requires_mfa
          OR OLD.group_id IS DISTINCT FROM NEW.group_id)
    EXECUTE FUNCTION reading_queue_display_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS reading_queue_display_agency_update ON agencies_agency;
DROP TRIGGER IF EXISTS reading_queue_display_agencies ON agencies_agency;
DROP TRIGGER IF EXISTS reading_queue_display_version_update ON plans_planversion;
DROP TRIGGER IF EXISTS reading_queue_display_plan_update ON plans_plan;
DROP TRIGGER IF EXISTS reading_queue_display_plans ON plans_plan;
DROP TRIGGER IF EXISTS reading_queue_display_grant_update ON plans_plangroupobjectpermission;
DROP TRIGGER IF EXISTS reading_queue_display_grants ON plans_plangroupobjectpermission;
DROP TRIGGER IF EXISTS reading_queue_display_at_commit ON reading_queue_display_bump;
DROP FUNCTION IF EXISTS reading_queue_display_commit();
DROP FUNCTION IF EXISTS reading_queue_display_changed();
DROP TABLE IF EXISTS reading_queue_display_bump;
DROP TABLE IF EXISTS reading_queue_display_token;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reading", "0004_training_records"),
        ("plans", "0011_list_choices_token_at_commit"),
        ("agencies", "0007_agency_les_offline_copies"),
    ]

    operations = [migrations.RunPython(create, drop)]
