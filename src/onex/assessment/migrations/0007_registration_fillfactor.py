"""Registrations leave room on their pages for their own next version (PostgreSQL only).

Every registration is updated in bulk several times in its life (payment, confirmation, the
results file), and a results file updates all of a plan's registrations in one statement.
None of those updates touches an indexed column, so PostgreSQL can keep each new version on
the old one's page (a HOT update) and skip all eleven indexes, but only if the page has room
for it: within one statement no old version is dead yet, so the page must hold a second copy
of every row, which is a fill factor of 50. Measured on a 100,000-row results file: the
UPDATE went from 13.7 s to 2.2 s (bench/bench_p2_import.py).
"""

from typing import Any

from django.db import migrations

# tests/conftest.py runs it too: the tests build their schema without migrations.
SET_FILLFACTOR = "ALTER TABLE assessment_registration SET (fillfactor = 50)"


def _set(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SET_FILLFACTOR)


def _reset(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE assessment_registration RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0006_r40_exemption_claims"),
    ]

    operations = [migrations.RunPython(_set, _reset)]
