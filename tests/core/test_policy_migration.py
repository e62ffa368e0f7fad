"""The shipped province overrides come with the migrations (ADR 0002 §6, issue 9 item 12).

Tests run with --nomigrations, so these call the data migration's function on the test
database, which starts as empty as a fresh install.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps

from onex.core.errors import RuleViolation
from onex.core.models import PolicyScope, PolicyValue
from onex.core.policy import SHIPPED_FROM, SHIPPED_OVERRIDES, policy_entry, policy_value
from onex.geo.models import Division
from onex.pilots.services import applications as application_services
from tests.factories_pilots import (
    draft,
    good,
)
from tests.personas import Personas

pytestmark = pytest.mark.django_db

shipped: Any = import_module("onex.core.migrations.0007_shipped_policy_overrides")


def migrate_overrides() -> None:
    shipped.ship_overrides(django_apps, None)


def test_r43_fresh_database_has_hubeis_thresholds_after_migrating() -> None:
    assert not Division.objects.exists()
    migrate_overrides()
    hubei = Division.objects.get(code="420000")
    on = dt.date(2021, 3, 1)
    assert policy_value("r43.min_full_time_teachers", province=hubei, on=on) == 10
    assert policy_value("r26.dual_qualified_ratio_min", province=hubei, on=on) == Decimal("0.30")
    assert policy_value("r43.training_rooms_required", province=hubei, on=on) is True
    assert policy_value("r43.internship_sites_required", province=hubei, on=on) is True
    shanxi = Division.objects.get(code="140000")
    entry = policy_entry("r32.city_first_review_required", province=shanxi, on=on)
    assert entry.value is True and entry.source == PolicyScope.PROVINCE


def test_r43_migrated_overrides_judge_a_hubei_school(personas: Personas) -> None:
    migrate_overrides()
    nine = good(full_time_teachers=9)
    application = draft(personas.hb_school, personas.hb_school_obj, personas, nine)

    with pytest.raises(RuleViolation) as exc:
        application_services.application_submit(
            actor=personas.hb_school.actor, application=application
        )

    assert exc.value.rule_id == "R43"
    assert "10 人" in str(exc.value.message)


def test_migration_ships_exactly_the_overrides_the_code_declares() -> None:
    assert shipped.OVERRIDES == SHIPPED_OVERRIDES
    assert dt.date.fromisoformat(shipped.EFFECTIVE_FROM) == SHIPPED_FROM


def test_migration_and_seed_command_agree_and_neither_duplicates() -> None:
    from onex.core.policy import seed_policy_profiles

    migrate_overrides()
    migrate_overrides()
    assert PolicyValue.objects.count() == len(SHIPPED_OVERRIDES)
    assert seed_policy_profiles() == 0
    assert PolicyValue.objects.count() == len(SHIPPED_OVERRIDES)


def test_migration_leaves_a_setting_a_province_already_has_alone(personas: Personas) -> None:
    from onex.core.actors import Actor
    from onex.core.policy import policy_value_set

    hubei = Division.objects.get(code="420000")
    policy_value_set(
        actor=Actor.system(),
        key="r43.min_full_time_teachers",
        value=12,
        scope=PolicyScope.PROVINCE,
        province=hubei,
        effective_from=dt.date(2019, 1, 1),
    )
    migrate_overrides()
    assert policy_value("r43.min_full_time_teachers", province=hubei) == 12
