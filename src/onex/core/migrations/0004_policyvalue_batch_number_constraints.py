# Step 3: the scope and uniqueness constraints move from batch to batch_number.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_policyvalue_batch_number_data"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="policyvalue",
            name="policyvalue_scope_matches_target",
        ),
        migrations.RemoveConstraint(
            model_name="policyvalue",
            name="policyvalue_batch_unique_start",
        ),
        migrations.AddConstraint(
            model_name="policyvalue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("batch_number__isnull", True),
                        ("province__isnull", True),
                        ("scope", "national"),
                    ),
                    models.Q(
                        ("batch_number__isnull", False),
                        ("province__isnull", True),
                        ("scope", "batch"),
                    ),
                    models.Q(
                        ("batch_number__isnull", True),
                        ("province__isnull", False),
                        ("scope", "province"),
                    ),
                    _connector="OR",
                ),
                name="policyvalue_scope_matches_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="policyvalue",
            constraint=models.UniqueConstraint(
                condition=models.Q(("scope", "batch")),
                fields=("key", "batch_number", "effective_from"),
                name="policyvalue_batch_unique_start",
            ),
        ),
    ]
