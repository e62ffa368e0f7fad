# Step 5: the foreign key into catalog goes; core's models name no catalogue model any more.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_policyvalue_batch_back"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="policyvalue",
            name="batch",
        ),
    ]
