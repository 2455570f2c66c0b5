"""Released sections' marked changes, compared once per pair (plans/section_diff_html.py).

Only a new, empty table: no lock on plans_section beyond the instant of adding the foreign keys. Pairs are
filled as pages compare them; nothing to backfill.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0008_section_rendered_html'),
    ]

    operations = [
        migrations.CreateModel(
            name='SectionDiffHtml',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('renderer', models.CharField(max_length=16)),
                ('html', models.TextField()),
                ('after', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='plans.section')),
                ('before', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='plans.section')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('before', 'after'), name='unique_section_diff_pair')],
            },
        ),
    ]
