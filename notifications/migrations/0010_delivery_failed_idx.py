"""A partial index for the recent failed deliveries the metrics count (operations/metrics.py).

Built CONCURRENTLY on PostgreSQL, so deliveries keep being written while it builds on a large table; a plain
CREATE INDEX elsewhere (the SQLite demo).
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgreSQL(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("notifications", "0009_facility_sro_changed_event"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="delivery",
            index=models.Index(condition=models.Q(status="failed"), fields=["created_at"], name="delivery_failed_idx"),
        ),
    ]
