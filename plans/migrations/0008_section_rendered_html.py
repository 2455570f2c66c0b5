"""Released sections' HTML, rendered once at publish (plans/section_html.py).

Only a new, empty table: no lock on plans_section beyond the instant of adding the foreign key. The existing
released sections (2.1 million at state scale) are filled after the deployment by `manage.py
plans_render_sections`, in batches of their own transactions; until then each page renders and stores the
sections it shows, so every page is right from the first request.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0007_plan_review'),
    ]

    operations = [
        migrations.CreateModel(
            name='SectionHtml',
            fields=[
                ('section', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='stored_html', serialize=False, to='plans.section')),
                ('renderer', models.CharField(max_length=16)),
                ('html', models.TextField()),
            ],
        ),
    ]
