# Policy values name their batch by number (ADR 0002 §6): step 1, the new column.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="policyvalue",
            name="batch_number",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="批次"),
        ),
    ]
