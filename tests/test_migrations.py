"""Tests build tables from models (--nomigrations, fast); this keeps migrations honest."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_migrations_match_the_models(settings: Any) -> None:
    # --nomigrations hides the migration modules; look at the real ones here.
    settings.MIGRATION_MODULES = {}
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:  # --check exits non-zero when a migration is missing
        pytest.fail(f"models changed without a migration (run makemigrations):\n{out.getvalue()}")
