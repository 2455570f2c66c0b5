"""Stamps of what a person's kept "To read" page shows (PostgreSQL): one per plan and one per owner agency,
replaced by triggers in the writing transaction, so reading/queue_cache.py can check a kept page's plans and
owners by primary key and keep it until one of them changes.

A page's rows are the person's open obligations of plans the access rule lets them read, with the plan's title,
classification and owner, the owner's name and second-factor setting, and the version. What is the person's own
(their obligations, acknowledgements and memberships) moves their header version (portal/header_cache.py);
what other people's writes change is stamped here:

- a plan's stamp: its title, classification, owner or current version; a grant on it (`plans_plangroupobjectpermission`,
  what `access.plans.granted_plan_ids` reads) added, changed or removed; one of its versions' state or number;
  an agency's group replaced (every plan granted to the old or the new group);
- an agency's stamp: its name or second-factor setting.

A deleted plan or agency needs no stamp: the check joins the plan and agency rows, and a missing one is a change.
A missing stamp row is stamp 0. Stamps come from one sequence: a value is taken at write time and becomes visible
when its transaction commits, so a reader compares stamps for equality, never by order. Writers of one plan
already queue on the plan's row; the upsert's row lock adds no wait they did not have.

Safe while the previous version serves: new tables, a sequence, functions and triggers only, no rewrite.
"""

from django.db import migrations

