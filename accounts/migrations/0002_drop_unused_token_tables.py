"""Drop the two token tables nothing reads.

- `authtoken_token`, DRF's old tokens: it held every token in plaintext. Clients of the old tokens
  sign in again (POST /api/v1/auth/token/) for a new, expiring one.
- `knox_authtoken`: knox's own migrations create it even though its model is swapped for
  accounts.ApiToken (KNOX_TOKEN_MODEL); left in place, its foreign key to auth_user would also stop
  the test runner from emptying auth_user between live-server tests.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_api_tokens"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
                "DROP TABLE IF EXISTS knox_authtoken",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
