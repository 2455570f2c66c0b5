"""A migration the database has never applied: the readiness check must notice it (test_health.py)."""

from django.db import migrations


class Migration(migrations.Migration):
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