CREATE = """
CREATE SEQUENCE reading_queue_stamp_seq;
CREATE TABLE reading_queue_plan_stamp (plan_id bigint PRIMARY KEY, stamp bigint NOT NULL);
CREATE TABLE reading_queue_agency_stamp (agency_id bigint PRIMARY KEY, stamp bigint NOT NULL);

CREATE FUNCTION reading_queue_stamp_plans(ids bigint[]) RETURNS void AS $$
    INSERT INTO reading_queue_plan_stamp (plan_id, stamp)
    SELECT id, nextval('reading_queue_stamp_seq') FROM (SELECT DISTINCT unnest(ids) AS id) d WHERE id IS NOT NULL ORDER BY id
    ON CONFLICT (plan_id) DO UPDATE SET stamp = EXCLUDED.stamp;
$$ LANGUAGE sql;

CREATE FUNCTION reading_queue_plan_changed() RETURNS trigger AS $$
BEGIN
    PERFORM reading_queue_stamp_plans(ARRAY[NEW.id]);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reading_queue_version_changed() RETURNS trigger AS $$
BEGIN
    PERFORM reading_queue_stamp_plans(ARRAY[OLD.plan_id, NEW.plan_id]);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reading_queue_grants_added() RETURNS trigger AS $$
BEGIN
    PERFORM reading_queue_stamp_plans(ARRAY(SELECT content_object_id FROM new_rows));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reading_queue_grants_removed() RETURNS trigger AS $$
BEGIN
    PERFORM reading_queue_stamp_plans(ARRAY(SELECT content_object_id FROM old_rows));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reading_queue_grant_changed() RETURNS trigger AS $$
BEGIN
    PERFORM reading_queue_stamp_plans(ARRAY[OLD.content_object_id, NEW.content_object_id]);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reading_queue_grants_truncated() RETURNS trigger AS $$
BEGIN
    PERFORM reading_queue_stamp_plans(ARRAY(SELECT id FROM plans_plan));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reading_queue_agency_changed() RETURNS trigger AS $$
BEGIN
    IF OLD.name IS DISTINCT FROM NEW.name OR OLD.les_read_requires_mfa IS DISTINCT FROM NEW.les_read_requires_mfa THEN
        INSERT INTO reading_queue_agency_stamp (agency_id, stamp) VALUES (NEW.id, nextval('reading_queue_stamp_seq'))
        ON CONFLICT (agency_id) DO UPDATE SET stamp = EXCLUDED.stamp;
    END IF;
    IF OLD.group_id IS DISTINCT FROM NEW.group_id THEN
        PERFORM reading_queue_stamp_plans(ARRAY(
            SELECT content_object_id FROM plans_plangroupobjectpermission WHERE group_id IN (OLD.group_id, NEW.group_id)
        ));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reading_queue_plan_update
    AFTER UPDATE ON plans_plan FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.classification IS DISTINCT FROM NEW.classification
          OR OLD.owner_agency_id IS DISTINCT FROM NEW.owner_agency_id
          OR OLD.current_version_id IS DISTINCT FROM NEW.current_version_id)
    EXECUTE FUNCTION reading_queue_plan_changed();

CREATE TRIGGER reading_queue_version_update
    AFTER UPDATE ON plans_planversion FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.number IS DISTINCT FROM NEW.number
          OR OLD.plan_id IS DISTINCT FROM NEW.plan_id)
    EXECUTE FUNCTION reading_queue_version_changed();

CREATE TRIGGER reading_queue_grants_insert
    AFTER INSERT ON plans_plangroupobjectpermission REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reading_queue_grants_added();
CREATE TRIGGER reading_queue_grants_delete
    AFTER DELETE ON plans_plangroupobjectpermission REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reading_queue_grants_removed();
CREATE TRIGGER reading_queue_grant_update
    AFTER UPDATE ON plans_plangroupobjectpermission FOR EACH ROW
    WHEN (OLD.content_object_id IS DISTINCT FROM NEW.content_object_id OR OLD.group_id IS DISTINCT FROM NEW.group_id
          OR OLD.permission_id IS DISTINCT FROM NEW.permission_id)
    EXECUTE FUNCTION reading_queue_grant_changed();
CREATE TRIGGER reading_queue_grants_truncate
    AFTER TRUNCATE ON plans_plangroupobjectpermission
    FOR EACH STATEMENT EXECUTE FUNCTION reading_queue_grants_truncated();

CREATE TRIGGER reading_queue_agency_update
    AFTER UPDATE ON agencies_agency FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.les_read_requires_mfa IS DISTINCT FROM NEW.les_read_requires_mfa
          OR OLD.group_id IS DISTINCT FROM NEW.group_id)
    EXECUTE FUNCTION reading_queue_agency_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS reading_queue_agency_update ON agencies_agency;
DROP TRIGGER IF EXISTS reading_queue_grants_truncate ON plans_plangroupobjectpermission;
DROP TRIGGER IF EXISTS reading_queue_grant_update ON plans_plangroupobjectpermission;
DROP TRIGGER IF EXISTS reading_queue_grants_delete ON plans_plangroupobjectpermission;
DROP TRIGGER IF EXISTS reading_queue_grants_insert ON plans_plangroupobjectpermission;
DROP TRIGGER IF EXISTS reading_queue_version_update ON plans_planversion;
DROP TRIGGER IF EXISTS reading_queue_plan_update ON plans_plan;
DROP FUNCTION IF EXISTS reading_queue_agency_changed();
DROP FUNCTION IF EXISTS reading_queue_grants_truncated();
DROP FUNCTION IF EXISTS reading_queue_grant_changed();
DROP FUNCTION IF EXISTS reading_queue_grants_removed();
DROP FUNCTION IF EXISTS reading_queue_grants_added();
DROP FUNCTION IF EXISTS reading_queue_version_changed();
DROP FUNCTION IF EXISTS reading_queue_plan_changed();
DROP FUNCTION IF EXISTS reading_queue_stamp_plans(bigint[]);
DROP TABLE IF EXISTS reading_queue_agency_stamp;
DROP TABLE IF EXISTS reading_queue_plan_stamp;
DROP SEQUENCE IF EXISTS reading_queue_stamp_seq;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reading", "0005_compliance_token"),
        ("plans", "0011_list_choices_token_at_commit"),
        ("agencies", "0007_agency_les_offline_copies"),
    ]

    operations = [migrations.RunPython(create, drop)]
