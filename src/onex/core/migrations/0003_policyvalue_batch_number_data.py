# Step 2 of 3: copy each batch-scoped value's batch number from the catalogue's batch. This is
# the last migration of core that reads a catalogue model; from 0004 on core has no such field.
# A data step of its own, so PostgreSQL never alters a table with pending trigger events.

from typing import Any

from django.db import migrations


def copy_batch_numbers(apps: Any, schema_editor: Any) -> None:
    policy_value = apps.get_model("core", "PolicyValue")
    for row in policy_value.objects.filter(batch__isnull=False).select_related("batch"):
        row.batch_number = row.batch.number
        row.save(update_fields=["batch_number"])


def copy_batch_back(apps: Any, schema_editor: Any) -> None:
    policy_value = apps.get_model("core", "PolicyValue")
    batch = apps.get_model("catalog", "Batch")
    for row in policy_value.objects.filter(batch_number__isnull=False):
        row.batch = batch.objects.get(number=row.batch_number)
        row.save(update_fields=["batch"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("core", "0002_policyvalue_batch_number"),
    ]

    operations = [migrations.RunPython(copy_batch_numbers, copy_batch_back)]
