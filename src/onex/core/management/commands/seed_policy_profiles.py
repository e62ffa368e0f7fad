"""Create the shipped province overrides of the policy profile (idempotent).

A fresh ``migrate`` already has them (migration core 0007); this command restores them in a
database built another way (``--nomigrations`` test databases, a restored old dump).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onex.core.policy import seed_policy_profiles

__all__ = ["Command", "seed_policy_profiles"]


class Command(BaseCommand):
    help = "Create the Hubei (R43) and Shanxi (R32) policy overrides; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_policy_profiles()
        self.stdout.write(f"policy overrides created: {created}")
