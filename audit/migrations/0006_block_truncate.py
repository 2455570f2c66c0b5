"""PostgreSQL only: refuse TRUNCATE of the audit trail in the database itself (0002 refuses UPDATE and DELETE).

TRUNCATE fires no row triggers, so it needs its own statement-level trigger. Like every ordinary trigger it
does not fire in a session with `session_replication_role = replica`, which only a superuser (or a role
explicitly granted SET on that parameter) may set: the portal's own role cannot, and a superuser could drop
the trigger anyway. The test suite's flush between transactional tests uses exactly that (tests/conftest.py).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE is not allowed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_no_truncate();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_comment_resolve_action")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
