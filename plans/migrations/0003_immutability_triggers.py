"""PostgreSQL only: the database itself refuses to change what has been published.

The models already refuse (PlanVersion.save, Section/Attachment save and delete); these
triggers also stop bulk `QuerySet.update()`/`delete()` and raw SQL.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION plans_version_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'version % of plan % is % and cannot be deleted', OLD.number, OLD.plan_id, OLD.state;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state <> 'draft' AND (
        NEW.change_summary IS DISTINCT FROM OLD.change_summary
        OR NEW.number <> OLD.number
        OR NEW.plan_id <> OLD.plan_id
        OR NEW.content_sha256 IS DISTINCT FROM OLD.content_sha256
        OR NEW.published_at IS DISTINCT FROM OLD.published_at
        OR (OLD.state IN ('superseded', 'withdrawn') AND NEW.state <> OLD.state)
        OR (OLD.state = 'published' AND NEW.state NOT IN ('published', 'superseded', 'withdrawn'))
    ) THEN
        RAISE EXCEPTION 'version % of plan % is % and immutable', OLD.number, OLD.plan_id, OLD.state;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER plans_version_immutable
    BEFORE UPDATE OR DELETE ON plans_planversion
    FOR EACH ROW EXECUTE FUNCTION plans_version_immutable();

CREATE OR REPLACE FUNCTION plans_content_only_in_drafts() RETURNS trigger AS $$
DECLARE
    version_state text;
    row_version bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_version := OLD.version_id;
    ELSE
        row_version := NEW.version_id;
    END IF;
    SELECT state INTO version_state FROM plans_planversion WHERE id = row_version;
    IF version_state IS NOT NULL AND version_state <> 'draft' THEN
        IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'plans_attachment' THEN
            -- Only the uploader link may change (set to NULL when an account is deleted).
            IF (to_jsonb(NEW) - 'uploaded_by_id') = (to_jsonb(OLD) - 'uploaded_by_id') THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION '% of a % version cannot change', TG_TABLE_NAME, version_state;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER plans_section_only_in_drafts
    BEFORE INSERT OR UPDATE OR DELETE ON plans_section
    FOR EACH ROW EXECUTE FUNCTION plans_content_only_in_drafts();
CREATE TRIGGER plans_attachment_only_in_drafts
    BEFORE INSERT OR UPDATE OR DELETE ON plans_attachment
    FOR EACH ROW EXECUTE FUNCTION plans_content_only_in_drafts();
"""

DROP = """
DROP TRIGGER IF EXISTS plans_attachment_only_in_drafts ON plans_attachment;
DROP TRIGGER IF EXISTS plans_section_only_in_drafts ON plans_section;
DROP FUNCTION IF EXISTS plans_content_only_in_drafts();
DROP TRIGGER IF EXISTS plans_version_immutable ON plans_planversion;
DROP FUNCTION IF EXISTS plans_version_immutable();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_search_gin_index")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
