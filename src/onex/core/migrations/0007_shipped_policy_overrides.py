# The shipped province overrides of the policy profile, so a fresh install judges Hubei's
# schools by Hubei's conditions (R43) and sends Shanxi's applications through a municipal first
# review (R32) without any command. National values need no row: the code defaults of the
# registered settings are the national notice's values (onex.core.policy).
#
# A migration may not import app code, so the rows are written out here; they equal
# onex.core.policy.SHIPPED_OVERRIDES (a test compares them). A setting a province already has
# any row for is left alone: an administrator (or the seed_policy_profiles command) got there
# first.

from typing import Any

from django.db import migrations

EFFECTIVE_FROM = "2020-01-01"  # neither document states a day of effect; the year they govern
HUBEI_NOTE = "鄂教职成办〔2020〕1号（R43）"
SHANXI_NOTE = "晋教职成〔2020〕9号 三.1（R32）"

PROVINCES = {"420000": "湖北省", "140000": "山西省"}

OVERRIDES: list[tuple[str, str, Any, str]] = [
    # (province code, setting key, stored JSON value, note)
    ("420000", "r26.dual_qualified_ratio_min", "0.30", HUBEI_NOTE),
    ("420000", "r43.min_full_time_teachers", 10, HUBEI_NOTE),
    ("420000", "r43.training_rooms_required", True, HUBEI_NOTE),
    ("420000", "r43.internship_sites_required", True, HUBEI_NOTE),
    ("140000", "r32.city_first_review_required", True, SHANXI_NOTE),
]


def ship_overrides(apps: Any, schema_editor: Any) -> None:
    division = apps.get_model("geo", "Division")
    policy_value = apps.get_model("core", "PolicyValue")
    for code, key, value, note in OVERRIDES:
        # The division list is loaded by a command (geo.loader); the two provinces the overrides
        # name are created here with the same code, name and level, which the loader keeps.
        province, _created = division.objects.get_or_create(
            code=code, defaults={"name": PROVINCES[code], "level": "province"}
        )
        if policy_value.objects.filter(key=key, scope="province", province=province).exists():
            continue
        policy_value.objects.create(
            key=key,
            scope="province",
            province=province,
            value=value,
            effective_from=EFFECTIVE_FROM,
            note=note,
        )


def remove_overrides(apps: Any, schema_editor: Any) -> None:
    policy_value = apps.get_model("core", "PolicyValue")
    for code, key, _value, note in OVERRIDES:
        policy_value.objects.filter(
            key=key,
            scope="province",
            province__code=code,
            effective_from=EFFECTIVE_FROM,
            note=note,
            updated_by__isnull=True,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_remove_policyvalue_batch"),
        ("geo", "0001_initial"),
    ]

    operations = [migrations.RunPython(ship_overrides, remove_overrides)]
