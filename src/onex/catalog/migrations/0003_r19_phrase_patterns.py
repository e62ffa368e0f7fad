"""R19 (issue item 13): installs that already wrote the phrase list keep the bare 指定, which
refuses ordinary notices ("在指定时间到达考场"). Switch it off and add the meaning-bearing
patterns. An empty table is left alone: it means the shipped defaults of the code."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# Spelled here, not imported: a migration must not change when the code's defaults do.
PATTERNS = (
    "教育部…认可",
    "教育部…认证",
    "教育部…授权",
    "教育部…推荐",
    "职成司…认可",
    "职成司…授权",
    "职成司…推荐",
    "指定…培训",
    "指定…教材",
)


def forwards(apps: Any, schema_editor: Any) -> None:
    phrase_model = apps.get_model("catalog", "UnauthorizedPhrase")
    if not phrase_model.objects.exists():
        return
    phrase_model.objects.filter(phrase="指定").update(is_active=False)
    for phrase in PATTERNS:
        phrase_model.objects.get_or_create(phrase=phrase)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
