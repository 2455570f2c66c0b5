"""A token per agency that changes, when the writing transaction commits, with anything its compliance page's per-plan
rows and group filter depend on (PostgreSQL), so reading/compliance_cache.py may keep them under it.

What the rows show is the agency's `ReadingSummary` rows (kept by 0002's triggers from every statement that writes
obligations: a sync, an acknowledgement, a publish, a due date moved), the plans' titles and the versions' numbers
(versions are immutable); the filter lists the agency's groups. So: statement triggers on the summary mark the
agencies of its changed rows, a title change marks the agencies whose summary names the plan, and a group's
creation, rename, move or deletion marks its agency.

As plans.0011 does for its one row: a mark sets `concord.compliance_dirty` (transaction-local: the writer's own
reads compute instead of keeping) and collects the agency in `reading_compliance_marked` (only this transaction
sees its uncommitted rows, so no writer waits on another here); the first mark of a transaction also adds a row to
`reading_compliance_bump`, whose deferred constraint trigger replaces the tokens of every agency marked, in
agency order, at commit. A reader thus sees a new token exactly when it sees the change, and the token rows are
locked only while a transaction commits. Every agency existing now gets a token; a new agency's first page adds
its own (reading/compliance_cache.py).

Safe while the previous version serves: new tables and triggers, no rewrite.
"""

from django.db import migrations

CREATE = """
CREATE TABLE reading_compliance_token (agency_id bigint PRIMARY KEY, token uuid NOT NULL);
INSERT INTO reading_compliance_token (agency_id, token) SELECT id, gen_random_uuid() FROM agencies_agency;
CREATE TABLE reading_compliance_marked (agency_id bigint NOT NULL);
CREATE INDEX reading_compliance_marked_agency ON reading_compliance_marked (agency_id);
CREATE TABLE reading_compliance_bump (id bigserial PRIMARY KEY);

CREATE OR REPLACE FUNCTION reading_compliance_mark(agency_ids bigint[]) RETURNS void AS $$
BEGIN
    IF cardinality(agency_ids) = 0 THEN
        RETURN;
    END IF;
    IF current_setting('concord.compliance_dirty', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('concord.compliance_dirty', 'on', true);
        INSERT INTO reading_compliance_bump DEFAULT VALUES;
    END IF;
    INSERT INTO reading_compliance_marked (agency_id)
    SELECT DISTINCT a FROM unnest(agency_ids) a
    WHERE a IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reading_compliance_marked m WHERE m.agency_id = a);
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION reading_compliance_commit() RETURNS trigger AS $$
BEGIN
    WITH gone AS (DELETE FROM reading_compliance_marked RETURNING agency_id)
    INSERT INTO reading_compliance_token AS t (agency_id, token)
    SELECT agency_id, gen_random_uuid() FROM (SELECT DISTINCT agency_id FROM gone) d ORDER BY agency_id
    ON CONFLICT (agency_id) DO UPDATE SET token = EXCLUDED.token;
    DELETE FROM reading_compliance_bump WHERE id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER reading_compliance_at_commit
    AFTER INSERT ON reading_compliance_bump DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION reading_compliance_commit();

CREATE OR REPLACE FUNCTION reading_compliance_summary_new() RETURNS trigger AS $$
BEGIN
    PERFORM reading_compliance_mark(ARRAY(SELECT DISTINCT agency_id FROM new_rows));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION reading_compliance_summary_old() RETURNS trigger AS $$
BEGIN
    PERFORM reading_compliance_mark(ARRAY(SELECT DISTINCT agency_id FROM old_rows));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reading_compliance_summary_inserted AFTER INSERT ON reading_readingsummary
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reading_compliance_summary_new();
CREATE TRIGGER reading_compliance_summary_updated AFTER UPDATE ON reading_readingsummary
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reading_compliance_summary_new();
CREATE TRIGGER reading_compliance_summary_deleted AFTER DELETE ON reading_readingsummary
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reading_compliance_summary_old();

CREATE OR REPLACE FUNCTION reading_compliance_plan_retitled() RETURNS trigger AS $$
BEGIN
    PERFORM reading_compliance_mark(
        ARRAY(SELECT DISTINCT agency_id FROM reading_readingsummary WHERE plan_id = NEW.id)
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reading_compliance_plan_title AFTER UPDATE ON plans_plan FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION reading_compliance_plan_retitled();

CREATE OR REPLACE FUNCTION reading_compliance_group_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reading_compliance_mark(ARRAY[NEW.agency_id]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM reading_compliance_mark(ARRAY[OLD.agency_id]);
    ELSE
        PERFORM reading_compliance_mark(ARRAY[OLD.agency_id, NEW.agency_id]);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reading_compliance_groups AFTER INSERT OR DELETE ON reading_readinggroup FOR EACH ROW
    EXECUTE FUNCTION reading_compliance_group_changed();
CREATE TRIGGER reading_compliance_group_update AFTER UPDATE ON reading_readinggroup FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.agency_id IS DISTINCT FROM NEW.agency_id)
    EXECUTE FUNCTION reading_compliance_group_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS reading_compliance_group_update ON reading_readinggroup;
DROP TRIGGER IF EXISTS reading_compliance_groups ON reading_readinggroup;
DROP FUNCTION IF EXISTS reading_compliance_group_changed();
DROP TRIGGER IF EXISTS reading_compliance_plan_title ON plans_plan;
DROP FUNCTION IF EXISTS reading_compliance_plan_retitled();
DROP TRIGGER IF EXISTS reading_compliance_summary_deleted ON reading_readingsummary;
DROP TRIGGER IF EXISTS reading_compliance_summary_updated ON reading_readingsummary;
DROP TRIGGER IF EXISTS reading_compliance_summary_inserted ON reading_readingsummary;
DROP FUNCTION IF EXISTS reading_compliance_summary_old();
DROP FUNCTION IF EXISTS reading_compliance_summary_new();
DROP TRIGGER IF EXISTS reading_compliance_at_commit ON reading_compliance_bump;
DROP FUNCTION IF EXISTS reading_compliance_commit();
DROP FUNCTION IF EXISTS reading_compliance_mark(bigint[]);
DROP TABLE IF EXISTS reading_compliance_bump;
DROP TABLE IF EXISTS reading_compliance_marked;
DROP TABLE IF EXISTS reading_compliance_token;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("reading", "0004_training_records"), ("plans", "0011_list_choices_token_at_commit")]

    operations = [migrations.RunPython(create, drop)]
