"""Drop the table of DRF's old tokens: it held every token in plaintext, and nothing reads it any more.

Clients of the old tokens sign in again (POST /api/v1/auth/token/) for a new, expiring one.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_api_tokens")]

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
