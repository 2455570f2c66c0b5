"""A partial index for the recent failed deliveries the metrics count (operations/metrics.py).

Built CONCURRENTLY on PostgreSQL, so deliveries keep being written while it builds on a large table; a plain
CREATE INDEX elsewhere (the SQLite demo).
"""

from django.db import migrations, models

from portal.migration_operations import AddIndexConcurrentlyOnPostgreSQL


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
