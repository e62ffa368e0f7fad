# Step 4: nothing forwards. Backwards it refills the restored batch foreign key from the
# number before 0004's reverse puts back the constraints that require it.

from typing import Any

from django.db import migrations


def copy_batch_back(apps: Any, schema_editor: Any) -> None:
    policy_value = apps.get_model("core", "PolicyValue")
    batch = apps.get_model("catalog", "Batch")
    for row in policy_value.objects.filter(batch_number__isnull=False):
        row.batch = batch.objects.get(number=row.batch_number)
        row.save(update_fields=["batch"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("core", "0004_policyvalue_batch_number_constraints"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, copy_batch_back)]
