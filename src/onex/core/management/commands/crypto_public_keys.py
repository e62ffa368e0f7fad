"""Print every verification key (Ed25519 and SM2) as PEM, current signers first.

Before a retired data key leaves ``ONEX_DATA_KEYS_OLD`` for good, put the public keys derived
from it into ``ONEX_SIGNING_KEYS_OLD`` so what they signed keeps verifying.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onex.core import crypto


class Command(BaseCommand):
    help = "Print the public signing keys (Ed25519, SM2) as PEM with their key ids."

    def handle(self, *args: Any, **options: Any) -> None:
        for algorithm in ("Ed25519", "SM2"):
            for key in crypto.public_keys(algorithm=algorithm):
                state = "current" if key.current else "verify only"
                self.stdout.write(f"# {algorithm} key id {key.key_id} ({state})")
                self.stdout.write(key.pem())
