"""Demo onboarding: a few pending invitations and claim codes (their secrets are not kept)."""

from __future__ import annotations

from collections.abc import Callable


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    return {}
