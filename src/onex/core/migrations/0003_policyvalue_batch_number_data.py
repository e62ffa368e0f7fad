# Step 2: copy each batch-scoped value's batch number from the catalogue's batch (0005 copies
# it back when migrating backwards). Data steps are migrations of their own, so PostgreSQL
# never alters a table with pending trigger events.

from typing import Any

from django.db import migrations


def copy_batch_numbers(apps: Any, schema_editor: Any) -> None:
    policy_value = apps.get_model("core", "PolicyValue")
    for row in policy_value.objects.filter(batch__isnull=False).select_related("batch"):
        row.batch_number = row.batch.number
        row.save(update_fields=["batch_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("core", "0002_policyvalue_batch_number"),
    ]

    operations = [migrations.RunPython(copy_batch_numbers, migrations.RunPython.noop)]
