"""Create the shipped province overrides of the policy profile (idempotent).

Hubei (鄂教职成办〔2020〕1号, R43) sets its own school conditions; Shanxi (晋教职成〔2020〕9号,
R32) requires a municipal first review. Neither document states a day of effect, so the rows
start on 2020-01-01, the year both documents govern. A row already present for the same
setting, province and start is left alone, so an administrator's later correction survives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from onex.core.actors import Actor
from onex.core.models import PolicyScope, PolicyValue
from onex.core.policy import policy_value_set
from onex.geo.loader import ensure_divisions
from onex.geo.models import Division

EFFECTIVE_FROM = dt.date(2020, 1, 1)
HUBEI_NOTE = "鄂教职成办〔2020〕1号（R43）"
SHANXI_NOTE = "晋教职成〔2020〕9号 三.1（R32）"

OVERRIDES: list[tuple[str, str, Any, str]] = [
    # (province code, setting key, value, note)
    ("420000", "r26.dual_qualified_ratio_min", "0.30", HUBEI_NOTE),
    ("420000", "r43.min_full_time_teachers", 10, HUBEI_NOTE),
    ("420000", "r43.training_rooms_required", True, HUBEI_NOTE),
    ("420000", "r43.internship_sites_required", True, HUBEI_NOTE),
    ("140000", "r32.city_first_review_required", True, SHANXI_NOTE),
]


def seed_policy_profiles() -> int:
    """Create the missing override rows; returns how many were created."""
    ensure_divisions()
    created = 0
    for code, key, value, note in OVERRIDES:
        province = Division.objects.get(code=code)
        if PolicyValue.objects.filter(
            key=key,
            scope=PolicyScope.PROVINCE,
            province=province,
            effective_from=EFFECTIVE_FROM,
        ).exists():
            continue
        policy_value_set(
            actor=Actor.system(),
            key=key,
            value=value,
            scope=PolicyScope.PROVINCE,
            province=province,
            effective_from=EFFECTIVE_FROM,
            note=note,
        )
        created += 1
    return created


class Command(BaseCommand):
    help = "Create the Hubei (R43) and Shanxi (R32) policy overrides; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_policy_profiles()
        self.stdout.write(f"policy overrides created: {created}")
