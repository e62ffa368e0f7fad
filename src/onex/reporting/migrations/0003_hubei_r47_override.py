# Hubei's notice (004, 6.) disqualifies a school that does not file its weekly report *on time*
# three weeks running (R47), where the national notice says "does not file" (R23). Shipped as a
# province override of ``r47.late_counts_as_missed`` so a fresh install judges Hubei's
# schools by Hubei's rule, the way core/0007 ships the other Hubei and Shanxi overrides.

from typing import Any

from django.db import migrations

KEY = "r47.late_counts_as_missed"
NOTE = "鄂教职成办〔2020〕1号 6.（R47）"


def ship(apps: Any, schema_editor: Any) -> None:
    division = apps.get_model("geo", "Division")
    policy_value = apps.get_model("core", "PolicyValue")
    province, _created = division.objects.get_or_create(
        code="420000", defaults={"name": "湖北省", "level": "province"}
    )
    if policy_value.objects.filter(key=KEY, scope="province", province=province).exists():
        return
    policy_value.objects.create(
        key=KEY,
        scope="province",
        province=province,
        value=True,
        effective_from="2020-01-01",
        note=NOTE,
    )


def unship(apps: Any, schema_editor: Any) -> None:
    policy_value = apps.get_model("core", "PolicyValue")
    policy_value.objects.filter(
        key=KEY, scope="province", province__code="420000", note=NOTE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_periods"), ("core", "0007_shipped_policy_overrides")]
    operations = [migrations.RunPython(ship, unship)]
